import { readFileSync } from 'node:fs';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../../index.js';
import { DatabaseError, SqlState } from '../../errors.js';
import { bearerAuth } from './auth.js';
import { errorBody } from './errors.js';
import { registerExportRoute } from './export-route.js';
import { LiveFeed } from './live.js';
import { HttpMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { registerQueryRoute } from './query-route.js';

/** The default HTTP port of `liveviewdb serve`. */
export const DEFAULT_HTTP_PORT = 8090;

/**
 * Options of createHttpApp.
 * @example
 * const app = await createHttpApp(db, { password: process.env.LIVEVIEWDB_PASSWORD });
 */
export interface HttpAppOptions {
  /** LIVEVIEWDB_PASSWORD: accepted as a bearer token, and turns off the no-token loopback trust. */
  readonly password?: string | undefined;
  readonly logger?: Logger;
  /** Open PostgreSQL-protocol connections, reported by /metrics. */
  readonly pgConnections?: () => number;
  /** Least time between two results of one live subscription; default 100 ms. */
  readonly liveIntervalMs?: number;
  /** Time between live-feed heartbeats (and pings; a client that misses one is dropped); default 15 s. */
  readonly liveHeartbeatMs?: number;
  /** Largest request body in bytes; default 16 MiB. */
  readonly bodyLimit?: number;
}

function packageVersion(): string {
  try {
    const url = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The HTTP and WebSocket API over an embedded database: a thin adapter that runs SQL through
 * sessions and encodes the results. Call `listen` on the returned app, `close` to stop it.
 *
 * @example
 * const app = await createHttpApp(db);
 * await app.listen({ host: '127.0.0.1', port: 8090 });
 * // curl -d '{"sql":"SELECT 1 AS x"}' -H 'content-type: application/json' localhost:8090/api/v1/query
 * await app.close();
 */
export async function createHttpApp(db: Database, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
  });
  let httpConnections = 0;
  app.server.on('connection', (socket) => {
    httpConnections++;
    socket.once('close', () => httpConnections--);
  });
  const live = new LiveFeed(db, options.liveIntervalMs ?? 100, options.liveHeartbeatMs ?? 15_000);
  const metrics = new HttpMetrics({
    engine: db.engine,
    httpConnections: () => httpConnections,
    liveSubscriptions: () => live.subscriptions,
    ...(options.pgConnections ? { pgConnections: options.pgConnections } : {}),
  });

  // Plain-text bodies are the SQL itself; unlabelled bodies (curl -d) are read as JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) =>
    done(null, { sql: body }),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new DatabaseError(SqlState.protocolViolation, 'request body is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((err: FastifyError | DatabaseError, _request, reply) => {
    if (err instanceof DatabaseError) return reply.code(400).send(errorBody(err));
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    const code = status >= 500 ? SqlState.internalError : SqlState.protocolViolation;
    return reply.code(status).send(errorBody(new DatabaseError(code, err.message)));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(new DatabaseError(SqlState.protocolViolation, `no route ${request.method} ${request.url}`)),
      ),
  );

  await app.register(fastifyWebsocket);
  app.addHook('onRequest', bearerAuth(db.engine.tokens, options.password));

  app.get('/health', async () => ({ status: 'ok' }));
  const openapi = openApiDocument(packageVersion());
  app.get('/api/v1/openapi.json', async () => openapi);
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  registerQueryRoute(app, db, metrics);
  registerExportRoute(app, db, metrics);
  live.register(app);
  return app;
}
