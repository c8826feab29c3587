import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlState } from '../src/errors.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('SQLSTATE documentation', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const documented = new Set([...doc.matchAll(/^\| ([0-9A-Z]{5}) \|/gm)].map((m) => m[1]));

  it('documents every code in the SqlState table', () => {
    const missing = Object.values(SqlState).filter((c) => !documented.has(c));
    expect(missing).toEqual([]);
  });

  it('documents every literal SQLSTATE code used in the source', () => {
    const used = new Set<string>();
    for (const f of sourceFiles('src')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/new DatabaseError\(\s*'([0-9A-Z]{5})'/g)) used.add(m[1]!);
    }
    expect([...used].filter((c) => !documented.has(c))).toEqual([]);
  });
});
