import { DatabaseError, SqlState } from '../errors.js';
import { USECS_PER_DAY, checkTimestamp, localToUtc, timeZone, utcToLocal } from './datetime.js';
import { Decimal } from './decimal.js';
import { Interval } from './interval.js';
import {
  applyCharLength,
  formatFloat,
  formatValue,
  parseFloatInput,
  parseJsonb,
  parseValue,
} from './text-io.js';
import type { TextIoContext } from './text-io.js';
import { typeName } from './types.js';
import type { SqlType, TypeId } from './types.js';
import type { Value } from './values.js';

/**
 * PostgreSQL casts: the pg_cast catalogue (which casts exist and in which contexts they apply)
 * and the conversions themselves.
 */

/** pg_cast.castcontext: where a cast may be applied without being written. */
export type CastContext = 'implicit' | 'assignment' | 'explicit';

/** Session state casts depend on; a FunctionContext fits. */
export interface CastSession {
  readonly timezone: string;
  /** µs since 1970-01-01 UTC used for 'now'/'today' in text input. */
  readonly now?: number;
  readonly transactionStart?: number;
  readonly dateStyle?: string;
  readonly extraFloatDigits?: number;
  setting?(name: string): string | undefined;
}

const I = 'implicit';
const A = 'assignment';
const E = 'explicit';

/** pg_cast rows among the built-in types (source → target → context). */
const PG_CAST: Partial<Record<TypeId, Partial<Record<TypeId, CastContext>>>> = {
  bool: { int4: E, text: A, bpchar: A, varchar: A },
  char: { int4: E, text: I, bpchar: A, varchar: A },
  name: { text: I, bpchar: A, varchar: A },
  int2: { int4: I, int8: I, float4: I, float8: I, numeric: I, oid: I, regclass: I, regtype: I },
  int4: {
    bool: E,
    char: E,
    int2: A,
    int8: I,
    float4: I,
    float8: I,
    numeric: I,
    oid: I,
    regclass: I,
    regtype: I,
  },
  int8: { int2: A, int4: A, float4: I, float8: I, numeric: I, oid: I, regclass: I, regtype: I },
  float4: { int2: A, int4: A, int8: A, float8: I, numeric: A },
  float8: { int2: A, int4: A, int8: A, float4: A, numeric: A },
  numeric: { int2: A, int4: A, int8: A, float4: I, float8: I },
  oid: { int4: A, int8: A, regclass: I, regtype: I },
  regclass: { int4: A, int8: A, oid: I },
  regtype: { int4: A, int8: A, oid: I },
  text: { char: A, name: I, bpchar: I, varchar: I, regclass: I },
  varchar: { char: A, name: I, text: I, bpchar: I, regclass: I },
  bpchar: { char: A, name: I, text: I, varchar: I },
  date: { timestamp: I, timestamptz: I },
  time: { interval: I },
  timestamp: { date: A, time: A, timestamptz: I },
  timestamptz: { date: A, time: A, timestamp: A },
  interval: { time: A },
  json: { jsonb: A },
  jsonb: { json: A, bool: E, int2: E, int4: E, int8: E, float4: E, float8: E, numeric: E },
};

function isStringType(id: TypeId): boolean {
  return id === 'text' || id === 'varchar' || id === 'bpchar' || id === 'name';
}

/**
 * PostgreSQL's pg_cast context for a cast from `from` to `to`, including the automatic I/O
 * conversions (anything → string types is assignment, string types → anything is explicit) and
 * element-wise array casts. Undefined when PostgreSQL has no such cast.
 *
 * @example castContext(T.int8, T.int4) // 'assignment'
 */
export function castContext(from: SqlType, to: SqlType): CastContext | undefined {
  const f = from.id;
  const t = to.id;
  if (f === 'unknown') return I;
  if (f === 'array' && t === 'array') {
    if (!from.elem || !to.elem) return I;
    return castContext(from.elem, to.elem);
  }
  if (f === t) return I;
  const c = PG_CAST[f]?.[t];
  if (c !== undefined) return c;
  if (isStringType(t)) return A;
  if (isStringType(f) && t !== 'any' && t !== 'anyelement' && t !== 'anyarray' && t !== 'unknown') return E;
  return undefined;
}

