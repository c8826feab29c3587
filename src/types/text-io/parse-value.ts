import { DatabaseError, SqlState } from '../../errors.js';
import { typeName } from '../types.js';
import type { SqlType } from '../types.js';
import type { Value } from '../values.js';
import { applyCharLength, truncateName } from './character.js';
import { invalidSyntax, isDigit, isSpace, trimSpace } from './chars.js';
import type { TextIoContext } from './context.js';
import { parseDate, parseTime, parseTimestamp } from './datetime-input.js';
import { parseInterval } from './interval-input.js';
import { parseJson, parseJsonb } from './json.js';
import { parseBool, parseFloatInput, parseInt32, parseInt64, parseNumeric } from './numeric.js';
import { parseBytea, parseUuid } from './uuid-bytea.js';

/** array_in and parseValue, the text input dispatcher over every runtime type. */

function malformedArray(text: string, detail: string): DatabaseError {
  return new DatabaseError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, {
    detail,
  });
}

/** array_in: '{1,2,NULL}', nested and quoted elements, optional '[lo:hi]=' dimension prefix. */
export function parseArray(text: string, elem: SqlType, ctx: TextIoContext): Value[] {
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 91) {
    while (i < n && text.charCodeAt(i) === 91) {
      const close = text.indexOf(']', i);
      if (close < 0) throw malformedArray(text, 'Missing "]" after array dimensions.');
      i = close + 1;
    }
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 61) throw malformedArray(text, 'Missing "=" after array dimensions.');
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  }
  if (text.charCodeAt(i) !== 123) {
    throw malformedArray(text, 'Array value must start with "{" or dimension information.');
  }
  const pos = { i: i + 1 };
  const out = parseArrayLevel(text, pos, elem, ctx, 0);
  let j = pos.i;
  while (j < n && isSpace(text.charCodeAt(j))) j++;
  if (j < n) throw malformedArray(text, 'Junk after closing right brace.');
  if (!isRectangular(out, arrayDims(out), 0)) {
    throw malformedArray(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
  }
  return out;
}

/** Lengths along the first element of each nesting level. */
function arrayDims(arr: Value[]): number[] {
  const dims: number[] = [];
  let a: Value = arr;
  while (Array.isArray(a)) {
    dims.push(a.length);
    a = a.length > 0 ? a[0]! : null;
  }
  return dims;
}

function isRectangular(arr: Value[], dims: number[], depth: number): boolean {
  if (arr.length !== dims[depth]) return false;
  const inner = depth < dims.length - 1;
  for (const v of arr) {
    if (Array.isArray(v) !== inner) return false;
    if (inner && !isRectangular(v as Value[], dims, depth + 1)) return false;
  }
  return true;
}

function parseArrayLevel(
  text: string,
  pos: { i: number },
  elem: SqlType,
  ctx: TextIoContext,
  depth: number,
): Value[] {
  const out: Value[] = [];
  const n = text.length;
  let nested: boolean | undefined;
  let expectElement = true;
  for (;;) {
    while (pos.i < n && isSpace(text.charCodeAt(pos.i))) pos.i++;
    if (pos.i >= n) throw malformedArray(text, 'Unexpected end of input.');
    const c = text.charCodeAt(pos.i);
    if (c === 125) {
      if (expectElement && (out.length > 0 || depth > 0))
        throw malformedArray(text, 'Unexpected "}" character.');
      pos.i++;
      break;
    }
    if (!expectElement) {
      if (c !== 44) throw malformedArray(text, `Unexpected "${text[pos.i]}" character.`);
      pos.i++;
      expectElement = true;
      continue;
    }
    if (c === 123) {
      if (nested === false) throw malformedArray(text, 'Unexpected "{" character.');
      nested = true;
      pos.i++;
      out.push(parseArrayLevel(text, pos, elem, ctx, depth + 1));
    } else {
      if (nested === true) throw malformedArray(text, 'Unexpected array element.');
      if (c === 44) throw malformedArray(text, 'Unexpected "," character.');
      nested = false;
      out.push(parseArrayElement(text, pos, elem, ctx));
    }
    expectElement = false;
  }
  return out;
}

