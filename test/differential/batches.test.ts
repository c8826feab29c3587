/**
 * Inputs and outputs larger than one executor batch (BATCH_ROWS = 2048) agree with DuckDB: the
 * small tables of the other differential suites never cross a batch boundary. Invariants checked:
 * - hash aggregation with thousands of groups, and grouping sets over them;
 * - joins whose probe side and output span several batches, inner and outer;
 * - window partitions and frames that straddle batch boundaries;
 * - ORDER BY with LIMIT/OFFSET past the first batch; DISTINCT and EXCEPT ALL over many rows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cols, DifferentialPair, pick, runs, type Cell, type TableSpec } from './harness.js';

const COLUMNS = cols('id:int', 'k:int', 'v:int', 'x:double', 's:text');
const WORDS = ['a', 'b', 'c', 'ab', 'ba', ''];

/**
 * `rows` rows whose key k takes about `keys` values (NULL every `nullEvery` rows); the other
 * columns come from a linear congruential generator so that both engines get the same data
 * without fast-check generating thousands of values.
 */
function table(name: string, rows: number, keys: number, nullEvery: number, seed: number): TableSpec {
  let state = seed >>> 0;
  const next = (m: number): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % m;
  };
  const data: Cell[][] = [];
  for (let i = 0; i < rows; i++) {
    const k = i % nullEvery === nullEvery - 1 ? null : next(keys);
    const v = next(9) === 0 ? null : next(201) - 100;
    data.push([i, k, v, next(81) / 4 - 10, next(7) === 0 ? null : WORDS[next(WORDS.length)]!]);
  }
  return { name, columns: COLUMNS, rows: data };
}

const tablesArb = fc
  .record({
    rows: fc.integer({ min: 1_500, max: 4_500 }),
    keys: fc.integer({ min: 50, max: 5_000 }),
    nullEvery: fc.integer({ min: 2, max: 200 }),
    small: fc.integer({ min: 0, max: 300 }),
    seed: fc.integer(),
  })
  .map(({ rows, keys, nullEvery, small, seed }) => [
    table('b', rows, keys, nullEvery, seed),
    table('c', small, keys, nullEvery, seed ^ 0x5bd1e995),
  ]);

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

/** Loads the generated tables, then compares one query. */
function check(queries: readonly string[], numRuns: number, ordered = false): Promise<void> {
  return fc.assert(
    fc.asyncProperty(tablesArb, pick(queries), async ([b, c], sql) => {
      await pair.load(b!, c!);
      await pair.expectSame(sql, { ordered });
    }),
    runs(numRuns),
  );
}

describe('results spanning several batches match DuckDB', () => {
  it('aggregates thousands of groups', async () => {
    await check(
      [
        'SELECT k, count(*), sum(v), min(s), max(x), avg(v) FROM b GROUP BY k',
        'SELECT k, s, count(v), bool_or(v > 0), count(DISTINCT v) FROM b GROUP BY k, s',
        'SELECT k, v % 3, sum(x) FROM b GROUP BY ROLLUP (k, v % 3)',
        'SELECT k, count(*) FROM b GROUP BY k HAVING count(*) > 1',
      ],
      8,
    );
  });

  it('joins a large probe side with outputs of many batches', async () => {
    await check(
      [
        'SELECT b.id, c.id FROM b JOIN c ON b.k = c.k',
        'SELECT b.id, c.id, c.s FROM b LEFT JOIN c ON b.k = c.k AND c.v > b.v',
        'SELECT b.id, c.id FROM c RIGHT JOIN b ON b.k = c.k',
        'SELECT b.id, c.id FROM b FULL JOIN c ON b.k = c.k AND b.s = c.s',
        'SELECT count(*), sum(b.v), sum(c.v) FROM b JOIN c USING (k)',
      ],
      8,
    );
  });

  it('computes windows across batch boundaries', async () => {
    await check(
      [
        'SELECT id, row_number() OVER (PARTITION BY k ORDER BY id), lag(x, 2) OVER (ORDER BY id) FROM b',
        'SELECT id, sum(v) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING) FROM b',
        'SELECT id, count(*) OVER (PARTITION BY s ORDER BY v RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) FROM b',
        'SELECT id, rank() OVER (ORDER BY k NULLS FIRST), ntile(7) OVER (ORDER BY id) FROM b',
      ],
      8,
    );
  });

  it('sorts, deduplicates and subtracts many rows', async () => {
    await check(
      [
        'SELECT k, v FROM b ORDER BY k NULLS FIRST, v DESC LIMIT 100 OFFSET 2000',
        'SELECT id, k FROM b ORDER BY k DESC, id LIMIT 3000',
        'SELECT s, v FROM b ORDER BY s, v NULLS FIRST',
      ],
      6,
      true,
    );
    await check(
      [
        'SELECT DISTINCT k, s FROM b',
        'SELECT k, s FROM b EXCEPT ALL SELECT k, s FROM c',
        'SELECT k FROM b INTERSECT SELECT k FROM c',
        'SELECT k, v FROM b UNION SELECT v, k FROM b',
      ],
      6,
    );
  });
});
