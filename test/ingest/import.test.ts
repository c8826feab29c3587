import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { csvSource } from '../../src/ingest/csv.js';
import { importRows } from '../../src/ingest/import.js';
import { ndjsonSource } from '../../src/ingest/ndjson.js';
import { parquetSource } from '../../src/ingest/parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'lvdb-import-'));
let n = 0;
function file(text: string, ext = 'csv'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}
async function rows(db: Database, sql: string): Promise<unknown[][]> {
  return (await db.query(sql, [], { rowMode: 'array' })).rows;
}

describe('importRows', () => {
  it('converts CSV text with the table column types, NULL for unquoted empty fields', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id int, name text, amount numeric(8,2), at timestamp, ok boolean)');
    const src = csvSource(file('id,name,amount,at,ok\n1,"a, ""b""",1.50,2025-01-02 03:04:05,t\n2,"",,,\n'));
    const report = await importRows(db, src, { table: 't' });
    expect(report.rows).toBe(2);
    expect(
      await rows(
        db,
        "SELECT id, name, amount::text, to_char(at, 'YYYY-MM-DD HH24:MI:SS'), ok FROM t ORDER BY id",
      ),
    ).toEqual([
      [1, 'a, "b"', '1.50', '2025-01-02 03:04:05', true],
      [2, '', null, null, null],
    ]);
  });

  it('matches header names to columns in any order and leaves missing columns NULL', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (a int, b text, c int)');
    await importRows(db, csvSource(file('c,a\n3,1\n')), { table: 't' });
    expect(await rows(db, 'SELECT a, b, c FROM t')).toEqual([[1, null, 3]]);
  });

  it('fills columns in table order without a header', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (a int, b text)');
    await importRows(db, csvSource(file('1|x\n2|y\n'), { header: false, delimiter: '|' }), { table: 't' });
    expect(await rows(db, 'SELECT a, b FROM t ORDER BY a')).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('fails whole on a bad row, naming its line and column, and imports nothing', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (id int, v float8)');
    const lines = ['id,v', ...Array.from({ length: 50 }, (_x, i) => `${i},${i}.5`), '51,"not\na number"'];
    const src = csvSource(file(lines.join('\n') + '\n'));
    await expect(importRows(db, src, { table: 't', batchRows: 10 })).rejects.toThrow(
      'line 52: column "v": invalid input syntax for type double precision: "not\na number"',
    );
    expect(await rows(db, 'SELECT count(*) FROM t')).toEqual([[0n]]);
  });

  it('fails on too many or too few fields and on NULL in a NOT NULL column', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (a int NOT NULL, b int)');
    await expect(importRows(db, csvSource(file('a,b\n1,2,3\n')), { table: 't' })).rejects.toThrow(
      'line 2: extra data after last expected column',
    );
    await expect(importRows(db, csvSource(file('a,b\n1\n')), { table: 't' })).rejects.toThrow(
      'line 2: missing data for column "b"',
    );
    await expect(importRows(db, csvSource(file('a,b\n,2\n')), { table: 't' })).rejects.toThrow(
      'line 2: null value in column "a" violates not-null constraint',
    );
  });

  it('skips up to skipErrors bad rows and fails past them', async () => {
    const db = await open();
    await db.exec('CREATE TABLE t (a int)');
    const skipped: string[] = [];
    const text = 'a\n1\nx\n3\ny\n';
    const report = await importRows(db, csvSource(file(text)), {
      table: 't',
      skipErrors: 2,
      onSkip: (e) => skipped.push(e.message),
    });
    expect(report).toMatchObject({ rows: 2, skipped: 2 });
    expect(skipped).toEqual([
      'line 3: column "a": invalid input syntax for type integer: "x"',
      'line 5: column "a": invalid input syntax for type integer: "y"',
    ]);
    await expect(importRows(db, csvSource(file(text)), { table: 't', skipErrors: 1 })).rejects.toThrow(
      'line 5',
    );
    expect(await rows(db, 'SELECT count(*) FROM t')).toEqual([[2n]]);
  });

  it('creates the table with types inferred from a sample, and drops it again on failure', async () => {
    const db = await open();
    const report = await importRows(
      db,
      csvSource(file('id,price,flag,day,label\n1,2.5,true,2025-01-01,x\n2,3,false,2025-01-02 10:00,\n')),
      { table: 'c', create: true },
    );
    expect(report.columns).toEqual([
      { name: 'id', type: 'int8' },
      { name: 'price', type: 'float8' },
      { name: 'flag', type: 'bool' },
      { name: 'day', type: 'timestamp' },
      { name: 'label', type: 'text' },
    ]);
    expect(await rows(db, 'SELECT id, price, flag, label FROM c ORDER BY id')).toEqual([
      [1n, 2.5, true, 'x'],
      [2n, 3, false, null],
    ]);
    const bad = csvSource(file('id\n1\n2\nthree\n'));
    await expect(importRows(db, bad, { table: 'd', create: true, sampleRows: 2 })).rejects.toThrow('line 4');
    await expect(db.query('SELECT * FROM d')).rejects.toThrow('relation "d" does not exist');
  });

  it('imports NDJSON objects by key, JSON values into json and text columns', async () => {
    const db = await open();
    await db.exec('CREATE TABLE e (id bigint, v float8, tags jsonb, note text)');
    const src = ndjsonSource(
      file('{"id":1,"v":2,"tags":["a"]}\n{"id":2,"note":"n","tags":{"k":1}}\n', 'ndjson'),
    );
    await importRows(db, src, { table: 'e' });
    expect(await rows(db, 'SELECT id, v, tags::text, note FROM e ORDER BY id')).toEqual([
      [1n, 2, '["a"]', null],
      [2n, null, '{"k": 1}', 'n'],
    ]);
    const unknown = ndjsonSource(file('{"id":1,"zzz":2}\n', 'ndjson'));
    await expect(importRows(db, unknown, { table: 'e' })).rejects.toThrow(
      'line 1: column "zzz" does not exist',
    );
  });

  it('waits for a transaction altering the table, then imports into the table as committed', async () => {
    const db = await open();
    const a = db.session();
    await a.execute('CREATE TABLE t (a int, b text)');
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN c int');
    let done = false;
    const imported = importRows(db, csvSource(file('a,b\n1,x\n2,y\n')), { table: 't' }).finally(
      () => (done = true),
    );
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    await a.execute('COMMIT');
    expect((await imported).rows).toBe(2);
    expect(await rows(db, 'SELECT a, b, c FROM t ORDER BY a')).toEqual([
      [1, 'x', null],
      [2, 'y', null],
    ]);
  });

  it('imports a Parquet file with the types its schema declares', async () => {
    const db = await open();
    const report = await importRows(db, parquetSource('test/fixtures/items.parquet'), {
      table: 'items',
      create: true,
    });
    expect(report.rows).toBe(5);
    expect(report.columns.map((c) => c.type)).toEqual(['int8', 'float8', 'bool', 'timestamp', 'text']);
    expect(
      await rows(
        db,
        "SELECT id, amount, even, to_char(ts, 'YYYY-MM-DD HH24:MI'), name FROM items WHERE id <= 3 ORDER BY id",
      ),
    ).toEqual([
      [1n, 1.5, false, '2025-01-01 01:00', 'item1'],
      [2n, 3, true, '2025-01-01 02:00', 'item2'],
      [3n, 4.5, false, '2025-01-01 03:00', null],
    ]);
  });
});
