import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { db, rows, code } = withDb(
  [
    `
    CREATE TABLE p (a int, b text);
    INSERT INTO p VALUES (1, 'x'), (1, 'y'), (2, 'x'), (2, NULL), (NULL, 'z');
  `,
  ],
  'file',
);

const one = async (sql: string): Promise<unknown[]> => (await rows(sql))[0]!;

describe('row constructors as values', () => {
  it('builds records with ROW() and bare parentheses', async () => {
    const r = await db().query(`SELECT ROW(1, 'a'), (2, NULL::int)`, [], { rowMode: 'array' });
    expect(r.columns.map((c) => [c.name, c.type.id])).toEqual([
      ['row', 'record'],
      ['row', 'record'],
    ]);
    expect(r.rows).toEqual([
      [
        [1, 'a'],
        [2, null],
      ],
    ]);
  });
});

describe('row comparison', () => {
  it('is the AND of field equalities for =, the OR of inequalities for <>', async () => {
    expect(
      await one('SELECT (1, 2) = (1, 2), (1, 2) = (1, 3), (1, NULL) = (1, 2), (1, NULL) = (2, 2)'),
    ).toEqual([true, false, null, false]);
    expect(await one('SELECT (1, 2) <> (1, 3), (1, NULL) <> (1, 2), (1, NULL) <> (2, 2)')).toEqual([
      true,
      null,
      true,
    ]);
  });

  it('orders lexicographically: the first unequal pair decides, an earlier NULL makes it NULL', async () => {
    expect(
      await one(
        'SELECT (1, 2) < (1, 3), (1, 3) < (1, 2), (1, 9) < (2, 0), (1, 2) <= (1, 2), (1, 2) > (1, 2)',
      ),
    ).toEqual([true, false, true, true, false]);
    expect(
      await one('SELECT (1, NULL) < (2, 0), (NULL, 1) < (2, 0), (1, NULL) < (1, 2), (2, NULL) >= (1, 5)'),
    ).toEqual([true, null, null, true]);
    expect(await one(`SELECT (1, 'b', 3) > (1, 'a', 9), (1, 'a', 3) >= (1, 'a', 3)`)).toEqual([true, true]);
  });

  it('filters table rows by a row comparison', async () => {
    expect(await rows(`SELECT a, b FROM p WHERE (a, b) >= (1, 'y') ORDER BY a, b`)).toEqual([
      [1, 'y'],
      [2, 'x'],
      [2, null],
    ]);
  });

  it('compares with a subquery used as a row', async () => {
    expect(
      await one('SELECT (1, 2) = (SELECT 1, 2), (1, 2) < (SELECT 1, 1), (1, 2) = (SELECT 1, 2 WHERE false)'),
    ).toEqual([true, false, null]);
    expect(await code('SELECT (1, 2) = (SELECT 1, 2 UNION ALL SELECT 1, 2)')).toBe('21000');
  });

  it('treats NULLs as equal in IS [NOT] DISTINCT FROM', async () => {
    expect(
      await one(
        'SELECT (1, NULL) IS DISTINCT FROM (1, NULL), (1, NULL) IS DISTINCT FROM (1, 2), (1, NULL) IS NOT DISTINCT FROM (1, NULL)',
      ),
    ).toEqual([false, true, true]);
  });

  it('tests all fields for IS NULL and IS NOT NULL', async () => {
    expect(
      await one(
        'SELECT ROW(NULL, NULL) IS NULL, ROW(1, NULL) IS NULL, ROW(1, NULL) IS NOT NULL, ROW(1, 2) IS NOT NULL',
      ),
    ).toEqual([true, false, false, true]);
  });

  it('rejects rows of different lengths, scalars and operators without row semantics', async () => {
    expect(await code('SELECT (1, 2) = (1, 2, 3)')).toBe('42601');
    expect(await code('SELECT (1, 2) = 1')).toBe('42883');
    expect(await code(`SELECT (1, 2) + (3, 4)`)).toBe('42804');
    expect(await code(`SELECT ('a', 'b') ~~ ('a', 'b')`)).toBe('0A000');
  });
});

describe('row IN', () => {
  it('matches a list of rows with three-valued logic', async () => {
    expect(
      await one(
        'SELECT (1, 2) IN ((1, 2), (3, 4)), (1, 5) IN ((1, 2), (3, 4)), (1, NULL) IN ((1, 2)), (1, NULL) IN ((2, 2))',
      ),
    ).toEqual([true, false, null, false]);
    expect(await one('SELECT (1, 5) NOT IN ((1, 2), (3, 4)), (1, NULL) NOT IN ((1, 2))')).toEqual([
      true,
      null,
    ]);
  });

  it('matches the rows of a subquery, correlated or not', async () => {
    expect(
      await rows(`SELECT a, b FROM p WHERE (a, b) IN (SELECT 1, 'y' UNION ALL SELECT 2, 'x') ORDER BY a`),
    ).toEqual([
      [1, 'y'],
      [2, 'x'],
    ]);
    expect(
      await rows(
        `SELECT a, b FROM p o WHERE (a, b) IN (SELECT a, b FROM p WHERE p.a = o.a AND b <> 'x') ORDER BY a`,
      ),
    ).toEqual([[1, 'y']]);
    expect(
      await one(
        `SELECT (2, 'q') NOT IN (SELECT a, b FROM p), (7, 'q') NOT IN (SELECT a, b FROM p WHERE a IS NOT NULL AND b IS NOT NULL), (1, 2) IN (SELECT 1, 2 WHERE false)`,
      ),
    ).toEqual([null, true, false]);
  });

  it('supports other comparison operators with ANY and ALL', async () => {
    expect(
      await one(
        'SELECT (1, 2) < ALL (SELECT 1, 3 UNION ALL SELECT 2, 0), (1, 2) < ANY (SELECT 1, 1 UNION ALL SELECT 1, 2)',
      ),
    ).toEqual([true, false]);
  });

  it('checks the subquery width', async () => {
    expect(await code('SELECT (1, 2) IN (SELECT 1)')).toBe('42601');
    expect(await code('SELECT (1, 2) IN (SELECT 1, 2, 3)')).toBe('42601');
  });
});
