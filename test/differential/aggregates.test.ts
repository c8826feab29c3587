/**
 * Aggregation agrees with DuckDB on random tables. Invariants checked:
 * - every aggregate (count, sum, avg, min, max, bool_and/or, stddev/variance, covariance and
 *   regression, ordered string_agg/array_agg, percentile_cont/disc in both directions, DISTINCT
 *   and FILTER variants) over int4, int8, numeric, float8, text and bool gives DuckDB's value per
 *   group, for GROUP BY on zero, one and two keys (NULL keys form one group) and on expressions;
 * - ROLLUP, CUBE and GROUPING SETS produce the same groups, NULL-filled keys and grouping() bits;
 * - HAVING keeps the same groups, with and without GROUP BY;
 * - int4 values over the whole range and arbitrary doubles neither overflow nor lose precision.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cellArb, cols, DifferentialPair, pick, runs, someOf, tableArb } from './harness.js';

// g and h are group keys with few values; the other columns are aggregated.
const table = tableArb(
  't',
  cols('g:int', 'h:text', 'v:int', 'x:double', 'b:bool', 'big:bigint', 'm:numeric'),
);

const AGGREGATES = [
  'count(*)',
  'count(v)',
  'count(h)',
  'sum(v)',
  'sum(x)',
  'avg(v)',
  'avg(x)',
  'min(v)',
  'max(x)',
  'min(h)',
  'max(h)',
  'bool_and(b)',
  'bool_or(b)',
  'stddev_samp(x)',
  'stddev_pop(x)',
  'var_samp(x)',
  'var_pop(x)',
  'variance(v)',
  'stddev(v)',
  'stddev_pop(v)',
  'count(DISTINCT v)',
  'count(DISTINCT h)',
  'sum(DISTINCT x)',
  'avg(DISTINCT v)',
  'sum(big)',
  'avg(big)',
  'max(big)',
  'var_samp(big)',
  'sum(DISTINCT big)',
  'sum(m)',
  'avg(m)',
  'min(m)',
  'stddev_pop(m)',
  'count(DISTINCT m)',
  "string_agg(h, ',' ORDER BY h)",
  "string_agg(DISTINCT h, '' ORDER BY h DESC)",
  'array_agg(v ORDER BY v)',
  'array_agg(h ORDER BY h DESC NULLS LAST)',
  'percentile_cont(0.5) WITHIN GROUP (ORDER BY x)',
  'percentile_cont(0.25) WITHIN GROUP (ORDER BY v DESC)',
  'percentile_disc(0.5) WITHIN GROUP (ORDER BY m)',
  'covar_pop(x, v)',
  'covar_samp(x, m)',
  'regr_count(x, v)',
  'regr_avgx(x, v)',
  'regr_sxy(x, v)',
] as const;

/** PostgreSQL returns NULL where DuckDB divides 0 by 0 (a zero variance): DuckDB's NaN is NULL. */
const NAN_IS_NULL = ['corr(x, v)', 'regr_slope(x, v)', 'regr_intercept(v, x)', 'regr_r2(x, m)'];

interface Query {
  readonly sql: string;
  /** The same query for DuckDB, differing only where DuckDB departs from PostgreSQL. */
  readonly oracle: string;
}

const FILTERS = ['v > 0', 'b', 'x IS NULL', "h <> 'a'", 'NOT b OR v IS NULL'] as const;

/** An aggregate call, sometimes with a FILTER clause. */
const aggregateArb: fc.Arbitrary<Query> = fc
  .tuple(pick([...AGGREGATES, ...NAN_IS_NULL]), fc.option(pick(FILTERS), { nil: undefined }))
  .map(([agg, filter]) => {
    const sql = filter === undefined ? agg : `${agg} FILTER (WHERE ${filter})`;
    return { sql, oracle: NAN_IS_NULL.includes(agg) ? `nullif(${sql}, 'NaN')` : sql };
  });

/** `SELECT keys..., aggregates... FROM t <tail>` for both engines. */
function select(keys: readonly string[], aggs: readonly Query[], tail: string): Query {
  const list = (f: (q: Query) => string) => [...keys, ...aggs.map(f)].join(', ');
  return {
    sql: `SELECT ${list((q) => q.sql)} FROM t${tail}`,
    oracle: `SELECT ${list((q) => q.oracle)} FROM t${tail}`,
  };
}

const GROUP_KEYS = [[], ['g'], ['h'], ['g', 'h'], ['b', 'g'], ['v % 2'], ['x > 0']] as const;

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

