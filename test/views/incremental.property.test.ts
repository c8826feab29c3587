// Incremental view maintenance checked against recomputation. Random inserts, updates and deletes
// of two tables, alone or in transactions (some rolled back, some failing part-way), then after
// every step each materialized view must hold exactly the rows its defining query returns when run
// from scratch (as multisets; floats equal to 1e-9 relative, since a recomputed float sum depends on
// the order rows are added in while the view's is exact).
// Constructs covered: filters and projections, GROUP BY with count/sum/avg/min/max/count(DISTINCT)/
// stddev/variance/percentiles/approx_percentile/string_agg/array_agg/bool_and, HAVING, global
// aggregates, ROLLUP/CUBE/GROUPING SETS, inner/left/right/full equi-joins, joins under aggregates (eager aggregation: fused
// and pre-aggregated, keyed by columns and by expressions), DISTINCT, UNION and UNION ALL,
// INTERSECT and EXCEPT [ALL], ORDER BY … LIMIT/OFFSET (top-N), DISTINCT ON, IN/EXISTS/NOT EXISTS
// subqueries (semi- and anti-joins), NOT IN, scalar subqueries, subqueries in FROM and CTEs,
// self-joins, window functions (ranking, LAG/LEAD, aggregates over ROWS frames, over groups), and
// views on views.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, open, type Database, type Value } from '../../src/index.js';

