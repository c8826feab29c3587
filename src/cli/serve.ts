import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEMO_QUERIES, loadSales } from '../demo/sales-data.js';
import { open, type SyncMode } from '../index.js';

const SYNC_MODES: readonly SyncMode[] = ['fsync', 'batch', 'off'];
import { DEFAULT_PG_PORT, PG_SERVER_LIMITS, PgServer } from '../server/pg/server.js';
import { AUTH_METHODS, type AuthMethod } from '../server/pg/auth.js';
import { initAdminPassword } from '../tenancy/roles.js';
import { createHttpApp, DEFAULT_HTTP_PORT } from '../server/http/app.js';
import { withConfigFile } from './config.js';

/** Ports `--http-port` refuses: well-known ports of other services (PostgreSQL, MySQL, Redis, MQTT, NATS, AMQP). */
const RESERVED_PORTS = new Set([5432, 3306, 6379, 1883, 4222, 5672]);

function parsePort(flag: string, text: string | undefined): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid ${flag}: ${text}`);
  return port;
}

function parseCount(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new Error(`invalid ${flag}: ${text}`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30 };

/** A size in bytes, or with a unit as PostgreSQL writes them: `65536`, `512kB`, `64MB`, `1GB`. */
function parseSize(flag: string, text: string): number {
  const m = /^(\d+)\s*([kmg]?b)?$/i.exec(text.trim());
  const bytes = m ? Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) throw new Error(`invalid ${flag}: ${text}`);
  return bytes;
}

const USAGE = `Usage: liveviewdb serve [options]

Runs LiveViewDB as a server speaking PostgreSQL's wire protocol (database "liveview", user "admin")
and HTTP (SQL over JSON/CSV/NDJSON/Arrow, a WebSocket live feed, /health and /metrics).

  --host HOST        interface to listen on (default 127.0.0.1)
  --pg-port PORT     PostgreSQL protocol port (default ${DEFAULT_PG_PORT}; 0 picks a free one)
  --http-port PORT   HTTP and WebSocket API port (default ${DEFAULT_HTTP_PORT}; 0 picks a free one)
  --data-dir DIR     data directory: write-ahead log and checkpoints (default ./liveviewdb-data)
  --sync MODE        when a commit is acknowledged: fsync (default; after fdatasync, with group
                     commit), batch (fsync at most every --sync-interval ms) or off (docs/durability.md)
  --sync-interval MS fsync interval of --sync batch (default 10)
  --checkpoint-interval MS
                     checkpoint this often while data changes (default 60000; 0: only at shutdown)
  --log-level LEVEL  trace, debug, info, warn, error or silent (default info)
  --demo             load sample tables sales and products before listening
  --demo-rows N      rows of the demo's sales table (default 1000000)
  --auth METHOD      pg clients' authentication: scram-sha-256 (default), md5, password or trust
  --tls-cert FILE    PEM certificate: pg clients may connect over TLS (with --tls-key)
  --tls-key FILE     PEM private key of --tls-cert
  --max-connections N
                     most pg clients connected at once (default ${PG_SERVER_LIMITS.maxConnections}); more get 53300
  --max-message-size SIZE
                     largest message a pg client may send, e.g. 64MB (default); longer ones close
                     the connection with 08P01
  --authentication-timeout SECONDS
                     time a pg client has to finish startup and authentication (default ${PG_SERVER_LIMITS.authenticationTimeout / 1000})
  --config FILE      JSON file of settings named like the flags, e.g. {"pg-port": 6543, "demo": true};
                     flags on the command line override it

