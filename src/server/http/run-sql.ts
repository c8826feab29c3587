import { DatabaseError, SqlState } from '../../errors.js';
import type { Session, StatementResult } from '../../engine/session.js';
import type { TextIoContext } from '../../types/text-io.js';
import type { Value } from '../../types/values.js';

/** A request body's `sql` and `params`, checked. */
export interface SqlRequest {
  readonly sql: string;
  readonly params: Value[];
}

function badRequest(message: string): DatabaseError {
  return new DatabaseError(SqlState.protocolViolation, message);
}

/** A JSON parameter as the engine takes it: objects become their JSON text (for json parameters). */
function paramValue(v: unknown, at: string): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((e, i) => paramValue(e, `${at}[${i}]`));
  if (typeof v === 'object') return JSON.stringify(v);
  throw badRequest(`invalid parameter ${at}`);
}

/** Checks a `{sql, params}` body (HTTP query, WebSocket subscribe); 08P01 when malformed. */
export function parseSqlRequest(body: unknown): SqlRequest {
  if (typeof body !== 'object' || body === null) throw badRequest('request body must be a JSON object');
  const { sql, params } = body as { sql?: unknown; params?: unknown };
  if (typeof sql !== 'string') throw badRequest('"sql" must be a string');
  if (params !== undefined && !Array.isArray(params)) throw badRequest('"params" must be an array');
  return { sql, params: (params ?? []).map((p: unknown, i: number) => paramValue(p, `$${i + 1}`)) };
}

/**
 * Runs `sql` on a session of its own and returns the last statement's result. A transaction the
 * statements leave open is rolled back: an HTTP request is one unit of work.
 */
export async function runOnce(session: Session, req: SqlRequest): Promise<StatementResult> {
  try {
    const results = await session.execute(req.sql, req.params);
    return results[results.length - 1] ?? { command: '', columns: [], rows: [], rowCount: 0 };
  } finally {
    if (session.transactionStatus !== 'I') await session.execute('ROLLBACK');
  }
}

/** The session's settings that text output depends on. */
export function textContext(session: Session): TextIoContext {
  const s = session.settings;
  return {
    timezone: s.get('timezone') ?? 'UTC',
    dateStyle: s.get('datestyle') ?? 'ISO, MDY',
    extraFloatDigits: Number(s.get('extra_float_digits') ?? '1'),
  };
}
