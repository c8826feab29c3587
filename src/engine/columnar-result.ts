import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import type { ResultColumn } from './session.js';

/**
 * Values of a result column: a typed array for fixed-width types, else JS values with NULL inline.
 *
 * @example
 * const values: ColumnValues = columns[0].values; // e.g. Float64Array for double precision
 */
export type ColumnValues =
  Int16Array | Int32Array | Uint32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | Value[];

/**
 * One result column in Apache Arrow's layout, so it can be handed to Arrow without copying.
 *
 * | SQL type                 | values                                                        |
 * |--------------------------|---------------------------------------------------------------|
 * | bool                     | Uint8Array of 0/1 (one byte per row; Arrow packs bits)        |
 * | smallint, integer        | Int16Array, Int32Array                                        |
 * | bigint                   | BigInt64Array                                                 |
 * | real, double precision   | Float32Array, Float64Array                                    |
 * | oid, regclass, regtype   | Uint32Array                                                   |
 * | date                     | Int32Array: days since 1970-01-01; ±infinity as int32 max/min |
 * | time                     | BigInt64Array: microseconds since midnight                    |
 * | timestamp, timestamptz   | BigInt64Array: µs since 1970-01-01 UTC; ±infinity as int64 max/min |
 * | anything else            | Value[] (strings, Decimal, Interval, Uint8Array...), NULL as null |
 *
 * In typed arrays a NULL row holds 0 and its validity bit is clear.
 *
 * @example
 * const { columns } = await db.query('SELECT v FROM t', [], { rowMode: 'columns' });
 * const v = columns[0]; // { name: 'v', values: Float64Array, validity: Uint8Array | null, ... }
 * const isNull = (i: number) => v.validity !== null && !((v.validity[i >> 3] >> (i & 7)) & 1);
 */
export interface ColumnVector extends ResultColumn {
  readonly length: number;
  readonly nullCount: number;
  /** Arrow validity bitmap: bit i (least significant first) set = row i is not NULL. Null when no row is NULL. */
  readonly validity: Uint8Array | null;
  readonly values: ColumnValues;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

type Fill = (out: any, i: number, v: Value) => void;

const num: Fill = (out, i, v) => (out[i] = v as number);
const micros: Fill = (out, i, v) => {
  const x = v as number;
  out[i] = x === Infinity ? INT64_MAX : x === -Infinity ? INT64_MIN : BigInt(Math.round(x));
};

/** Typed-array layout of a type, or undefined for types kept as JS values. */
function layout(t: SqlType): { make: (n: number) => Exclude<ColumnValues, Value[]>; fill: Fill } | undefined {
  switch (t.id) {
    case 'bool':
      return { make: (n) => new Uint8Array(n), fill: (out, i, v) => (out[i] = v ? 1 : 0) };
    case 'int2':
      return { make: (n) => new Int16Array(n), fill: num };
    case 'int4':
      return { make: (n) => new Int32Array(n), fill: num };
    case 'oid':
    case 'regclass':
    case 'regtype':
      return { make: (n) => new Uint32Array(n), fill: num };
    case 'int8':
      return { make: (n) => new BigInt64Array(n), fill: (out, i, v) => (out[i] = v as bigint) };
    case 'float4':
      return { make: (n) => new Float32Array(n), fill: num };
    case 'float8':
      return { make: (n) => new Float64Array(n), fill: num };
    case 'date':
      return {
        make: (n) => new Int32Array(n),
        fill: (out, i, v) => {
          const d = v as number;
          out[i] = d === Infinity ? INT32_MAX : d === -Infinity ? INT32_MIN : d;
        },
      };
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return { make: (n) => new BigInt64Array(n), fill: micros };
    default:
      return undefined;
  }
}

/** Column `c` of row arrays as a ColumnVector. */
export function columnFromRows(
  col: ResultColumn,
  rows: readonly (readonly Value[])[],
  c: number,
): ColumnVector {
  const n = rows.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  const lay = layout(col.type);
  const values: ColumnValues = lay ? lay.make(n) : new Array<Value>(n);
  for (let i = 0; i < n; i++) {
    const v = rows[i]![c] ?? null;
    if (v === null) {
      nullCount++;
      if (!lay) (values as Value[])[i] = null;
      continue;
    }
    bitmap[i >> 3]! |= 1 << (i & 7);
    if (lay) lay.fill(values, i, v);
    else (values as Value[])[i] = v;
  }
  return {
    name: col.name,
    type: col.type,
    length: n,
    nullCount,
    validity: nullCount > 0 ? bitmap : null,
    values,
  };
}

/**
 * Turns a row-major result into columns.
 *
 * @example
 * resultColumns([{ name: 'x', type: T.int4 }], [[1], [null]]);
 * // [{ name: 'x', values: Int32Array [1, 0], validity: Uint8Array [1], nullCount: 1, ... }]
 */
export function resultColumns(
  columns: readonly ResultColumn[],
  rows: readonly (readonly Value[])[],
): ColumnVector[] {
  return columns.map((col, c) => columnFromRows(col, rows, c));
}

/** Is row i of the column NULL? */
export function isNullAt(col: ColumnVector, i: number): boolean {
  return col.validity !== null && ((col.validity[i >> 3]! >> (i & 7)) & 1) === 0;
}