function parseArrayElement(text: string, pos: { i: number }, elem: SqlType, ctx: TextIoContext): Value {
  const n = text.length;
  let s = '';
  let quoted = false;
  let escaped = false;
  /** Length of `s` up to its last character that was quoted or escaped (those are never trimmed). */
  let keep = 0;
  while (pos.i < n) {
    const c = text.charCodeAt(pos.i);
    if (c === 34) {
      if (quoted || s.length > 0) throw malformedArray(text, 'Unexpected array element.');
      quoted = true;
      pos.i++;
      for (;;) {
        if (pos.i >= n) throw malformedArray(text, 'Unexpected end of input.');
        const d = text.charCodeAt(pos.i);
        if (d === 34) {
          pos.i++;
          break;
        }
        if (d === 92) {
          pos.i++;
          if (pos.i >= n) throw malformedArray(text, 'Unexpected end of input.');
        }
        s += text[pos.i]!;
        pos.i++;
      }
      keep = s.length;
      continue;
    }
    if (c === 92) {
      pos.i++;
      if (pos.i >= n) throw malformedArray(text, 'Unexpected end of input.');
      s += text[pos.i]!;
      pos.i++;
      escaped = true;
      keep = s.length;
      continue;
    }
    if (c === 44 || c === 125) break;
    if (c === 123) throw malformedArray(text, 'Unexpected "{" character.');
    if (quoted && !isSpace(c)) throw malformedArray(text, 'Unexpected array element.');
    s += text[pos.i]!;
    pos.i++;
  }
  let end = s.length;
  while (end > keep && isSpace(s.charCodeAt(end - 1))) end--;
  if (end < s.length) s = s.slice(0, end);
  if (!quoted && !escaped && s.length === 4 && s.toUpperCase() === 'NULL') return null;
  if (!quoted && s.length === 0) throw malformedArray(text, `Unexpected "${text[pos.i] ?? ''}" character.`);
  return parseValue(s, elem, ctx);
}

/**
 * PostgreSQL's input function for `type`: text → runtime value. Throws DatabaseError with the
 * message PostgreSQL gives (22P02, 22003, 22007, 22008, 22001, ...).
 *
 * @example parseValue('{1,2,NULL}', arrayOf(T.int4), { timezone: 'UTC' }) // [1, 2, null]
 */
export function parseValue(text: string, type: SqlType, ctx: TextIoContext): Value {
  switch (type.id) {
    case 'bool':
      return parseBool(text);
    case 'int2':
    case 'int4':
      return parseInt32(text, type.id);
    case 'int8':
      return parseInt64(text);
    case 'float4':
    case 'float8':
      return parseFloatInput(text, type.id);
    case 'numeric':
      return parseNumeric(text, type);
    case 'text':
    case 'unknown':
      return text;
    case 'varchar':
    case 'bpchar':
      return applyCharLength(text, type, false);
    case 'name':
      return truncateName(text);
    case 'char':
      return parseChar(text);
    case 'date':
      return parseDate(text, ctx);
    case 'timestamp':
      return parseTimestamp(text, ctx, false);
    case 'timestamptz':
      return parseTimestamp(text, ctx, true);
    case 'time':
      return parseTime(text, ctx);
    case 'interval':
      return parseInterval(text);
    case 'uuid':
      return parseUuid(text);
    case 'bytea':
      return parseBytea(text);
    case 'json':
      return parseJson(text);
    case 'jsonb':
      return parseJsonb(text);
    case 'oid':
    case 'regclass':
    case 'regtype':
      return parseOid(text, type);
    case 'array':
      return parseArray(text, type.elem ?? { id: 'text' }, ctx);
    case 'record':
      throw new DatabaseError(
        SqlState.featureNotSupported,
        'input of anonymous composite types is not implemented',
      );
    default:
      throw new DatabaseError(
        SqlState.featureNotSupported,
        `cannot accept a value of type ${typeName(type)}`,
      );
  }
}

/** charin: the first character, or a byte written as '\ooo' (how charout prints high-bit bytes). */
function parseChar(text: string): string {
  if (text.length === 4 && text.charCodeAt(0) === 92) {
    const a = text.charCodeAt(1) - 48;
    const b = text.charCodeAt(2) - 48;
    const c = text.charCodeAt(3) - 48;
    if (a >= 0 && a <= 3 && b >= 0 && b <= 7 && c >= 0 && c <= 7)
      return String.fromCharCode(a * 64 + b * 8 + c);
  }
  return text.length === 0 ? '' : String.fromCodePoint(text.codePointAt(0)!);
}

function parseOid(text: string, type: SqlType): number {
  const s = trimSpace(text);
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
  const numeric = i < s.length && [...s.slice(i)].every((ch) => isDigit(ch.charCodeAt(0)));
  if (!numeric) {
    if (type.id === 'regclass')
      throw new DatabaseError(SqlState.undefinedTable, `relation "${text}" does not exist`);
    if (type.id === 'regtype')
      throw new DatabaseError(SqlState.undefinedObject, `type "${text}" does not exist`);
    throw invalidSyntax('oid', text);
  }
  i = Number(s);
  if (i < -2147483648 || i > 4294967295) {
    throw new DatabaseError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type oid`);
  }
  return i < 0 ? i + 4294967296 : i;
}
