import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db } = withDb(['CREATE TABLE m (id int NOT NULL, name text, v double precision, n bigint)']);

describe('columnar append', () => {
  it('appends column arrays and makes them queryable, across chunk boundaries', async () => {
    const n = 70_000;
    const id = Array.from({ length: n }, (_x, i) => i);
    const name = id.map((i) => (i % 2 === 0 ? 'even' : 'odd'));
    expect(await db().append('m', { id, name, v: new Float64Array(n).fill(0.5) })).toBe(n);
    const r = await db().query(
      'SELECT name, count(*), sum(v), count(n) FROM m GROUP BY name ORDER BY name',
      [],
      { rowMode: 'array' },
    );
    expect(r.rows).toEqual([
      ['even', 35_000n, 17_500, 0n],
      ['odd', 35_000n, 17_500, 0n],
    ]);
  });

  it('rejects a batch with a bad value whole, leaving the table unchanged', async () => {
    await expect(db().append('m', { id: [1, 2, 3], n: [1n, 'x' as never, 3n] })).rejects.toMatchObject({
      code: '42804',
    });
    await expect(db().append('m', { id: [1, null] })).rejects.toMatchObject({ code: '23502' });
    await expect(db().append('m', { id: [1, 2], name: ['a'] })).rejects.toMatchObject({ code: '22023' });
    await expect(db().append('nope', { id: [1] })).rejects.toMatchObject({ code: '42P01' });
    expect((await db().query('SELECT count(*) AS c FROM m')).rows).toEqual([{ c: 0n }]);
  });

  it('keeps rows appended inside a transaction private until COMMIT', async () => {
    const s = db().session();
    await s.execute('BEGIN');
    s.append('m', { id: [7] });
    expect((await db().query('SELECT count(*) AS c FROM m')).rows).toEqual([{ c: 0n }]);
    await s.execute('COMMIT');
    expect((await db().query('SELECT count(*) AS c FROM m')).rows).toEqual([{ c: 1n }]);
  });

  it('undoes a transaction column batch on ROLLBACK and ROLLBACK TO SAVEPOINT', async () => {
    const s = db().session();
    await s.execute('BEGIN');
    s.append('m', {
      id: Int32Array.from({ length: 70_000 }, (_x, i) => i),
      name: ['x'].concat(new Array(69_999).fill(null)),
    });
    await s.execute('SAVEPOINT a');
    s.append('m', { id: [1, 2, 3] });
    expect((await s.execute('SELECT count(*) AS c, max(id) AS m FROM m'))[0]!.rows).toEqual([
      [70_003n, 69_999],
    ]);
    await s.execute('ROLLBACK TO SAVEPOINT a');
    expect((await s.execute('SELECT count(*) FROM m'))[0]!.rows).toEqual([[70_000n]]);
    await s.execute('ROLLBACK');
    expect((await db().query('SELECT count(*) AS c FROM m')).rows).toEqual([{ c: 0n }]);
  });

  it('copies typed columns whole, keeping NULLs, NaN and the zone maps scans prune by', async () => {
    const q = async (sql: string) => (await db().query(sql, [], { rowMode: 'array' })).rows;
    // One typed copy (autocommit): the chunk's zone map comes from it alone.
    await db().exec('CREATE TABLE z1 (v double precision); CREATE TABLE z2 (id int, v double precision)');
    await db().append('z1', { v: Float64Array.from([1, NaN, -5, 3]) });
    expect(
      await q("SELECT count(*) FILTER (WHERE v > 2), count(*) FILTER (WHERE v = 'NaN') FROM z1"),
    ).toEqual([[2n, 1n]]);
    expect(await q("SELECT count(*) FROM z1 WHERE v = 'NaN'")).toEqual([[1n]]);
    expect(await q('SELECT count(*) FROM z1 WHERE v > 2')).toEqual([[2n]]);
    expect(await q('SELECT count(*) FROM z1 WHERE v < -4')).toEqual([[1n]]);
    await db().exec('CREATE TABLE z3 (v double precision)');
    await db().append('z3', { v: Float64Array.from([NaN, 4]) });
    expect(await q('SELECT count(*) FROM z3 WHERE v < 5')).toEqual([[1n]]);
    // Copied again from the transaction's chunk into the table's at COMMIT, NULLs among them.
    const s = db().session();
    await s.execute('BEGIN');
    s.append('z2', { id: Int32Array.from([5, 6, 7]), v: [10, null, -0] });
    s.append('z2', { id: Int32Array.from([8]), v: Float64Array.from([-Infinity]) });
    await s.execute('COMMIT');
    expect(await q('SELECT id FROM z2 WHERE v > 2')).toEqual([[5]]);
    expect(await q('SELECT id FROM z2 WHERE v < -1')).toEqual([[8]]);
    expect(await q('SELECT id FROM z2 WHERE v IS NULL')).toEqual([[6]]);
    expect(await q('SELECT min(v), max(v), min(id), max(id) FROM z2')).toEqual([[-Infinity, 10, 5, 8]]);
    // A float array for an int column is still checked value by value.
    await expect(db().append('z2', { id: Float64Array.from([1, 2.5]) })).rejects.toMatchObject({
      code: '42804',
    });
    expect(await q('SELECT count(*) FROM z2')).toEqual([[4n]]);
  });
});
