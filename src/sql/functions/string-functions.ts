import { createHash, randomUUID } from 'node:crypto';
import { DatabaseError, SqlState } from '../../errors.js';
import { Decimal } from '../../types/decimal.js';
import { formatValue } from '../../types/text-io.js';
import type { TextIoContext } from '../../types/text-io.js';
import { arrayOf, T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import { valuesEqual } from '../../types/values.js';
import type { Value } from '../../types/values.js';
import type { FunctionContext, ScalarFunction } from './registry.js';

const SUBSTRING_ERROR = SqlState.substringError;
const TEXT_ARRAY = arrayOf(T.text);
const INT4_ARRAY = arrayOf(T.int4);

// ---------------------------------------------------------------------------------------------
// Text output of values (concat, format, array_to_string, ||) goes through the type output
// functions in text-io.ts, with the session's TimeZone, DateStyle and extra_float_digits.

interface CachedIo {
  readonly timezone: string;
  readonly dateStyle: string | undefined;
  readonly efd: string | undefined;
  readonly io: TextIoContext;
}
const ioContexts = new WeakMap<FunctionContext, CachedIo>();

/** The text I/O settings of a function's session (cached per context while the settings hold). */
export function textIoContext(ctx: FunctionContext): TextIoContext {
  const dateStyle = ctx.setting('DateStyle') ?? ctx.setting('datestyle');
  const efd = ctx.setting('extra_float_digits');
  const hit = ioContexts.get(ctx);
  if (hit !== undefined && hit.timezone === ctx.timezone && hit.dateStyle === dateStyle && hit.efd === efd) {
    return hit.io;
  }
  const io: TextIoContext = {
    timezone: ctx.timezone,
    ...(dateStyle !== undefined ? { dateStyle } : {}),
    ...(efd !== undefined && /^-?\d+$/.test(efd) ? { extraFloatDigits: Number(efd) } : {}),
  };
  ioContexts.set(ctx, { timezone: ctx.timezone, dateStyle, efd, io });
  return io;
}

/** A non-null value as its type's output function prints it (booleans as `t`/`f`). */
export function outputText(v: Value, type: SqlType | undefined, ctx: FunctionContext): string {
  if (typeof v === 'string') return v;
  return formatValue(v, type ?? untypedType(v), textIoContext(ctx));
}

/** A non-null value cast to text (`::text`): booleans give `true`/`false`, bpchar loses its padding. */
export function castToText(v: Value, type: SqlType | undefined, ctx: FunctionContext): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return type?.id === 'bpchar' ? rtrimSpaces(v) : v;
  return outputText(v, type, ctx);
}

/** A type for a value whose argument type is an unresolved pseudo-type. */
function untypedType(v: Value): SqlType {
  if (typeof v === 'number') return T.float8;
  if (typeof v === 'bigint') return T.int8;
  if (typeof v === 'boolean') return T.bool;
  if (v instanceof Decimal) return T.numeric;
  if (v instanceof Uint8Array) return T.bytea;
  if (Array.isArray(v)) return TEXT_ARRAY;
  return T.interval;
}

function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function rtrimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 32) e--;
  return e === s.length ? s : s.slice(0, e);
}

// ---------------------------------------------------------------------------------------------
// Character-level helpers. PostgreSQL counts characters (code points); JS strings are UTF-16, so
// strings with surrogate pairs take a slower code-point path.

const SURROGATE = /[\uD800-\uDFFF]/;

function charLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Characters [from, to) of s, by code point (0-based, clamped). */
function charSlice(s: string, from: number, to?: number): string {
  if (!SURROGATE.test(s)) return s.slice(Math.max(from, 0), to);
  const cps = Array.from(s);
  return cps.slice(Math.max(from, 0), to).join('');
}

