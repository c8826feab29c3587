import { DatabaseError, SqlState } from '../errors.js';
import { applyCharLength, formatValue, parseValue, type TextIoContext } from './text-io.js';
import { typeCategory, typeName, type SqlType } from './types.js';
import { Decimal, type Value } from './values.js';

export type CastContext = 'implicit' | 'assignment' | 'explicit';

const NUM_ORDER = ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'];

/** PostgreSQL's pg_cast context for a pair of types; undefined when no cast exists. */
export function castContext(from: SqlType, to: SqlType): CastContext | undefined {
  if (from.id === to.id) return 'implicit';
  if (from.id === 'unknown') return 'implicit';
  const fi = NUM_ORDER.indexOf(from.id);
  const ti = NUM_ORDER.indexOf(to.id);
  if (fi >= 0 && ti >= 0) return fi < ti ? 'implicit' : 'assignment';
  const fc = typeCategory(from);
  const tc = typeCategory(to);
  if (fc === 'S' && tc === 'S') return to.id === 'text' || (to.id === 'varchar' && from.id !== 'text') ? 'implicit' : 'assignment';
  if ((from.id === 'oid' || from.id === 'regclass' || from.id === 'regtype') && (ti >= 0 || to.id === 'oid')) return 'implicit';
  if (fi >= 0 && (to.id === 'oid' || to.id === 'regclass' || to.id === 'regtype')) return 'implicit';
  if (from.id === 'date' && (to.id === 'timestamp' || to.id === 'timestamptz')) return 'implicit';
  if (from.id === 'timestamp' && to.id === 'timestamptz') return 'implicit';
  if (from.id === 'timestamptz' && (to.id === 'timestamp' || to.id === 'date')) return 'assignment';
  if (from.id === 'timestamp' && to.id === 'date') return 'assignment';
  if (from.id === 'bool' && to.id === 'int4') return 'explicit';
  if (from.id === 'int4' && to.id === 'bool') return 'explicit';
  if ((from.id === 'json' && to.id === 'jsonb') || (from.id === 'jsonb' && to.id === 'json')) return from.id === 'json' ? 'assignment' : 'assignment';
  if (to.id === 'array' && from.id === 'array') return castContext(from.elem!, to.elem!);
  // Every type has I/O conversions to and from text.
  if (tc === 'S') return 'assignment';
  if (fc === 'S') return 'explicit';
  return undefined;
}

export function canImplicitlyCast(from: SqlType, to: SqlType): boolean {
  return castContext(from, to) === 'implicit';
}

function rint(x: number): number {
  // Round half to even, as C's rint() in PostgreSQL's float → int casts.
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function toInt(n: number, id: string): number {
  const [lo, hi, name] = id === 'int2' ? [-32768, 32767, 'smallint'] : [-2147483648, 2147483647, 'integer'];
  if (!(n >= lo && n <= hi)) throw new DatabaseError(SqlState.numericValueOutOfRange, `${name} out of range`);
  return n;
}

function toBigInt(v: bigint): bigint {
  if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
  return v;
}

/** Converts a non-null value between types with PostgreSQL's semantics. */
export function castValue(v: Value, from: SqlType, to: SqlType, ctx: TextIoContext, explicit = true): Value {
  if (v === null) return null;
  const f = from.id;
  const t = to.id;
  if (f === 'unknown' || (typeCategory(from) === 'S' && typeCategory(to) !== 'S')) return parseValue(String(v), to, ctx);
  if (typeCategory(to) === 'S') {
    const s = typeCategory(from) === 'S' ? (v as string) : formatValue(v, from, ctx);
    return to.length !== undefined ? applyCharLength(s, to, explicit) : s;
  }
  if (typeof v === 'number' && (t === 'int2' || t === 'int4')) return toInt(f === 'float4' || f === 'float8' ? rint(v) : v, t);
  if (typeof v === 'number' && t === 'int8') {
    if (!Number.isFinite(v)) throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
    return toBigInt(BigInt(f === 'float4' || f === 'float8' ? rint(v) : v));
  }
  if (typeof v === 'bigint') {
    if (t === 'int2' || t === 'int4') {
      if (v < -2147483648n || v > 2147483647n) throw new DatabaseError(SqlState.numericValueOutOfRange, t === 'int2' ? 'smallint out of range' : 'integer out of range');
      return toInt(Number(v), t);
    }
    if (t === 'float8' || t === 'float4') return t === 'float4' ? Math.fround(Number(v)) : Number(v);
    if (t === 'numeric') return coerceNumeric(Decimal.fromBigInt(v), to);
    if (t === 'oid' || t === 'regclass' || t === 'regtype') return Number(v);
  }
  if (typeof v === 'number' && t === 'numeric') {
    return coerceNumeric(f === 'float4' || f === 'float8' ? Decimal.fromFloat(v) : Decimal.fromInt(v), to);
  }
  if (typeof v === 'number' && (t === 'float8' || t === 'float4')) return t === 'float4' ? Math.fround(v) : v;
  if (typeof v === 'number' && (t === 'oid' || t === 'regclass' || t === 'regtype')) return v;
  if (v instanceof Decimal) {
    if (t === 'numeric') return coerceNumeric(v, to);
    if (t === 'float8' || t === 'float4') return t === 'float4' ? Math.fround(v.toNumber()) : v.toNumber();
    if (t === 'int8') return toBigInt(v.toBigIntRounded());
    if (t === 'int2' || t === 'int4') {
      const b = v.toBigIntRounded();
      if (b < -2147483648n || b > 2147483647n) throw new DatabaseError(SqlState.numericValueOutOfRange, t === 'int2' ? 'smallint out of range' : 'integer out of range');
      return toInt(Number(b), t);
    }
  }
  if (typeof v === 'boolean' && t === 'int4') return v ? 1 : 0;
  if (typeof v === 'number' && f === 'int4' && t === 'bool') return v !== 0;
  if (typeof v === 'number' && f === 'date' && (t === 'timestamp' || t === 'timestamptz')) {
    return Number.isFinite(v) ? v * 86_400_000_000 : v;
  }
  if (typeof v === 'number' && (f === 'timestamp' || f === 'timestamptz') && t === 'date') return Number.isFinite(v) ? Math.floor(v / 86_400_000_000) : v;
  if (typeof v === 'number' && (f === 'timestamp' || f === 'timestamptz') && (t === 'timestamp' || t === 'timestamptz')) {
    // Session time zone conversion arrives with the full cast module; UTC sessions are exact.
    return v;
  }
  if ((f === 'json' || f === 'jsonb') && (t === 'json' || t === 'jsonb')) return t === 'jsonb' ? parseValue(v as string, to, ctx) : v;
  if (Array.isArray(v) && t === 'array') return v.map((x) => castValue(x, from.elem!, to.elem!, ctx, explicit));
  if (f === t) return v;
  throw new DatabaseError(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}

function coerceNumeric(d: Decimal, to: SqlType): Decimal {
  return to.precision !== undefined ? d.coerce(to.precision, to.scale ?? 0) : d;
}
