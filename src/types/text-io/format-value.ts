import { timeZone } from '../datetime.js';
import { Decimal } from '../decimal.js';
import { Interval } from '../interval.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import { isSpace } from './chars.js';
import type { TextIoContext } from './context.js';
import { formatDate, formatInterval, formatTime, formatTimestamp } from './datetime-output.js';
import { formatFloat } from './float-output.js';
import { formatBytea } from './uuid-bytea.js';

/** array_out, record_out and formatValue, the text output dispatcher over every runtime type. */

/** Does an array element's text need double quotes (array_out)? */
function arrayElementNeedsQuotes(s: string): boolean {
  if (s.length === 0) return true;
  if (s.length === 4 && s.toUpperCase() === 'NULL') return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92 || c === 123 || c === 125 || c === 44 || isSpace(c)) return true;
  }
  return false;
}

function quoteElement(s: string, needs: (s: string) => boolean): string {
  if (!needs(s)) return s;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92) out += '\\';
    out += s[i]!;
  }
  return out + '"';
}

/** array_out: '{1,2,NULL}', '{{1,2},{3,4}}', elements quoted where needed. */
export function formatArray(arr: Value[], elem: SqlType, ctx: TextIoContext): string {
  let out = '{';
  for (let i = 0; i < arr.length; i++) {
    if (i > 0) out += ',';
    const v = arr[i]!;
    if (v === null) out += 'NULL';
    else if (Array.isArray(v) && elem.id !== 'array') out += formatArray(v, elem, ctx);
    else out += quoteElement(formatValue(v, elem, ctx), arrayElementNeedsQuotes);
  }
  return out + '}';
}

function recordFieldNeedsQuotes(s: string): boolean {
  if (s.length === 0) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92 || c === 40 || c === 41 || c === 44 || isSpace(c)) return true;
  }
  return false;
}

/** record_out for an anonymous record: fields formatted by their runtime representation. */
function formatRecord(fields: Value[], ctx: TextIoContext): string {
  let out = '(';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ',';
    const v = fields[i]!;
    if (v === null) continue;
    const s = formatUntyped(v, ctx);
    if (!recordFieldNeedsQuotes(s)) out += s;
    else {
      out += '"';
      for (let k = 0; k < s.length; k++) {
        const c = s.charCodeAt(k);
        if (c === 34 || c === 92) out += s[k]!;
        out += s[k]!;
      }
      out += '"';
    }
  }
  return out + ')';
}

function formatUntyped(v: Value, ctx: TextIoContext): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : formatFloat(v, false, ctx.extraFloatDigits);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Interval) return formatInterval(v);
  if (v instanceof Uint8Array) return formatBytea(v);
  if (Array.isArray(v)) return formatRecord(v, ctx);
  return String(v);
}

/**
 * PostgreSQL's output function for `type`: runtime value → text.
 *
 * @example formatValue(1.5e-7, T.float8, { timezone: 'UTC' }) // '1.5e-07'
 */
export function formatValue(v: Value, type: SqlType, ctx: TextIoContext): string {
  if (v === null) return 'NULL';
  switch (type.id) {
    case 'bool':
      return v ? 't' : 'f';
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
      return String(v);
    case 'int8':
      return typeof v === 'bigint' ? v.toString() : String(v);
    case 'float4':
    case 'float8':
      return formatFloat(v as number, type.id === 'float4', ctx.extraFloatDigits);
    case 'numeric':
      return (v as Decimal).toString();
    case 'date':
      return formatDate(v as number, ctx.dateStyle);
    case 'timestamp':
      return formatTimestamp(v as number, undefined, ctx.dateStyle);
    case 'timestamptz':
      return formatTimestamp(v as number, timeZone(ctx.timezone), ctx.dateStyle);
    case 'time':
      return formatTime(v as number);
    case 'interval':
      return formatInterval(v as Interval);
    case 'bytea':
      return formatBytea(v as Uint8Array);
    case 'array':
      return formatArray(v as Value[], type.elem ?? { id: 'text' }, ctx);
    case 'char': {
      const c = (v as string).charCodeAt(0);
      return c >= 128 && c < 256 ? '\\' + c.toString(8) : (v as string);
    }
    case 'record':
      return formatRecord(v as Value[], ctx);
    default:
      return typeof v === 'string' ? v : formatUntyped(v, ctx);
  }
}
