/**
 * Wire-protocol benchmark. 200 pg connections (the `pg` driver) run small queries against a
 * PgServer started in this process: first alone, then while one more connection runs a large
 * aggregate over and over. Prints p50/p99 of the small queries in both phases and their ratio,
 * then queries per second over the wire against PostgreSQL on 127.0.0.1:5432 (database `test`,
 * trust auth) running the same small queries on the same products table with as many connections
 * as it allows. Exits 1 when the two servers answer a small query differently.
 *
 *   npm run bench:server
 *   BENCH_ROWS=5000000 BENCH_SECONDS=10 BENCH_CONNECTIONS=200 npm run bench:server
 *
 * The clients run in the server's process, so both servers' numbers include the driver's own work.
 */
import pg from 'pg';
import { open } from '../src/index.js';
import { PgServer } from '../src/server/pg/server.js';
import { loadSales, PRODUCTS } from './sales-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);

/** Small queries, each with a product id as $1; the clients take them in turn. */
const SMALL = [
  'SELECT category, price FROM products WHERE product_id = $1',
  'SELECT count(*) AS n, max(price) AS top FROM products WHERE product_id BETWEEN $1 AND $1 + 99',
];
const LARGE =
  'SELECT region, count(*) AS n, sum(amount) AS s, avg(amount) AS a, max(customer_id) AS c FROM sales GROUP BY region ORDER BY region';

interface Endpoint {
  readonly name: string;
  readonly config: pg.ClientConfig;
}

interface PhaseResult {
  readonly label: string;
  readonly connections: number;
  readonly latencies: number[];
  readonly seconds: number;
  readonly large: number[];
}

/** A seeded xorshift generator, so every run asks for the same product ids. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function connectAll(endpoint: Endpoint, n: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  // In batches: a burst of hundreds of connects would overflow the listen backlog.
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () => new pg.Client(endpoint.config));
    await Promise.all(batch.map((c) => c.connect()));
    clients.push(...batch);
  }
  return clients;
}

/** Every client runs small queries for `seconds`; `large`, if given, runs LARGE meanwhile. */
async function phase(
  label: string,
  clients: pg.Client[],
  large: pg.Client | null = null,
  seconds = SECONDS,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const largeTimes: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const small = clients.map(async (c, k) => {
    const next = rng(k + 1);
    for (let i = k; performance.now() < deadline; i++) {
      const t = performance.now();
      await c.query(SMALL[i % SMALL.length]!, [Math.floor(next() * PRODUCTS)]);
      latencies.push(performance.now() - t);
    }
  });
  const big = (async () => {
    while (large && performance.now() < deadline) {
      const t = performance.now();
      await large.query(LARGE);
      largeTimes.push(performance.now() - t);
    }
  })();
  await Promise.all([...small, big]);
  return {
    label,
    connections: clients.length,
    latencies: latencies.sort((a, b) => a - b),
    seconds: (performance.now() - started) / 1000,
    large: largeTimes,
  };
}

/** The answers of each small query for a few ids, as JSON, to compare the two servers. */
async function answers(c: pg.Client): Promise<string> {
  const out: unknown[] = [];
  for (const sql of SMALL)
    for (const id of [0, 1, 4242, PRODUCTS - 1, PRODUCTS + 5])
      out.push(
        (await c.query({ text: sql, values: [id], rowMode: 'array' })).rows.map((r: unknown[]) =>
          r.map(String),
        ),
      );
  return JSON.stringify(out);
}

