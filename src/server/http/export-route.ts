import { Readable } from 'node:stream';
import { tableToIPC } from 'apache-arrow';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Database } from '../../index.js';
import { DatabaseError, SqlState } from '../../errors.js';
import { toArrowTable } from '../../engine/arrow.js';
import { resultColumns } from '../../engine/columnar-result.js';
import type { StatementResult } from '../../engine/session.js';
import { errorBody, errorResponse } from './errors.js';
import { CONTENT_TYPES, csvLines } from './formats.js';
import type { HttpMetrics } from './metrics.js';
import { toParquet } from './parquet.js';
import { parseSqlRequest, runOnce, textContext, type SqlRequest } from './run-sql.js';

/** File formats of `/api/v1/export`. */
export type ExportFormat = 'csv' | 'parquet' | 'arrow';

const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: CONTENT_TYPES.csv,
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
};

function exportFormat(raw: unknown): ExportFormat {
  const f = raw === undefined ? 'csv' : String(raw).toLowerCase();
  if (f === 'csv' || f === 'parquet' || f === 'arrow') return f;
  throw new DatabaseError(SqlState.invalidParameterValue, `unknown export format "${String(raw)}"`, {
    hint: 'Use csv, parquet or arrow.',
  });
}

/** `name` or `schema.name`, each part quoted: the name is taken as stored, never as SQL text. */
function quotedTableName(table: string): string {
  const quote = (s: string): string => '"' + s.replace(/"/g, '""') + '"';
  const dot = table.indexOf('.');
  return dot > 0 && dot === table.lastIndexOf('.')
    ? `${quote(table.slice(0, dot))}.${quote(table.slice(dot + 1))}`
    : quote(table);
}

/** A download name of safe characters only, so the Content-Disposition header needs no escaping. */
function fileName(base: string, format: ExportFormat): string {
  return `${base.replace(/[^\w.-]/g, '_') || 'export'}.${format}`;
}

function encode(r: StatementResult, format: ExportFormat, ctx: ReturnType<typeof textContext>) {
  switch (format) {
    case 'csv':
      return Readable.from(csvLines(r, ctx));
    case 'parquet':
      return Buffer.from(toParquet(r, ctx));
    case 'arrow':
      return Buffer.from(tableToIPC(toArrowTable(resultColumns(r.columns, r.rows), r.rows.length), 'file'));
  }
}

/**
 * `GET /api/v1/export?table=NAME&format=csv|parquet|arrow` downloads a table or view;
 * `POST /api/v1/export` with `{sql, params, format}` downloads a query's result. Both answer with
 * `Content-Disposition: attachment`; errors are the API's JSON errors (a missing table is 404).
 */
export function registerExportRoute(app: FastifyInstance, db: Database, metrics: HttpMetrics): void {
  const run = async (
    reply: FastifyReply,
    req: () => { sql: SqlRequest; format: ExportFormat; name: string },
    isTable: boolean,
  ): Promise<FastifyReply> => {
    const started = performance.now();
    try {
      const { sql, format, name } = req();
      const session = db.session();
      const r = await runOnce(session, sql);
      const body = encode(r, format, textContext(session));
      metrics.recordQuery('ok', performance.now() - started);
      return reply
        .header('content-type', EXPORT_TYPES[format])
        .header('content-disposition', `attachment; filename="${fileName(name, format)}"`)
        .send(body);
    } catch (e) {
      let { status, body } = errorResponse(e);
      metrics.recordQuery(status >= 500 ? 'server_error' : 'client_error', performance.now() - started);
      if (isTable && body.error.code === SqlState.undefinedTable) {
        // The SQL was ours, so a position in it would mean nothing to the caller.
        status = 404;
        body = errorBody(new DatabaseError(body.error.code, body.error.message));
      }
      return reply.code(status).header('content-type', CONTENT_TYPES.json).send(body);
    }
  };

  app.get<{ Querystring: { table?: string; format?: string } }>('/api/v1/export', (request, reply) =>
    run(
      reply,
      () => {
        const { table } = request.query;
        if (typeof table !== 'string' || table === '')
          throw new DatabaseError(SqlState.protocolViolation, 'query parameter "table" is required');
        return {
          sql: { sql: `SELECT * FROM ${quotedTableName(table)}`, params: [] },
          format: exportFormat(request.query.format),
          name: table,
        };
      },
      true,
    ),
  );

  app.post<{ Querystring: { format?: string } }>('/api/v1/export', (request, reply) =>
    run(
      reply,
      () => {
        const body = request.body as { format?: unknown } | undefined;
        return {
          sql: parseSqlRequest(request.body),
          format: exportFormat(request.query.format ?? body?.format),
          name: 'query',
        };
      },
      false,
    ),
  );
}