The password of user admin is read from LIVEVIEWDB_PASSWORD; without it the first start generates
one, prints it once and keeps only its SCRAM verifier in the data directory.
The HTTP API takes a bearer token (SELECT liveview_create_token('name')) or LIVEVIEWDB_PASSWORD;
while neither exists it serves requests from this machine (loopback) only.`;

/**
 * `liveviewdb serve`: opens a database and serves it over the PostgreSQL protocol until SIGTERM or
 * SIGINT. Logs are pino JSON lines on stdout.
 * @example
 * await serve(['--pg-port', '6543']);
 */
export async function serve(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: withConfigFile(argv),
    options: {
      demo: { type: 'boolean', default: false },
      'demo-rows': { type: 'string', default: '1000000' },
      host: { type: 'string', default: '127.0.0.1' },
      'pg-port': { type: 'string', default: String(DEFAULT_PG_PORT) },
      'http-port': { type: 'string', default: String(DEFAULT_HTTP_PORT) },
      'data-dir': { type: 'string', default: './liveviewdb-data' },
      'log-level': { type: 'string', default: 'info' },
      sync: { type: 'string', default: 'fsync' },
      'sync-interval': { type: 'string', default: '10' },
      'checkpoint-interval': { type: 'string', default: '60000' },
      auth: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'max-connections': { type: 'string', default: String(PG_SERVER_LIMITS.maxConnections) },
      'max-message-size': { type: 'string', default: `${PG_SERVER_LIMITS.maxMessageSize / 2 ** 20}MB` },
      'authentication-timeout': {
        type: 'string',
        default: String(PG_SERVER_LIMITS.authenticationTimeout / 1000),
      },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const log = pino({ level: values['log-level'] });
  const port = parsePort('--pg-port', values['pg-port']);
  const httpPort = parsePort('--http-port', values['http-port']);
  if (RESERVED_PORTS.has(httpPort))
    throw new Error(`--http-port ${httpPort} is another service's well-known port; pick another`);
  const dataDir = resolve(values['data-dir']);
  const sync = values.sync as SyncMode;
  if (!SYNC_MODES.includes(sync)) throw new Error(`invalid --sync: ${values.sync} (fsync, batch or off)`);
  const batchIntervalMs = parseCount('--sync-interval', values['sync-interval'], 1);
  const checkpointIntervalMs = parseCount('--checkpoint-interval', values['checkpoint-interval'], 0);
  const password = process.env.LIVEVIEWDB_PASSWORD || undefined;
  const auth = values.auth as AuthMethod | undefined;
  if (auth !== undefined && !AUTH_METHODS.includes(auth)) throw new Error(`invalid --auth: ${auth}`);
  const [cert, key] = [values['tls-cert'], values['tls-key']];
  if ((cert === undefined) !== (key === undefined)) throw new Error('--tls-cert and --tls-key go together');
  const tls = cert && key ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined;
  const maxConnections = parseCount('--max-connections', values['max-connections'], 1);
  const maxMessageSize = parseSize('--max-message-size', values['max-message-size']);
  const authenticationTimeout =
    parseCount('--authentication-timeout', values['authentication-timeout'], 0) * 1000;
  if (auth === 'trust') log.warn('--auth trust: accepting every pg client without a password');
  const db = await open({
    path: dataDir,
    durability: {
      sync,
      batchIntervalMs,
      checkpointIntervalMs,
      logger: log.child({ component: 'durability' }),
    },
  });
  const generated = initAdminPassword(db.engine.roles, password);
  if (generated !== undefined)
    console.log(`Generated password for user admin (shown only once): ${generated}`);
  if (values.demo && db.engine.catalog.schemas.get('public')?.tables.has('sales')) {
    log.info('demo tables already in the data directory; not loaded again');
  } else if (values.demo) {
    const rows = Number(values['demo-rows']);
    if (!Number.isInteger(rows) || rows < 0) throw new Error(`invalid --demo-rows: ${values['demo-rows']}`);
    const started = Date.now();
    await loadSales(db, rows);
    log.info({ rows, ms: Date.now() - started }, 'demo tables sales and products loaded');
  }
  const server = await PgServer.listen(db, {
    host: values.host,
    port,
    password,
    ...(auth ? { auth } : {}),
    ...(tls ? { tls } : {}),
    maxConnections,
    maxMessageSize,
    authenticationTimeout,
    logger: log,
  });
  const http = await createHttpApp(db, {
    password,
    logger: log.child({ component: 'http' }),
    pgConnections: () => server.connectionCount,
  });
  try {
    await http.listen({ host: values.host, port: httpPort });
  } catch (e) {
    await server.close();
    await db.close();
    throw e;
  }
  const boundHttpPort = (http.server.address() as { port: number }).port;
  log.info({ host: values.host, pgPort: server.port, httpPort: boundHttpPort, dataDir }, 'LiveViewDB ready');
  const env = password === undefined ? '' : 'PGPASSWORD=$LIVEVIEWDB_PASSWORD ';
  console.log(`Connect with: ${env}psql -h ${values.host} -p ${server.port} -U admin liveview`);
  console.log(`HTTP API:     http://${values.host}:${boundHttpPort}/api/v1/query (docs/http.md)`);
  if (values.demo) console.log(`Try:\n  ${DEMO_QUERIES.join('\n  ')}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void Promise.all([server.close(), http.close()])
      .then(() => db.close())
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        log.error({ err: (e as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