const VIEWS: Record<string, string> = {
  filtered: 'SELECT k, v * 2 AS w, g FROM t WHERE v > 3',
  grouped:
    'SELECT g, count(*) AS n, count(v) AS nv, sum(v) AS s, avg(v) AS a, min(v) AS lo, max(v) AS hi, ' +
    'count(DISTINCT k) AS dk, stddev_samp(v) AS sd, var_pop(v) AS vp, sum(f) AS sf, min(f) AS minf FROM t GROUP BY g',
  having_v: 'SELECT g, sum(v) AS s FROM t GROUP BY g HAVING count(*) > 2',
  global_v: 'SELECT count(*) AS n, sum(v) AS s, max(f) AS mf, bool_and(v > 0) AS pos FROM t',
  inner_join: 'SELECT t.k, d.name, t.v FROM t JOIN d ON t.k = d.k',
  left_join: 'SELECT t.k, t.g, d.name FROM t LEFT JOIN d ON t.k = d.k',
  right_join: 'SELECT d.k, d.name, t.v FROM t RIGHT JOIN d ON t.k = d.k',
  full_join: 'SELECT t.k AS tk, d.k AS dk, d.name FROM t FULL JOIN d ON t.k = d.k',
  join_grouped:
    'SELECT d.name, sum(t.v) AS s, count(*) AS n, max(t.f) AS mf FROM t JOIN d USING (k) GROUP BY d.name',
  // Eager aggregation: linear aggregates fused with the join, others pre-aggregated then joined.
  join_linear:
    'SELECT d.name, avg(t.v) AS a, avg(t.f) AS af, count(t.v) AS nv, sum(t.f) AS sf FROM t JOIN d ON t.k = d.k GROUP BY d.name',
  join_left_linear:
    'SELECT d.name, t.g, count(*) AS n, sum(t.v) FILTER (WHERE t.v > 2) AS sv FROM t LEFT JOIN d ON t.k = d.k GROUP BY d.name, t.g',
  join_left_minmax:
    'SELECT d.name, min(t.v) AS lo, max(t.f) AS hi, count(*) AS n FROM t LEFT JOIN d ON t.k = d.k GROUP BY d.name',
  join_residual:
    "SELECT d.name, sum(t.v * 2) AS s2, count(*) AS n FROM t JOIN d ON t.k = d.k AND d.name <> t.g WHERE t.g <> 'c' GROUP BY d.name",
  join_global: 'SELECT count(*) AS n, sum(t.v) AS s, avg(t.v) AS a FROM t JOIN d ON t.k = d.k',
  // Counts and float sums only: a batch's changes combined per upper group inside the fused join
  // (with a residual condition and filters between; with null-extended rows).
  join_combined:
    "SELECT d.name, count(*) AS n, sum(t.f) AS sf, avg(t.f) AS af FROM t JOIN d ON t.k = d.k AND d.name <> t.g WHERE t.g <> 'c' GROUP BY d.name",
  join_left_combined:
    'SELECT d.name, count(*) AS n, count(t.f) AS nf, sum(t.f) FILTER (WHERE t.v > 2) AS sf FROM t LEFT JOIN d ON t.k = d.k GROUP BY d.name',
  join_expr_key:
    'SELECT d.name, t.v % 3 AS m, count(*) AS n, sum(t.f) AS sf FROM t JOIN d ON t.k = d.k GROUP BY d.name, t.v % 3',
  join_expr_minmax:
    'SELECT upper(t.g) AS ug, d.name, min(t.v) AS lo, max(t.v) AS hi FROM t JOIN d USING (k) GROUP BY upper(t.g), d.name',
  join_dim_side: 'SELECT t.g, count(d.name) AS nd FROM d RIGHT JOIN t ON d.k = t.k GROUP BY t.g',
  // Grouping sets: one maintained aggregate per set, NULL-filled keys and GROUPING() bits.
  rolled_up:
    'SELECT g, v % 2 AS odd, count(*) AS n, sum(v) AS s, max(f) AS mf, GROUPING(g, v % 2) AS gb FROM t GROUP BY ROLLUP (g, v % 2)',
  cubed:
    'SELECT d.name, t.g, sum(t.v) AS s, count(*) AS n FROM t JOIN d ON t.k = d.k GROUP BY CUBE (d.name, t.g)',
  grouping_sets:
    'SELECT g, k, avg(f) AS af, min(v) AS lo, GROUPING(k) AS gk FROM t GROUP BY GROUPING SETS ((g, k), (g), (), ()) HAVING count(*) > 1',
  distinct_v: 'SELECT DISTINCT g, v > 5 AS big FROM t',
  unioned: 'SELECT k FROM t UNION SELECT k FROM d',
  union_all: 'SELECT k, g AS label FROM t WHERE v < 3 UNION ALL SELECT k, name FROM d',
  cte: 'WITH x AS (SELECT g, v FROM t WHERE v >= 0) SELECT g, sum(v) AS s FROM (SELECT * FROM x) y GROUP BY g',
  // Top-N over a group-by and over rows (the ORDER BY names every output column: no ties to pick from).
  top_groups: 'SELECT g, sum(v) AS s FROM t GROUP BY g ORDER BY s DESC NULLS LAST, g LIMIT 2',
  top_rows: 'SELECT k, v, g FROM t ORDER BY v NULLS FIRST, k DESC, g LIMIT 3 OFFSET 1',
  // DISTINCT ON: the first row of each partition (the ORDER BY names every output column).
  distinct_on: 'SELECT DISTINCT ON (g) g, k, v FROM t ORDER BY g, v DESC NULLS LAST, k, f',
  distinct_on_top:
    'SELECT DISTINCT ON (v % 3) v % 3 AS m, k, g FROM t WHERE v IS NOT NULL ORDER BY v % 3 DESC, k, g, f, v LIMIT 2',
  // IN and EXISTS as semi-joins, NOT EXISTS as an anti-join (correlated ones decorrelated).
  in_subquery: "SELECT k, g, v FROM t WHERE k IN (SELECT k FROM d WHERE name <> 'x') AND v > 0",
  exists_correlated: "SELECT k, g FROM t WHERE EXISTS (SELECT 1 FROM d WHERE d.k = t.k AND d.name <> 'y')",
  not_exists:
    'SELECT g, count(*) AS n, sum(v) AS s FROM t WHERE NOT EXISTS (SELECT 1 FROM d WHERE d.k = t.k) GROUP BY g',
  exists_uncorrelated: "SELECT k, v FROM t WHERE EXISTS (SELECT 1 FROM d WHERE name = 'x')",
  // NOT IN: an anti-join aware of NULLs on either side and of an empty subquery.
  not_in: "SELECT k, g, v FROM t WHERE v NOT IN (SELECT k FROM d WHERE name <> 'y')",
  in_correlated: 'SELECT k, v FROM t WHERE v IN (SELECT d.k * 2 FROM d WHERE d.k = t.k - 1)',
  // Uncorrelated scalar subqueries: their value joined to every row, which it changes when it changes.
  scalar_filter: 'SELECT k, v FROM t WHERE v >= (SELECT avg(v) FROM t) - 1',
  scalar_select:
    'SELECT g, sum(v) - (SELECT min(v) FROM t) AS above, (SELECT max(k) FROM d) AS mk FROM t WHERE v < (SELECT count(*) FROM d) + 3 GROUP BY g',
  // Correlated scalar subqueries, decorrelated: the subquery grouped by its correlation keys.
  scalar_correlated:
    "SELECT k, v, (SELECT count(*) FROM d WHERE d.k = t.k) AS nd, (SELECT max(name) FROM d WHERE d.k = t.k AND d.name <> 'z') AS mx FROM t",
  scalar_correlated_where:
    'SELECT g, sum(v) AS s FROM t WHERE v > (SELECT count(*) * 2 FROM d WHERE d.k = t.k) GROUP BY g',
  intersected: 'SELECT k FROM t INTERSECT SELECT k FROM d',
  intersected_all: 'SELECT k FROM t INTERSECT ALL SELECT k FROM d',
  excepted: 'SELECT k FROM t EXCEPT SELECT k FROM d',
  excepted_all: 'SELECT k FROM t EXCEPT ALL SELECT k FROM d',
  // Column picks in another order under the aggregate (read by table column, see compile.ts).
  picked:
    'SELECT gg, sum(vv) FILTER (WHERE vv > 1) AS sv, max(kk) AS mk, count(ff) AS nf ' +
    'FROM (SELECT f AS ff, v AS vv, k AS kk, g AS gg FROM t) s GROUP BY gg',
  percentiles:
    'SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS med, percentile_disc(0.9) WITHIN GROUP (ORDER BY v) AS p90 FROM t GROUP BY g',
  approx: 'SELECT g, approx_percentile(v, 0.5) AS p50, approx_percentile(f, 0.9) AS p90 FROM t GROUP BY g',
  ordered_aggs:
    "SELECT g, string_agg(k::text, ',' ORDER BY k, v) AS ks, array_agg(v ORDER BY v, k) AS vs FROM t GROUP BY g",
  self_join: 'SELECT a.k, a.v AS av, b.v AS bv FROM t a JOIN t b ON a.k = b.k AND a.g = b.g WHERE a.v < b.v',
  window_rank:
    'SELECT g, k, v, row_number() OVER (PARTITION BY g ORDER BY v, k, f) AS rn, rank() OVER (PARTITION BY g ORDER BY v) AS rk, ' +
    'lag(v) OVER (PARTITION BY g ORDER BY v, k, f) AS prev FROM t',
  window_frame:
    'SELECT g, k, sum(v) OVER (PARTITION BY g ORDER BY k, v, f ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s3, ' +
    'lead(k, 1) OVER (PARTITION BY g ORDER BY k, v, f) AS nxt FROM t',
  window_on_groups:
    'SELECT g, s, avg(s) OVER (ORDER BY g ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS moving FROM (SELECT g, sum(v) AS s FROM t GROUP BY g) x',
  on_view: 'SELECT count(*) AS groups, sum(s) AS total, max(hi) AS hi FROM grouped',
  on_view_join: 'SELECT g.g, g.n, h.s FROM grouped g LEFT JOIN having_v h ON g.g = h.g',
};

