import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lvdb-cli-import-'));
const dataDir = join(dir, 'data');

describe('liveviewdb import', () => {
  it('creates a table from a CSV file and reports the rows imported', async () => {
    const file = join(dir, 'sales.csv');
    writeFileSync(file, 'id,region,amount\n1,north,2.5\n2,"so, uth",\n3,east,4\n');
    const r = await cli(['import', file, '--table', 'sales', '--create', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE TABLE sales (id int8, region text, amount float8)');
    expect(r.stdout).toMatch(/IMPORT 3 into sales/);
  });

  // --create infers from the first 1000 rows, so the bad rows come after them.
  const goodRows = Array.from({ length: 1000 }, (_x, i) => `{"id":${i}}`).join('\n');

  it('fails with the line number and exit code 1 when a row is bad', async () => {
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, `${goodRows}\n{"id":"two"}\n`);
    const r = await cli(['import', file, '--table', 't', '--create', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERROR:  line 1001: column "id": invalid input syntax for type bigint: "two"');
    expect(r.stdout).not.toContain('IMPORT');
  });

  it('skips bad rows with --skip-errors and lists them on stderr', async () => {
    const file = join(dir, 'skip.txt');
    const lines = Array.from({ length: 1000 }, (_x, i) => `${i};a`);
    writeFileSync(file, [...lines, 'x;b', '3;"c"'].join('\r\n'));
    const r = await cli([
      'import',
      file,
      '--table',
      't',
      '--create',
      '--no-header',
      '--delimiter',
      ';',
      '--skip-errors',
      '1',
      '--data-dir',
      dataDir,
      '--format',
      'csv',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'skipped line 1001: column "column1": invalid input syntax for type bigint: "x"',
    );
    expect(r.stdout).toContain('CREATE TABLE t (column1 int8, column2 text)');
    expect(r.stdout).toMatch(/IMPORT 1001 \(1 skipped\) into t/);
  });

  it('imports a Parquet file', async () => {
    const r = await cli([
      'import',
      'test/fixtures/items.parquet',
      '--table',
      'items',
      '--create',
      '--data-dir',
      dataDir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IMPORT 5 into items/);
  });

  it('rejects a missing --table and an unknown format', async () => {
    expect((await cli(['import', 'x.csv'])).stderr).toContain('--table is required');
    const r = await cli(['import', 'x.csv', '--table', 't', '--format', 'xml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid --format: xml');
  });
});
