import { describe, expect, it } from 'vitest';
import type { DatabaseError } from '../../src/index.js';
import { withDb } from '../helpers/db.js';

const { db, rows, code } = withDb([
  `CREATE TABLE t (id int NOT NULL, k text, v double precision DEFAULT 1.5)`,
  `INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', NULL), (4, NULL, 40)`,
]);

describe('SELECT', () => {
  it('filters, groups and orders', async () => {
    expect(await rows('SELECT k, count(*), sum(v) FROM t GROUP BY k ORDER BY k NULLS FIRST')).toEqual([
      [null, 1n, 40],
      ['a', 2n, 10],
      ['b', 1n, 20],
    ]);
  });

  it('joins with USING and keeps left rows without a match', async () => {
    await db().exec(`CREATE TABLE d (k text, name text); INSERT INTO d VALUES ('a', 'Alpha')`);
    expect(await rows('SELECT id, name FROM t LEFT JOIN d USING (k) ORDER BY id')).toEqual([
      [1, 'Alpha'],
      [2, null],
      [3, 'Alpha'],
      [4, null],
    ]);
  });

  it('evaluates correlated subqueries per row', async () => {
    expect(
      await rows(
        'SELECT id FROM t AS x WHERE v > (SELECT avg(v) FROM t WHERE k = x.k OR x.k IS NULL) ORDER BY id',
      ),
    ).toEqual([[4]]);
  });

  it('binds $n parameters', async () => {
    expect(await rows('SELECT id FROM t WHERE id > $1 AND k = $2', [1, 'a'])).toEqual([[3]]);
  });

  it('uses integer division and reports division by zero as 22012', async () => {
    expect(await rows('SELECT 7 / 2, -7 / 2, 7 % 3')).toEqual([[3, -3, 1]]);
    expect(await code('SELECT 1 / 0')).toBe('22012');
  });

  it('runs recursive CTEs and set operations', async () => {
    expect(
      await rows(
        'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT sum(n) FROM r',
      ),
    ).toEqual([[10n]]);
    expect(await rows('SELECT 1 UNION SELECT 1 UNION ALL SELECT 2 ORDER BY 1')).toEqual([[1], [2]]);
  });
});

describe('writes and transactions', () => {
  it('makes a failing multi-row INSERT insert nothing', async () => {
    expect(await code(`INSERT INTO t VALUES (5, 'c', 1), (NULL, 'd', 2)`)).toBe('23502');
    expect(await rows('SELECT count(*) FROM t')).toEqual([[4n]]);
  });

  it('fills DEFAULT values and returns rows with RETURNING', async () => {
    expect(await rows(`INSERT INTO t (id, k) VALUES (9, 'z') RETURNING id, v`)).toEqual([[9, 1.5]]);
  });

  it('updates and deletes with WHERE', async () => {
    await db().exec(`UPDATE t SET v = v * 2 WHERE k = 'a'`);
    await db().exec(`DELETE FROM t WHERE id = 2`);
    expect(await rows('SELECT id, v FROM t ORDER BY id')).toEqual([
      [1, 20],
      [3, null],
      [4, 40],
    ]);
  });

  it('leaves no trace after ROLLBACK and hides uncommitted rows from other sessions', async () => {
    const other = db().session();
    const s = db().session();
    await s.execute('BEGIN');
    await s.execute(`INSERT INTO t VALUES (10, 'x', 1)`);
    expect((await s.execute('SELECT count(*) FROM t'))[0]!.rows).toEqual([[5n]]);
    expect((await other.execute('SELECT count(*) FROM t'))[0]!.rows).toEqual([[4n]]);
    await s.execute('ROLLBACK');
    expect(await rows('SELECT count(*) FROM t')).toEqual([[4n]]);
  });

  it('marks a transaction failed after an error until ROLLBACK', async () => {
    const s = db().session();
    await s.execute('BEGIN');
    await expect(s.execute('SELECT * FROM nope')).rejects.toMatchObject({ code: '42P01' });
    await expect(s.execute('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await s.execute('ROLLBACK');
    expect((await s.execute('SELECT 1'))[0]!.rows).toEqual([[1]]);
  });
});

describe('errors', () => {
  it('carries PostgreSQL SQLSTATEs and syntax error positions', async () => {
    expect(await code('SELEC 1')).toBe('42601');
    expect(await code('SELECT * FROM missing')).toBe('42P01');
    expect(await code('SELECT nope FROM t')).toBe('42703');
    expect(await code('SELECT nofn(1)')).toBe('42883');
    try {
      await db().exec('SELECT 1 FROM t WHERE');
    } catch (e) {
      expect((e as DatabaseError).position).toBe(22);
    }
  });
});

describe('time functions through SQL', () => {
  it('buckets timestamps with time_bucket and date_trunc and extracts fields', async () => {
    expect(
      await rows(
        `SELECT time_bucket('15 minutes', '2026-01-05 10:37:12'::timestamp)::text, date_trunc('hour', '2026-01-05 10:37:12'::timestamp)::text, EXTRACT(year FROM '2026-01-05'::date)::int`,
      ),
    ).toEqual([['2026-01-05 10:30:00', '2026-01-05 10:00:00', 2026]]);
  });

  it('generates series of numbers and timestamps in FROM', async () => {
    expect(await rows('SELECT sum(g) FROM generate_series(1, 10) AS g')).toEqual([[55n]]);
    expect(
      await rows(
        `SELECT count(*) FROM generate_series('2026-01-01'::timestamp, '2026-01-02'::timestamp, '1 hour') t`,
      ),
    ).toEqual([[25n]]);
  });

  it('compares a date column with a string literal as a date', async () => {
    await db().exec(`CREATE TABLE ev (d date); INSERT INTO ev VALUES ('2026-01-01'), ('2026-02-01')`);
    expect(await rows(`SELECT count(*) FROM ev WHERE d >= '2026-01-15'`)).toEqual([[1n]]);
  });
});

describe('grouping on arrays', () => {
  it('keeps float arrays with NaN and Infinity in separate groups', async () => {
    expect(
      await rows(
        `SELECT count(*) FROM (SELECT DISTINCT a FROM (VALUES (ARRAY['NaN'::float8]), (ARRAY['Infinity'::float8]), (ARRAY['NaN'::float8]), (ARRAY[NULL::float8])) v(a)) t`,
      ),
    ).toEqual([[3n]]);
  });
});