/** A value normalised for comparison: integers and numerics as numbers, arrays element-wise. */
function norm(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return Number(v.toString());
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

/** Sorted rows with a sort key that rounds numbers, so rows differing only in float rounding pair up. */
function canon(rows: Value[][]): unknown[][] {
  const key = (r: unknown[]): string =>
    JSON.stringify(r, (_k, x: unknown) => (typeof x === 'number' ? Number(x.toFixed(3)) : x));
  return rows.map((r) => r.map(norm)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Equal up to float rounding (1e-9 relative, 1e-9 absolute). */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number')
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  return a === b;
}

type Op =
  | { kind: 'insert'; rows: [number, string, number | null, number][] }
  | { kind: 'delete'; k: number }
  | { kind: 'update'; g: string; by: number }
  | { kind: 'insertD'; k: number | null; name: string }
  | { kind: 'deleteD'; k: number | null }
  | { kind: 'renameD'; k: number; name: string }
  | { kind: 'txn'; ops: Op[]; commit: boolean }
  | { kind: 'failing'; k: number };

const K = fc.integer({ min: 0, max: 6 });
const G = fc.constantFrom('a', 'b', 'c');
const simpleOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          K,
          G,
          fc.option(fc.integer({ min: -2, max: 9 }), { freq: 6 }),
          fc.double({ min: -100, max: 100, noNaN: true }),
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((rows) => ({ kind: 'insert' as const, rows })),
  },
  { weight: 2, arbitrary: K.map((k) => ({ kind: 'delete' as const, k })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(G, fc.integer({ min: -3, max: 3 }))
      .map(([g, by]) => ({ kind: 'update' as const, g, by })),
  },
  {
    weight: 1,
    arbitrary: fc
      // Some dimension rows with a NULL key: they join nothing, and make NOT IN NULL.
      .tuple(fc.option(K, { freq: 6 }), fc.constantFrom('x', 'y', 'z'))
      .map(([k, name]) => ({ kind: 'insertD' as const, k, name })),
  },
  { weight: 1, arbitrary: fc.option(K, { freq: 6 }).map((k) => ({ kind: 'deleteD' as const, k })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(K, fc.constantFrom('x', 'y', 'w'))
      .map(([k, name]) => ({ kind: 'renameD' as const, k, name })),
  },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: simpleOp },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(simpleOp, { minLength: 1, maxLength: 4 }), fc.boolean())
      .map(([ops, commit]) => ({ kind: 'txn' as const, ops, commit })),
  },
  { weight: 1, arbitrary: K.map((k) => ({ kind: 'failing' as const, k })) },
);

