/**
 * Window functions agree with DuckDB on random tables. Invariants checked:
 * - ranking functions (row_number, rank, dense_rank, percent_rank, cume_dist, ntile) give the
 *   same multiset per (partition, sort key) for every direction and NULL placement, NULL
 *   partition keys forming one partition;
 * - lag/lead with offsets and defaults and first_value/last_value/nth_value give DuckDB's value
 *   per row under a total order, with the default and explicit frames;
 * - sum/avg/count/min/max OVER ROWS, RANGE (with offsets, both directions) and GROUPS frames,
 *   with every EXCLUDE option, agree row by row.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cellArb, cols, DifferentialPair, pick, runs, type TableSpec } from './harness.js';

// id is unique and non-NULL, so `ORDER BY o, id` is a total order; p and o have NULLs and ties.
const COLUMNS = cols('id:int', 'p:int', 'o:int', 'x:double', 's:text');
const table: fc.Arbitrary<TableSpec> = fc
  .array(fc.tuple(cellArb.int, cellArb.int, cellArb.double, cellArb.text), { maxLength: 40 })
  .map((rows) => ({ name: 'w', columns: COLUMNS, rows: rows.map((r, i) => [i, ...r]) }));

const DIRECTIONS = ['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'] as const;
const partition = fc.option(pick(['p', 's', 'p, s'] as const), { nil: undefined });
const partitionBy = (p: string | undefined): string => (p === undefined ? '' : `PARTITION BY ${p} `);

const RANKING = [
  'row_number()',
  'rank()',
  'dense_rank()',
  'percent_rank()',
  'cume_dist()',
  'ntile(1)',
  'ntile(3)',
  'ntile(7)',
] as const;

const VALUE_FUNCTIONS = [
  'lag(x)',
  'lag(x, 2)',
  'lag(x, 1, 0)',
  'lead(o, 1, -1)',
  'lead(s, 3)',
  'lag(s, 0)',
  'first_value(x)',
  'last_value(x)',
  'nth_value(x, 2)',
  'nth_value(s, 1)',
] as const;

const FRAME_AGGREGATES = [
  'sum(x)',
  'avg(x)',
  'count(x)',
  'count(*)',
  'min(o)',
  'max(s)',
  'sum(o)',
  'count(*) FILTER (WHERE x > 0)',
  'sum(o) FILTER (WHERE s IS NOT NULL)',
] as const;

/** Depend on the order inside a frame: only deterministic under the total order ROWS uses. */
const ORDER_SENSITIVE = ['first_value(x)', 'last_value(o)', 'nth_value(s, 2)'] as const;

/** Frame bounds in the order PostgreSQL requires start <= end. */
const BOUNDS = [
  'UNBOUNDED PRECEDING',
  '2 PRECEDING',
  '1 PRECEDING',
  'CURRENT ROW',
  '0 FOLLOWING',
  '1 FOLLOWING',
  '3 FOLLOWING',
  'UNBOUNDED FOLLOWING',
] as const;

const frameArb = fc
  .tuple(
    pick(['ROWS', 'RANGE', 'GROUPS'] as const),
    fc.integer({ min: 0, max: BOUNDS.length - 2 }),
    fc.integer({ min: 1, max: BOUNDS.length - 1 }),
    pick(['', ' EXCLUDE CURRENT ROW', ' EXCLUDE GROUP', ' EXCLUDE TIES', ' EXCLUDE NO OTHERS'] as const),
  )
  .filter(([, start, end]) => start <= end)
  .map(([unit, start, end, exclude]) => ({
    unit,
    clause: `${unit} BETWEEN ${BOUNDS[start]} AND ${BOUNDS[end]}${exclude}`,
  }));

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

describe('window functions match DuckDB', () => {
  it('ranks rows per partition for every direction and NULL placement', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        partition,
        pick(DIRECTIONS),
        fc.boolean(),
        fc.array(pick(RANKING), { minLength: 1, maxLength: 3 }),
        async (t, parts, dir, twoKeys, fns) => {
          await pair.load(t);
          // Only partition and sort keys are selected: the order among peers then cannot show.
          const order = twoKeys ? `o${dir}, s` : `o${dir}`;
          const keys = new Set(['o', ...(twoKeys ? ['s'] : []), ...(parts ?? '').split(/, ?/)]);
          keys.delete('');
          const over = `OVER (${partitionBy(parts)}ORDER BY ${order})`;
          const calls = fns.map((f) => `${f} ${over}`);
          await pair.expectSame(`SELECT ${[...keys, ...calls].join(', ')} FROM w`);
        },
      ),
      runs(50),
    );
  });

  it('reads neighbouring rows with lag, lead and the value functions', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        partition,
        pick(DIRECTIONS),
        fc.array(pick(VALUE_FUNCTIONS), { minLength: 1, maxLength: 3 }),
        pick([
          '',
          ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
          ' ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING',
          ' RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
        ] as const),
        async (t, parts, dir, fns, frame) => {
          await pair.load(t);
          const over = `OVER (${partitionBy(parts)}ORDER BY o${dir}, id${frame})`;
          const calls = fns.map((f) => `${f} ${over}`);
          await pair.expectSame(`SELECT id, ${calls.join(', ')} FROM w`);
        },
      ),
      runs(50),
    );
  });

  it('aggregates over ROWS, RANGE and GROUPS frames with EXCLUDE', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        partition,
        pick(DIRECTIONS),
        frameArb,
        fc.array(pick(FRAME_AGGREGATES), { minLength: 1, maxLength: 3 }),
        fc.option(pick(ORDER_SENSITIVE), { nil: undefined }),
        pick(['o', 'x'] as const),
        async (t, parts, dir, frame, aggs, valueFn, key) => {
          await pair.load(t);
          const fns = frame.unit === 'ROWS' && valueFn !== undefined ? [...aggs, valueFn] : aggs;
          // RANGE with an offset needs a single sort key; ROWS needs a total order to be
          // deterministic; RANGE and GROUPS give every peer of the key the same frame.
          const order = frame.unit === 'ROWS' ? `${key}${dir}, id` : `${key}${dir}`;
          const over = `OVER (${partitionBy(parts)}ORDER BY ${order} ${frame.clause})`;
          const calls = fns.map((f) => `${f} ${over}`);
          await pair.expectSame(`SELECT id, ${calls.join(', ')} FROM w`);
        },
      ),
      runs(60),
    );
  });

  it('aggregates whole partitions without ORDER BY and orders the output by window results', async () => {
    await fc.assert(
      fc.asyncProperty(table, partition, async (t, parts) => {
        await pair.load(t);
        const over = `OVER (${partitionBy(parts)})`;
        await pair.expectSame(
          `SELECT id, count(*) ${over}, sum(x) ${over}, max(o) ${over}, ` +
            `rank() OVER (ORDER BY o) AS r FROM w ORDER BY r, id`,
          { ordered: true },
        );
      }),
      runs(30),
    );
  });

  it('ranks groups by their aggregates through a named WINDOW', async () => {
    await fc.assert(
      fc.asyncProperty(table, pick(['p', 's', 'p, s'] as const), async (t, keys) => {
        await pair.load(t);
        await pair.expectSame(
          `SELECT ${keys}, count(*), sum(x), rank() OVER w, sum(count(*)) OVER w, ` +
            `avg(sum(o)) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ` +
            `FROM w GROUP BY ${keys} WINDOW w AS (ORDER BY count(*) DESC, ${keys})`,
        );
      }),
      runs(30),
    );
  });
});
