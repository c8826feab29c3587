/**
 * Durability benchmark (docs/durability.md): commit throughput of 16 concurrent committers under
 * each sync mode, against DuckDB appending to a file database with the same 16 writers, and the
 * time to restart a 10M-row data directory (checkpoint load, and checkpoint plus WAL replay).
 *
 *   npm run bench:durability            # defaults below
 *   BENCH_ROWS=1000000 BENCH_SECONDS=2 npm run bench:durability
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { open, type SyncMode } from '../src/index.js';
import { loadSales } from './sales-data.js';

const WRITERS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const ROWS_PER_COMMIT = Number(process.env.BENCH_ROWS_PER_COMMIT ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lvdb-bench-durability-'));
}

function insertSql(w: number, i: number): string {
  const rows: string[] = [];
  for (let r = 0; r < ROWS_PER_COMMIT; r++)
    rows.push(
      `(${w}, ${i * ROWS_PER_COMMIT + r}, ${((i * 7919 + r) % 10000) / 100}, 'sensor-${(i + r) % 100}')`,
    );
  return `INSERT INTO events VALUES ${rows.join(', ')}`;
}

/** Commits per second with WRITERS sessions committing small INSERTs for SECONDS. */
async function liveviewCommits(sync: SyncMode): Promise<number> {
  const dir = tempDir();
  const db = await open({ path: dir, durability: { sync, batchIntervalMs: 10, checkpointIntervalMs: 0 } });
  await db.exec('CREATE TABLE events (writer int, seq int, value double precision, sensor text)');
  let commits = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_x, w) => {
      const s = db.session();
      for (let i = 0; performance.now() < deadline; i++) {
        await s.execute(insertSql(w, i));
        commits++;
      }
    }),
  );
  const elapsed = SECONDS;
  const { rows } = await db.query('SELECT count(*) AS n FROM events');
  if (Number(rows[0]!.n) !== commits * ROWS_PER_COMMIT) throw new Error('row count mismatch');
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return commits / elapsed;
}

async function duckdbCommits(): Promise<number> {
  const dir = tempDir();
  const instance = await DuckDBInstance.create(join(dir, 'bench.duckdb'));
  const setup = await instance.connect();
  await setup.run('CREATE TABLE events (writer INTEGER, seq INTEGER, value DOUBLE, sensor VARCHAR)');
  let commits = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_x, w) => {
      const c = await instance.connect();
      for (let i = 0; performance.now() < deadline; i++) {
        await c.run(insertSql(w, i));
        commits++;
      }
      c.closeSync();
    }),
  );
  const r = await setup.runAndReadAll('SELECT count(*) FROM events');
  if (Number(r.getRows()[0]![0]) !== commits * ROWS_PER_COMMIT) throw new Error('duckdb row count mismatch');
  setup.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return commits / SECONDS;
}

async function restart(): Promise<void> {
  const dir = tempDir();
  let t = performance.now();
  const db = await open({ path: dir, durability: { checkpointIntervalMs: 0 } });
  await loadSales(db, ROWS);
  const loadMs = performance.now() - t;
  t = performance.now();
  await db.close();
  const closeMs = performance.now() - t;
  const opens: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const again = await open({ path: dir, durability: { checkpointIntervalMs: 0 } });
    opens.push(performance.now() - t);
    const { rows } = await again.query('SELECT count(*) AS n FROM sales');
    if (Number(rows[0]!.n) !== ROWS) throw new Error('restart lost rows');
    await again.close();
  }
  // A crash after another 10% of rows: the checkpoint plus WAL replay.
  const db2 = await open({ path: dir, durability: { checkpointIntervalMs: 0 } });
  const extra = Math.round(ROWS / 10);
  const ts = new Float64Array(extra).map((_x, i) => i * 1000);
  await db2.append('sales', {
    ts,
    region: Array.from({ length: extra }, (_x, i) => `r${i % 8}`),
    customer_id: new Int32Array(extra),
    product_id: new Int32Array(extra),
    amount: new Float64Array(extra).fill(1),
  });
  await db2.durability!.close({ checkpoint: false });
  t = performance.now();
  const db3 = await open({ path: dir, durability: { checkpointIntervalMs: 0 } });
  const replayMs = performance.now() - t;
  const { rows } = await db3.query('SELECT count(*) AS n FROM sales');
  if (Number(rows[0]!.n) !== ROWS + extra) throw new Error('replay lost rows');
  await db3.durability!.close({ checkpoint: false });
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nRestart, ${ROWS.toLocaleString('en')} rows (sales, 5 columns) + 10K products`);
  console.log(`  load with WAL (fsync):            ${(loadMs / 1000).toFixed(2)} s`);
  console.log(`  clean close (final checkpoint):   ${(closeMs / 1000).toFixed(2)} s`);
  console.log(
    `  restart from checkpoint:          ${(median(opens) / 1000).toFixed(2)} s (median of ${RUNS}; target <= 5 s)`,
  );
  console.log(
    `  restart, checkpoint + WAL replay of ${extra.toLocaleString('en')} rows: ${(replayMs / 1000).toFixed(2)} s`,
  );
}

async function main(): Promise<void> {
  console.log(
    `Commit throughput: ${WRITERS} concurrent committers, ${ROWS_PER_COMMIT} rows per INSERT, ${SECONDS} s per run, median of ${RUNS}`,
  );
  const results: [string, number][] = [];
  for (const mode of ['fsync', 'batch', 'off'] as const) {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await liveviewCommits(mode));
    results.push([`liveviewdb sync=${mode}`, median(runs)]);
  }
  const duck: number[] = [];
  for (let i = 0; i < RUNS; i++) duck.push(await duckdbCommits());
  results.push(['duckdb (file database)', median(duck)]);
  const off = results.find(([n]) => n.endsWith('off'))![1];
  const duckRate = results.at(-1)![1];
  console.log(
    `${'writer'.padEnd(28)}${'commits/s'.padStart(12)}${'rows/s'.padStart(12)}${'vs off'.padStart(9)}${'vs duckdb'.padStart(11)}`,
  );
  for (const [name, rate] of results)
    console.log(
      `${name.padEnd(28)}${rate.toFixed(0).padStart(12)}${(rate * ROWS_PER_COMMIT).toFixed(0).padStart(12)}${`${((rate / off) * 100).toFixed(0)}%`.padStart(9)}${`${(rate / duckRate).toFixed(2)}x`.padStart(11)}`,
    );
  const fsync = results[0]![1];
  console.log(`group commit reaches ${((fsync / off) * 100).toFixed(0)}% of sync=off (target >= 50%)`);
  await restart();
}

await main();