function sqlOf(o: Op): string {
  switch (o.kind) {
    case 'insert':
      return `INSERT INTO t VALUES ${o.rows.map(([k, g, v, f]) => `(${k}, '${g}', ${v ?? 'NULL'}, ${f})`).join(', ')}`;
    case 'delete':
      return `DELETE FROM t WHERE k = ${o.k}`;
    case 'update':
      return `UPDATE t SET v = v + ${o.by} WHERE g = '${o.g}'`;
    case 'insertD':
      return `INSERT INTO d VALUES (${o.k ?? 'NULL'}, '${o.name}')`;
    case 'deleteD':
      return `DELETE FROM d WHERE k IS NOT DISTINCT FROM ${o.k ?? 'NULL'}`;
    case 'renameD':
      return `UPDATE d SET name = '${o.name}' WHERE k = ${o.k}`;
    case 'failing':
      // The statement fails half-way (a row with v = 0 divides by zero): nothing of it may stay.
      return `INSERT INTO t SELECT ${o.k}, 'a', 10 / (v - v), 0 FROM t`;
    case 'txn':
      return `BEGIN; ${o.ops.map(sqlOf).join('; ')}; ${o.commit ? 'COMMIT' : 'ROLLBACK'}`;
  }
}

let db: Database;

beforeAll(async () => {
  db = await open();
});
afterAll(async () => {
  await db.close();
});

async function rows(sql: string): Promise<Value[][]> {
  return (await db.query(sql, [], { rowMode: 'array' })).rows;
}

describe('incrementally maintained views equal their queries recomputed', () => {
  it('after every step of random writes and transactions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        await db.exec('DROP TABLE IF EXISTS t CASCADE; DROP TABLE IF EXISTS d CASCADE');
        await db.exec('CREATE TABLE t (k int, g text, v int, f float8); CREATE TABLE d (k int, name text)');
        await db.exec(
          "INSERT INTO t VALUES (1, 'a', 5, 1.5), (2, 'b', 7, -2), (1, 'a', 0, 3); INSERT INTO d VALUES (1, 'x'), (5, 'y')",
        );
        for (const [name, sql] of Object.entries(VIEWS))
          await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
        for (const o of ops) {
          await db.exec(sqlOf(o)).catch(async () => {
            // A failed statement inside BEGIN leaves the block aborted: end it.
            await db.exec('ROLLBACK');
          });
          for (const [name, sql] of Object.entries(VIEWS)) {
            const want = canon(await rows(sql));
            const got = canon(await rows(`SELECT * FROM ${name}`));
            if (!close(got, want)) expect(got, `view ${name} after ${sqlOf(o)}`).toEqual(want);
          }
        }
      }),
      {
        numRuns: Number(process.env.VIEW_PROPERTY_RUNS ?? 25),
        seed: Number(process.env.VIEW_PROPERTY_SEED ?? 20261121),
      },
    );
  }, 300_000);
});
