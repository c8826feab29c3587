import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjsonSource } from '../../src/ingest/ndjson.js';
import type { SourceRow } from '../../src/ingest/source.js';

async function rows(text: string): Promise<SourceRow[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'lvdb-ndjson-')), 'x.ndjson');
  writeFileSync(file, text);
  const out: SourceRow[] = [];
  for await (const b of ndjsonSource(file).batches()) out.push(...b);
  return out;
}

describe('ndjsonSource', () => {
  it('reads one object per line, skipping blank lines, with CRLF or LF and no final newline', async () => {
    expect(await rows('{"a":1}\r\n\n{"a":2,"b":"x"}')).toEqual([
      { line: 1, values: { a: 1 } },
      { line: 3, values: { a: 2, b: 'x' } },
    ]);
  });

  it('fails on invalid JSON or a non-object with the line number', async () => {
    await expect(rows('{"a":1}\n{"a":\n')).rejects.toThrow(/^line 2: invalid JSON/);
    await expect(rows('{"a":1}\n[1,2]\n')).rejects.toThrow('line 2: each line must be a JSON object');
  });

  it('counts the bytes it has read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lvdb-ndjson-')), 'x.ndjson');
    writeFileSync(file, '{"a":"é"}\n');
    const src = ndjsonSource(file);
    for await (const _b of src.batches());
    expect(src.progress).toEqual({ done: 11, total: 11, unit: 'bytes' });
  });
});
