import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { rows, code } = withDb(
  [
    `
    CREATE TABLE q (id int, big bigint, name text, tags text[]);
    INSERT INTO q VALUES (1, 10, 'ann', '{red,blue}'), (2, 20, 'bob', '{}'), (3, 30, NULL, NULL),
      (4, 40, 'cy', '{green,NULL}');
  `,
  ],
  'file',
);

const one = async (sql: string, params: unknown[] = []): Promise<unknown[]> => (await rows(sql, params))[0]!;
const ids = async (sql: string, params: unknown[] = []): Promise<unknown[]> =>
  (await rows(sql, params)).map((r) => r[0]);

describe('op ANY / ALL (array)', () => {
  it('compares with each element of a cast literal', async () => {
    expect(
      await one(
        `SELECT 1 = ANY('{1,2}'::int[]), 3 = ANY('{1,2}'::int[]), 3 > ALL('{1,2}'::int[]), 2 > ALL('{1,2}'::int[])`,
      ),
    ).toEqual([true, false, true, false]);
  });

  it('follows PostgreSQL NULL rules', async () => {
    expect(
      await one(
        `SELECT 1 = ANY('{2,NULL}'::int[]), 1 = ANY('{1,NULL}'::int[]), 1 = ALL('{1,NULL}'::int[]), 1 = ALL('{2,NULL}'::int[])`,
      ),
    ).toEqual([null, true, null, false]);
    expect(
      await one(
        `SELECT NULL::int = ANY('{}'::int[]), NULL::int = ALL('{}'::int[]), NULL::int = ANY('{1}'::int[])`,
      ),
    ).toEqual([false, true, null]);
    expect(await one(`SELECT 1 = ANY(NULL::int[]), 1 = ALL(NULL::int[])`)).toEqual([null, null]);
  });

  it('reads an untyped literal as an array of the left type and flattens multi-dimensional arrays', async () => {
    expect(
      await one(`SELECT 'b' = ANY('{a,b}'), 4 = ANY('{{1,2},{3,4}}'::int[]), 2.5 = ANY('{1,2}'::int[])`),
    ).toEqual([true, true, false]);
  });

  it('works over array columns and expressions per row', async () => {
    expect(await ids(`SELECT id FROM q WHERE 'blue' = ANY(tags) ORDER BY id`)).toEqual([1]);
    expect(await ids(`SELECT id FROM q WHERE 'red' <> ALL(tags) ORDER BY id`)).toEqual([2]);
    expect(
      await ids(`SELECT id FROM q WHERE name = ANY(ARRAY(SELECT name FROM q WHERE id > 1)) ORDER BY id`),
    ).toEqual([2, 4]);
    expect(await ids(`SELECT id FROM q WHERE name LIKE ANY('{a%,c%}') ORDER BY id`)).toEqual([1, 4]);
    expect(await ids(`SELECT id FROM q WHERE name NOT ILIKE ALL(ARRAY['A%','B%']) ORDER BY id`)).toEqual([4]);
  });

  it('binds an array parameter from a JS array or array text', async () => {
    expect(await ids('SELECT id FROM q WHERE id = ANY($1) ORDER BY id', [[1, 3]])).toEqual([1, 3]);
    expect(await ids('SELECT id FROM q WHERE big = ANY($1) ORDER BY id', [[10, 40]])).toEqual([1, 4]);
    expect(await ids('SELECT id FROM q WHERE id <> ALL($1) ORDER BY id', ['{1,2}'])).toEqual([3, 4]);
    expect(await ids('SELECT id FROM q WHERE id = ANY($1)', [null])).toEqual([]);
  });

  it('requires an array on the right', async () => {
    expect(await code('SELECT 1 = ANY(1)')).toBe('42809');
    expect(await code(`SELECT 1 = ANY('{a}'::text[])`)).toBe('42883');
  });
});

describe('IN and ANY with subqueries', () => {
  it('keeps three-valued NOT IN over a subquery with NULLs', async () => {
    expect(
      await one(
        'SELECT 5 NOT IN (SELECT big FROM q), 10 IN (SELECT big FROM q), 5 NOT IN (SELECT NULL::bigint)',
      ),
    ).toEqual([true, true, null]);
    expect(
      await one('SELECT 10 = ALL (SELECT big FROM q WHERE id = 1), 10 < ANY (SELECT big FROM q)'),
    ).toEqual([true, true]);
  });
});
