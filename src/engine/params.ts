import { DatabaseError, SqlState } from '../errors.js';
import { castValue, type CastSession } from '../types/cast.js';
import { formatInterval } from '../types/text-io.js';
import { T, typeName, type SqlType } from '../types/types.js';
import { Decimal, Interval, type Value } from '../types/values.js';
import { acceptsValue } from './append.js';

/**
 * A parameter as callers pass it: a Value in the engine representation of the parameter's type
 * (see Value), text that the type's input function reads (as PostgreSQL reads a text-format
 * parameter), or a JS Date for date and timestamp parameters. `undefined` is NULL.
 *
 * @example
 * await db.query('SELECT * FROM events WHERE ts >= $1 AND kind = $2', [new Date('2026-01-01'), 'click']);
 */
export type ParamValue = Value | Date | undefined;

const MS_PER_DAY = 86_400_000;

function textOf(v: Value): string {
  if (v instanceof Interval) return formatInterval(v);
  if (v instanceof Decimal) return v.toString();
  return String(v);
}

function mismatch(v: Value, t: SqlType, n: number): DatabaseError {
  const what = v instanceof Uint8Array ? 'bytea' : Array.isArray(v) ? 'array' : typeof v;
  return new DatabaseError(
    SqlState.datatypeMismatch,
    `parameter $${n} of type ${what} cannot be coerced to the expected type ${typeName(t)}`,
  );
}

function fromDate(d: Date, t: SqlType | undefined, cs: CastSession, n: number): Value {
  const ms = d.getTime();
  if (Number.isNaN(ms))
    throw new DatabaseError(SqlState.invalidDatetimeFormat, `parameter $${n} is an invalid Date`);
  if (t?.id === 'date') return Math.floor(ms / MS_PER_DAY);
  if (t?.id === 'timestamp' || t?.id === 'timestamptz') return ms * 1000;
  if (!t || t.id === 'unknown') return d.toISOString();
  return convertParam(d.toISOString(), t, cs, n);
}

/**
 * Converts one parameter to the engine value of its type. Values already in the type's
 * representation pass through (numeric typmods and float4 rounding applied); anything else is
 * read from its text form, so a bad value fails as PostgreSQL's input would (22P02, 22003...).
 * Parameters of undetermined type keep the caller's value.
 */
export function convertParam(v: ParamValue, t: SqlType | undefined, cs: CastSession, n: number): Value {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return fromDate(v, t, cs, n);
  if (!t || t.id === 'unknown') return v;
  if (typeof v === 'string') return castValue(v, T.text, t, cs, false);
  if (t.id === 'array') {
    if (!Array.isArray(v)) throw mismatch(v, t, n);
    return v.map((x) => convertParam(x, t.elem, cs, n));
  }
  if (t.id === 'int8' && typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (acceptsValue(t, v)) {
    if (t.id === 'numeric' && t.precision !== undefined)
      return (v as Decimal).coerce(t.precision, t.scale ?? 0);
    if (t.id === 'float4') return Math.fround(v as number);
    return v;
  }
  if (v instanceof Uint8Array || Array.isArray(v)) throw mismatch(v, t, n);
  return castValue(textOf(v), T.text, t, cs, false);
}

/** Converts parameters to the types bound for $1..$n (undetermined types keep the value as given). */
export function convertParams(
  params: readonly ParamValue[],
  types: readonly (SqlType | undefined)[],
  cs: CastSession,
): Value[] {
  return params.map((p, i) => convertParam(p, types[i], cs, i + 1));
}

interface ParamRefInfo {
  /** Highest $n referenced (0 = none). */
  max: number;
  /** The textually first reference, for error positions. */
  first: { number: number; location: number } | null;
}

function collectParamRefs(n: unknown, out: ParamRefInfo): void {
  if (Array.isArray(n)) {
    for (const x of n) collectParamRefs(x, out);
    return;
  }
  if (n === null || typeof n !== 'object') return;
  for (const [k, v] of Object.entries(n)) {
    // PREPARE's body has its own parameters, supplied later by EXECUTE.
    if (k === 'PrepareStmt') continue;
    if (k === 'ParamRef') {
      const number = Number((v as { number?: number }).number ?? 0);
      const location = Number((v as { location?: number }).location ?? -1);
      out.max = Math.max(out.max, number);
      if (out.first === null || location < out.first.location) out.first = { number, location };
      continue;
    }
    collectParamRefs(v, out);
  }
}

/** The $n parameters a parsed statement references. */
export function paramRefs(stmt: unknown): ParamRefInfo {
  const out: ParamRefInfo = { max: 0, first: null };
  collectParamRefs(stmt, out);
  return out;
}

/**
 * Checks parameters supplied against those the statements reference, as PostgreSQL's protocol
 * does: parameters need exactly one statement (42601); without parameters a reference fails with
 * 42P02; otherwise the counts must match (08P01, the Bind message check).
 */
export function checkParamCount(stmts: readonly unknown[], supplied: number): void {
  if (supplied > 0 && stmts.length > 1)
    throw new DatabaseError(
      SqlState.syntaxError,
      'cannot insert multiple commands into a prepared statement',
    );
  const refs = stmts.map(paramRefs);
  const first = refs.find((r) => r.first !== null)?.first;
  const max = Math.max(0, ...refs.map((r) => r.max));
  if (supplied === 0 && first) {
    throw new DatabaseError(SqlState.undefinedParameter, `there is no parameter $${first.number}`, {
      ...(first.location >= 0 ? { position: first.location + 1 } : {}),
    });
  }
  if (supplied > 0 && supplied !== max) {
    throw new DatabaseError(
      SqlState.protocolViolation,
      `bind message supplies ${supplied} parameters, but prepared statement "" requires ${max}`,
    );
  }
}
