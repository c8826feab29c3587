import { DatabaseError, SqlState } from '../../errors.js';
import type { ParamValue } from '../../engine/params.js';
import { formatValue, type TextIoContext } from '../../types/text-io.js';
import { TYPE_OID, T, typeName, type SqlType, type TypeId } from '../../types/types.js';
import { Decimal, Interval, type Value } from '../../types/values.js';

/**
 * Values on the wire: text format through the engine's PostgreSQL text I/O, binary format
 * (PostgreSQL's send/recv layouts) for the scalar types clients commonly ask it for.
 */

/** PostgreSQL's epoch (2000-01-01) in days and microseconds after 1970-01-01. */
const PG_EPOCH_DAYS = 10_957;
const PG_EPOCH_MICROS = 946_684_800_000_000;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

const TYPE_BY_OID = new Map<number, SqlType>();
for (const [id, oid] of Object.entries(TYPE_OID)) {
  const t = (T as Record<string, SqlType>)[id];
  if (t && !TYPE_BY_OID.has(oid)) TYPE_BY_OID.set(oid, t);
}

/** The type a Parse message declares for a parameter; OID 0 (or one not known) leaves it to inference. */
export function typeForOid(oid: number): SqlType | undefined {
  return oid === 0 ? undefined : TYPE_BY_OID.get(oid);
}

/** The session settings that shape text output. */
export function textContext(settings: ReadonlyMap<string, string>): TextIoContext {
  return {
    timezone: settings.get('timezone') ?? 'UTC',
    dateStyle: settings.get('datestyle') ?? 'ISO, MDY',
    extraFloatDigits: Number(settings.get('extra_float_digits') ?? '1'),
  };
}

function unsupportedBinary(t: SqlType): DatabaseError {
  return new DatabaseError(
    SqlState.featureNotSupported,
    `binary format is not supported for type ${typeName(t)}`,
    { hint: 'Request text format (format code 0) for this column or parameter.' },
  );
}

function int64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  return b;
}

/** Microseconds as the int64 of a binary timestamp, infinities as int64's extremes. */
function micros(v: number, epoch: number): Buffer {
  if (v === Infinity) return int64(INT64_MAX);
  if (v === -Infinity) return int64(INT64_MIN);
  return int64(Math.round(v - epoch));
}

/** numeric_send's sign words. */
const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;
const NBASE = 10_000n;

/**
 * numeric_send's layout: int16 ndigits, weight, sign, dscale, then ndigits base-10000 digits, the
 * first worth 10000^weight. Trailing zero digits are left out (and zero has no digits), as there.
 */
function encodeNumeric(d: Decimal): Buffer {
  if (d.nan) return Buffer.from([0, 0, 0, 0, NUMERIC_NAN >> 8, 0, 0, 0]);
  // Align the coefficient to a scale that is a multiple of 4 so it splits into base-10000 digits.
  const scale4 = Math.ceil(d.scale / 4) * 4;
  let coef = d.coef < 0n ? -d.coef : d.coef;
  coef *= 10n ** BigInt(scale4 - d.scale);
  const digits: number[] = [];
  for (; coef > 0n; coef /= NBASE) digits.push(Number(coef % NBASE));
  const weight = digits.length - 1 - scale4 / 4;
  digits.reverse();
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  const out = Buffer.alloc(8 + 2 * digits.length);
  out.writeInt16BE(digits.length, 0);
  out.writeInt16BE(digits.length === 0 ? 0 : weight, 2);
  out.writeUInt16BE(d.coef < 0n ? NUMERIC_NEG : NUMERIC_POS, 4);
  out.writeInt16BE(d.scale, 6);
  digits.forEach((g, i) => out.writeInt16BE(g, 8 + 2 * i));
  return out;
}

/** numeric_recv: digits past dscale are truncated away, as PostgreSQL does. */
function decodeNumeric(b: Buffer, t: SqlType, n: number): Decimal {
  if (b.length < 8) throw badBinary(t, n);
  const ndigits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (ndigits < 0 || b.length !== 8 + 2 * ndigits || dscale < 0 || dscale > 0x3fff) throw badBinary(t, n);
  if (sign === NUMERIC_NAN) return Decimal.NaN;
  if (sign === NUMERIC_PINF || sign === NUMERIC_NINF)
    throw new DatabaseError(SqlState.featureNotSupported, 'numeric infinity is not supported', {
      detail: `Bind parameter ${n} is ${sign === NUMERIC_PINF ? '' : '-'}Infinity.`,
    });
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG) throw badBinary(t, n);
  let coef = 0n;
  for (let i = 0; i < ndigits; i++) {
    const g = b.readInt16BE(8 + 2 * i);
    if (g < 0 || g >= 10_000) throw badBinary(t, n);
    coef = coef * NBASE + BigInt(g);
  }
  // The value is coef * 10^exp; rescale it to dscale digits after the point.
  const shift = 4 * (weight - ndigits + 1) + dscale;
  coef = shift >= 0 ? coef * 10n ** BigInt(shift) : coef / 10n ** BigInt(-shift);
  return new Decimal(sign === NUMERIC_NEG ? -coef : coef, dscale);
}

const TEXT_LIKE = new Set<TypeId>(['text', 'varchar', 'bpchar', 'name', 'char', 'json', 'unknown']);