/** Can `from` be used where `to` is expected without a written cast? */
export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  return castContext(from, to) === I;
}

function outOfRange(id: TypeId): DatabaseError {
  const name = id === 'int2' ? 'smallint' : id === 'int4' ? 'integer' : 'bigint';
  return new DatabaseError(SqlState.numericValueOutOfRange, `${name} out of range`);
}

/** C rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const INT_RANGE: Record<'int2' | 'int4', [number, number]> = {
  int2: [-32768, 32767],
  int4: [-2147483648, 2147483647],
};

function floatToInt(v: number, t: TypeId): number | bigint {
  const r = rint(v);
  if (t === 'int8') {
    if (!(r >= -9223372036854775808 && r < 9223372036854775808)) throw outOfRange(t);
    return BigInt(r);
  }
  const [lo, hi] = INT_RANGE[t as 'int2' | 'int4'];
  if (!(r >= lo && r <= hi)) throw outOfRange(t);
  return r + 0;
}

function bigToInt(v: bigint, t: TypeId): number | bigint {
  if (t === 'int8') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw outOfRange(t);
    return v;
  }
  const [lo, hi] = INT_RANGE[t as 'int2' | 'int4'];
  if (v < BigInt(lo) || v > BigInt(hi)) throw outOfRange(t);
  return Number(v);
}

function numericToInt(d: Decimal, t: TypeId): number | bigint {
  if (d.nan) {
    const name = t === 'int2' ? 'smallint' : t === 'int4' ? 'integer' : 'bigint';
    throw new DatabaseError(SqlState.featureNotSupported, `cannot convert NaN to ${name}`);
  }
  return bigToInt(d.toBigIntRounded(), t);
}

/** float → numeric as PostgreSQL does it: through "%.15g" (float4: "%.6g"). */
function floatToNumeric(v: number, single: boolean): Decimal {
  if (Number.isNaN(v)) return Decimal.NaN;
  if (!Number.isFinite(v))
    throw new DatabaseError(SqlState.featureNotSupported, 'cannot convert infinity to numeric');
  return Decimal.parse(formatFloat(v, single, 0));
}

function float8ToFloat4(v: number): number {
  const r = Math.fround(v);
  if (!Number.isFinite(r) && Number.isFinite(v)) {
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  }
  if (r === 0 && v !== 0)
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
  return r;
}

function toNumeric(v: Value, from: SqlType): Decimal {
  switch (from.id) {
    case 'numeric':
      return v as Decimal;
    case 'int8':
      return Decimal.fromBigInt(v as bigint);
    case 'float4':
    case 'float8':
      return floatToNumeric(v as number, from.id === 'float4');
    default:
      return Decimal.fromInt(v as number);
  }
}

function rtrimSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

const utf8 = new TextEncoder();

function textIo(ctx: CastSession): TextIoContext {
  const dateStyle = ctx.dateStyle ?? ctx.setting?.('DateStyle');
  const efd = ctx.extraFloatDigits ?? ctx.setting?.('extra_float_digits');
  const now = ctx.now ?? ctx.transactionStart;
  return {
    timezone: ctx.timezone,
    ...(now !== undefined ? { now } : {}),
    ...(dateStyle !== undefined ? { dateStyle } : {}),
    ...(efd !== undefined ? { extraFloatDigits: Number(efd) } : {}),
  };
}

function jsonbKind(s: string): string {
  const c = s.charCodeAt(0);
  if (c === 123) return 'object';
  if (c === 91) return 'array';
  if (c === 34) return 'string';
  if (c === 110) return 'null';
  if (c === 116 || c === 102) return 'boolean';
  return 'numeric';
}

