import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DatabaseError, open, type Database } from '../../src/index.js';
import { SelectBinder } from '../../src/sql/binder/select-binder.js';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec(`CREATE TABLE t (id int NOT NULL, k text, v double precision)`);
  await db.exec(`INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', NULL)`);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.close();
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof DatabaseError)) throw new Error(`expected a DatabaseError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('Database.prepare', () => {
  it('infers parameter types from context and describes the result columns', async () => {
    const stmt = await db.prepare('SELECT id, k FROM t WHERE k = $1 AND v > $2 ORDER BY id');
    expect(stmt.paramTypes.map((t) => t.id)).toEqual(['text', 'float8']);
    expect(stmt.columns.map((c) => [c.name, c.type.id])).toEqual([
      ['id', 'int4'],
      ['k', 'text'],
    ]);
    expect((await stmt.query(['a', 5])).rows).toEqual([{ id: 1, k: 'a' }]);
    expect((await stmt.query(['b', 5], { rowMode: 'array' })).rows).toEqual([[2, 'b']]);
  });

  it('types a parameter that stands alone as an output column as text, as PostgreSQL does', async () => {
    const stmt = await db.prepare('SELECT $1 AS x, $1 || $2 AS y');
    expect(stmt.paramTypes.map((t) => t.id)).toEqual(['text', 'text']);
    expect((await stmt.query([12, 'b'])).rows).toEqual([{ x: '12', y: '12b' }]);
  });

  it('takes declared parameter types over inference', async () => {
    const stmt = await db.prepare('SELECT $1 + 1 AS x', { paramTypes: ['bigint'] });
    expect(stmt.paramTypes).toEqual([{ id: 'int8' }]);
    expect((await stmt.query([41])).rows).toEqual([{ x: 42n }]);
  });

  it('sees the same parameter typed where it is used after its first mention', async () => {
    const stmt = await db.prepare('SELECT $1 AS p, k FROM t WHERE id = $1');
    expect(stmt.paramTypes.map((t) => t.id)).toEqual(['int4']);
    expect(stmt.columns.map((c) => c.type.id)).toEqual(['int4', 'text']);
    expect((await stmt.query(['2'])).rows).toEqual([{ p: 2, k: 'b' }]);
  });

  it('fails with 42P18 when nothing determines a parameter type', async () => {
    expect(await failure(db.prepare('SELECT 1 WHERE $1 IS NULL'))).toEqual({
      code: '42P18',
      message: 'could not determine data type of parameter $1',
    });
    expect((await failure(db.prepare('SELECT $2::int'))).code).toBe('42P18');
  });

  it('fails with 08P01 when the number of parameters does not match', async () => {
    const stmt = await db.prepare('SELECT k FROM t WHERE id = $1');
    expect(await failure(stmt.query([]))).toEqual({
      code: '08P01',
      message: 'bind message supplies 0 parameters, but prepared statement "" requires 1',
    });
    expect((await failure(stmt.query([1, 2]))).code).toBe('08P01');
  });

  it('fails with 22P02 on a value the parameter type cannot read', async () => {
    const stmt = await db.prepare('SELECT k FROM t WHERE id = $1');
    expect(await failure(stmt.query(['x1']))).toEqual({
      code: '22P02',
      message: 'invalid input syntax for type integer: "x1"',
    });
    expect((await failure(stmt.query([1.5]))).code).toBe('22P02');
  });

  it('rejects more than one statement with 42601', async () => {
    expect((await failure(db.prepare('SELECT 1; SELECT 2'))).code).toBe('42601');
  });

  it('binds a query once and reuses the plan while the catalog is unchanged', async () => {
    const stmt = await db.prepare('SELECT count(*) AS n FROM t WHERE id >= $1');
    const bind = vi.spyOn(SelectBinder.prototype, 'bindSelect');
    expect((await stmt.query([1])).rows).toEqual([{ n: 3n }]);
    await db.query('INSERT INTO t VALUES (4, $1, 1)', ['c']);
    const before = bind.mock.calls.length;
    expect((await stmt.query([2])).rows).toEqual([{ n: 3n }]);
    expect((await stmt.query([4])).rows).toEqual([{ n: 1n }]);
    expect(bind.mock.calls.length).toBe(before);
  });

  it('binds again after DDL, so a re-created table is read', async () => {
    const stmt = await db.prepare('SELECT k FROM t WHERE id = $1');
    await db.exec(`DROP TABLE t; CREATE TABLE t (id int, k text); INSERT INTO t VALUES (1, 'new')`);
    expect((await stmt.query([1])).rows).toEqual([{ k: 'new' }]);
    await db.exec('DROP TABLE t');
    expect((await failure(stmt.query([1]))).code).toBe('42P01');
  });

  it('fails with 0A000 when DDL changes the result columns', async () => {
    const stmt = await db.prepare('SELECT * FROM t');
    await db.exec('ALTER TABLE t ADD COLUMN extra int');
    expect(await failure(stmt.query([]))).toEqual({
      code: '0A000',
      message: 'cached plan must not change result type',
    });
  });

  it('binds again when search_path points elsewhere', async () => {
    await db.exec(
      `CREATE SCHEMA other; CREATE TABLE other.t (id int, k text); INSERT INTO other.t VALUES (1, 'other')`,
    );
    const stmt = await db.prepare('SELECT k FROM t WHERE id = $1');
    expect((await stmt.query([1])).rows).toEqual([{ k: 'a' }]);
    await db.exec('SET search_path = other');
    expect((await stmt.query([1])).rows).toEqual([{ k: 'other' }]);
  });

  it('keeps a plan bound inside a rolled-back transaction from outliving its table', async () => {
    await db.exec('BEGIN; CREATE TABLE tmp (x int)');
    const stmt = await db.prepare('SELECT x FROM tmp');
    await db.exec('ROLLBACK');
    expect((await failure(stmt.query([]))).code).toBe('42P01');
  });

  it('runs INSERT, UPDATE and DELETE with parameters typed by their columns', async () => {
    const ins = await db.prepare('INSERT INTO t (id, k) VALUES ($1, $2) RETURNING id, k');
    expect(ins.paramTypes.map((t) => t.id)).toEqual(['int4', 'text']);
    expect(ins.columns.map((c) => c.name)).toEqual(['id', 'k']);
    expect((await ins.query(['5', 'e'])).rows).toEqual([{ id: 5, k: 'e' }]);

    const upd = await db.prepare('UPDATE t SET v = $1 WHERE k = $2');
    expect(upd.paramTypes.map((t) => t.id)).toEqual(['float8', 'text']);
    expect(await upd.exec([0.5, 'a'])).toEqual({ command: 'UPDATE', rowCount: 2 });

    const del = await db.prepare('DELETE FROM t WHERE v < $1');
    expect(await del.exec([1])).toEqual({ command: 'DELETE', rowCount: 2 });
    expect((await db.query('SELECT id FROM t ORDER BY id', [], { rowMode: 'array' })).rows).toEqual([
      [2],
      [5],
    ]);
  });

  it('runs inside the default session transaction, so ROLLBACK undoes it', async () => {
    const ins = await db.prepare('INSERT INTO t (id) VALUES ($1)');
    await db.exec('BEGIN');
    await ins.exec([9]);
    await db.exec('ROLLBACK');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 3n }]);
  });

  it('accepts a Date for timestamp parameters and bigint for bigint ones', async () => {
    const stmt = await db.prepare('SELECT $1::timestamptz AS ts, $2::bigint + 1 AS b');
    const { rows } = await stmt.query([new Date(Date.UTC(2026, 0, 5)), 2n ** 62n]);
    expect(rows).toEqual([{ ts: Date.UTC(2026, 0, 5) * 1000, b: 2n ** 62n + 1n }]);
  });

  it('returns columns in rowMode columns', async () => {
    const stmt = await db.prepare('SELECT id FROM t WHERE k = $1 ORDER BY id');
    const { columns } = await stmt.query(['a'], { rowMode: 'columns' });
    expect(columns[0]!.values).toEqual(new Int32Array([1, 3]));
  });

  it('fails with 26000 after close and 55000 once the database is closed', async () => {
    const a = await db.prepare('SELECT 1');
    await a.close();
    expect((await failure(a.query([]))).code).toBe('26000');
    const b = await db.prepare('SELECT 1');
    await db.close();
    expect((await failure(b.query([]))).code).toBe('55000');
  });
});

describe('Database.query parameters', () => {
  it('fails with 08P01 when the statement references more or fewer parameters than given', async () => {
    expect(await failure(db.query('SELECT $2::int', [1]))).toEqual({
      code: '08P01',
      message: 'bind message supplies 1 parameters, but prepared statement "" requires 2',
    });
    expect((await failure(db.query('SELECT 1', [1]))).code).toBe('08P01');
  });

  it('fails with 42P02 when a statement without parameters references one', async () => {
    expect(await failure(db.exec('SELECT 1 + $1'))).toEqual({
      code: '42P02',
      message: 'there is no parameter $1',
    });
  });

  it('fails with 42601 when parameters come with more than one statement', async () => {
    expect((await failure(db.query('SELECT $1::int; SELECT 2', [1]))).code).toBe('42601');
  });
});
