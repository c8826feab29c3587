import { Decimal } from './decimal.js';
import { Interval } from './interval.js';
import type { SqlType } from './types.js';

/**
 * Runtime value of a SQL datum. The representation depends only on the type id:
 *
 * | type                                   | JS value                                                  |
 * |----------------------------------------|-----------------------------------------------------------|
 * | bool                                   | boolean                                                   |
 * | int2, int4, oid, regclass, regtype     | number (an integer)                                       |
 * | int8                                   | bigint (exact over the whole range)                       |
 * | float4, float8                         | number                                                    |
 * | numeric                                | Decimal                                                   |
 * | text, varchar, bpchar, name, char      | string                                                    |
 * | uuid                                   | string, canonical lower-case 8-4-4-4-12                   |
 * | json                                   | string (the text as given)                                |
 * | jsonb                                  | string (normalised text, PostgreSQL's jsonb output form)  |
 * | date                                   | number: days since 1970-01-01; ±Infinity for ±infinity    |
 * | time                                   | number: microseconds since midnight                       |
 * | timestamp, timestamptz                 | number: microseconds since 1970-01-01 00:00 UTC, ±Infinity |
 * | interval                               | Interval                                                  |
 * | bytea                                  | Uint8Array                                                |
 * | array, record                          | Value[]                                                   |
 *
 * SQL NULL is JS `null` everywhere.
 *
 * Timestamps are float64 microseconds: exact to the microsecond for years 1685–2255 and to the
 * millisecond over PostgreSQL's whole range. This keeps time columns in Float64Arrays for hot loops.
 *
 * @example
 * const { rows } = await db.query(`SELECT 1::bigint AS n, date '1970-01-02' AS d`);
 * rows[0]; // { n: 1n, d: 1 }
 */
export type Value = null | boolean | number | bigint | string | Decimal | Interval | Uint8Array | Value[];

export { Decimal, Interval };

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;

/** Total order over non-null values of one type, as PostgreSQL's btree opclasses define it. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // PostgreSQL orders NaN above all other floats and equal to itself.
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    return an && bn ? 0 : an ? 1 : -1;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  if (a instanceof Interval && b instanceof Interval) return a.cmp(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? 1 : -1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  // Mixed representations (e.g. number vs bigint) compare numerically.
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Equality consistent with compareValues (NaN equals NaN, as in PostgreSQL grouping). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a !== 'object' && typeof a === typeof b) {
    return typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b as number);
  }
  return compareValues(a, b) === 0;
}

/**
 * A primitive key for hashing a value in Maps: equal values give equal keys. Numbers and strings
 * are their own keys; other types get a tagged string.
 */
export function hashKey(v: Value): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v;
  if (v instanceof Decimal) return 'D' + v.trimScale().toString();
  if (v instanceof Interval) return 'I' + v.sortKey();
  if (v instanceof Uint8Array) return 'B' + Buffer.from(v).toString('hex');
  return 'A' + tupleKey(v);
}

const KEY_TAG: Record<string, string> = { number: 'n', string: 's', bigint: 'b', boolean: 'o', object: 'z' };

function scalarKey(v: Value, exact: boolean): unknown {
  if (exact) {
    if (v instanceof Decimal) return 'D' + v.toString();
    if (v instanceof Interval) return `I${v.months},${v.days},${v.micros}`;
    if (Object.is(v, -0)) return '-0';
  }
  return hashKey(v);
}

/**
 * A string key for a tuple of values, equal exactly when the values are equal (NaN = NaN, 0 = -0,
 * 1.0 = 1.00). With `exact`, equal means the same representation (1.0 ≠ 1.00, '1 mon' ≠ '30 days').
 * Elements are tagged and length-prefixed, so NaN, ±Infinity, NULL and the string 'null' stay apart.
 *
 * @example
 * tupleKey([1, 'a']) === tupleKey([1, 'a']); // true
 */
export function tupleKey(values: readonly Value[], exact = false): string {
  let out = '(';
  for (const v of values) {
    if (Array.isArray(v)) out += tupleKey(v, exact);
    else {
      const k = scalarKey(v, exact);
      const s = String(k);
      out += `${KEY_TAG[typeof k] ?? '?'}${s.length}:${s}`;
    }
  }
  return out + ')';
}

/** Map key of one value (see tupleKey): scalars are their own hashKey on the fast path. */
export function valueKey(v: Value, exact = false): unknown {
  return Array.isArray(v) ? tupleKey(v, exact) : scalarKey(v, exact);
}

/** Is `t` represented by a JS number (so a column of it fits a Float64Array)? */
export function isNumberRepr(t: SqlType): boolean {
  switch (t.id) {
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'oid':
    case 'regclass':
    case 'regtype':
      return true;
    default:
      return false;
  }
}