function fromJsonb(s: string, to: SqlType): Value {
  const kind = jsonbKind(s);
  if (to.id === 'bool' ? kind !== 'boolean' : kind !== 'numeric') {
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `cannot cast jsonb ${kind} to type ${typeName(to)}`,
    );
  }
  if (to.id === 'bool') return s === 'true';
  const d = Decimal.parse(s);
  switch (to.id) {
    case 'int2':
    case 'int4':
    case 'int8':
      return numericToInt(d, to.id);
    case 'float4':
    case 'float8':
      return parseFloatInput(d.toString(), to.id);
    default:
      return coerceNumeric(d, to);
  }
}

function coerceNumeric(d: Decimal, to: SqlType): Decimal {
  return to.precision !== undefined ? d.coerce(to.precision, to.scale ?? 0) : d;
}

/** Text of a value for a cast to a string type (bool gives 'true'/'false', bpchar loses padding). */
function castToText(v: Value, from: SqlType, ctx: CastSession): string {
  switch (from.id) {
    case 'text':
    case 'varchar':
    case 'name':
    case 'char':
    case 'unknown':
      return v as string;
    case 'bpchar':
      return rtrimSpaces(v as string);
    case 'bool':
      return v ? 'true' : 'false';
    default:
      return formatValue(v, from, textIo(ctx));
  }
}

/**
 * Converts a non-null value from `from` to `to` with PostgreSQL's cast semantics. `explicit`
 * (the default) is a written CAST: varchar(n)/char(n) silently truncate. Implicit and assignment
 * casts raise 22001 instead. NULL passes through.
 *
 * @example castValue(2.5, T.float8, T.int4, { timezone: 'UTC' }) // 2 (rint)
 */
