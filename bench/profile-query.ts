/**
 * Profiling aid: loads the engine benchmark's `sales` data (BENCH_ROWS rows) and runs one query
 * BENCH_RUNS times, printing each time. Use with `node --cpu-prof --import tsx`.
 *
 *   BENCH_ROWS=1000000 npx tsx bench/profile-query.ts "SELECT count(*) FROM sales"
 */
import { open } from '../src/index.js';
import { loadSales } from './sales-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const db = await open();
await loadSales(db, ROWS);
for (let r = 0; r < RUNS; r++) {
  const t = performance.now();
  const res = await db.query(process.argv[2]!, [], { rowMode: 'array' });
  console.log(
    `${(performance.now() - t).toFixed(1)} ms, ${res.rows.length} rows`,
    JSON.stringify(res.rows.slice(0, 2), (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
  );
}
await db.close();
