/**
 * Special float8 values agree with DuckDB, whose rules for them match PostgreSQL's: NaN equals
 * itself and sorts above every other value, -0 equals 0, and ±Infinity are ordinary extremes.
 * Invariants checked:
 * - GROUP BY, DISTINCT and set operations put NaN with NaN and -0 with 0;
 * - ORDER BY places NaN above Infinity in both directions, NULLs as asked;
 * - equi-joins on float keys match NaN to NaN and -0 to 0;
 * - comparisons, min/max, sum/avg and window frames give the same results.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cellArb, cols, DifferentialPair, pick, runs, type TableSpec } from './harness.js';

const special = fc.option(
  fc.oneof(
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0),
    fc.integer({ min: -3, max: 3 }),
  ),
  { nil: null, freq: 5 },
);

const COLUMNS = cols('id:int', 'g:int', 'x:double', 'y:double');
const table: fc.Arbitrary<TableSpec> = fc
  .array(fc.tuple(cellArb.int, special, special), { maxLength: 30 })
  .map((rows) => ({ name: 'f', columns: COLUMNS, rows: rows.map((r, i) => [i, ...r]) }));

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

describe('NaN, ±Infinity and -0 match DuckDB', () => {
  it('group, deduplicate and combine like values', async () => {
    const queries = [
      'SELECT x, count(*), min(y), max(y), count(DISTINCT y) FROM f GROUP BY x',
      'SELECT g, min(x), max(x), sum(x), avg(y), bool_or(x > y) FROM f GROUP BY g',
      'SELECT DISTINCT x, y FROM f',
      'SELECT x FROM f INTERSECT ALL SELECT y FROM f',
      'SELECT x FROM f EXCEPT SELECT y FROM f',
      'SELECT x, y, x = y, x < y, x >= y, x IS DISTINCT FROM y, greatest(x, y) FROM f',
      "SELECT x FROM f WHERE x IN (0, 'NaN', 'Infinity')",
    ] as const;
    await fc.assert(
      fc.asyncProperty(table, pick(queries), async (t, sql) => {
        await pair.load(t);
        await pair.expectSame(sql);
      }),
      runs(40),
    );
  });

  it('sort NaN above Infinity in both directions', async () => {
    const dir = pick(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'] as const);
    await fc.assert(
      fc.asyncProperty(table, dir, dir, async (t, d1, d2) => {
        await pair.load(t);
        await pair.expectSame(`SELECT x, y FROM f ORDER BY x${d1}, y${d2}`, { ordered: true });
      }),
      runs(30),
    );
  });

  it('match NaN to NaN and -0 to 0 in equi-joins', async () => {
    await fc.assert(
      fc.asyncProperty(table, pick(['JOIN', 'LEFT JOIN', 'FULL JOIN'] as const), async (t, join) => {
        await pair.load(t);
        await pair.expectSame(`SELECT a.id, b.id FROM f a ${join} f b ON a.x = b.y`);
      }),
      runs(30),
    );
  });

  it('give the same window results over ROWS and RANGE frames', async () => {
    const frames = [
      'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING',
      'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
      'RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING',
      'GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW',
    ] as const;
    await fc.assert(
      fc.asyncProperty(table, pick(frames), async (t, frame) => {
        await pair.load(t);
        // ROWS needs the total order (x, id); the other frames treat x's peers alike.
        const order = frame.startsWith('ROWS') ? 'x, id' : 'x';
        const over = `OVER (ORDER BY ${order} ${frame})`;
        await pair.expectSame(
          `SELECT id, sum(y) ${over}, min(y) ${over}, count(y) ${over}, rank() OVER (ORDER BY x) FROM f`,
        );
      }),
      runs(30),
    );
  });
});
