import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { db, rows, error } = withDb(
  [`CREATE TABLE t (id int, tags text[])`, `INSERT INTO t VALUES (1, '{a,b}'), (2, NULL)`],
  'file',
);

async function names(sql: string): Promise<string[]> {
  const r = await db().query(sql, [], { rowMode: 'array' });
  return r.columns.map((c) => c.name);
}

async function types(sql: string): Promise<string[]> {
  const r = await db().query(sql, [], { rowMode: 'array' });
  return r.columns.map((c) => c.type.id);
}

describe('scalar functions in FROM', () => {
  it('gives one row with one column named after the alias', async () => {
    expect(await rows(`SELECT * FROM upper('a') AS u`)).toEqual([['A']]);
    expect(await names(`SELECT * FROM upper('a') AS u`)).toEqual(['u']);
    expect(await rows(`SELECT s FROM string_to_array('a,b', ',') s`)).toEqual([[['a', 'b']]]);
  });

  it('names the column after the function when there is no alias', async () => {
    expect(await names(`SELECT * FROM upper('a')`)).toEqual(['upper']);
    expect(await names(`SELECT * FROM current_date`)).toEqual(['current_date']);
    expect(await rows(`SELECT upper.upper FROM upper('x')`)).toEqual([['X']]);
  });

  it('types the column as the function result', async () => {
    expect(await types(`SELECT * FROM length('abc') n`)).toEqual(['int4']);
    expect(await types(`SELECT * FROM now() WITH ORDINALITY`)).toEqual(['timestamptz', 'int8']);
    expect(await rows(`SELECT n + 1 FROM length('abc') n`)).toEqual([[4]]);
  });

  it('adds ordinality 1 WITH ORDINALITY and takes column aliases', async () => {
    expect(await rows(`SELECT * FROM upper('a') WITH ORDINALITY AS u`)).toEqual([['A', 1n]]);
    expect(await names(`SELECT * FROM upper('a') WITH ORDINALITY AS u(x, n)`)).toEqual(['x', 'n']);
  });

  it('may refer to earlier FROM items', async () => {
    expect(await rows(`SELECT t.id, d FROM t, abs(t.id * -10) d ORDER BY 1`)).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });

  it('joins like any other FROM item', async () => {
    expect(await rows(`SELECT id, u FROM t JOIN lower('Q') u ON true ORDER BY id`)).toEqual([
      [1, 'q'],
      [2, 'q'],
    ]);
  });

  it('reports an unknown function', async () => {
    expect((await error(`SELECT * FROM no_such_fn(1)`)).code).toBe('42883');
  });
});

describe('unnest in FROM', () => {
  it('returns the elements with the element type', async () => {
    expect(await rows(`SELECT * FROM unnest(ARRAY[3, 1, 2])`)).toEqual([[3], [1], [2]]);
    expect(await names(`SELECT * FROM unnest(ARRAY[3, 1, 2])`)).toEqual(['unnest']);
    expect(await types(`SELECT * FROM unnest(ARRAY['a'::text]) x`)).toEqual(['text']);
    expect(await types(`SELECT * FROM unnest(ARRAY[1.5]) WITH ORDINALITY`)).toEqual(['numeric', 'int8']);
    expect(await types(`SELECT * FROM unnest('{{1}}'::int8[])`)).toEqual(['int8']);
  });

  it('keeps NULL elements and returns no rows for a NULL or empty array', async () => {
    expect(await rows(`SELECT * FROM unnest(ARRAY[1, NULL])`)).toEqual([[1], [null]]);
    expect(await rows(`SELECT * FROM unnest(NULL::int[])`)).toEqual([]);
    expect(await rows(`SELECT * FROM unnest('{}'::int[])`)).toEqual([]);
  });

  it('flattens a multi-dimensional array in storage order', async () => {
    expect(await rows(`SELECT * FROM unnest('{{1,2},{3,4}}'::int[])`)).toEqual([[1], [2], [3], [4]]);
  });

  it('numbers the rows WITH ORDINALITY and takes column aliases', async () => {
    expect(await rows(`SELECT v, n FROM unnest(ARRAY['x', 'y']) WITH ORDINALITY AS u(v, n)`)).toEqual([
      ['x', 1n],
      ['y', 2n],
    ]);
    expect(await names(`SELECT * FROM unnest(ARRAY[1]) AS u`)).toEqual(['u']);
  });

  it('zips several arrays, padding the shorter ones with NULLs', async () => {
    expect(await rows(`SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c'])`)).toEqual([
      [1, 'a'],
      [2, 'b'],
      [null, 'c'],
    ]);
    expect(await names(`SELECT * FROM unnest(ARRAY[1], ARRAY[2]) AS u(a, b)`)).toEqual(['a', 'b']);
    expect(await rows(`SELECT * FROM unnest(ARRAY[1, 2], NULL::text[]) AS u(a, b)`)).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it('rejects an untyped literal, which could be any array type', async () => {
    expect(await error(`SELECT * FROM unnest('{1,2}')`)).toEqual({
      code: '42725',
      message: 'function unnest(unknown) is not unique',
    });
  });

  it('rejects set-returning arguments that read other FROM items or an outer row, with 0A000', async () => {
    for (const sql of [
      `SELECT * FROM (VALUES (2)) t(x), generate_series(1, t.x)`,
      `SELECT (SELECT count(*) FROM unnest(t.a)) FROM (VALUES (ARRAY[1, 2])) t(a)`,
    ]) {
      expect((await error(sql)).code).toBe('0A000');
    }
  });
});
