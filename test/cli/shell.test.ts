import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lvdb-cli-sql-'));

describe('liveviewdb sql -f', () => {
  it('runs every statement of a script and prints each result', async () => {
    const file = join(dir, 'ok.sql');
    writeFileSync(
      file,
      "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (2);\n-- a; comment\nSELECT sum(a) AS s, ';' AS v FROM t;\n",
    );
    const r = await cli(['sql', '-f', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE TABLE\nINSERT 0 2\n');
    expect(r.stdout).toMatch(/ s \| v\s*\n.*\n 3 \| ;/);
  });

  it('stops at the first error with exit code 1', async () => {
    const file = join(dir, 'bad.sql');
    writeFileSync(file, 'SELECT 1 AS first;\nSELECT nope;\nSELECT 3 AS never;\n');
    const r = await cli(['sql', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('first');
    expect(r.stdout).not.toContain('never');
    expect(r.stderr).toContain('ERROR:  column "nope" does not exist');
  });
});