function encodeBinary(v: Value, t: SqlType): Buffer {
  if (TEXT_LIKE.has(t.id)) return Buffer.from(String(v), 'utf8');
  const b = Buffer.alloc(8);
  switch (t.id) {
    case 'bool':
      return Buffer.from([v ? 1 : 0]);
    case 'int2':
      b.writeInt16BE(v as number);
      return b.subarray(0, 2);
    case 'int4':
      b.writeInt32BE(v as number);
      return b.subarray(0, 4);
    case 'oid':
    case 'regclass':
    case 'regtype':
      b.writeUInt32BE(v as number);
      return b.subarray(0, 4);
    case 'int8':
      return int64(v as bigint);
    case 'float4':
      b.writeFloatBE(v as number);
      return b.subarray(0, 4);
    case 'float8':
      b.writeDoubleBE(v as number);
      return b;
    case 'numeric':
      return encodeNumeric(v as Decimal);
    case 'jsonb':
      return Buffer.concat([Buffer.from([1]), Buffer.from(String(v), 'utf8')]);
    case 'bytea':
      return Buffer.from(v as Uint8Array);
    case 'uuid':
      return Buffer.from((v as string).replace(/-/g, ''), 'hex');
    case 'date': {
      const d = v as number;
      b.writeInt32BE(d === Infinity ? 0x7fffffff : d === -Infinity ? -0x80000000 : d - PG_EPOCH_DAYS);
      return b.subarray(0, 4);
    }
    case 'time':
      return int64(v as number);
    case 'timestamp':
    case 'timestamptz':
      return micros(v as number, PG_EPOCH_MICROS);
    case 'interval': {
      const iv = v as Interval;
      const out = Buffer.alloc(16);
      out.writeBigInt64BE(BigInt(Math.round(iv.micros)));
      out.writeInt32BE(iv.days, 8);
      out.writeInt32BE(iv.months, 12);
      return out;
    }
    default:
      throw unsupportedBinary(t);
  }
}

/** One result cell in the requested format (0 text, 1 binary); null stays SQL NULL. */
export function encodeValue(v: Value, t: SqlType, format: number, ctx: TextIoContext): Buffer | null {
  if (v === null) return null;
  if (format === 1) return encodeBinary(v, t);
  return Buffer.from(formatValue(v, t, ctx), 'utf8');
}

function badBinary(t: SqlType, n: number): DatabaseError {
  return new DatabaseError(
    SqlState.invalidBinaryRepresentation,
    `incorrect binary data format in bind parameter ${n}`,
    { detail: `Parameter type: ${typeName(t)}.` },
  );
}

const BINARY_SIZE: Partial<Record<TypeId, number>> = {
  bool: 1,
  int2: 2,
  int4: 4,
  oid: 4,
  int8: 8,
  float4: 4,
  float8: 8,
  uuid: 16,
  date: 4,
  time: 8,
  timestamp: 8,
  timestamptz: 8,
  interval: 16,
};

function decodeBinary(b: Buffer, t: SqlType, n: number): Value {
  if (TEXT_LIKE.has(t.id)) return b.toString('utf8');
  const size = BINARY_SIZE[t.id];
  if (size !== undefined && b.length !== size) throw badBinary(t, n);
  switch (t.id) {
    case 'bool':
      return b[0] !== 0;
    case 'int2':
      return b.readInt16BE(0);
    case 'int4':
      return b.readInt32BE(0);
    case 'oid':
      return b.readUInt32BE(0);
    case 'int8':
      return b.readBigInt64BE(0);
    case 'float4':
      return b.readFloatBE(0);
    case 'float8':
      return b.readDoubleBE(0);
    case 'numeric':
      return decodeNumeric(b, t, n);
    case 'jsonb':
      if (b[0] !== 1) throw badBinary(t, n);
      return b.subarray(1).toString('utf8');
    case 'bytea':
      return new Uint8Array(b);
    case 'uuid': {
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'date': {
      const d = b.readInt32BE(0);
      return d === 0x7fffffff ? Infinity : d === -0x80000000 ? -Infinity : d + PG_EPOCH_DAYS;
    }
    case 'time':
      return Number(b.readBigInt64BE(0));
    case 'timestamp':
    case 'timestamptz': {
      const us = b.readBigInt64BE(0);
      return us === INT64_MAX ? Infinity : us === INT64_MIN ? -Infinity : Number(us) + PG_EPOCH_MICROS;
    }
    case 'interval':
      return new Interval(b.readInt32BE(12), b.readInt32BE(8), Number(b.readBigInt64BE(0)));
    default:
      throw unsupportedBinary(t);
  }
}

/**
 * A Bind parameter as the engine takes it: text-format values stay text (read by the type's
 * input function, as PostgreSQL does), binary ones are decoded by the parameter's type.
 */
export function decodeParam(
  raw: Buffer | null,
  t: SqlType | undefined,
  format: number,
  n: number,
): ParamValue {
  if (raw === null) return null;
  if (format === 0) return raw.toString('utf8');
  if (format !== 1) throw new DatabaseError(SqlState.protocolViolation, `unsupported format code: ${format}`);
  return decodeBinary(raw, t ?? T.text, n);
}