describe('aggregates match DuckDB', () => {
  it('per group, for zero, one and two group keys and FILTER clauses', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        pick(GROUP_KEYS),
        fc.array(aggregateArb, { minLength: 1, maxLength: 4 }),
        async (t, keys, aggs) => {
          await pair.load(t);
          const q = select(keys, aggs, keys.length ? ` GROUP BY ${keys.join(', ')}` : '');
          await pair.expectSame(q.sql, { oracle: q.oracle });
        },
      ),
      runs(60),
    );
  });

  it('for every group of ROLLUP, CUBE and GROUPING SETS, with grouping() bits', async () => {
    const groupings = [
      { clause: 'ROLLUP (g, h)', keys: ['g', 'h'] },
      { clause: 'CUBE (g, h)', keys: ['g', 'h'] },
      { clause: 'CUBE (g, b)', keys: ['g', 'b'] },
      { clause: 'GROUPING SETS ((g), (h), ())', keys: ['g', 'h'] },
      { clause: 'GROUPING SETS ((g, h), (g), (g))', keys: ['g', 'h'] },
      { clause: 'g, ROLLUP (h)', keys: ['g', 'h'] },
      { clause: 'ROLLUP (g), CUBE (b)', keys: ['g', 'b'] },
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        table,
        pick(groupings),
        fc.array(aggregateArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (t, grouping, aggs, withBits) => {
          await pair.load(t);
          const bits = withBits
            ? [`grouping(${grouping.keys[0]})`, `grouping(${grouping.keys.join(', ')})`]
            : [];
          const q = select([...grouping.keys, ...bits], aggs, ` GROUP BY ${grouping.clause}`);
          await pair.expectSame(q.sql, { oracle: q.oracle });
        },
      ),
      runs(50),
    );
  });

  it('keeps the same groups with HAVING', async () => {
    const havings = [
      'count(*) > 1',
      'sum(x) > 0',
      'min(v) IS NULL',
      'bool_or(b)',
      'NOT bool_and(b)',
      'avg(x) < 1 OR count(v) = 0',
      'count(DISTINCT v) >= 2',
      'max(h) = min(h)',
      'sum(v) FILTER (WHERE b) IS NOT NULL',
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        table,
        pick([[], ['g'], ['h'], ['g', 'h']] as const),
        someOf(havings, 2),
        async (t, keys, conds) => {
          await pair.load(t);
          const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';
          const list = [...keys, 'count(*)', 'sum(x)'].join(', ');
          await pair.expectSame(`SELECT ${list} FROM t${groupBy} HAVING ${conds.join(' AND ')}`);
        },
      ),
      runs(40),
    );
  });

  it('over the whole int4 range and non-dyadic doubles, without overflow or precision loss', async () => {
    const wide = fc.array(
      fc.tuple(
        cellArb.int,
        fc.option(fc.integer(), { nil: null, freq: 4 }),
        fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null, freq: 4 }),
      ),
      { maxLength: 40 },
    );
    const aggs = someOf(
      [
        'sum(v)',
        'avg(v)',
        'min(v)',
        'max(v)',
        'stddev_samp(v)',
        'var_pop(v)',
        'sum(x)',
        'avg(x)',
        'max(x)',
        'var_samp(x)',
      ],
      4,
    );
    await fc.assert(
      fc.asyncProperty(wide, aggs, fc.boolean(), async (rows, selected, grouped) => {
        await pair.load({ name: 't', columns: cols('g:int', 'v:int', 'x:double'), rows });
        const sql = `SELECT ${grouped ? 'g, ' : ''}${selected.join(', ')} FROM t${grouped ? ' GROUP BY g' : ''}`;
        // PostgreSQL divides numeric variance at 16 significant digits and takes the square root
        // at that scale, so stddev of large int4 values is rounded to an integer: ~5e-9 relative.
        await pair.expectSame(sql, { tolerance: 1e-8 });
      }),
      runs(40),
    );
  });

  it('orders groups by a key that has a NULL group, in every direction', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        pick(['ASC', 'DESC', 'ASC NULLS FIRST', 'DESC NULLS LAST'] as const),
        async (t, dir) => {
          await pair.load(t);
          // g is unique per group, so the order is total.
          await pair.expectSame(`SELECT g, count(*), sum(v) FROM t GROUP BY g ORDER BY g ${dir}`, {
            ordered: true,
          });
        },
      ),
      runs(30),
    );
  });
});
