/**
 * Engine benchmark: dashboard queries on LiveViewDB and DuckDB over the same seeded data, in one
 * process run. Prints per-query medians and ratios, the geometric mean, load time, memory and bytes
 * per row; exits 1 when any answer differs.
 *
 *   npm run bench:engine                # 10M rows
 *   BENCH_ROWS=1000000 BENCH_RUNS=3 npm run bench:engine
 *
 * The data comes from sales-data.ts (seeded, identical in both engines).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { open, Decimal } from '../src/index.js';
import { loadSales, loadSalesDuckDB, PRODUCTS } from './sales-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RANGE_LO = "TIMESTAMP '2025-03-01 00:00:00'";
const RANGE_HI = "TIMESTAMP '2025-03-08 00:00:00'";
const QUERIES: { name: string; sql: string }[] = [
  {
    name: 'filtered aggregate (time range)',
    sql: `SELECT count(*) AS n, sum(amount) AS s FROM sales WHERE ts >= ${RANGE_LO} AND ts < ${RANGE_HI}`,
  },
  {
    name: 'group by low-cardinality key',
    sql: 'SELECT region, count(*) AS n, sum(amount) AS s, avg(amount) AS a FROM sales GROUP BY region ORDER BY region',
  },
  {
    name: 'group by high-cardinality key',
    sql: 'SELECT count(*) AS groups, max(s) AS top FROM (SELECT customer_id, sum(amount) AS s FROM sales GROUP BY customer_id) t',
  },
  {
    name: 'hourly series (date_trunc)',
    sql: `SELECT extract(epoch FROM date_trunc('hour', ts)) AS hr, sum(amount) AS s FROM sales WHERE ts < ${RANGE_HI} GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'hourly series (time_bucket)',
    sql: `SELECT extract(epoch FROM time_bucket(INTERVAL '1 hour', ts)) AS hr, count(*) AS n FROM sales WHERE ts < ${RANGE_HI} GROUP BY 1 ORDER BY 1`,
  },
  { name: 'top-N', sql: 'SELECT customer_id, amount FROM sales ORDER BY amount DESC, ts LIMIT 10' },
  {
    name: 'join with dimension',
    sql: 'SELECT p.category, count(*) AS n, sum(s.amount) AS s FROM sales s JOIN products p ON s.product_id = p.product_id GROUP BY p.category ORDER BY p.category',
  },
  { name: 'count distinct', sql: 'SELECT count(DISTINCT customer_id) AS c FROM sales' },
  {
    name: 'percentile',
    sql: 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median FROM sales',
  },
  {
    name: '7-day moving average + lag',
    sql: `WITH d AS (SELECT date_trunc('day', ts) AS day, sum(amount) AS total FROM sales GROUP BY 1)
          SELECT extract(epoch FROM day) AS day, avg(total) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7,
                 total - lag(total) OVER (ORDER BY day) AS delta FROM d ORDER BY day`,
  },
];

function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  const o = v as { toDouble?: () => number; toString(): string };
  if (typeof o.toDouble === 'function') return o.toDouble();
  const n = Number(o.toString());
  return Number.isNaN(n) ? o.toString() : n;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    // Float sums depend on addition order: compare to 9 significant digits.
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  console.log(
    `LiveViewDB vs DuckDB, ${ROWS.toLocaleString('en')} sales rows, ${PRODUCTS.toLocaleString('en')} products, median of ${RUNS} runs\n`,
  );
  const rssStart = process.memoryUsage().rss;

  // LiveViewDB: generate the columns in JS and append them.
  const db = await open();
  const lvLoad = await time(() => loadSales(db, ROWS));
  const rssAfterLv = process.memoryUsage().rss;
  const table = db.engine.catalog.schema('public').tables.get('sales')!;
  const bytesPerRow = table.byteSize() / ROWS;

  // DuckDB: the same rows, generated inside DuckDB.
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const dkLoad = await time(async () => {
    await loadSalesDuckDB(duck, ROWS);
  });

  const results: { name: string; lv: number; dk: number; ok: boolean }[] = [];
  for (const q of QUERIES) {
    const lvRows = (await db.query(q.sql, [], { rowMode: 'array' })).rows.map((r) => r.map(norm));
    const dkRows = (await duck.runAndReadAll(q.sql)).getRows().map((r) => r.map(norm));
    const ok =
      lvRows.length === dkRows.length &&
      lvRows.every((r, i) => r.every((v, j) => sameValue(v, dkRows[i]![j])));
    if (!ok) {
      console.log(
        `MISMATCH in "${q.name}"\n  liveviewdb: ${JSON.stringify(lvRows.slice(0, 3))}\n  duckdb:     ${JSON.stringify(dkRows.slice(0, 3))}`,
      );
    }
    const lvT: number[] = [];
    const dkT: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      lvT.push(await time(() => db.query(q.sql, [], { rowMode: 'array' })));
      dkT.push(await time(() => duck.runAndReadAll(q.sql)));
    }
    results.push({ name: q.name, lv: median(lvT), dk: median(dkT), ok });
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => x.toFixed(1).padStart(10);
  console.log(
    `${pad('query', 34)}${'liveview ms'.padStart(12)}${'duckdb ms'.padStart(11)}${'ratio'.padStart(9)}  answers`,
  );
  for (const r of results)
    console.log(
      `${pad(r.name, 34)}${num(r.lv)}  ${num(r.dk)}${(r.lv / r.dk).toFixed(1).padStart(8)}x  ${r.ok ? 'match' : 'DIFFER'}`,
    );
  const geo = Math.exp(results.reduce((s, r) => s + Math.log(r.lv / r.dk), 0) / results.length);
  const worst = results.reduce((a, b) => (a.lv / a.dk > b.lv / b.dk ? a : b));
  console.log(
    `\ngeometric-mean ratio: ${geo.toFixed(2)}x   worst: ${(worst.lv / worst.dk).toFixed(1)}x (${worst.name})`,
  );
  console.log(
    `load: liveviewdb ${(lvLoad / 1000).toFixed(2)} s (JS generation + append), duckdb ${(dkLoad / 1000).toFixed(2)} s (generated in SQL)`,
  );
  console.log(
    `liveviewdb storage: ${bytesPerRow.toFixed(1)} bytes/row; process RSS after its load +${((rssAfterLv - rssStart) / 2 ** 20).toFixed(0)} MiB; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (both engines)`,
  );
  await db.close();
  if (results.some((r) => !r.ok)) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
