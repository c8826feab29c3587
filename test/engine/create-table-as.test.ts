import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows, code } = withDb([
  `CREATE TABLE t (id int, k text, v double precision)`,
  `INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', 30)`,
]);

async function columns(table: string): Promise<string[]> {
  const r = await db().query(`SELECT * FROM ${table}`);
  return r.columns.map((c) => `${c.name} ${c.type.id}`);
}

describe('CREATE TABLE AS', () => {
  it('takes column names and types from the query and reports the rows as SELECT n', async () => {
    const r = await db().exec(`CREATE TABLE s AS SELECT k, sum(v) AS total, count(*) FROM t GROUP BY k`);
    expect(r).toMatchObject({ command: 'SELECT', rowCount: 2 });
    expect(await columns('s')).toEqual(['k text', 'total float8', 'count int8']);
    expect(await rows('SELECT * FROM s ORDER BY k')).toEqual([
      ['a', 40, 2n],
      ['b', 20, 1n],
    ]);
  });

  it('renames columns from the column list and makes untyped literals text', async () => {
    await db().exec(`CREATE TABLE s (a, b) AS SELECT id, 'lit', v FROM t WHERE id = 1`);
    expect(await columns('s')).toEqual(['a int4', 'b text', 'v float8']);
    expect(await rows('SELECT * FROM s')).toEqual([[1, 'lit', 10]]);
  });

  it('creates an empty table WITH NO DATA', async () => {
    const r = await db().exec(`CREATE TABLE s AS SELECT id, k FROM t WITH NO DATA`);
    expect(r).toMatchObject({ command: 'CREATE TABLE AS', rowCount: 0 });
    expect(await columns('s')).toEqual(['id int4', 'k text']);
    expect(await rows('SELECT count(*) FROM s')).toEqual([[0n]]);
  });

  it('fails with 42P07 when the table exists, and does nothing with IF NOT EXISTS', async () => {
    expect(await code(`CREATE TABLE t AS SELECT 1 AS x`)).toBe('42P07');
    const r = await db().exec(`CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x`);
    expect(r).toMatchObject({ command: 'CREATE TABLE AS', rowCount: 0 });
    expect(await rows('SELECT count(*) FROM t')).toEqual([[3n]]);
  });

  it('creates nothing when the query fails', async () => {
    expect(await code(`CREATE TABLE s AS SELECT 1 / (id - 2) FROM t`)).toBe('22012');
    expect(await code(`SELECT * FROM s`)).toBe('42P01');
  });

  it('rejects duplicate column names and too many names', async () => {
    expect(await code(`CREATE TABLE s AS SELECT id, id FROM t`)).toBe('42701');
    expect(await code(`CREATE TABLE s (a, b, c) AS SELECT id, k FROM t`)).toBe('42601');
  });

  it('rolls back with its transaction', async () => {
    await db().exec(`BEGIN; CREATE TABLE s AS SELECT * FROM t; ROLLBACK`);
    expect(await code(`SELECT * FROM s`)).toBe('42P01');
  });

  it('keeps a copy that later changes to the source do not affect', async () => {
    await db().exec(`CREATE TABLE s AS TABLE t; DELETE FROM t`);
    expect(await rows('SELECT count(*) FROM s')).toEqual([[3n]]);
  });
});

describe('SELECT INTO', () => {
  it('creates a table from the query', async () => {
    const r = await db().exec(`SELECT id, v * 2 AS dbl INTO s FROM t WHERE k = 'a'`);
    expect(r).toMatchObject({ command: 'SELECT', rowCount: 2 });
    expect(await columns('s')).toEqual(['id int4', 'dbl float8']);
    expect(await rows('SELECT * FROM s ORDER BY id')).toEqual([
      [1, 20],
      [3, 60],
    ]);
  });

  it('fails with 42P07 when the table exists', async () => {
    expect(await code(`SELECT 1 AS x INTO t`)).toBe('42P07');
  });

  it('is seen by a prepared statement that reads the new table', async () => {
    await db().exec(`SELECT id INTO s FROM t`);
    const p = await db().prepare('SELECT count(*) FROM s');
    expect((await p.execute()).rows).toEqual([[3n]]);
  });
});
