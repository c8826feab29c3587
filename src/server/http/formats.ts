import type { ResultColumn, StatementResult } from '../../engine/session.js';
import { formatValue, type TextIoContext } from '../../types/text-io.js';
import { typeName, type SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';

/**
 * Result encodings of the HTTP API. JSON values follow one rule per type (docs/http.md):
 * bool → boolean; int2/int4 → number; int8 → number when within ±2^53−1, else a string;
 * float4/float8 → number (NaN and ±Infinity as the strings 'NaN', 'Infinity', '-Infinity');
 * arrays → JSON arrays of their elements; NULL → null; everything else — numeric, text, json,
 * dates, timestamps, intervals, uuid, bytea (\x hex) — as PostgreSQL's text output.
 */

export type ResultFormat = 'json' | 'csv' | 'ndjson' | 'arrow';

export const CONTENT_TYPES: Record<ResultFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
};

const ACCEPT: readonly [string, ResultFormat][] = [
  ['text/csv', 'csv'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['application/jsonl', 'ndjson'],
  ['application/vnd.apache.arrow.stream', 'arrow'],
  ['application/vnd.apache.arrow.file', 'arrow'],
  ['application/json', 'json'],
];

/**
 * The format a request asks for: `?format=` wins, then the first Accept type we serve.
 * Returns undefined for a `?format=` we do not know.
 */
export function chooseFormat(
  query: string | undefined,
  accept: string | undefined,
): ResultFormat | undefined {
  if (query !== undefined) {
    const f = query.toLowerCase();
    return f === 'json' || f === 'csv' || f === 'ndjson' || f === 'arrow' ? f : undefined;
  }
  for (const part of (accept ?? '').split(',')) {
    const mime = part.split(';')[0]!.trim().toLowerCase();
    const hit = ACCEPT.find(([m]) => m === mime);
    if (hit) return hit[1];
  }
  return 'json';
}

/** A column as the API describes it: its name and SQL type name. */
export function describeColumns(columns: readonly ResultColumn[]): { name: string; type: string }[] {
  return columns.map((c) => ({ name: c.name, type: typeName(c.type) }));
}

/** One value in its JSON form (see the module comment). */
export function jsonValue(v: Value, type: SqlType, ctx: TextIoContext): unknown {
  if (v === null) return null;
  switch (type.id) {
    case 'bool':
    case 'int2':
    case 'int4':
    case 'oid':
      return v;
    case 'int8': {
      const n = typeof v === 'bigint' ? v : BigInt(v as number);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(n)
        : n.toString();
    }
    case 'float4':
    case 'float8':
      return Number.isFinite(v) ? v : formatValue(v, type, ctx);
    case 'array':
      return (v as Value[]).map((e) =>
        Array.isArray(e) ? jsonValue(e, type, ctx) : jsonValue(e, type.elem ?? type, ctx),
      );
    default:
      return formatValue(v, type, ctx);
  }
}

/** A row as an array of JSON values. */
export function jsonRow(
  row: readonly Value[],
  columns: readonly ResultColumn[],
  ctx: TextIoContext,
): unknown[] {
  return row.map((v, i) => jsonValue(v, columns[i]!.type, ctx));
}

/** A row as an object keyed by column name (a later column wins over an earlier one of the same name). */
export function jsonObject(
  row: readonly Value[],
  columns: readonly ResultColumn[],
  ctx: TextIoContext,
): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) o[columns[i]!.name] = jsonValue(row[i]!, columns[i]!.type, ctx);
  return o;
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF, or is the empty string. */
function csvField(s: string): string {
  return s === '' || /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/**
 * CSV lines (CRLF-terminated), header first. Values are PostgreSQL's text output; NULL is an empty
 * unquoted field and the empty string is `""`, as COPY ... CSV writes them.
 */
export function* csvLines(r: StatementResult, ctx: TextIoContext): Generator<string> {
  yield r.columns.map((c) => csvField(c.name)).join(',') + '\r\n';
  for (const row of r.rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) {
      if (i > 0) line += ',';
      const v = row[i]!;
      if (v !== null) line += csvField(formatValue(v, r.columns[i]!.type, ctx));
    }
    yield line + '\r\n';
  }
}

/** NDJSON lines: one JSON object per row, keyed by column name. */
export function* ndjsonLines(r: StatementResult, ctx: TextIoContext): Generator<string> {
  for (const row of r.rows) yield JSON.stringify(jsonObject(row, r.columns, ctx)) + '\n';
}
