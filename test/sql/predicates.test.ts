import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows } = withDb(
  [
    `CREATE TABLE t (id int, x int, s text)`,
    `INSERT INTO t VALUES (1, 1, 'a'), (2, 5, 'b'), (3, NULL, NULL), (4, 10, 'c')`,
  ],
  'file',
);

const col = async (sql: string): Promise<unknown[]> => (await rows(sql)).map((r) => r[0]);

describe('IN lists', () => {
  it('matches constants and columns', async () => {
    expect(await col('SELECT 1 IN (2, 3)')).toEqual([false]);
    expect(await col('SELECT 3 IN (2, 3)')).toEqual([true]);
    expect(await col('SELECT id FROM t WHERE x IN (1, 10) ORDER BY id')).toEqual([1, 4]);
    expect(await col("SELECT id FROM t WHERE s NOT IN ('a', 'c') ORDER BY id")).toEqual([2]);
  });

  it('follows three-valued logic with NULL members', async () => {
    expect(await col('SELECT 1 IN (2, NULL)')).toEqual([null]);
    expect(await col('SELECT 1 IN (1, NULL)')).toEqual([true]);
    expect(await col('SELECT 1 NOT IN (2, NULL)')).toEqual([null]);
    expect(await col('SELECT NULL::int IN (1)')).toEqual([null]);
  });

  it('finds the common type of the operands', async () => {
    expect(await col('SELECT 1 IN (1.0, 2.5)')).toEqual([true]);
    expect(await col('SELECT 2.5 IN (1, 2.5)')).toEqual([true]);
  });
});

describe('BETWEEN', () => {
  it('is inclusive and NULL-aware', async () => {
    expect(await col('SELECT id FROM t WHERE x BETWEEN 1 AND 5 ORDER BY id')).toEqual([1, 2]);
    expect(await col('SELECT id FROM t WHERE x NOT BETWEEN 1 AND 5 ORDER BY id')).toEqual([4]);
    expect(await col('SELECT 3 BETWEEN NULL AND 5')).toEqual([null]);
  });

  it('SYMMETRIC accepts bounds in either order', async () => {
    expect(await col('SELECT 3 BETWEEN 5 AND 1')).toEqual([false]);
    expect(await col('SELECT 3 BETWEEN SYMMETRIC 5 AND 1')).toEqual([true]);
    expect(await col('SELECT 7 NOT BETWEEN SYMMETRIC 5 AND 1')).toEqual([true]);
  });
});

describe('range filters on scanned columns', () => {
  it('merge bounds per column, keep boundaries exact and drop NULLs', async () => {
    await db().exec(`CREATE TABLE ts_r (t timestamp, d date, n int)`);
    await db().exec(`INSERT INTO ts_r VALUES
      ('2025-01-01 00:00', '2025-01-01', 1), ('2025-01-02 00:00', '2025-01-02', 2),
      ('2025-01-03 00:00', NULL, NULL), (NULL, '2025-01-04', 4),
      ('infinity', 'infinity', 5), ('-infinity', '-infinity', 6)`);
    const q = async (w: string) => col(`SELECT n FROM ts_r WHERE ${w} ORDER BY n NULLS LAST`);
    expect(await q(`t >= '2025-01-01' AND t < '2025-01-03'`)).toEqual([1, 2]);
    expect(await q(`t > '2025-01-01' AND t <= '2025-01-03'`)).toEqual([2, null]);
    expect(await q(`t = '2025-01-02'`)).toEqual([2]);
    expect(await q(`t >= '2025-01-02' AND t >= '2025-01-03' AND t < 'infinity'`)).toEqual([null]);
    expect(await q(`t > '2030-01-01'`)).toEqual([5]);
    expect(await q(`t < '1900-01-01'`)).toEqual([6]);
    expect(await q(`d <= '2025-01-02' AND n > 1`)).toEqual([2, 6]);
    expect(await q(`n > 1 AND n < 1`)).toEqual([]);
  });
});