function chars(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

function substr(s: string, start: number, len?: number): string {
  if (len === undefined) return charSlice(s, Math.max(start, 1) - 1);
  if (len < 0) throw new DatabaseError(SUBSTRING_ERROR, 'negative substring length not allowed');
  const end = start + len;
  const s1 = Math.max(start, 1);
  if (end <= s1) return '';
  return charSlice(s, s1 - 1, end - 1);
}

function bytesSubstr(b: Uint8Array, start: number, len?: number): Uint8Array {
  if (len !== undefined && len < 0)
    throw new DatabaseError(SUBSTRING_ERROR, 'negative substring length not allowed');
  const s1 = Math.max(start, 1);
  const end = len === undefined ? b.length + 1 : start + len;
  if (end <= s1) return new Uint8Array(0);
  return b.slice(s1 - 1, end - 1);
}

const upperCache = new Map<string, string>();
const lowerCache = new Map<string, string>();
const NON_ASCII = /[^\x00-\x7f]/;

/** Per-character case mapping like libc's towupper: no 'ß' → 'SS', no final-sigma context. */
function mapCase(s: string, upper: boolean): string {
  if (!NON_ASCII.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  const cache = upper ? upperCache : lowerCache;
  let out = '';
  for (const c of s) {
    let m = cache.get(c);
    if (m === undefined) {
      const r = upper ? c.toUpperCase() : c.toLowerCase();
      const cps = Array.from(r);
      m = cps.length === 1 ? r : upper ? c : cps[0]!;
      if (cache.size < 4096) cache.set(c, m);
    }
    out += m;
  }
  return out;
}

const ALNUM = /[\p{L}\p{N}]/u;

function isAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  return ALNUM.test(c);
}

function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    out += inWord ? mapCase(c, false) : mapCase(c, true);
    inWord = isAlnum(c);
  }
  return out;
}

function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i <= 0) return i + 1;
  return SURROGATE.test(s) ? charLength(s.slice(0, i)) + 1 : i + 1;
}

function left(s: string, n: number): string {
  if (n >= 0) return charSlice(s, 0, n);
  const len = charLength(s);
  return charSlice(s, 0, Math.max(len + n, 0));
}

function right(s: string, n: number): string {
  const len = charLength(s);
  return n >= 0 ? charSlice(s, Math.max(len - n, 0)) : charSlice(s, Math.min(-n, len));
}

function pad(s: string, len: number, fill: string, atStart: boolean): string {
  if (len < 0) len = 0;
  const sl = charLength(s);
  if (sl >= len || fill === '') return sl > len ? charSlice(s, 0, len) : s;
  const need = len - sl;
  const fl = charLength(fill);
  const padding = fill.repeat(Math.floor(need / fl)) + charSlice(fill, 0, need % fl);
  return atStart ? padding + s : s + padding;
}

function trimChars(s: string, set: string, leading: boolean, trailing: boolean): string {
  if (set.length === 1 || !SURROGATE.test(s + set)) {
    let b = 0;
    let e = s.length;
    if (leading) while (b < e && set.includes(s[b]!)) b++;
    if (trailing) while (e > b && set.includes(s[e - 1]!)) e--;
    return b === 0 && e === s.length ? s : s.slice(b, e);
  }
  const cs = Array.from(s);
  const members = new Set(Array.from(set));
  let b = 0;
  let e = cs.length;
  if (leading) while (b < e && members.has(cs[b]!)) b++;
  if (trailing) while (e > b && members.has(cs[e - 1]!)) e--;
  return cs.slice(b, e).join('');
}

function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  if (Buffer.byteLength(s) * n > 0x3fffffff - 4 || s.length * n > 0x1fffffe8) {
    throw new DatabaseError(SqlState.programLimitExceeded, 'requested length too large');
  }
  return s.repeat(n);
}

function reverse(s: string): string {
  return chars(s).reverse().join('');
}

function splitPart(s: string, delim: string, n: number): string {
  if (n === 0) throw new DatabaseError(SqlState.invalidParameterValue, 'field position must not be zero');
  if (s === '') return '';
  if (delim === '') return n === 1 || n === -1 ? s : '';
  const parts = s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return parts[i] ?? '';
}

function translate(s: string, from: string, to: string): string {
  const f = chars(from);
  const t = chars(to);
  let out = '';
  for (const c of s) {
    const i = f.indexOf(c);
    if (i < 0) out += c;
    else if (i < t.length) out += t[i]!;
  }
  return out;
}

function chr(n: number): string {
  if (n < 0) throw new DatabaseError(SqlState.invalidParameterValue, 'character number must be positive');
  if (n === 0) throw new DatabaseError(SqlState.programLimitExceeded, 'null character not permitted');
  if (n > 0x10ffff) {
    throw new DatabaseError(
      SqlState.programLimitExceeded,
      `requested character too large for encoding: ${n}`,
    );
  }
  if (n >= 0xd800 && n <= 0xdfff) {
    throw new DatabaseError(
      SqlState.programLimitExceeded,
      `requested character not valid for encoding: ${n}`,
    );
  }
  return String.fromCodePoint(n);
}

