import { DatabaseError, SqlState } from '../errors.js';
import { storageKind } from '../storage/column.js';
import type { Table } from '../storage/table.js';
import { typeName, type SqlType } from '../types/types.js';
import { Decimal, Interval, type Value } from '../types/values.js';

/**
 * Column data for a bulk append: one array per column, by name. Missing columns are NULL.
 *
 * @example
 * const batch: ColumnBatch = { id: new Int32Array([1, 2]), name: ['a', null] };
 */
export type ColumnBatch = Readonly<Record<string, ArrayLike<Value>>>;

/** Is `v` in the engine representation of `t` (see Value)? Integers are range-checked. */
export function acceptsValue(t: SqlType, v: Value): boolean {
  switch (t.id) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int2':
      return Number.isInteger(v) && (v as number) >= -32768 && (v as number) <= 32767;
    case 'int4':
      return Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647;
    case 'int8':
      return typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n;
    case 'float4':
    case 'float8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'number';
    case 'numeric':
      return v instanceof Decimal;
    case 'interval':
      return v instanceof Interval;
    case 'bytea':
      return v instanceof Uint8Array;
    case 'array':
      return Array.isArray(v);
    default:
      return typeof v === 'string';
  }
}

/**
 * Whether every value of `data` is a valid `t` without looking: numbers of a Float64Array for a
 * float or time column, of an Int32Array for those or an int4 (a typed array holds no nulls).
 */
function alwaysAccepted(t: SqlType, data: ArrayLike<Value>): boolean {
  if (data instanceof Int32Array) return t.id === 'int4' || storageKind(t) === 'f64';
  return data instanceof Float64Array && storageKind(t) === 'f64';
}

/**
 * Checks a column batch against the table and returns it in table column order. Everything is
 * checked before anything is written, so a bad batch fails whole and changes nothing.
 */
export function prepareColumnBatch(
  t: Table,
  batch: ColumnBatch,
): { cols: ArrayLike<Value>[]; count: number } {
  let count = -1;
  for (const [name, data] of Object.entries(batch)) {
    if (t.columnIndex(name) < 0)
      throw new DatabaseError(
        SqlState.undefinedColumn,
        `column "${name}" of relation "${t.name}" does not exist`,
      );
    if (count >= 0 && data.length !== count) {
      throw new DatabaseError(
        SqlState.invalidParameterValue,
        `column "${name}" has ${data.length} values, expected ${count}`,
      );
    }
    count = data.length;
  }
  if (count < 0) count = 0;
  const nulls: ArrayLike<Value> = { length: count };
  const cols = t.columns.map((c) => {
    const data = batch[c.name] ?? nulls;
    if (alwaysAccepted(c.type, data)) return data;
    for (let r = 0; r < count; r++) {
      const v = data[r] ?? null;
      if (v === null) {
        if (c.notNull) {
          throw new DatabaseError(
            SqlState.notNullViolation,
            `null value in column "${c.name}" of relation "${t.name}" violates not-null constraint`,
          );
        }
      } else if (!acceptsValue(c.type, v)) {
        throw new DatabaseError(
          SqlState.datatypeMismatch,
          `value at row ${r} of column "${c.name}" is not a valid ${typeName(c.type)}`,
          {
            hint: 'Append takes values in the engine representation (see src/types/values.ts); use INSERT for text input.',
          },
        );
      }
    }
    return data;
  });
  return { cols, count };
}
