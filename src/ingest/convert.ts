import { acceptsValue } from '../engine/append.js';
import { parseValue, type TextIoContext } from '../types/text-io.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';

const jsonReplacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Converts one input value (CSV text, JSON value, Parquet value) to the engine representation of
 * the column type. Text goes through the type's PostgreSQL input function, so '1e3' fails for an
 * integer column just as COPY fails; numbers, booleans, bigints and Dates take fast paths where the
 * type matches and otherwise convert through their text form. Objects and arrays become JSON text.
 * Throws the DatabaseError of the input function when the value does not fit.
 */
export function toValue(raw: unknown, type: SqlType, ctx: TextIoContext): Value {
  if (raw === null || raw === undefined) return null;
  switch (typeof raw) {
    case 'string':
      return parseValue(raw, type, ctx);
    case 'number':
      if (type.id === 'float8') return raw;
      if (type.id === 'int8' && Number.isSafeInteger(raw)) return BigInt(raw);
      if ((type.id === 'int4' || type.id === 'int2') && acceptsValue(type, raw)) return raw;
      return parseValue(String(raw), type, ctx);
    case 'bigint':
      if (type.id === 'int8' && acceptsValue(type, raw)) return raw;
      if (type.id === 'float8') return Number(raw);
      return parseValue(raw.toString(), type, ctx);
    case 'boolean':
      return type.id === 'bool' ? raw : parseValue(String(raw), type, ctx);
  }
  if (raw instanceof Date) {
    if (type.id === 'timestamp' || type.id === 'timestamptz') return raw.getTime() * 1000;
    return parseValue(raw.toISOString(), type, ctx);
  }
  if (raw instanceof Uint8Array && type.id === 'bytea') return raw;
  return parseValue(JSON.stringify(raw, jsonReplacer), type, ctx);
}