const RESERVED_WORDS = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both ' +
    'case cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural ' +
    'nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay ' +
    'placing position precision primary real references returning right row select session_user setof similar ' +
    'smallint some substring symmetric table tablesample then time timestamp to trailing treat trim true union ' +
    'unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement ' +
    'xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);
const SIMPLE_IDENT = /^[a-z_][a-z0-9_]*$/;

/** PostgreSQL's quote_ident: double-quotes unless a lower-case identifier that is not a reserved word. */
export function quoteIdent(s: string): string {
  if (SIMPLE_IDENT.test(s) && !RESERVED_WORDS.has(s)) return s;
  return '"' + s.replace(/"/g, '""') + '"';
}

/** PostgreSQL's quote_literal: `'O''Reilly'`, and `E'a\\b'` when the text holds backslashes. */
export function quoteLiteral(s: string): string {
  const q = "'" + s.replace(/'/g, "''") + "'";
  return s.includes('\\') ? 'E' + q.replace(/\\/g, '\\\\') : q;
}

// ---------------------------------------------------------------------------------------------
// format()

function formatError(msg: string, hint = false): never {
  throw new DatabaseError(
    SqlState.invalidParameterValue,
    msg,
    hint ? { hint: 'For a single "%" use "%%".' } : undefined,
  );
}

/** A format() width argument, converted to int4 as PostgreSQL does through the type's text. */
function formatWidth(v: Value, type: SqlType | undefined, ctx: FunctionContext): number {
  if (v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const s = outputText(v, type, ctx).trim();
  if (!/^[+-]?\d+$/.test(s) || Math.abs(Number(s)) > 2147483647) {
    throw new DatabaseError(
      SqlState.invalidTextRepresentation,
      `invalid input syntax for type integer: "${s}"`,
    );
  }
  return Number(s);
}

function textFormat(args: Value[], ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const fmt = args[0];
  if (fmt === null || fmt === undefined) return null;
  const f = fmt as string;
  const nargs = args.length - 1;
  let next = 1;
  let out = '';
  const readNumber = (i: number): [number, number] => {
    let n = 0;
    let j = i;
    while (j < f.length && f.charCodeAt(j) >= 48 && f.charCodeAt(j) <= 57) {
      n = n * 10 + (f.charCodeAt(j) - 48);
      if (n > 2147483647) formatError('number is out of range');
      j++;
    }
    return [n, j];
  };
  const argAt = (n: number): number => {
    if (n === 0) formatError('format specifies argument 0, but arguments are numbered from 1');
    if (n > nargs) formatError('too few arguments for format()');
    return n;
  };
  for (let i = 0; i < f.length; i++) {
    const c = f[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    if (i >= f.length) formatError('unterminated format() type specifier', true);
    if (f[i] === '%') {
      out += '%';
      continue;
    }
    let argPos = 0;
    let leftAlign = false;
    let width = 0;
    let widthArg = -1;
    const unterminated = (): void => {
      if (i >= f.length) formatError('unterminated format() type specifier', true);
    };
    // [position$][-][width | * | *position$]type, parsed as PostgreSQL's text_format_parse_format.
    let [n, j] = readNumber(i);
    if (j > i && f[j] !== '$') {
      width = n;
      i = j;
      unterminated();
    } else {
      if (j > i) {
        argPos = argAt(n);
        i = j + 1;
        unterminated();
      }
      while (f[i] === '-') {
        leftAlign = true;
        i++;
        unterminated();
      }
      if (f[i] === '*') {
        i++;
        unterminated();
        [n, j] = readNumber(i);
        if (j > i) {
          if (f[j] !== '$') formatError('width argument position must be ended by "$"');
          widthArg = argAt(n);
          i = j + 1;
        } else {
          widthArg = argAt(next);
        }
        unterminated();
      } else {
        [n, j] = readNumber(i);
        width = n;
        i = j;
        unterminated();
      }
    }
    if (widthArg > 0) {
      width = formatWidth(args[widthArg]!, argTypes[widthArg], ctx);
      if (width < 0) {
        leftAlign = true;
        width = -width;
      }
      next = widthArg + 1;
    }
    const type = f[i]!;
    if (type !== 's' && type !== 'I' && type !== 'L') {
      formatError(
        `unrecognized format() type specifier "${f.codePointAt(i) !== undefined ? String.fromCodePoint(f.codePointAt(i)!) : type}"`,
        true,
      );
    }
    const k = argAt(argPos > 0 ? argPos : next);
    next = k + 1;
    const v = args[k]!;
    let s: string;
    if (type === 's') s = v === null ? '' : outputText(v, argTypes[k], ctx);
    else if (type === 'I') {
      if (v === null) {
        throw new DatabaseError(
          SqlState.nullValueNotAllowed,
          'null values cannot be formatted as an SQL identifier',
        );
      }
      s = quoteIdent(outputText(v, argTypes[k], ctx));
    } else s = v === null ? 'NULL' : quoteLiteral(outputText(v, argTypes[k], ctx));
    const len = charLength(s);
    if (width > len) s = leftAlign ? s + ' '.repeat(width - len) : ' '.repeat(width - len) + s;
    out += s;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// encode / decode

function badEncoding(name: string): never {
  throw new DatabaseError(SqlState.invalidParameterValue, `unrecognized encoding: "${name}"`);
}

function encode(b: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return bytesToHex(b);
    case 'base64': {
      const s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
      if (s.length <= 76) return s;
      const lines: string[] = [];
      for (let i = 0; i < s.length; i += 76) lines.push(s.slice(i, i + 76));
      return lines.join('\n');
    }
    case 'escape': {
      let out = '';
      for (const x of b) {
        if (x === 92) out += '\\\\';
        else if (x === 0 || x >= 0x80) out += '\\' + x.toString(8).padStart(3, '0');
        else out += String.fromCharCode(x);
      }
      return out;
    }
    default:
      return badEncoding(format);
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function isSpaceByte(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

function decode(s: string, format: string): Uint8Array {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  switch (format.toLowerCase()) {
    case 'hex':
      for (let i = 0; i < src.length;) {
        const c = src[i]!;
        if (isSpaceByte(c)) {
          i++;
          continue;
        }
        const hi = hexValue(c);
        if (hi < 0) invalidHexDigit(s, i);
        if (i + 1 >= src.length) {
          throw new DatabaseError(
            SqlState.invalidParameterValue,
            'invalid hexadecimal data: odd number of digits',
          );
        }
        const lo = hexValue(src[i + 1]!);
        if (lo < 0) invalidHexDigit(s, i + 1);
        out.push(hi * 16 + lo);
        i += 2;
      }
      break;
    case 'base64': {
      let buf = 0;
      let pos = 0;
      let end = 0;
      for (let i = 0; i < src.length; i++) {
        const c = src[i]!;
        if (isSpaceByte(c)) continue;
        let b: number;
        if (c === 61) {
          if (end === 0) {
            if (pos === 2) end = 1;
            else if (pos === 3) end = 2;
            else {
              throw new DatabaseError(
                SqlState.invalidParameterValue,
                'unexpected "=" while decoding base64 sequence',
              );
            }
          }
          b = 0;
        } else {
          b = c > 0 && c < 127 ? B64[c]! : -1;
          if (b < 0) {
            throw new DatabaseError(
              SqlState.invalidParameterValue,
              `invalid symbol "${charAtByte(s, i)}" found while decoding base64 sequence`,
            );
          }
        }
        buf = (buf << 6) + b;
        if (++pos === 4) {
          out.push((buf >> 16) & 255);
          if (end === 0 || end > 1) out.push((buf >> 8) & 255);
          if (end === 0 || end > 2) out.push(buf & 255);
          buf = 0;
          pos = 0;
        }
      }
      if (pos !== 0) {
        throw new DatabaseError(SqlState.invalidParameterValue, 'invalid base64 end sequence', {
          hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.',
        });
      }
      break;
    }
    case 'escape':
      for (let i = 0; i < src.length;) {
        const c = src[i]!;
        if (c !== 92) {
          out.push(c);
          i++;
        } else if (
          i + 3 < src.length &&
          src[i + 1]! >= 48 &&
          src[i + 1]! <= 51 &&
          src[i + 2]! >= 48 &&
          src[i + 2]! <= 55 &&
          src[i + 3]! >= 48 &&
          src[i + 3]! <= 55
        ) {
          out.push((src[i + 1]! - 48) * 64 + (src[i + 2]! - 48) * 8 + (src[i + 3]! - 48));
          i += 4;
        } else if (i + 1 < src.length && src[i + 1] === 92) {
          out.push(92);
          i += 2;
        } else {
          throw new DatabaseError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
        }
      }
      break;
    default:
      badEncoding(format);
  }
  return Uint8Array.from(out);
}

/** The character starting at UTF-8 byte offset i of s. */
function charAtByte(s: string, i: number): string {
  const b = Buffer.from(s, 'utf8');
  let end = i + 1;
  while (end < b.length && (b[end]! & 0xc0) === 0x80) end++;
  return b.subarray(i, end).toString('utf8');
}

function invalidHexDigit(s: string, i: number): never {
  throw new DatabaseError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${charAtByte(s, i)}"`);
}

function digest(algorithm: string, data: Uint8Array | string): Uint8Array {
  const buf = createHash(algorithm).update(data).digest();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Arrays. Multi-dimensional arrays are nested JS arrays with lower bounds of 1.

function isNestedArray(a: readonly Value[], elem: SqlType | undefined): boolean {
  return a.length > 0 && Array.isArray(a[0]) && elem?.id !== 'record';
}

function arrayDims(a: readonly Value[], elem: SqlType | undefined): number[] {
  const dims: number[] = [];
  let cur: readonly Value[] = a;
  for (;;) {
    if (cur.length === 0) return dims;
    dims.push(cur.length);
    if (!isNestedArray(cur, elem)) return dims;
    cur = cur[0] as Value[];
  }
}

function elemType(argTypes: readonly SqlType[], i: number): SqlType | undefined {
  const t = argTypes[i];
  return t?.id === 'array' ? t.elem : undefined;
}

/** The elements of a (possibly multi-dimensional) array in storage order. */
export function flatten(a: readonly Value[], elem: SqlType | undefined, out: Value[] = []): Value[] {
  for (const v of a) {
    if (Array.isArray(v) && elem?.id !== 'record') flatten(v, elem, out);
    else out.push(v);
  }
  return out;
}

function stringToArray(args: Value[]): Value {
  const s = args[0] as string | null;
  if (s === null) return null;
  const delim = args[1] as string | null;
  const nullStr = (args[2] ?? null) as string | null;
  if (s === '') return [];
  let parts: string[];
  if (delim === null) parts = chars(s);
  else if (delim === '') parts = [s];
  else parts = s.split(delim);
  return nullStr === null ? parts : parts.map((p) => (p === nullStr ? null : p));
}

function arrayToString(args: Value[], ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[0] as Value[] | null;
  const delim = args[1] as string | null;
  if (a === null || delim === null) return null;
  const nullStr = (args[2] ?? null) as string | null;
  const elem = elemType(argTypes, 0);
  let out = '';
  let first = true;
  for (const v of flatten(a, elem)) {
    let s: string;
    if (v === null) {
      if (nullStr === null) continue;
      s = nullStr;
    } else s = outputText(v, elem, ctx);
    out += first ? s : delim + s;
    first = false;
  }
  return out;
}

function arrayPosition(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[0] as Value[] | null;
  if (a === null) return null;
  if (isNestedArray(a, elemType(argTypes, 0))) {
    throw new DatabaseError(
      SqlState.featureNotSupported,
      'searching for elements in multidimensional arrays is not supported',
    );
  }
  let start = 0;
  if (args.length > 2) {
    if (args[2] === null)
      throw new DatabaseError(SqlState.nullValueNotAllowed, 'initial position must not be null');
    start = Math.max((args[2] as number) - 1, 0);
  }
  const x = args[1]!;
  for (let i = start; i < a.length; i++) {
    const v = a[i]!;
    if (x === null ? v === null : v !== null && valuesEqual(v, x)) return i + 1;
  }
  return null;
}

function arrayPositions(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[0] as Value[] | null;
  if (a === null) return null;
  if (isNestedArray(a, elemType(argTypes, 0))) {
    throw new DatabaseError(
      SqlState.featureNotSupported,
      'searching for elements in multidimensional arrays is not supported',
    );
  }
  const x = args[1]!;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (x === null ? v === null : v !== null && valuesEqual(v, x)) out.push(i + 1);
  }
  return out;
}

function incompatible(detail: string): never {
  throw new DatabaseError(SqlState.arraySubscriptError, 'cannot concatenate incompatible arrays', { detail });
}

function arrayCat(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[0] as Value[] | null;
  const b = args[1] as Value[] | null;
  if (a === null) return b;
  if (b === null) return a;
  const elem = elemType(argTypes, 0) ?? elemType(argTypes, 1);
  const da = arrayDims(a, elem);
  const db = arrayDims(b, elem);
  if (da.length === 0) return b;
  if (db.length === 0) return a;
  const same = (x: readonly number[], y: readonly number[]): boolean =>
    x.length === y.length && x.every((n, i) => n === y[i]);
  if (da.length === db.length) {
    if (!same(da.slice(1), db.slice(1))) {
      incompatible('Arrays with differing element dimensions are not compatible for concatenation.');
    }
    return a.concat(b);
  }
  if (da.length === db.length + 1) {
    if (!same(da.slice(1), db))
      incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    return [...a, b];
  }
  if (db.length === da.length + 1) {
    if (!same(db.slice(1), da))
      incompatible('Arrays with differing dimensions are not compatible for concatenation.');
    return [a, ...b];
  }
  return incompatible(
    `Arrays of ${da.length} and ${db.length} dimensions are not compatible for concatenation.`,
  );
}

function notOneDimensional(): never {
  throw new DatabaseError(SqlState.dataException, 'argument must be empty or one-dimensional array');
}

function arrayAppend(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[0] as Value[] | null;
  if (a === null) return [args[1]!];
  if (isNestedArray(a, elemType(argTypes, 0))) notOneDimensional();
  return [...a, args[1]!];
}

function arrayPrepend(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const a = args[1] as Value[] | null;
  if (a === null) return [args[0]!];
  if (isNestedArray(a, elemType(argTypes, 1))) notOneDimensional();
  return [args[0]!, ...a];
}

function arrayDimLength(args: Value[], _ctx: FunctionContext, argTypes: readonly SqlType[]): Value {
  const dims = arrayDims(args[0] as Value[], elemType(argTypes, 0));
  return dims[(args[1] as number) - 1] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Catalog entries.

type Impl = ScalarFunction['impl'];

function fn(
  name: string,
  args: SqlType[],
  ret: ScalarFunction['ret'],
  impl: Impl,
  extra?: Partial<ScalarFunction>,
): ScalarFunction {
  return { name, args, ret, impl, ...extra };
}
function text1(names: string[], ret: SqlType, f: (s: string) => Value): ScalarFunction[] {
  return names.map((n) => fn(n, [T.text], ret, (a) => f(a[0] as string)));
}

const retArrayOfArg = (argTypes: readonly SqlType[]): SqlType =>
  argTypes.find((t) => t.id === 'array') ?? (argTypes[0] ? arrayOf(argTypes[0]) : arrayOf(T.text));
const retArrayOfElem = (argTypes: readonly SqlType[]): SqlType =>
  argTypes.find((t) => t.id === 'array') ?? arrayOf(argTypes.find((t) => t.id !== 'unknown') ?? T.text);

/**
 * String, bytea and array functions and the `||` operators, counting characters as PostgreSQL does.
 * @example
 * stringFunctions.find((f) => f.name === 'split_part')!.impl(['a,b,c', ',', -1], ctx, []); // 'c'
 */
export const stringFunctions: ScalarFunction[] = [
  ...text1(['length', 'char_length', 'character_length'], T.int4, charLength),
  ...['length', 'char_length', 'character_length'].map((n) =>
    fn(n, [T.bpchar], T.int4, (a) => charLength(rtrimSpaces(a[0] as string))),
  ),
  fn('length', [T.bytea], T.int4, (a) => (a[0] as Uint8Array).length),
  ...text1(['octet_length'], T.int4, (s) => Buffer.byteLength(s, 'utf8')),
  fn('octet_length', [T.bpchar], T.int4, (a) => Buffer.byteLength(a[0] as string, 'utf8')),
  fn('octet_length', [T.bytea], T.int4, (a) => (a[0] as Uint8Array).length),
  ...text1(['bit_length'], T.int4, (s) => 8 * Buffer.byteLength(s, 'utf8')),
  fn('bit_length', [T.bytea], T.int4, (a) => 8 * (a[0] as Uint8Array).length),
  ...text1(['lower'], T.text, (s) => mapCase(s, false)),
  ...text1(['upper'], T.text, (s) => mapCase(s, true)),
  ...text1(['initcap'], T.text, initcap),
  ...['substr', 'substring'].flatMap((n) => [
    fn(n, [T.text, T.int4], T.text, (a) => substr(a[0] as string, a[1] as number)),
    fn(n, [T.text, T.int4, T.int4], T.text, (a) => substr(a[0] as string, a[1] as number, a[2] as number)),
    fn(n, [T.bytea, T.int4], T.bytea, (a) => bytesSubstr(a[0] as Uint8Array, a[1] as number)),
    fn(n, [T.bytea, T.int4, T.int4], T.bytea, (a) =>
      bytesSubstr(a[0] as Uint8Array, a[1] as number, a[2] as number),
    ),
  ]),
  ...['position', 'strpos'].map((n) =>
    fn(n, [T.text, T.text], T.int4, (a) => strpos(a[0] as string, a[1] as string)),
  ),
  fn('overlay', [T.text, T.text, T.int4, T.int4], T.text, (a) => {
    const s = a[0] as string;
    const start = a[2] as number;
    return substr(s, 1, start - 1) + (a[1] as string) + substr(s, start + (a[3] as number));
  }),
  fn('overlay', [T.text, T.text, T.int4], T.text, (a) => {
    const s = a[0] as string;
    const start = a[2] as number;
    return substr(s, 1, start - 1) + (a[1] as string) + substr(s, start + charLength(a[1] as string));
  }),
  fn('left', [T.text, T.int4], T.text, (a) => left(a[0] as string, a[1] as number)),
  fn('right', [T.text, T.int4], T.text, (a) => right(a[0] as string, a[1] as number)),
  fn('lpad', [T.text, T.int4], T.text, (a) => pad(a[0] as string, a[1] as number, ' ', true)),
  fn('lpad', [T.text, T.int4, T.text], T.text, (a) =>
    pad(a[0] as string, a[1] as number, a[2] as string, true),
  ),
  fn('rpad', [T.text, T.int4], T.text, (a) => pad(a[0] as string, a[1] as number, ' ', false)),
  fn('rpad', [T.text, T.int4, T.text], T.text, (a) =>
    pad(a[0] as string, a[1] as number, a[2] as string, false),
  ),
  ...text1(['ltrim'], T.text, (s) => trimChars(s, ' ', true, false)),
  ...text1(['rtrim'], T.text, (s) => trimChars(s, ' ', false, true)),
  ...text1(['btrim'], T.text, (s) => trimChars(s, ' ', true, true)),
  fn('ltrim', [T.text, T.text], T.text, (a) => trimChars(a[0] as string, a[1] as string, true, false)),
  fn('rtrim', [T.text, T.text], T.text, (a) => trimChars(a[0] as string, a[1] as string, false, true)),
  fn('btrim', [T.text, T.text], T.text, (a) => trimChars(a[0] as string, a[1] as string, true, true)),
  fn('replace', [T.text, T.text, T.text], T.text, (a) =>
    a[1] === '' ? a[0]! : (a[0] as string).replaceAll(a[1] as string, a[2] as string),
  ),
  fn('repeat', [T.text, T.int4], T.text, (a) => repeat(a[0] as string, a[1] as number)),
  ...text1(['reverse'], T.text, reverse),
  fn('split_part', [T.text, T.text, T.int4], T.text, (a) =>
    splitPart(a[0] as string, a[1] as string, a[2] as number),
  ),
  fn('translate', [T.text, T.text, T.text], T.text, (a) =>
    translate(a[0] as string, a[1] as string, a[2] as string),
  ),
  fn('starts_with', [T.text, T.text], T.bool, (a) => (a[0] as string).startsWith(a[1] as string)),
  fn('chr', [T.int4], T.text, (a) => chr(a[0] as number)),
  ...text1(['ascii'], T.int4, (s) => s.codePointAt(0) ?? 0),
  fn('to_hex', [T.int4], T.text, (a) => ((a[0] as number) >>> 0).toString(16)),
  fn('to_hex', [T.int8], T.text, (a) => BigInt.asUintN(64, a[0] as bigint).toString(16)),

  fn(
    'concat',
    [],
    T.text,
    (a, ctx, types) => {
      let out = '';
      for (let i = 0; i < a.length; i++) if (a[i] !== null) out += outputText(a[i]!, types[i], ctx);
      return out;
    },
    { variadic: T.any, strict: false },
  ),
  fn(
    'concat_ws',
    [T.text],
    T.text,
    (a, ctx, types) => {
      const sep = a[0] as string | null;
      if (sep === null) return null;
      let out = '';
      let first = true;
      for (let i = 1; i < a.length; i++) {
        if (a[i] === null) continue;
        out += (first ? '' : sep) + outputText(a[i]!, types[i], ctx);
        first = false;
      }
      return out;
    },
    { variadic: T.any, strict: false },
  ),
  fn('format', [T.text], T.text, textFormat, { variadic: T.any, strict: false }),
  ...text1(['quote_ident'], T.text, quoteIdent),
  ...text1(['quote_literal'], T.text, quoteLiteral),
  fn('quote_literal', [T.anyelement], T.text, (a, ctx, t) => quoteLiteral(castToText(a[0]!, t[0], ctx))),
  fn('quote_nullable', [T.text], T.text, (a) => (a[0] === null ? 'NULL' : quoteLiteral(a[0] as string)), {
    strict: false,
  }),
  fn(
    'quote_nullable',
    [T.anyelement],
    T.text,
    (a, ctx, t) => (a[0] === null ? 'NULL' : quoteLiteral(castToText(a[0]!, t[0], ctx))),
    { strict: false },
  ),

  ...text1(['md5'], T.text, (s) => createHash('md5').update(s, 'utf8').digest('hex')),
  fn('md5', [T.bytea], T.text, (a) =>
    createHash('md5')
      .update(a[0] as Uint8Array)
      .digest('hex'),
  ),
  ...['sha224', 'sha256', 'sha384', 'sha512'].map((n) =>
    fn(n, [T.bytea], T.bytea, (a) => digest(n, a[0] as Uint8Array)),
  ),
  fn('encode', [T.bytea, T.text], T.text, (a) => encode(a[0] as Uint8Array, a[1] as string)),
  fn('decode', [T.text, T.text], T.bytea, (a) => decode(a[0] as string, a[1] as string)),
  fn('gen_random_uuid', [], T.uuid, () => randomUUID(), { volatile: true }),

  fn('string_to_array', [T.text, T.text], TEXT_ARRAY, stringToArray, { strict: false }),
  fn('string_to_array', [T.text, T.text, T.text], TEXT_ARRAY, stringToArray, { strict: false }),
  fn('array_to_string', [T.anyarray, T.text], T.text, arrayToString),
  fn('array_to_string', [T.anyarray, T.text, T.text], T.text, arrayToString, { strict: false }),
  fn('array_length', [T.anyarray, T.int4], T.int4, arrayDimLength),
  fn('array_upper', [T.anyarray, T.int4], T.int4, arrayDimLength),
  fn('array_lower', [T.anyarray, T.int4], T.int4, (a, ctx, t) =>
    arrayDimLength(a, ctx, t) === null ? null : 1,
  ),
  fn(
    'array_ndims',
    [T.anyarray],
    T.int4,
    (a, _c, t) => arrayDims(a[0] as Value[], elemType(t, 0)).length || null,
  ),
  fn('array_dims', [T.anyarray], T.text, (a, _c, t) => {
    const dims = arrayDims(a[0] as Value[], elemType(t, 0));
    return dims.length === 0 ? null : dims.map((d) => `[1:${d}]`).join('');
  }),
  fn('cardinality', [T.anyarray], T.int4, (a, _c, t) => {
    const dims = arrayDims(a[0] as Value[], elemType(t, 0));
    return dims.length === 0 ? 0 : dims.reduce((p, d) => p * d, 1);
  }),
  fn('array_position', [T.anyarray, T.anyelement], T.int4, arrayPosition, { strict: false }),
  fn('array_position', [T.anyarray, T.anyelement, T.int4], T.int4, arrayPosition, { strict: false }),
  fn('array_positions', [T.anyarray, T.anyelement], INT4_ARRAY, arrayPositions, { strict: false }),
  fn('array_cat', [T.anyarray, T.anyarray], retArrayOfArg, arrayCat, { strict: false }),
  fn('array_append', [T.anyarray, T.anyelement], retArrayOfElem, arrayAppend, { strict: false }),
  fn('array_prepend', [T.anyelement, T.anyarray], retArrayOfElem, arrayPrepend, { strict: false }),

  // anynonarray is declared as anyelement; the array overloads come first so they win for arrays.
  fn('||', [T.anyarray, T.anyarray], retArrayOfArg, arrayCat, { strict: false }),
  fn('||', [T.anyarray, T.anyelement], retArrayOfElem, arrayAppend, { strict: false }),
  fn('||', [T.anyelement, T.anyarray], retArrayOfElem, arrayPrepend, { strict: false }),
  fn('||', [T.text, T.text], T.text, (a) => (a[0] as string) + (a[1] as string)),
  fn('||', [T.bytea, T.bytea], T.bytea, (a) => {
    const x = a[0] as Uint8Array;
    const y = a[1] as Uint8Array;
    const out = new Uint8Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  }),
  fn('||', [T.text, T.anyelement], T.text, (a, ctx, t) => (a[0] as string) + castToText(a[1]!, t[1], ctx)),
  fn('||', [T.anyelement, T.text], T.text, (a, ctx, t) => castToText(a[0]!, t[0], ctx) + (a[1] as string)),
];
