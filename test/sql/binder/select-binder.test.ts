import { describe, expect, it } from 'vitest';
import { errorCode, withDb } from '../../helpers/db.js';

const { db, rows } = withDb(
  [
    `CREATE TABLE l (k int, a int); INSERT INTO l VALUES (1, 10), (3, 30)`,
    `CREATE TABLE r (k int, b int); INSERT INTO r VALUES (1, 100), (5, 500)`,
  ],
  'file',
);
const code = (sql: string): Promise<string> => errorCode(() => db().query(sql));

describe('USING and NATURAL joins', () => {
  it('keeps the joined tables’ own key columns reachable by qualified name', async () => {
    expect(await rows('SELECT k, l.k, r.k FROM l FULL JOIN r USING (k) ORDER BY 1')).toEqual([
      [1, 1, 1],
      [3, 3, null],
      [5, null, 5],
    ]);
    expect(await rows('SELECT l.k, r.k FROM l NATURAL LEFT JOIN r ORDER BY 1')).toEqual([
      [1, 1],
      [3, null],
    ]);
  });

  it('expands * to the merged key once but t.* to all of t’s columns', async () => {
    expect(await rows('SELECT * FROM l JOIN r USING (k)')).toEqual([[1, 10, 100]]);
    expect(await rows('SELECT r.*, l.* FROM l JOIN r USING (k)')).toEqual([[1, 100, 1, 10]]);
  });

  it('lets qualified key columns join onward to a third table', async () => {
    expect(
      await rows('SELECT l.k, r.k, s.k FROM l LEFT JOIN r USING (k) JOIN (VALUES (3)) s(k) ON s.k = l.k'),
    ).toEqual([[3, null, 3]]);
  });

  it('hides the inputs’ names behind an alias on the join', async () => {
    expect(await rows('SELECT j.k, j.* FROM (l JOIN r USING (k)) AS j')).toEqual([[1, 1, 10, 100]]);
    expect(await code('SELECT l.k FROM (l JOIN r USING (k)) AS j')).toBe('42P01');
  });

  it('still reports an unqualified key as ambiguous when another table has it', async () => {
    expect(await code('SELECT k FROM l JOIN r USING (k) JOIN (VALUES (1)) s(k) ON true')).toBe('42702');
  });
});