/** A schema of its own on the PostgreSQL server with the same products table; null if unreachable. */
async function preparePostgres(): Promise<{
  endpoint: Endpoint;
  connections: number;
  drop: () => Promise<void>;
} | null> {
  const schema = `lvdb_bench_${process.pid}`;
  for (const user of ['root', 'postgres']) {
    const base = { host: '127.0.0.1', port: 5432, database: 'test', user };
    const admin = new pg.Client(base);
    try {
      await admin.connect();
    } catch {
      continue;
    }
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.products AS SELECT i::int AS product_id,
        'cat' || lpad((i % 20)::text, 2, '0') AS category, (i % 500) + 0.99::double precision AS price
      FROM generate_series(0, ${PRODUCTS - 1}) i`);
    await admin.query(`ANALYZE ${schema}.products`);
    const { rows } = await admin.query(
      `SELECT current_setting('max_connections')::int - count(*)::int AS free FROM pg_stat_activity WHERE backend_type = 'client backend'`,
    );
    const free = Number(rows[0].free) - 5;
    return {
      endpoint: {
        name: `postgresql (${user}@127.0.0.1:5432/test)`,
        config: { ...base, options: `-c search_path=${schema}` },
      },
      connections: Math.max(1, Math.min(CONNECTIONS, free)),
      drop: async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  return null;
}

const ms = (x: number): string => x.toFixed(2).padStart(9);

function row(r: PhaseResult, server: string): string {
  const qps = r.latencies.length / r.seconds;
  return `${r.label.padEnd(38)}${server.padEnd(12)}${String(r.connections).padStart(6)}${String(r.latencies.length).padStart(10)}${qps.toFixed(0).padStart(9)}${ms(percentile(r.latencies, 0.5))}${ms(percentile(r.latencies, 0.99))}`;
}

async function main(): Promise<void> {
  console.log(
    `LiveViewDB pg wire protocol: ${CONNECTIONS} connections, small queries for ${SECONDS} s per phase; large aggregate over ${ROWS.toLocaleString('en')} sales rows\n`,
  );
  const db = await open();
  const loadStart = performance.now();
  await loadSales(db, ROWS);
  const loadMs = performance.now() - loadStart;
  const server = await PgServer.listen(db, { port: 0, maxConnections: CONNECTIONS + 10 });
  const lv: Endpoint = {
    name: 'liveviewdb',
    config: { host: '127.0.0.1', port: server.port, user: 'admin', database: 'liveview' },
  };

  const clients = await connectAll(lv, CONNECTIONS);
  const [large] = await connectAll(lv, 1);
  // Warm-up, not measured: the JIT compiles the server's and the driver's hot paths.
  await phase('warm-up', clients, large!, 3);

  const alone = await phase('small queries alone', clients);
  const loaded = await phase('small queries + large aggregate', clients, large!);
  const results: [PhaseResult, string][] = [
    [alone, 'liveviewdb'],
    [loaded, 'liveviewdb'],
  ];

  let mismatch = false;
  let qpsRatio: { n: number; ratio: number } | null = null;
  const postgres = await preparePostgres().catch((e: unknown) => {
    console.log(`PostgreSQL comparison skipped: ${(e as Error).message}`);
    return null;
  });
  if (!postgres) console.log('PostgreSQL on 127.0.0.1:5432 is unreachable: comparison skipped\n');
  else {
    const pgClients = await connectAll(postgres.endpoint, postgres.connections);
    const [lvAnswers, pgAnswers] = [await answers(clients[0]!), await answers(pgClients[0]!)];
    mismatch = lvAnswers !== pgAnswers;
    if (mismatch) console.log(`MISMATCH\n  liveviewdb: ${lvAnswers}\n  postgresql: ${pgAnswers}`);
    const n = postgres.connections;
    const lvSame = n === CONNECTIONS ? alone : await phase('small queries alone', clients.slice(0, n));
    const pgRun = await phase('small queries alone', pgClients);
    if (lvSame !== alone) results.push([lvSame, 'liveviewdb']);
    results.push([pgRun, 'postgresql']);
    qpsRatio = {
      n,
      ratio: lvSame.latencies.length / lvSame.seconds / (pgRun.latencies.length / pgRun.seconds),
    };
    await Promise.all(pgClients.map((c) => c.end()));
    await postgres.drop();
  }

  console.log(
    `${'phase'.padEnd(38)}${'server'.padEnd(12)}${'conns'.padStart(6)}${'queries'.padStart(10)}${'qps'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`,
  );
  for (const [r, s] of results) console.log(row(r, s));
  const large50 = percentile(
    loaded.large.sort((a, b) => a - b),
    0.5,
  );
  console.log(
    `\nlarge aggregate: ${loaded.large.length} runs during the loaded phase, median ${large50.toFixed(0)} ms`,
  );
  console.log(
    `small-query latency with / without the large aggregate: p50 ${(percentile(loaded.latencies, 0.5) / percentile(alone.latencies, 0.5)).toFixed(2)}x, p99 ${(percentile(loaded.latencies, 0.99) / percentile(alone.latencies, 0.99)).toFixed(2)}x`,
  );
  if (qpsRatio)
    console.log(
      `queries per second, liveviewdb / postgresql at ${qpsRatio.n} connections: ${qpsRatio.ratio.toFixed(2)}x (answers ${mismatch ? 'DIFFER' : 'match'})`,
    );
  console.log(`load: ${(loadMs / 1000).toFixed(1)} s for ${ROWS.toLocaleString('en')} rows`);

  await Promise.all([...clients, large!].map((c) => c.end()));
  await server.close();
  await db.close();
  if (mismatch) process.exit(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