export function castValue(v: Value, from: SqlType, to: SqlType, ctx: CastSession, explicit = true): Value {
  if (v === null) return null;
  const f = from.id;
  const t = to.id;
  if (f === 'array' && t === 'array') return castArray(v as Value[], from.elem, to.elem, ctx, explicit);
  switch (t) {
    case 'text':
    case 'varchar':
    case 'bpchar': {
      const s = castToText(v, from, ctx);
      return to.length !== undefined ? applyCharLength(s, to, explicit) : s;
    }
    case 'name':
      return parseValue(castToText(v, from, ctx), to, textIo(ctx));
    case 'char':
      if (f === 'int4') {
        const n = v as number;
        if (n < -128 || n > 127)
          throw new DatabaseError(SqlState.numericValueOutOfRange, '"char" out of range');
        return n === 0 ? '' : String.fromCharCode(n & 0xff);
      }
      return parseValue(castToText(v, from, ctx), to, textIo(ctx));
    default:
      break;
  }
  if (f === 'unknown' || isStringType(f) || (f === 'char' && t !== 'int4')) {
    const s = f === 'bpchar' ? rtrimSpaces(v as string) : (v as string);
    return parseValue(s, to, textIo(ctx));
  }
  switch (t) {
    case 'int2':
    case 'int4':
    case 'int8':
      switch (f) {
        case 'int2':
        case 'int4':
          return t === 'int8' ? BigInt(v as number) : bigToInt(BigInt(v as number), t);
        case 'oid':
        case 'regclass':
        case 'regtype': {
          // oid → int4 reinterprets the 32 bits, as PostgreSQL's binary-coercible cast does.
          const n = v as number;
          if (t === 'int8') return BigInt(n);
          return bigToInt(BigInt(n > 2147483647 ? n - 4294967296 : n), t);
        }
        case 'int8':
          return bigToInt(v as bigint, t);
        case 'float4':
        case 'float8':
          return floatToInt(v as number, t);
        case 'numeric':
          return numericToInt(v as Decimal, t);
        case 'bool':
          if (t === 'int4') return v ? 1 : 0;
          break;
        case 'char': {
          if (t !== 'int4') break;
          const s = v as string;
          if (s.length === 0) return 0;
          const c = s.charCodeAt(0);
          const b = c < 128 ? c : utf8.encode(s)[0]!;
          return b > 127 ? b - 256 : b;
        }
        case 'jsonb':
          return fromJsonb(v as string, to);
        default:
          break;
      }
      break;
    case 'float4':
    case 'float8':
      switch (f) {
        case 'int2':
        case 'int4':
          return t === 'float4' ? Math.fround(v as number) : v;
        case 'int8':
          return t === 'float4' ? Math.fround(Number(v as bigint)) : Number(v as bigint);
        case 'float4':
          return v;
        case 'float8':
          return t === 'float4' ? float8ToFloat4(v as number) : v;
        case 'numeric': {
          const d = v as Decimal;
          return d.nan ? NaN : parseFloatInput(d.toString(), t);
        }
        case 'jsonb':
          return fromJsonb(v as string, to);
        default:
          break;
      }
      break;
    case 'numeric':
      if (f === 'jsonb') return fromJsonb(v as string, to);
      if (
        f === 'int2' ||
        f === 'int4' ||
        f === 'int8' ||
        f === 'float4' ||
        f === 'float8' ||
        f === 'numeric'
      ) {
        return coerceNumeric(toNumeric(v, from), to);
      }
      break;
    case 'bool':
      if (f === 'int4') return (v as number) !== 0;
      if (f === 'jsonb') return fromJsonb(v as string, to);
      if (f === 'bool') return v;
      break;
    case 'oid':
    case 'regclass':
    case 'regtype':
      if (f === 'int8') {
        const b = v as bigint;
        if (b < 0n || b > 4294967295n)
          throw new DatabaseError(SqlState.numericValueOutOfRange, 'OID out of range');
        return Number(b);
      }
      if (f === 'int2' || f === 'int4') return (v as number) < 0 ? (v as number) + 4294967296 : v;
      if (f === 'oid' || f === 'regclass' || f === 'regtype') return v;
      break;
    case 'date':
      if (f === 'date') return v;
      if (f === 'timestamp' || f === 'timestamptz') {
        const us = v as number;
        if (!Number.isFinite(us)) return us;
        const local = f === 'timestamptz' ? utcToLocal(us, timeZone(ctx.timezone)) : us;
        return Math.floor(local / USECS_PER_DAY);
      }
      break;
    case 'timestamp':
      if (f === 'timestamp') return v;
      if (f === 'date') {
        const d = v as number;
        return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY) : d;
      }
      if (f === 'timestamptz') return utcToLocal(v as number, timeZone(ctx.timezone));
      break;
    case 'timestamptz':
      if (f === 'timestamptz') return v;
      if (f === 'date' || f === 'timestamp') {
        const x = v as number;
        if (!Number.isFinite(x)) return x;
        const local = f === 'date' ? x * USECS_PER_DAY : x;
        return checkTimestamp(localToUtc(local, timeZone(ctx.timezone)));
      }
      break;
    case 'time':
      if (f === 'time') return v;
      if (f === 'timestamp' || f === 'timestamptz') {
        const us = v as number;
        if (!Number.isFinite(us)) return null;
        const local = f === 'timestamptz' ? utcToLocal(us, timeZone(ctx.timezone)) : us;
        return local - Math.floor(local / USECS_PER_DAY) * USECS_PER_DAY;
      }
      if (f === 'interval') {
        const r = (v as Interval).micros % USECS_PER_DAY;
        return r < 0 ? r + USECS_PER_DAY : r + 0;
      }
      break;
    case 'interval':
      if (f === 'interval') return v;
      if (f === 'time') return new Interval(0, 0, v as number);
      break;
    case 'json':
      if (f === 'json' || f === 'jsonb') return v;
      break;
    case 'jsonb':
      if (f === 'jsonb') return v;
      if (f === 'json') return parseJsonb(v as string);
      break;
    default:
      if (f === t) return v;
      break;
  }
  if (f === t) return v;
  throw new DatabaseError(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}

function castArray(
  arr: Value[],
  fromElem: SqlType | undefined,
  toElem: SqlType | undefined,
  ctx: CastSession,
  explicit: boolean,
): Value[] {
  if (!fromElem || !toElem) return arr;
  const nested = fromElem.id !== 'array';
  return arr.map((x) =>
    x === null
      ? null
      : nested && Array.isArray(x)
        ? castArray(x, fromElem, toElem, ctx, explicit)
        : castValue(x, fromElem, toElem, ctx, explicit),
  );
}
