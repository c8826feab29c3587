import { Readable } from 'node:stream';
import { tableToIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../index.js';
import { DatabaseError, SqlState } from '../../errors.js';
import { toArrowTable } from '../../engine/arrow.js';
import { resultColumns } from '../../engine/columnar-result.js';
import { errorResponse } from './errors.js';
import {
  chooseFormat,
  CONTENT_TYPES,
  csvLines,
  describeColumns,
  jsonRow,
  ndjsonLines,
  type ResultFormat,
} from './formats.js';
import type { HttpMetrics } from './metrics.js';
import { parseSqlRequest, runOnce, textContext } from './run-sql.js';

/**
 * `POST /api/v1/query`: runs `{sql, params}` on a fresh session and answers in the format asked
 * for (`?format=` or Accept): json (default), csv, ndjson or arrow. Errors are JSON with the SQLSTATE.
 */
export function registerQueryRoute(app: FastifyInstance, db: Database, metrics: HttpMetrics): void {
  app.post<{ Querystring: { format?: string } }>('/api/v1/query', async (request, reply) => {
    const started = performance.now();
    try {
      const format: ResultFormat | undefined = chooseFormat(request.query.format, request.headers.accept);
      if (format === undefined)
        throw new DatabaseError(SqlState.invalidParameterValue, `unknown format "${request.query.format}"`, {
          hint: 'Use json, csv, ndjson or arrow.',
        });
      const req = parseSqlRequest(request.body);
      const session = db.session();
      const r = await runOnce(session, req);
      const elapsedMs = performance.now() - started;
      metrics.recordQuery('ok', elapsedMs);
      const ctx = textContext(session);
      reply.header('content-type', CONTENT_TYPES[format]);
      switch (format) {
        case 'json':
          return {
            columns: describeColumns(r.columns),
            rows: r.rows.map((row) => jsonRow(row, r.columns, ctx)),
            stats: { rowCount: r.rowCount, elapsedMs, command: r.command },
          };
        case 'csv':
          return reply.send(Readable.from(csvLines(r, ctx)));
        case 'ndjson':
          return reply.send(Readable.from(ndjsonLines(r, ctx)));
        case 'arrow': {
          const table = toArrowTable(resultColumns(r.columns, r.rows), r.rows.length);
          return reply.send(Buffer.from(tableToIPC(table, 'stream')));
        }
      }
    } catch (e) {
      const { status, body } = errorResponse(e);
      metrics.recordQuery(status >= 500 ? 'server_error' : 'client_error', performance.now() - started);
      return reply.code(status).header('content-type', CONTENT_TYPES.json).send(body);
    }
  });
}
