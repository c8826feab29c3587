import {
  Binary,
  Bool,
  DateDay,
  Decimal as ArrowDecimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  IntervalMonthDayNano,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeMicrosecond,
  TimestampMicrosecond,
  Uint32,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';
import { DatabaseError, SqlState } from '../errors.js';
import { formatValue } from '../types/text-io.js';
import type { SqlType } from '../types/types.js';
import { Decimal, Interval, type Value } from '../types/values.js';
import type { ColumnVector } from './columnar-result.js';

/** Widest numeric(p, s) that fits Arrow's Decimal128. */
const DECIMAL128_MAX_PRECISION = 38;

/**
 * The Arrow type a SQL type maps to. numeric(p, s) with p ≤ 38 is Decimal128(p, s); unconstrained
 * numeric (and p > 38) is Utf8 in PostgreSQL's text form, since its scale varies by row. interval
 * is MonthDayNano; uuid, json, jsonb, arrays and records are Utf8 in PostgreSQL's text form.
 */
export function arrowType(t: SqlType): DataType {
  switch (t.id) {
    case 'bool':
      return new Bool();
    case 'int2':
      return new Int16();
    case 'int4':
      return new Int32();
    case 'int8':
      return new Int64();
    case 'oid':
    case 'regclass':
    case 'regtype':
      return new Uint32();
    case 'float4':
      return new Float32();
    case 'float8':
      return new Float64();
    case 'date':
      return new DateDay();
    case 'time':
      return new TimeMicrosecond();
    case 'timestamp':
      return new TimestampMicrosecond();
    case 'timestamptz':
      return new TimestampMicrosecond('UTC');
    case 'interval':
      return new IntervalMonthDayNano();
    case 'bytea':
      return new Binary();
    case 'numeric':
      return t.precision !== undefined && t.precision <= DECIMAL128_MAX_PRECISION
        ? new ArrowDecimal(t.scale ?? 0, t.precision, 128)
        : new Utf8();
    default:
      return new Utf8();
  }
}

/** Bit-packs a 0/1 byte per row into Arrow's boolean layout. */
function packBits(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array((bytes.length + 7) >> 3);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** Variable-width layout: int32 offsets and one byte buffer. */
function varWidth(
  col: ColumnVector,
  bytesOf: (v: Value) => Uint8Array,
): { offsets: Int32Array; data: Uint8Array } {
  const values = col.values as Value[];
  const parts: Uint8Array[] = new Array(col.length);
  const offsets = new Int32Array(col.length + 1);
  let total = 0;
  for (let i = 0; i < col.length; i++) {
    const v = values[i] ?? null;
    const b = v === null ? new Uint8Array(0) : bytesOf(v);
    parts[i] = b;
    total += b.length;
    if (total > 0x7fffffff)
      throw new DatabaseError(
        SqlState.programLimitExceeded,
        `column "${col.name}" exceeds 2 GB of Arrow data`,
      );
    offsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < col.length; i++) data.set(parts[i]!, offsets[i]!);
  return { offsets, data };
}

function decimalWords(col: ColumnVector, scale: number): Uint32Array {
  const words = new Uint32Array(col.length * 4);
  const view = new BigUint64Array(words.buffer);
  const values = col.values as Value[];
  for (let i = 0; i < col.length; i++) {
    const v = values[i];
    if (!(v instanceof Decimal)) continue;
    if (v.nan)
      throw new DatabaseError(
        SqlState.featureNotSupported,
        `cannot convert NaN in column "${col.name}" to Arrow Decimal128`,
      );
    const r = v.round(scale);
    // round() keeps `scale` digits; a negative scale (numeric(3, -2)) comes back at scale 0.
    const unscaled = scale >= 0 ? r.coef : r.coef / 10n ** BigInt(-scale);
    // Two's complement over 128 bits, little-endian 64-bit halves.
    const u = BigInt.asUintN(128, unscaled);
    view[2 * i] = BigInt.asUintN(64, u);
    view[2 * i + 1] = u >> 64n;
  }
  return words;
}

function intervalWords(col: ColumnVector): Int32Array {
  const words = new Int32Array(col.length * 4);
  const nanos = new BigInt64Array(words.buffer);
  const values = col.values as Value[];
  for (let i = 0; i < col.length; i++) {
    const v = values[i];
    if (!(v instanceof Interval)) continue;
    const ns = BigInt(v.micros) * 1000n;
    if (BigInt.asIntN(64, ns) !== ns)
      throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
    words[4 * i] = v.months;
    words[4 * i + 1] = v.days;
    nanos[2 * i + 1] = ns;
  }
  return words;
}

const utf8 = new TextEncoder();

function columnData(col: ColumnVector): Data {
  const type = arrowType(col.type);
  const base = { type, length: col.length, nullCount: col.nullCount, nullBitmap: col.validity ?? undefined };
  const props = base as any;
  if (type instanceof Bool) return makeData({ ...props, data: packBits(col.values as Uint8Array) });
  if (type instanceof Utf8) {
    const text = (v: Value): Uint8Array =>
      utf8.encode(typeof v === 'string' ? v : formatValue(v, col.type, { timezone: 'UTC' }));
    const { offsets, data } = varWidth(col, text);
    return makeData({ ...props, valueOffsets: offsets, data });
  }
  if (type instanceof Binary) {
    const { offsets, data } = varWidth(col, (v) => v as Uint8Array);
    return makeData({ ...props, valueOffsets: offsets, data });
  }
  if (type instanceof ArrowDecimal) return makeData({ ...props, data: decimalWords(col, type.scale) });
  if (type instanceof IntervalMonthDayNano) return makeData({ ...props, data: intervalWords(col) });
  return makeData({ ...props, data: col.values });
}

/**
 * Builds an Apache Arrow table from result columns. Fixed-width columns are wrapped without
 * copying; see arrowType for the type mapping.
 *
 * @example
 * const table = toArrowTable(resultColumns(r.columns, r.rows));
 * table.getChild('amount')?.toArray(); // Float64Array
 */
export function toArrowTable(columns: readonly ColumnVector[], rowCount: number): Table {
  const datas = columns.map(columnData);
  const fields = columns.map((c, i) => new Field(c.name, datas[i]!.type, true));
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: rowCount, nullCount: 0, children: datas });
  return new Table(schema, new RecordBatch(schema, struct));
}
