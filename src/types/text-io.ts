import { DatabaseError, SqlState } from '../errors.js';
import {
  END_DATE,
  MIN_DATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  atTimeZone,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatOffset,
  isValidTimestamp,
  localToUtc,
  timeZone,
  utcToLocal,
  zoneAbbreviation,
  zoneAbbreviationOffset,
} from './datetime.js';
import type { TimeZone } from './datetime.js';
import { Decimal } from './decimal.js';
import { Interval } from './interval.js';
import { typeName } from './types.js';
import type { SqlType } from './types.js';
import type { Value } from './values.js';

/**
 * PostgreSQL's text input and output functions for every runtime type (see values.ts), with the
 * exact PostgreSQL error messages. Both directions run once per value in bulk loads and result
 * encoding, so they scan characters by hand and keep regexes at module level.
 */

/** Session state the text forms depend on. */
export interface TextIoContext {
  /** Session TimeZone (see datetime.ts timeZone()). */
  readonly timezone: string;
  /** Current instant for 'now', 'today' etc., µs since 1970-01-01 UTC; defaults to the wall clock. */
  readonly now?: number;
  /** DateStyle, e.g. 'ISO, MDY' (the default), 'SQL, DMY', 'German', 'Postgres'. */
  readonly dateStyle?: string;
  /** extra_float_digits: 1 (default) and above print shortest round-trip floats. */
  readonly extraFloatDigits?: number;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** C isspace(): space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function invalidSyntax(type: string, text: string): DatabaseError {
  return new DatabaseError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${type}: "${text}"`,
  );
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
function pad2(n: number): string {
  return n < 100 ? PAD2[n]! : String(n);
}
function pad4(n: number): string {
  return n >= 1000 ? String(n) : n >= 100 ? '0' + n : n >= 10 ? '00' + n : '000' + n;
}

/** Counts code points (varchar lengths are in characters, not UTF-16 units). */
function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** UTF-16 index just past the first `n` code points. */
function charIndex(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

// ---------------------------------------------------------------------------------------------
// bool, integers, floats, numeric

/** boolin: accepts any unique prefix of true/false/yes/no/on/off and 1/0, any case, trimmed. */
export function parseBool(text: string): boolean {
  const s = trimSpace(text).toLowerCase();
  const n = s.length;
  if (n > 0) {
    switch (s.charCodeAt(0)) {
      case 116: // t
        if ('true'.startsWith(s)) return true;
        break;
      case 102: // f
        if ('false'.startsWith(s)) return false;
        break;
      case 121: // y
        if ('yes'.startsWith(s)) return true;
        break;
      case 110: // n
        if ('no'.startsWith(s)) return false;
        break;
      case 111: // o: 'on' and 'of'/'off' need two letters
        if (n >= 2 && 'on'.startsWith(s)) return true;
        if (n >= 2 && 'off'.startsWith(s)) return false;
        break;
      case 49:
        if (n === 1) return true;
        break;
      case 48:
        if (n === 1) return false;
        break;
    }
  }
  throw invalidSyntax('boolean', text);
}

const INT_LIMITS = {
  int2: { min: -32768, max: 32767, name: 'smallint' },
  int4: { min: -2147483648, max: 2147483647, name: 'integer' },
} as const;

/** int2in/int4in: optional whitespace and sign, decimal digits only. */
export function parseInt32(text: string, id: 'int2' | 'int4'): number {
  const lim = INT_LIMITS[id];
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  let neg = false;
  const sc = text.charCodeAt(i);
  if (sc === 45 || sc === 43) {
    neg = sc === 45;
    i++;
  }
  const start = i;
  let v = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) break;
    v = v * 10 + (c - 48);
    i++;
  }
  const digits = i - start;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (digits === 0 || i < n) throw invalidSyntax(lim.name, text);
  if (neg) v = -v;
  if (v < lim.min || v > lim.max) {
    throw new DatabaseError(
      SqlState.numericValueOutOfRange,
      `value "${text}" is out of range for type ${lim.name}`,
    );
  }
  return v + 0;
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** int8in. */
export function parseInt64(text: string): bigint {
  const s = trimSpace(text);
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) i = 1;
  if (i === s.length) throw invalidSyntax('bigint', text);
  for (let k = i; k < s.length; k++) if (!isDigit(s.charCodeAt(k))) throw invalidSyntax('bigint', text);
  const v = BigInt(c0 === 43 ? s.slice(1) : s);
  if (v < INT8_MIN || v > INT8_MAX) {
    throw new DatabaseError(
      SqlState.numericValueOutOfRange,
      `value "${text}" is out of range for type bigint`,
    );
  }
  return v;
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT_RE = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;
const FLOAT_SPECIAL: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** float8in / float4in: strtod syntax plus NaN and [+-]Infinity; 22003 on overflow or underflow to zero. */
export function parseFloatInput(text: string, id: 'float4' | 'float8'): number {
  const s = trimSpace(text);
  const tname = id === 'float4' ? 'real' : 'double precision';
  let v: number;
  if (FLOAT_RE.test(s)) {
    v = Number(s);
  } else {
    const special = FLOAT_SPECIAL[s.toLowerCase()];
    if (special !== undefined) return special;
    const m = HEX_FLOAT_RE.exec(s);
    if (!m) throw invalidSyntax(tname, text);
    v = parseInt(m[2]!, 16) * (m[1] === '-' ? -1 : 1);
  }
  if (id === 'float4') v = Math.fround(v);
  if (!Number.isFinite(v) || (v === 0 && hasNonZeroMantissa(s))) {
    throw new DatabaseError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type ${tname}`);
  }
  return v;
}

function hasNonZeroMantissa(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 101 || c === 69) return false;
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}

/** numeric_in with an optional numeric(p,s) typmod. */
export function parseNumeric(text: string, type: SqlType): Decimal {
  const d = Decimal.parse(text);
  return type.precision !== undefined ? d.coerce(type.precision, type.scale ?? 0) : d;
}

// ---------------------------------------------------------------------------------------------
// Character types

/**
 * Applies a varchar(n)/character(n) length limit as the input function and assignment do:
 * excess characters must all be spaces (they are dropped), else 22001. bpchar pads to n.
 */
export function applyCharLength(s: string, type: SqlType, truncate: boolean): string {
  const n = type.length;
  if (n === undefined) return s;
  let out = s;
  if (s.length > n) {
    const len = charLength(s);
    if (len > n) {
      const cut = charIndex(s, n);
      if (!truncate) {
        for (let i = cut; i < s.length; i++) {
          if (s.charCodeAt(i) !== 32) {
            throw new DatabaseError(
              SqlState.stringDataRightTruncation,
              `value too long for type ${typeName(type)}`,
            );
          }
        }
      }
      out = s.slice(0, cut);
    }
  }
  if (type.id === 'bpchar') {
    const len = out.length < n ? charLength(out) : n;
    if (len < n) out += ' '.repeat(n - len);
  }
  return out;
}

const NAMEDATALEN = 64;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function truncateName(s: string): string {
  if (s.length < NAMEDATALEN / 3) return s;
  const b = utf8.encode(s);
  if (b.length < NAMEDATALEN) return s;
  let end = NAMEDATALEN - 1;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return utf8Decoder.decode(b.subarray(0, end));
}

// ---------------------------------------------------------------------------------------------
// uuid, bytea

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}
function hexValue(c: number): number {
  return c < 128 ? HEX_VALUE[c]! : -1;
}
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

/** uuid_in: 32 hex digits, optional braces, a hyphen allowed after any group of four digits. */
export function parseUuid(text: string): string {
  if (text.length === 36) {
    let ok = true;
    for (let k = 0; k < 36; k++) {
      const c = text.charCodeAt(k);
      if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== 45 : hexValue(c) < 0) {
        ok = false;
        break;
      }
    }
    if (ok) return text.toLowerCase();
  }
  let i = 0;
  const n = text.length;
  const braces = text.charCodeAt(0) === 123;
  if (braces) i++;
  let out = '';
  for (let d = 0; d < 32; d++) {
    const c = text.charCodeAt(i);
    if (hexValue(c) < 0) throw invalidSyntax('uuid', text);
    out += text[i]!;
    i++;
    if (d === 7 || d === 11 || d === 15 || d === 19) out += '-';
    if (d % 4 === 3 && d !== 31 && text.charCodeAt(i) === 45) i++;
  }
  if (braces) {
    if (text.charCodeAt(i) !== 125) throw invalidSyntax('uuid', text);
    i++;
  }
  if (i !== n) throw invalidSyntax('uuid', text);
  return out.toLowerCase();
}

/** byteain: '\x' hex format (whitespace between bytes allowed) or the escape format. */
export function parseBytea(text: string): Uint8Array {
  if (text.charCodeAt(0) === 92 && text.charCodeAt(1) === 120) {
    const out = new Uint8Array((text.length - 2) >> 1);
    let k = 0;
    let i = 2;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      const hi = hexValue(c);
      if (hi < 0) throw badHexDigit(text, i);
      if (i + 1 >= text.length) {
        throw new DatabaseError(
          SqlState.invalidParameterValue,
          'invalid hexadecimal data: odd number of digits',
        );
      }
      const lo = hexValue(text.charCodeAt(i + 1));
      if (lo < 0) {
        if (isSpace(text.charCodeAt(i + 1))) {
          throw new DatabaseError(
            SqlState.invalidParameterValue,
            'invalid hexadecimal data: odd number of digits',
          );
        }
        throw badHexDigit(text, i + 1);
      }
      out[k++] = (hi << 4) | lo;
      i += 2;
    }
    return k === out.length ? out : out.slice(0, k);
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      const c1 = text.charCodeAt(i + 1);
      if (c1 === 92) {
        bytes.push(92);
        i++;
        continue;
      }
      const c2 = text.charCodeAt(i + 2);
      const c3 = text.charCodeAt(i + 3);
      if (c1 >= 48 && c1 <= 51 && c2 >= 48 && c2 <= 55 && c3 >= 48 && c3 <= 55) {
        bytes.push((c1 - 48) * 64 + (c2 - 48) * 8 + (c3 - 48));
        i += 3;
        continue;
      }
      throw new DatabaseError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
    if (c < 0x80) bytes.push(c);
    else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
    }
  }
  return Uint8Array.from(bytes);
}

function badHexDigit(text: string, i: number): DatabaseError {
  const ch = String.fromCodePoint(text.codePointAt(i)!);
  return new DatabaseError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${ch}"`);
}

/** byteaout in the default hex format. */
export function formatBytea(b: Uint8Array): string {
  let s = '\\x';
  for (let i = 0; i < b.length; i++) s += HEX_BYTE[b[i]!]!;
  return s;
}

// ---------------------------------------------------------------------------------------------
// json, jsonb

const enum Tok {
  End,
  ObjectStart,
  ObjectEnd,
  ArrayStart,
  ArrayEnd,
  Comma,
  Colon,
  String,
  Number,
  True,
  False,
  Null,
}

/**
 * A JSON lexer and recursive-descent parser with PostgreSQL's error details. With `normalize`
 * it builds jsonb's canonical text; otherwise it only validates.
 */
class JsonParser {
  private pos = 0;
  private tok: Tok = Tok.End;
  private tokStart = 0;
  /** Decoded value of the last string token (normalize mode only). */
  private str = '';
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly normalize: boolean,
  ) {}

  /** A method, not a field read, so TypeScript does not narrow the token across next(). */
  private is(t: Tok): boolean {
    return this.tok === t;
  }

  parse(): string {
    this.next();
    const out = this.value();
    if (!this.is(Tok.End)) throw this.expected('end of input');
    return out;
  }

  private fail(detail: string): DatabaseError {
    return new DatabaseError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
      detail,
    });
  }

  private tokenText(): string {
    return this.text.slice(this.tokStart, this.pos);
  }

  private expected(what: string): DatabaseError {
    if (this.is(Tok.End)) return this.fail('The input string ended unexpectedly.');
    return this.fail(`Expected ${what}, but found "${this.tokenText()}".`);
  }

  private value(): string {
    switch (this.tok) {
      case Tok.ObjectStart:
        return this.object();
      case Tok.ArrayStart:
        return this.array();
      case Tok.String: {
        const s = this.normalize ? quoteJsonString(this.str) : '';
        this.next();
        return s;
      }
      case Tok.Number: {
        const s = this.normalize ? normalizeJsonNumber(this.tokenText()) : '';
        this.next();
        return s;
      }
      case Tok.True:
        this.next();
        return 'true';
      case Tok.False:
        this.next();
        return 'false';
      case Tok.Null:
        this.next();
        return 'null';
      default:
        throw this.expected('JSON value');
    }
  }

  private object(): string {
    if (++this.depth > 6400)
      throw new DatabaseError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
    this.next();
    const keys: string[] = [];
    const vals: string[] = [];
    if (this.is(Tok.ObjectEnd)) {
      this.next();
      this.depth--;
      return '{}';
    }
    for (;;) {
      if (!this.is(Tok.String)) throw this.expected(keys.length === 0 ? 'string or "}"' : 'string');
      const key = this.str;
      this.next();
      if (!this.is(Tok.Colon)) throw this.expected('":"');
      this.next();
      const v = this.value();
      if (this.normalize) {
        keys.push(key);
        vals.push(v);
      } else if (keys.length === 0) keys.push(key);
      if (this.is(Tok.Comma)) {
        this.next();
        continue;
      }
      if (this.is(Tok.ObjectEnd)) break;
      throw this.expected('"," or "}"');
    }
    this.next();
    this.depth--;
    return this.normalize ? buildJsonbObject(keys, vals) : '';
  }

  private array(): string {
    if (++this.depth > 6400)
      throw new DatabaseError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
    this.next();
    if (this.is(Tok.ArrayEnd)) {
      this.next();
      this.depth--;
      return '[]';
    }
    let out = '[';
    let first = true;
    for (;;) {
      if (this.is(Tok.ArrayEnd) || this.is(Tok.Comma) || this.is(Tok.Colon) || this.is(Tok.ObjectEnd)) {
        throw this.expected(first ? 'array element or "]"' : 'JSON value');
      }
      const v = this.value();
      if (this.normalize) out += (first ? '' : ', ') + v;
      first = false;
      if (this.is(Tok.Comma)) {
        this.next();
        continue;
      }
      if (this.is(Tok.ArrayEnd)) break;
      throw this.expected('"," or "]"');
    }
    this.next();
    this.depth--;
    return out + ']';
  }

  private next(): void {
    const t = this.text;
    let i = this.pos;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    this.tokStart = i;
    if (i >= t.length) {
      this.pos = i;
      this.tok = Tok.End;
      return;
    }
    const c = t.charCodeAt(i);
    switch (c) {
      case 123:
        this.single(i, Tok.ObjectStart);
        return;
      case 125:
        this.single(i, Tok.ObjectEnd);
        return;
      case 91:
        this.single(i, Tok.ArrayStart);
        return;
      case 93:
        this.single(i, Tok.ArrayEnd);
        return;
      case 44:
        this.single(i, Tok.Comma);
        return;
      case 58:
        this.single(i, Tok.Colon);
        return;
      case 34:
        this.lexString(i);
        return;
      default:
        break;
    }
    if (c === 45 || isDigit(c)) {
      this.lexNumber(i);
      return;
    }
    let j = i + 1;
    while (j < t.length && isJsonWordChar(t.charCodeAt(j))) j++;
    this.pos = j;
    const word = t.slice(i, j);
    if (word === 'true') this.tok = Tok.True;
    else if (word === 'false') this.tok = Tok.False;
    else if (word === 'null') this.tok = Tok.Null;
    else throw this.fail(`Token "${word}" is invalid.`);
  }

  private single(i: number, tok: Tok): void {
    this.pos = i + 1;
    this.tok = tok;
  }

  private lexNumber(start: number): void {
    const t = this.text;
    let i = start;
    let ok = true;
    if (t.charCodeAt(i) === 45) i++;
    if (t.charCodeAt(i) === 48) i++;
    else if (isDigit(t.charCodeAt(i))) while (isDigit(t.charCodeAt(i))) i++;
    else ok = false;
    if (ok && t.charCodeAt(i) === 46) {
      i++;
      if (!isDigit(t.charCodeAt(i))) ok = false;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    if (ok && (t.charCodeAt(i) === 101 || t.charCodeAt(i) === 69)) {
      i++;
      if (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) i++;
      if (!isDigit(t.charCodeAt(i))) ok = false;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    let j = i;
    while (j < t.length && isJsonWordChar(t.charCodeAt(j))) j++;
    this.pos = j;
    if (!ok || j !== i) throw this.fail(`Token "${t.slice(start, j)}" is invalid.`);
    this.tok = Tok.Number;
  }

  private lexString(start: number): void {
    const t = this.text;
    let i = start + 1;
    let out = '';
    let chunk = i;
    const norm = this.normalize;
    let highSurrogate = -1;
    for (;;) {
      if (i >= t.length) {
        this.pos = i;
        this.tok = Tok.End;
        throw this.fail('The input string ended unexpectedly.');
      }
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) {
        this.pos = i + 1;
        const hex = c.toString(16).padStart(2, '0');
        throw this.fail(`Character with value 0x${hex} must be escaped.`);
      }
      if (c !== 92) {
        if (highSurrogate >= 0 && norm)
          throw this.fail('Unicode low surrogate must follow a high surrogate.');
        i++;
        continue;
      }
      if (norm) out += t.slice(chunk, i);
      const e = t.charCodeAt(i + 1);
      if (e === 117) {
        let cp = 0;
        for (let k = 2; k < 6; k++) {
          const h = hexValue(t.charCodeAt(i + k));
          if (h < 0) {
            this.pos = i + k;
            throw this.fail('"\\u" must be followed by four hexadecimal digits.');
          }
          cp = cp * 16 + h;
        }
        i += 6;
        if (norm) {
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (highSurrogate >= 0)
              throw this.fail('Unicode high surrogate must not follow a high surrogate.');
            highSurrogate = cp;
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            if (highSurrogate < 0) throw this.fail('Unicode low surrogate must follow a high surrogate.');
            out += String.fromCharCode(highSurrogate, cp);
            highSurrogate = -1;
          } else {
            if (highSurrogate >= 0) throw this.fail('Unicode low surrogate must follow a high surrogate.');
            if (cp === 0) {
              throw new DatabaseError(
                SqlState.untranslatableCharacter,
                'unsupported Unicode escape sequence',
                {
                  detail: '\\u0000 cannot be converted to text.',
                },
              );
            }
            out += String.fromCharCode(cp);
          }
        }
      } else {
        let ch: string;
        switch (e) {
          case 34:
            ch = '"';
            break;
          case 92:
            ch = '\\';
            break;
          case 47:
            ch = '/';
            break;
          case 98:
            ch = '\b';
            break;
          case 102:
            ch = '\f';
            break;
          case 110:
            ch = '\n';
            break;
          case 114:
            ch = '\r';
            break;
          case 116:
            ch = '\t';
            break;
          default: {
            this.pos = i + 2;
            const bad = Number.isNaN(e) ? '' : String.fromCodePoint(t.codePointAt(i + 1)!);
            throw this.fail(`Escape sequence "\\${bad}" is invalid.`);
          }
        }
        if (highSurrogate >= 0 && norm)
          throw this.fail('Unicode low surrogate must follow a high surrogate.');
        if (norm) out += ch;
        i += 2;
      }
      chunk = i;
    }
    if (highSurrogate >= 0 && norm) throw this.fail('Unicode low surrogate must follow a high surrogate.');
    if (norm) this.str = chunk === start + 1 ? t.slice(chunk, i) : out + t.slice(chunk, i);
    else this.str = '';
    this.pos = i + 1;
    this.tok = Tok.String;
  }
}

/** A JSON number as jsonb prints it (numeric_out): exponents expanded, '-0' → '0'. */
function normalizeJsonNumber(t: string): string {
  let plain = t.charCodeAt(0) !== 45;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 101 || c === 69) return Decimal.parse(t).toString();
    if (c >= 49 && c <= 57) plain = true;
  }
  return plain ? t : Decimal.parse(t).toString();
}

function isJsonWordChar(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === 95 || c === 36 || c >= 128;
}

/** UTF-8 byte length of a JS string. */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xd800 && c <= 0xdbff) i++;
      else n += 2;
    }
  }
  return n;
}

/** jsonb key order: shorter (in UTF-8 bytes) first, then bytewise (= code point order). */
function compareJsonbKeys(a: string, b: string): number {
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la - lb;
  let i = 0;
  while (i < a.length && i < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function buildJsonbObject(keys: string[], vals: string[]): string {
  const idx = keys.map((_, i) => i);
  idx.sort((x, y) => compareJsonbKeys(keys[x]!, keys[y]!) || y - x);
  let out = '{';
  let prev: string | undefined;
  for (const i of idx) {
    const k = keys[i]!;
    if (k === prev) continue;
    if (prev !== undefined) out += ', ';
    prev = k;
    out += quoteJsonString(k) + ': ' + vals[i]!;
  }
  return out + '}';
}

const JSON_NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** escape_json(): PostgreSQL's JSON string quoting. */
export function quoteJsonString(s: string): string {
  if (!JSON_NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      case 8:
        out += '\\b';
        break;
      case 12:
        out += '\\f';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      default:
        out += c < 32 ? '\\u' + c.toString(16).padStart(4, '0') : s[i]!;
    }
  }
  return out + '"';
}

/** json_in: validates and keeps the text as given. */
export function parseJson(text: string): string {
  new JsonParser(text, false).parse();
  return text;
}

/** jsonb_in: validates and returns PostgreSQL's canonical jsonb text. */
export function parseJsonb(text: string): string {
  return new JsonParser(text, true).parse();
}

// ---------------------------------------------------------------------------------------------
// Datetime input (PostgreSQL's ParseDateTime + DecodeDateTime)

const enum F {
  Number,
  String,
  Date,
  Time,
  Tz,
  Special,
}

const M_YEAR = 1;
const M_MONTH = 2;
const M_DAY = 4;
const M_HOUR = 8;
const M_MINUTE = 16;
const M_SECOND = 32;
const M_TZ = 64;
const M_AMPM = 128;
const M_ADBC = 256;
const M_DOW = 512;
const M_DOY = 1024;
const DATE_M = M_YEAR | M_MONTH | M_DAY;
const TIME_M = M_HOUR | M_MINUTE | M_SECOND;

/** Parse failures, mapped to PostgreSQL's messages by the caller (DateTimeParseError). */
const enum DtErr {
  BadFormat = 1,
  FieldOverflow,
  MdFieldOverflow,
  TzDispOverflow,
}

const enum Kw {
  Month,
  Dow,
  AmPm,
  AdBc,
  Epoch,
  Late,
  Early,
  Now,
  Today,
  Tomorrow,
  Yesterday,
  Allballs,
  Ignore,
  IsoTime,
  Julian,
  Zulu,
}

/** datetktbl: keywords recognised in datetime input (lower case, at most 10 characters). */
const DATE_KEYWORDS = new Map<string, [Kw, number]>();
{
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const full = [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ];
  months.forEach((m, i) => DATE_KEYWORDS.set(m, [Kw.Month, i + 1]));
  full.forEach((m, i) => DATE_KEYWORDS.set(m.slice(0, 10), [Kw.Month, i + 1]));
  DATE_KEYWORDS.set('sept', [Kw.Month, 9]);
  const dows: [string, number][] = [
    ['sun', 0],
    ['sunday', 0],
    ['mon', 1],
    ['monday', 1],
    ['tue', 2],
    ['tues', 2],
    ['tuesday', 2],
    ['wed', 3],
    ['wednesday', 3],
    ['thu', 4],
    ['thur', 4],
    ['thurs', 4],
    ['thursday', 4],
    ['fri', 5],
    ['friday', 5],
    ['sat', 6],
    ['saturday', 6],
  ];
  for (const [k, v] of dows) DATE_KEYWORDS.set(k, [Kw.Dow, v]);
  const rest: [string, Kw, number][] = [
    ['am', Kw.AmPm, 0],
    ['pm', Kw.AmPm, 1],
    ['ad', Kw.AdBc, 0],
    ['bc', Kw.AdBc, 1],
    ['epoch', Kw.Epoch, 0],
    ['infinity', Kw.Late, 0],
    ['-infinity', Kw.Early, 0],
    ['now', Kw.Now, 0],
    ['today', Kw.Today, 0],
    ['tomorrow', Kw.Tomorrow, 0],
    ['yesterday', Kw.Yesterday, 0],
    ['allballs', Kw.Allballs, 0],
    ['on', Kw.Ignore, 0],
    ['at', Kw.Ignore, 0],
    ['t', Kw.IsoTime, 0],
    ['j', Kw.Julian, 0],
    ['jd', Kw.Julian, 0],
    ['julian', Kw.Julian, 0],
    ['z', Kw.Zulu, 0],
    ['zulu', Kw.Zulu, 0],
  ];
  for (const [k, t, v] of rest) DATE_KEYWORDS.set(k, [t, v]);
}

/** ParseDateTime: splits input into typed, lower-cased fields. Returns false on bad syntax. */
function splitDateTime(s: string, fields: string[], types: F[]): boolean {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      i++;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      const d = s.charCodeAt(i);
      if (d === 58) {
        i++;
        while (i < n) {
          const e = s.charCodeAt(i);
          if (isDigit(e) || e === 58 || e === 46) i++;
          else break;
        }
        types.push(F.Time);
      } else if (d === 45 || d === 47 || d === 46) {
        i++;
        if (isDigit(s.charCodeAt(i))) {
          let t = d === 46 ? F.Number : F.Date;
          while (i < n && isDigit(s.charCodeAt(i))) i++;
          if (s.charCodeAt(i) === d) {
            t = F.Date;
            i++;
            while (i < n && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === d)) i++;
          }
          types.push(t);
        } else {
          while (i < n && (isDigit(s.charCodeAt(i)) || isAlpha(s.charCodeAt(i)) || s.charCodeAt(i) === d))
            i++;
          types.push(F.Date);
        }
      } else types.push(F.Number);
      fields.push(s.slice(start, i).toLowerCase());
    } else if (c === 46) {
      i++;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      types.push(F.Number);
      fields.push(s.slice(start, i));
    } else if (isAlpha(c)) {
      i++;
      while (i < n && isAlpha(s.charCodeAt(i))) i++;
      let t = F.String;
      const d = s.charCodeAt(i);
      if (d === 45 || d === 47 || d === 46) t = F.Date;
      else if (d === 43 || isDigit(d)) {
        if (!DATE_KEYWORDS.has(s.slice(start, i).toLowerCase().slice(0, 10))) t = F.Date;
      }
      if (t === F.Date) {
        do i++;
        while (i < n && isZoneChar(s.charCodeAt(i)));
      }
      types.push(t);
      fields.push(s.slice(start, i).toLowerCase());
    } else if (c === 43 || c === 45) {
      i++;
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      const sign = s[start]!;
      const bodyStart = i;
      if (isDigit(s.charCodeAt(i))) {
        i++;
        while (i < n) {
          const e = s.charCodeAt(i);
          if (isDigit(e) || e === 58 || e === 46 || e === 45) i++;
          else break;
        }
        types.push(F.Tz);
      } else if (isAlpha(s.charCodeAt(i))) {
        while (i < n && isAlpha(s.charCodeAt(i))) i++;
        types.push(F.Special);
      } else return false;
      fields.push(sign + s.slice(bodyStart, i).toLowerCase());
    } else if (c < 128 && isPunct(c)) {
      i++;
    } else return false;
  }
  return true;
}

function isZoneChar(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === 43 || c === 45 || c === 47 || c === 95 || c === 46 || c === 58;
}
function isPunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/** Broken-down datetime being decoded; `year` is as written until validateDate adjusts it. */
interface DtFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fsec: number;
  doy: number;
  /** Offset east of UTC in seconds, when the input had a numeric zone or abbreviation. */
  tz: number | undefined;
  zone: TimeZone | undefined;
  special: Kw | undefined;
  is2digits: boolean;
}

class DtError {
  constructor(readonly kind: DtErr) {}
}

/** C strtol prefix: the leading integer of `s` from `i`, and where it ended. */
function leadingInt(s: string, i: number): [number, number] {
  let j = i;
  let neg = false;
  if (s.charCodeAt(j) === 45 || s.charCodeAt(j) === 43) {
    neg = s.charCodeAt(j) === 45;
    j++;
  }
  const st = j;
  let v = 0;
  while (j < s.length && isDigit(s.charCodeAt(j))) v = v * 10 + (s.charCodeAt(j++) - 48);
  if (j === st) return [0, i];
  return [neg ? -v : v, j];
}

/** ParseFractionalSecond: '.ddd' → microseconds, rint(frac * 1e6). */
function parseFractionalSecond(s: string, i: number): number {
  const frac = s.slice(i);
  if (!/^\.\d*$/.test(frac) || frac === '.') throw new DtError(DtErr.BadFormat);
  return roundHalfEven(Number(frac) * 1e6);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DecodeTime: 'hh:mm', 'hh:mm:ss[.f]' or 'mm:ss.f'. */
function decodeTime(s: string, f: { hour: number; minute: number; second: number; fsec: number }): void {
  let [hour, i] = leadingInt(s, 0);
  if (s.charCodeAt(i) !== 58) throw new DtError(DtErr.BadFormat);
  let minute: number;
  [minute, i] = leadingInt(s, i + 1);
  let second = 0;
  let fsec = 0;
  if (i >= s.length) {
    /* hh:mm */
  } else if (s.charCodeAt(i) === 46) {
    fsec = parseFractionalSecond(s, i);
    second = minute;
    minute = hour;
    hour = 0;
  } else if (s.charCodeAt(i) === 58) {
    [second, i] = leadingInt(s, i + 1);
    if (i < s.length) {
      if (s.charCodeAt(i) === 46) fsec = parseFractionalSecond(s, i);
      else throw new DtError(DtErr.BadFormat);
    }
  } else throw new DtError(DtErr.BadFormat);
  if (
    hour < 0 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60 ||
    fsec < 0 ||
    fsec > USECS_PER_SEC
  ) {
    throw new DtError(DtErr.FieldOverflow);
  }
  f.hour = hour;
  f.minute = minute;
  f.second = second;
  f.fsec = fsec;
}

function timeOverflows(h: number, m: number, s: number, fsec: number): boolean {
  if (h < 0 || h > 24 || m < 0 || m > 59 || s < 0 || s > 60 || fsec < 0 || fsec > USECS_PER_SEC) return true;
  return ((h * 60 + m) * 60 + s) * USECS_PER_SEC + fsec > USECS_PER_DAY;
}

/** DecodeTimezone: '+hh', '+hhmm', '+hh:mm[:ss]' → seconds east. */
function decodeTimezone(s: string): number {
  const [hr, i0] = leadingInt(s, 1);
  let i = i0;
  if (i0 === 1) throw new DtError(DtErr.BadFormat);
  let h = hr;
  let min = 0;
  let sec = 0;
  if (s.charCodeAt(i) === 58) {
    [min, i] = leadingInt(s, i + 1);
    if (s.charCodeAt(i) === 58) [sec, i] = leadingInt(s, i + 1);
  } else if (i >= s.length && s.length > 3) {
    min = h % 100;
    h = Math.floor(h / 100);
  }
  if (h < 0 || h > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60)
    throw new DtError(DtErr.TzDispOverflow);
  if (i < s.length) throw new DtError(DtErr.BadFormat);
  const tz = (h * 60 + min) * 60 + sec;
  return s.charCodeAt(0) === 45 ? -tz : tz;
}

/** DecodeNumberField: run-together YYYYMMDD / YYMMDD / hhmmss / hhmm, with optional fraction. */
function decodeNumberField(str: string, fmask: number, f: DtFields): number {
  let s = str;
  const dot = s.indexOf('.');
  if (dot >= 0) {
    const frac = s.slice(dot);
    if (frac.length > 1) {
      const v = Number(frac);
      if (Number.isNaN(v)) throw new DtError(DtErr.BadFormat);
      f.fsec = roundHalfEven(v * 1e6);
    } else f.fsec = 0;
    s = s.slice(0, dot);
  } else if ((fmask & DATE_M) !== DATE_M) {
    if (s.length >= 6) {
      const len = s.length;
      f.day = Number(s.slice(len - 2));
      f.month = Number(s.slice(len - 4, len - 2));
      f.year = Number(s.slice(0, len - 4));
      if (len - 4 === 2) f.is2digits = true;
      return DATE_M;
    }
  }
  if ((fmask & TIME_M) !== TIME_M) {
    if (s.length === 6) {
      f.hour = Number(s.slice(0, 2));
      f.minute = Number(s.slice(2, 4));
      f.second = Number(s.slice(4, 6));
      return TIME_M;
    }
    if (s.length === 4) {
      f.hour = Number(s.slice(0, 2));
      f.minute = Number(s.slice(2, 4));
      f.second = 0;
      return TIME_M;
    }
  }
  throw new DtError(DtErr.BadFormat);
}

const enum DateOrder {
  MDY,
  DMY,
  YMD,
}

/** DecodeNumber: one numeric field of a date, placed by what has been seen so far and DateStyle. */
function decodeNumber(
  s: string,
  haveTextMonth: boolean,
  fmask: number,
  f: DtFields,
  order: DateOrder,
): number {
  const [val, end] = leadingInt(s, 0);
  if (end === 0) throw new DtError(DtErr.BadFormat);
  const flen = s.length;
  if (end < s.length) {
    if (s.charCodeAt(end) !== 46) throw new DtError(DtErr.BadFormat);
    if (end > 2) return decodeNumberField(s, fmask | DATE_M, f);
    f.fsec = parseFractionalSecond(s, end);
  }
  if (flen === 3 && (fmask & DATE_M) === M_YEAR && val >= 1 && val <= 366) {
    f.doy = val;
    return M_DOY | M_MONTH | M_DAY;
  }
  let mask: number;
  switch (fmask & DATE_M) {
    case 0:
      if (flen >= 3 || order === DateOrder.YMD) {
        mask = M_YEAR;
        f.year = val;
      } else if (order === DateOrder.DMY) {
        mask = M_DAY;
        f.day = val;
      } else {
        mask = M_MONTH;
        f.month = val;
      }
      break;
    case M_YEAR:
      mask = M_MONTH;
      f.month = val;
      break;
    case M_MONTH:
      if (haveTextMonth) {
        if (flen >= 3 || order === DateOrder.YMD) {
          mask = M_YEAR;
          f.year = val;
        } else {
          mask = M_DAY;
          f.day = val;
        }
      } else {
        mask = M_DAY;
        f.day = val;
      }
      break;
    case M_YEAR | M_MONTH:
      if (haveTextMonth && flen >= 3 && f.is2digits) {
        f.day = f.year;
        f.year = val;
        f.is2digits = false;
      } else f.day = val;
      mask = M_DAY;
      break;
    case M_DAY:
      mask = M_MONTH;
      f.month = val;
      break;
    case M_MONTH | M_DAY:
      mask = M_YEAR;
      f.year = val;
      break;
    case DATE_M:
      return decodeNumberField(s, fmask, f);
    default:
      throw new DtError(DtErr.BadFormat);
  }
  if (mask === M_YEAR) f.is2digits = flen <= 2;
  return mask;
}

/** DecodeDate: a delimited date field such as '2024-01-05', '1/5/2024', '5-jan-2024'. */
function decodeDate(str: string, fmaskIn: number, f: DtFields, order: DateOrder): number {
  const parts: string[] = [];
  let i = 0;
  while (i < str.length) {
    while (i < str.length && !isDigit(str.charCodeAt(i)) && !isAlpha(str.charCodeAt(i))) i++;
    if (i >= str.length) throw new DtError(DtErr.BadFormat);
    const st = i;
    if (isDigit(str.charCodeAt(i))) while (i < str.length && isDigit(str.charCodeAt(i))) i++;
    else while (i < str.length && isAlpha(str.charCodeAt(i))) i++;
    parts.push(str.slice(st, i));
    if (i < str.length) i++;
  }
  let fmask = fmaskIn;
  let tmask = 0;
  let haveTextMonth = false;
  const numeric: string[] = [];
  for (const p of parts) {
    if (isAlpha(p.charCodeAt(0))) {
      const kw = DATE_KEYWORDS.get(p.slice(0, 10));
      if (kw && kw[0] === Kw.Ignore) continue;
      if (!kw || kw[0] !== Kw.Month || fmask & M_MONTH) throw new DtError(DtErr.BadFormat);
      f.month = kw[1];
      haveTextMonth = true;
      fmask |= M_MONTH;
      tmask |= M_MONTH;
    } else numeric.push(p);
  }
  for (const p of numeric) {
    const dmask = decodeNumber(p, haveTextMonth, fmask, f, order);
    if (fmask & dmask) throw new DtError(DtErr.BadFormat);
    fmask |= dmask;
    tmask |= dmask;
  }
  if ((fmask & ~(M_DOY | M_TZ)) !== DATE_M) throw new DtError(DtErr.BadFormat);
  return tmask;
}

/** ValidateDate: BC and two-digit years, day-of-year, month and day ranges. */
function validateDate(fmask: number, isJulian: boolean, bc: boolean, f: DtFields): void {
  if (fmask & M_YEAR) {
    if (isJulian) {
      /* already astronomical */
    } else if (bc) {
      if (f.year <= 0) throw new DtError(DtErr.FieldOverflow);
      f.year = -(f.year - 1);
    } else if (f.is2digits) {
      if (f.year < 0) throw new DtError(DtErr.FieldOverflow);
      if (f.year < 70) f.year += 2000;
      else if (f.year < 100) f.year += 1900;
    } else if (f.year <= 0) throw new DtError(DtErr.FieldOverflow);
  }
  if (fmask & M_DOY) {
    const d = civilFromDays(daysFromCivil(f.year, 1, 1) + f.doy - 1);
    f.month = d.month;
    f.day = d.day;
  }
  if (fmask & M_MONTH && (f.month < 1 || f.month > 12)) throw new DtError(DtErr.MdFieldOverflow);
  if (fmask & M_DAY && (f.day < 1 || f.day > 31)) throw new DtError(DtErr.MdFieldOverflow);
  if ((fmask & DATE_M) === DATE_M && f.day > daysInMonth(f.year, f.month))
    throw new DtError(DtErr.FieldOverflow);
}

function dateOrderOf(ctx: TextIoContext): DateOrder {
  const ds = ctx.dateStyle;
  if (ds === undefined) return DateOrder.MDY;
  const u = ds.toUpperCase();
  if (u.includes('DMY') || (u.includes('GERMAN') && !u.includes('MDY') && !u.includes('YMD')))
    return DateOrder.DMY;
  if (u.includes('YMD')) return DateOrder.YMD;
  if (u.includes('EURO')) return DateOrder.DMY;
  return DateOrder.MDY;
}

function nowMicros(ctx: TextIoContext): number {
  return ctx.now ?? Date.now() * 1000;
}

/**
 * DecodeDateTime / DecodeTimeOnly. Fills `f`; returns the field mask. `timeOnly` accepts input
 * without a date (time type). Throws DtError for PostgreSQL's parse error kinds.
 */
function decodeDateTime(text: string, ctx: TextIoContext, timeOnly: boolean): [DtFields, number] {
  const fields: string[] = [];
  const types: F[] = [];
  if (!splitDateTime(text, fields, types)) throw new DtError(DtErr.BadFormat);
  const f: DtFields = {
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    fsec: 0,
    doy: 0,
    tz: undefined,
    zone: undefined,
    special: undefined,
    is2digits: false,
  };
  const order = dateOrderOf(ctx);
  let fmask = 0;
  let ptype: Kw | undefined;
  let haveTextMonth = false;
  let isJulian = false;
  let bc = false;
  let mer = -1;
  const nf = fields.length;
  for (let i = 0; i < nf; i++) {
    const field = fields[i]!;
    let tmask = 0;
    switch (types[i]!) {
      case F.Date:
        if (ptype === Kw.Julian) throw new DtError(DtErr.BadFormat);
        if (
          timeOnly
            ? !(i === 0 && nf >= 2 && (types[nf - 1] === F.Date || types[1] === F.Time))
            : ptype !== undefined || (fmask & (M_MONTH | M_DAY)) === (M_MONTH | M_DAY)
        ) {
          if (isDigit(field.charCodeAt(0)) || ptype !== undefined) {
            const dash = field.search(/[+-]/);
            if (dash < 0) throw new DtError(DtErr.BadFormat);
            f.tz = decodeTimezone(field.slice(dash));
            const m = decodeNumberField(field.slice(0, dash), fmask, f);
            tmask = m | M_TZ;
            ptype = undefined;
          } else {
            f.zone = atTimeZone(field);
            tmask = M_TZ;
          }
        } else {
          tmask = decodeDate(field, fmask, f, order);
        }
        break;
      case F.Time:
        if (ptype !== undefined) {
          if (ptype !== Kw.IsoTime) throw new DtError(DtErr.BadFormat);
          ptype = undefined;
        }
        decodeTime(field, f);
        tmask = TIME_M;
        if (timeOverflows(f.hour, f.minute, f.second, f.fsec)) throw new DtError(DtErr.FieldOverflow);
        break;
      case F.Tz:
        f.tz = decodeTimezone(field);
        tmask = M_TZ;
        break;
      case F.Number:
        if (ptype !== undefined) {
          const [value, end] = leadingInt(field, 0);
          if (end < field.length) {
            if (field.charCodeAt(end) !== 46) throw new DtError(DtErr.BadFormat);
          }
          if (ptype === Kw.Julian) {
            if (value < 0) throw new DtError(DtErr.FieldOverflow);
            const d = civilFromDays(value - 2_440_588);
            f.year = d.year;
            f.month = d.month;
            f.day = d.day;
            isJulian = true;
            tmask = DATE_M;
            if (end < field.length) {
              const frac = Number(field.slice(end));
              if (Number.isNaN(frac)) throw new DtError(DtErr.BadFormat);
              let t = Math.round(frac * USECS_PER_DAY);
              f.hour = Math.floor(t / USECS_PER_HOUR);
              t -= f.hour * USECS_PER_HOUR;
              f.minute = Math.floor(t / USECS_PER_MINUTE);
              t -= f.minute * USECS_PER_MINUTE;
              f.second = Math.floor(t / USECS_PER_SEC);
              f.fsec = t - f.second * USECS_PER_SEC;
              tmask |= TIME_M;
            }
          } else {
            tmask = decodeNumberField(field, fmask | DATE_M, f);
            if (tmask !== TIME_M) throw new DtError(DtErr.BadFormat);
          }
          ptype = undefined;
        } else {
          const flen = field.length;
          const dot = field.indexOf('.');
          if (timeOnly) {
            if (dot >= 0) {
              if (i === 0 && nf >= 2 && types[nf - 1] === F.Date) tmask = decodeDate(field, fmask, f, order);
              else if (dot > 2) tmask = decodeNumberField(field, fmask | DATE_M, f);
              else throw new DtError(DtErr.BadFormat);
            } else if (flen > 4) tmask = decodeNumberField(field, fmask | DATE_M, f);
            else tmask = decodeNumber(field, false, fmask | DATE_M, f, order);
          } else if (dot >= 0 && !(fmask & DATE_M)) {
            tmask = decodeDate(field, fmask, f, order);
          } else if (dot >= 0 && dot > 2) {
            tmask = decodeNumberField(field, fmask, f);
          } else if (flen >= 6 && (!(fmask & DATE_M) || !(fmask & TIME_M))) {
            tmask = decodeNumberField(field, fmask, f);
          } else {
            tmask = decodeNumber(field, haveTextMonth, fmask, f, order);
          }
        }
        break;
      case F.String:
      case F.Special: {
        const abbrev = zoneAbbreviationOffset(field);
        if (abbrev !== undefined && field !== 'z' && field !== 'zulu') {
          f.tz = abbrev;
          tmask = M_TZ;
          break;
        }
        const kw = DATE_KEYWORDS.get(field.length > 10 ? field.slice(0, 10) : field);
        if (!kw) {
          if (types[i] === F.String) {
            try {
              f.zone = atTimeZone(field);
            } catch {
              throw new DtError(DtErr.BadFormat);
            }
            tmask = M_TZ;
            break;
          }
          throw new DtError(DtErr.BadFormat);
        }
        switch (kw[0]) {
          case Kw.Ignore:
            continue;
          case Kw.Month:
            if (fmask & M_MONTH && !haveTextMonth && !(fmask & M_DAY) && f.month >= 1 && f.month <= 31) {
              f.day = f.month;
              tmask = M_DAY;
            } else tmask = M_MONTH;
            haveTextMonth = true;
            f.month = kw[1];
            break;
          case Kw.Dow:
            tmask = M_DOW;
            break;
          case Kw.AmPm:
            tmask = M_AMPM;
            mer = kw[1];
            break;
          case Kw.AdBc:
            tmask = M_ADBC;
            bc = kw[1] === 1;
            break;
          case Kw.Zulu:
            f.tz = 0;
            tmask = M_TZ;
            break;
          case Kw.Epoch:
          case Kw.Late:
          case Kw.Early:
            tmask = DATE_M | TIME_M | M_TZ;
            f.special = kw[0];
            break;
          case Kw.Now:
            tmask = timeOnly ? TIME_M | M_TZ : DATE_M | TIME_M | M_TZ;
            f.special = Kw.Now;
            break;
          case Kw.Today:
          case Kw.Tomorrow:
          case Kw.Yesterday: {
            tmask = DATE_M;
            const zone = timeZone(ctx.timezone);
            const local = utcToLocal(nowMicros(ctx), zone);
            const delta = kw[0] === Kw.Tomorrow ? 1 : kw[0] === Kw.Yesterday ? -1 : 0;
            const d = civilFromDays(Math.floor(local / USECS_PER_DAY) + delta);
            f.year = d.year;
            f.month = d.month;
            f.day = d.day;
            isJulian = true;
            break;
          }
          case Kw.Allballs:
            tmask = TIME_M;
            f.hour = f.minute = f.second = f.fsec = 0;
            break;
          case Kw.IsoTime:
            tmask = 0;
            if (!timeOnly && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
            if (
              i >= nf - 1 ||
              (types[i + 1] !== F.Number && types[i + 1] !== F.Time && types[i + 1] !== F.Date)
            ) {
              throw new DtError(DtErr.BadFormat);
            }
            ptype = Kw.IsoTime;
            break;
          case Kw.Julian:
            tmask = 0;
            ptype = Kw.Julian;
            break;
        }
        break;
      }
    }
    if (tmask & fmask) throw new DtError(DtErr.BadFormat);
    fmask |= tmask;
  }
  if (ptype !== undefined) throw new DtError(DtErr.BadFormat);
  if (f.special !== undefined) {
    if (timeOnly && f.special !== Kw.Now) throw new DtError(DtErr.BadFormat);
    return [f, fmask];
  }
  validateDate(fmask, isJulian, bc, f);
  if (timeOnly && f.zone && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
  if (mer >= 0 && f.hour > 12) throw new DtError(DtErr.FieldOverflow);
  if (mer === 0 && f.hour === 12) f.hour = 0;
  else if (mer === 1 && f.hour !== 12) f.hour += 12;
  if (f.special === undefined) {
    if (!timeOnly && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
    if (timeOnly && (fmask & TIME_M) !== TIME_M) throw new DtError(DtErr.BadFormat);
  }
  return [f, fmask];
}

function dtParseError(e: unknown, text: string, type: string): never {
  if (!(e instanceof DtError)) throw e;
  switch (e.kind) {
    case DtErr.FieldOverflow:
      throw new DatabaseError(
        SqlState.datetimeFieldOverflow,
        `date/time field value out of range: "${text}"`,
      );
    case DtErr.MdFieldOverflow:
      throw new DatabaseError(
        SqlState.datetimeFieldOverflow,
        `date/time field value out of range: "${text}"`,
        {
          hint: 'Perhaps you need a different "datestyle" setting.',
        },
      );
    case DtErr.TzDispOverflow:
      throw new DatabaseError(
        SqlState.invalidTimeZoneDisplacementValue,
        `time zone displacement out of range: "${text}"`,
      );
    default:
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `invalid input syntax for type ${type}: "${text}"`,
      );
  }
}

/** Two decimal digits at s[k], or -1. */
function two(s: string, k: number): number {
  const a = s.charCodeAt(k) - 48;
  const b = s.charCodeAt(k + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Fast path for ISO 'YYYY-MM-DD[( |T)hh:mm[:ss[.ffffff]]][Z|±hh[:mm]]', the form bulk loads
 * use. Returns undefined to defer to the general decoder (which also reports errors).
 */
function fastIso(s: string): DtFields | undefined {
  const n = s.length;
  if (n < 10 || n > 40) return undefined;
  let i = 0;
  let year = 0;
  while (i < n && isDigit(s.charCodeAt(i))) year = year * 10 + s.charCodeAt(i++) - 48;
  if (i < 4 || i > 6 || s.charCodeAt(i) !== 45 || year === 0) return undefined;
  const m1 = s.charCodeAt(i + 1) - 48;
  const m2 = s.charCodeAt(i + 2) - 48;
  const d1 = s.charCodeAt(i + 4) - 48;
  const d2 = s.charCodeAt(i + 5) - 48;
  if (!(
    m1 >= 0 &&
    m1 <= 9 &&
    m2 >= 0 &&
    m2 <= 9 &&
    s.charCodeAt(i + 3) === 45 &&
    d1 >= 0 &&
    d1 <= 9 &&
    d2 >= 0 &&
    d2 <= 9
  )) {
    return undefined;
  }
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  i += 6;
  const f: DtFields = {
    year,
    month,
    day,
    hour: 0,
    minute: 0,
    second: 0,
    fsec: 0,
    doy: 0,
    tz: undefined,
    zone: undefined,
    special: undefined,
    is2digits: false,
  };
  if (i === n) return f;
  const sep = s.charCodeAt(i);
  if (sep !== 32 && sep !== 84 && sep !== 116) return undefined;
  i++;
  f.hour = two(s, i);
  if (f.hour < 0 || s.charCodeAt(i + 2) !== 58) return undefined;
  f.minute = two(s, i + 3);
  if (f.minute < 0) return undefined;
  i += 5;
  if (s.charCodeAt(i) === 58) {
    f.second = two(s, i + 1);
    if (f.second < 0) return undefined;
    i += 3;
    if (s.charCodeAt(i) === 46) {
      i++;
      let frac = 0;
      let scale = 1e6;
      const st = i;
      while (i < n && isDigit(s.charCodeAt(i))) {
        if (i - st < 6) {
          scale /= 10;
          frac += (s.charCodeAt(i) - 48) * scale;
        } else if (i - st === 6) {
          const d = s.charCodeAt(i) - 48;
          // Round half to even on the 7th digit only when nothing follows it.
          let rest = false;
          for (let k = i + 1; k < n && isDigit(s.charCodeAt(k)); k++) if (s.charCodeAt(k) !== 48) rest = true;
          if (d > 5 || (d === 5 && (rest || frac % 2 === 1))) frac += 1;
        }
        i++;
      }
      if (i === st) return undefined;
      f.fsec = frac;
    }
  }
  if (f.minute > 59 || f.second > 60 || timeOverflows(f.hour, f.minute, f.second, f.fsec)) return undefined;
  if (i === n) return f;
  if (s.charCodeAt(i) === 32) i++;
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === n) {
    f.tz = 0;
    return f;
  }
  if (z !== 43 && z !== 45) return undefined;
  const th = two(s, i + 1);
  if (th < 0 || th > 15) return undefined;
  let tz = th * 3600;
  i += 3;
  if (i < n) {
    if (s.charCodeAt(i) === 58) i++;
    const tm = two(s, i);
    if (tm < 0 || tm > 59) return undefined;
    tz += tm * 60;
    i += 2;
  }
  if (i !== n) return undefined;
  f.tz = z === 45 ? -tz : tz;
  return f;
}

function specialOf(f: DtFields): number | undefined {
  switch (f.special) {
    case Kw.Late:
      return Infinity;
    case Kw.Early:
      return -Infinity;
    case Kw.Epoch:
      return 0;
    default:
      return undefined;
  }
}

/** date_in. */
export function parseDate(text: string, ctx: TextIoContext): number {
  let f = fastIso(text);
  if (!f) {
    try {
      f = decodeDateTime(text, ctx, false)[0];
    } catch (e) {
      dtParseError(e, text, 'date');
    }
    const sp = specialOf(f);
    if (sp !== undefined) return sp;
    if (f.special === Kw.Now) {
      return Math.floor(utcToLocal(nowMicros(ctx), timeZone(ctx.timezone)) / USECS_PER_DAY);
    }
  }
  const days = daysFromCivil(f.year, f.month, f.day);
  if (!(days >= MIN_DATE && days < END_DATE)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `date out of range: "${text}"`);
  }
  return days;
}

function fieldsLocalMicros(f: DtFields): number {
  return (
    daysFromCivil(f.year, f.month, f.day) * USECS_PER_DAY +
    f.hour * USECS_PER_HOUR +
    f.minute * USECS_PER_MINUTE +
    f.second * USECS_PER_SEC +
    f.fsec
  );
}

/** timestamp_in (a zone in the input is parsed and ignored) and timestamptz_in. */
export function parseTimestamp(text: string, ctx: TextIoContext, withZone: boolean): number {
  const tname = withZone ? 'timestamp with time zone' : 'timestamp';
  let f = fastIso(text);
  if (!f) {
    try {
      f = decodeDateTime(text, ctx, false)[0];
    } catch (e) {
      dtParseError(e, text, tname);
    }
    const sp = specialOf(f);
    if (sp !== undefined) return sp;
    if (f.special === Kw.Now) {
      const now = nowMicros(ctx);
      return withZone ? now : utcToLocal(now, timeZone(ctx.timezone));
    }
  }
  const local = fieldsLocalMicros(f);
  let r = local;
  if (withZone) {
    if (f.tz !== undefined) r = local - f.tz * USECS_PER_SEC;
    else r = localToUtc(local, f.zone ?? timeZone(ctx.timezone));
  }
  if (!isValidTimestamp(r)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  return r;
}

/** time_in: microseconds since midnight, 24:00:00 allowed. */
export function parseTime(text: string, ctx: TextIoContext): number {
  let f: DtFields;
  try {
    f = decodeDateTime(text, ctx, true)[0];
  } catch (e) {
    dtParseError(e, text, 'time');
  }
  if (f.special === Kw.Now) {
    const local = utcToLocal(nowMicros(ctx), timeZone(ctx.timezone));
    return local - Math.floor(local / USECS_PER_DAY) * USECS_PER_DAY;
  }
  if (f.special !== undefined)
    throw new DatabaseError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time: "${text}"`);
  if (timeOverflows(f.hour, f.minute, f.second, f.fsec)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  return f.hour * USECS_PER_HOUR + f.minute * USECS_PER_MINUTE + f.second * USECS_PER_SEC + f.fsec;
}

// ---------------------------------------------------------------------------------------------
// Interval input (DecodeInterval, DecodeISO8601Interval)

const enum U {
  Microsecond,
  Millisecond,
  Second,
  Minute,
  Hour,
  Day,
  Week,
  Month,
  Year,
  Decade,
  Century,
  Millennium,
  Ago,
  Other,
}

/** deltatktbl: interval unit words (truncated to 10 characters, as PostgreSQL looks them up). */
const INTERVAL_UNITS = new Map<string, U>();
{
  const add = (u: U, ...names: string[]): void => names.forEach((n) => INTERVAL_UNITS.set(n, u));
  add(U.Microsecond, 'microsecon', 'us', 'usec', 'usecs', 'useconds');
  add(U.Millisecond, 'millisecon', 'ms', 'msec', 'msecs', 'mseconds');
  add(U.Second, 's', 'sec', 'secs', 'second', 'seconds');
  add(U.Minute, 'm', 'min', 'mins', 'minute', 'minutes');
  add(U.Hour, 'h', 'hr', 'hrs', 'hour', 'hours');
  add(U.Day, 'd', 'day', 'days');
  add(U.Week, 'w', 'week', 'weeks');
  add(U.Month, 'mon', 'mons', 'month', 'months');
  add(U.Year, 'y', 'yr', 'yrs', 'year', 'years');
  add(U.Decade, 'dec', 'decs', 'decade', 'decades');
  add(U.Century, 'c', 'cent', 'century', 'centuries');
  add(U.Millennium, 'mil', 'mils', 'millennia', 'millennium');
  add(U.Ago, 'ago');
  add(U.Other, 'qtr', 'quarter', 'timezone', 'timezone_h', 'timezone_m');
}

/** Interval fields being accumulated; microseconds kept as a float64 integer. */
interface ItmIn {
  usec: number;
  days: number;
  months: number;
  years: number;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_LIMIT = 9.223372036854776e18;

function checkI32(v: number): number {
  if (v > INT32_MAX || v < INT32_MIN) throw new DtError(DtErr.FieldOverflow);
  return v;
}

function adjustFractMicroseconds(frac: number, scale: number, itm: ItmIn): void {
  if (frac === 0) return;
  const f = frac * scale;
  const usec = Math.trunc(f);
  itm.usec += usec + roundHalfEven(f - usec);
  if (Math.abs(itm.usec) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
}
function adjustFractDays(frac: number, scale: number, itm: ItmIn): void {
  if (frac === 0) return;
  const f = frac * scale;
  const extra = Math.trunc(f);
  itm.days = checkI32(itm.days + extra);
  adjustFractMicroseconds(f - extra, USECS_PER_DAY, itm);
}
function adjustMicroseconds(val: number, fval: number, scale: number, itm: ItmIn): void {
  itm.usec += val * scale;
  if (Math.abs(itm.usec) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
  adjustFractMicroseconds(fval, scale, itm);
}
function adjustYears(val: number, fval: number, scale: number, itm: ItmIn): void {
  checkI32(val);
  itm.years = checkI32(itm.years + checkI32(val * scale));
  itm.months = checkI32(itm.months + roundHalfEven(fval * scale * 12));
}

function applyUnit(unit: U, val: number, fval: number, itm: ItmIn): void {
  switch (unit) {
    case U.Microsecond:
      adjustMicroseconds(val, fval, 1, itm);
      break;
    case U.Millisecond:
      adjustMicroseconds(val, fval, 1000, itm);
      break;
    case U.Second:
      adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
      break;
    case U.Minute:
      adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
      break;
    case U.Hour:
      adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
      break;
    case U.Day:
      itm.days = checkI32(itm.days + checkI32(val));
      adjustFractMicroseconds(fval, USECS_PER_DAY, itm);
      break;
    case U.Week:
      itm.days = checkI32(itm.days + checkI32(checkI32(val) * 7));
      adjustFractDays(fval, 7, itm);
      break;
    case U.Month:
      itm.months = checkI32(itm.months + checkI32(val));
      adjustFractDays(fval, 30, itm);
      break;
    case U.Year:
      adjustYears(val, fval, 1, itm);
      break;
    case U.Decade:
      adjustYears(val, fval, 10, itm);
      break;
    case U.Century:
      adjustYears(val, fval, 100, itm);
      break;
    case U.Millennium:
      adjustYears(val, fval, 1000, itm);
      break;
    default:
      throw new DtError(DtErr.BadFormat);
  }
}

const UNIT_MASK: Record<number, number> = {
  [U.Microsecond]: 1 << 0,
  [U.Millisecond]: 1 << 1,
  [U.Second]: 1 << 2,
  [U.Minute]: 1 << 3,
  [U.Hour]: 1 << 4,
  [U.Day]: 1 << 5,
  [U.Week]: 1 << 6,
  [U.Month]: 1 << 7,
  [U.Year]: 1 << 8,
  [U.Decade]: 1 << 9,
  [U.Century]: 1 << 10,
  [U.Millennium]: 1 << 11,
};
const ALL_SECS_MASK = (1 << 0) | (1 << 1) | (1 << 2);
const INTERVAL_TIME_MASK = (1 << 4) | (1 << 3) | ALL_SECS_MASK;

const DIGITS_RE = /^\d+$/;

/** Interval text in the postgres, sql_standard or ISO 8601 formats → Interval. */
export function parseInterval(text: string): Interval {
  const itm: ItmIn = { usec: 0, days: 0, months: 0, years: 0 };
  let err: DtErr | undefined;
  try {
    decodeInterval(text, itm);
  } catch (e) {
    if (!(e instanceof DtError)) throw e;
    err = e.kind;
  }
  if (err === DtErr.BadFormat) {
    itm.usec = itm.days = itm.months = itm.years = 0;
    err = undefined;
    try {
      decodeIso8601Interval(text, itm);
    } catch (e) {
      if (!(e instanceof DtError)) throw e;
      err = e.kind;
    }
  }
  if (err !== undefined) {
    if (err === DtErr.BadFormat) {
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `invalid input syntax for type interval: "${text}"`,
      );
    }
    throw new DatabaseError(SqlState.intervalFieldOverflow, `interval field value out of range: "${text}"`);
  }
  const months = itm.years * 12 + itm.months;
  if (months > INT32_MAX || months < INT32_MIN) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  return new Interval(months + 0, itm.days + 0, itm.usec + 0);
}

function decodeInterval(text: string, itm: ItmIn): void {
  const fields: string[] = [];
  const types: F[] = [];
  if (!splitDateTime(text, fields, types)) throw new DtError(DtErr.BadFormat);
  let fmask = 0;
  let unit: U | undefined;
  let isBefore = false;
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i]!;
    let tmask = 0;
    let t = types[i]!;
    if (t === F.Tz && field.indexOf(':') > 0) {
      const tf = { hour: 0, minute: 0, second: 0, fsec: 0 };
      let ok = true;
      try {
        decodeTime(field.slice(1), tf);
      } catch {
        ok = false;
      }
      if (ok) {
        const us =
          tf.hour * USECS_PER_HOUR + tf.minute * USECS_PER_MINUTE + tf.second * USECS_PER_SEC + tf.fsec;
        itm.usec = field.charCodeAt(0) === 45 ? -us : us;
        tmask = INTERVAL_TIME_MASK;
        unit = U.Day;
        if (tmask & fmask) throw new DtError(DtErr.BadFormat);
        fmask |= tmask;
        continue;
      }
      t = F.Number;
    }
    switch (t) {
      case F.Time: {
        const tf = { hour: 0, minute: 0, second: 0, fsec: 0 };
        decodeTime(field, tf);
        itm.usec =
          tf.hour * USECS_PER_HOUR + tf.minute * USECS_PER_MINUTE + tf.second * USECS_PER_SEC + tf.fsec;
        if (Math.abs(itm.usec) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
        tmask = INTERVAL_TIME_MASK;
        unit = U.Day;
        break;
      }
      case F.Tz:
      case F.Date:
      case F.Number: {
        if (unit === undefined) unit = U.Second;
        const neg = field.charCodeAt(0) === 45;
        const [val, end] = leadingInt(field, 0);
        if (end === 0 || (end === 1 && (field[0] === '-' || field[0] === '+')))
          throw new DtError(DtErr.BadFormat);
        if (Math.abs(val) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
        let v = val;
        let fval = 0;
        if (end < field.length) {
          const c = field.charCodeAt(end);
          if (c === 45) {
            const rest = field.slice(end + 1);
            if (!DIGITS_RE.test(rest)) throw new DtError(DtErr.BadFormat);
            let val2 = Number(rest);
            if (val2 >= 12) throw new DtError(DtErr.FieldOverflow);
            if (neg) val2 = -val2;
            v = val * 12 + val2;
            unit = U.Month;
          } else if (c === 46) {
            const frac = field.slice(end);
            if (!/^\.\d*$/.test(frac)) throw new DtError(DtErr.BadFormat);
            fval = frac === '.' ? 0 : Number(frac);
            if (neg) fval = -fval;
          } else throw new DtError(DtErr.BadFormat);
        }
        applyUnit(unit, v, fval, itm);
        if (unit === U.Second) tmask = fval === 0 ? UNIT_MASK[U.Second]! : ALL_SECS_MASK;
        else tmask = UNIT_MASK[unit]!;
        if (unit === U.Hour) unit = U.Day;
        break;
      }
      case F.String:
      case F.Special: {
        const u = INTERVAL_UNITS.get(field.length > 10 ? field.slice(0, 10) : field);
        if (u === undefined || u === U.Other) throw new DtError(DtErr.BadFormat);
        if (u === U.Ago) isBefore = true;
        unit = u;
        break;
      }
    }
    if (tmask & fmask) throw new DtError(DtErr.BadFormat);
    fmask |= tmask;
  }
  if (fmask === 0) throw new DtError(DtErr.BadFormat);
  if (isBefore) {
    itm.usec = -itm.usec;
    itm.days = -itm.days;
    itm.months = -itm.months;
    itm.years = -itm.years;
  }
}

const ISO_NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** ParseISO8601Number: a signed decimal → [integer part, fraction], advancing `pos`. */
function isoNumber(s: string, pos: { i: number }): [number, number] {
  const m = ISO_NUMBER_RE.exec(s.slice(pos.i));
  if (!m) throw new DtError(DtErr.BadFormat);
  pos.i += m[0].length;
  const v = Number(m[0]);
  if (Number.isNaN(v) || v < -1e15 || v > 1e15) throw new DtError(DtErr.FieldOverflow);
  const ip = v >= 0 ? Math.floor(v) : -Math.floor(-v);
  return [ip, v - ip];
}

function isoIntegerWidth(s: string, i: number): number {
  let j = i;
  if (s.charCodeAt(j) === 45) j++;
  const st = j;
  while (isDigit(s.charCodeAt(j))) j++;
  return j - st;
}

function decodeIso8601Interval(s: string, itm: ItmIn): void {
  if (s.length < 2 || s.charCodeAt(0) !== 80) throw new DtError(DtErr.BadFormat);
  const pos = { i: 1 };
  let datePart = true;
  let haveField = false;
  while (pos.i < s.length) {
    if (s.charCodeAt(pos.i) === 84) {
      datePart = false;
      haveField = false;
      pos.i++;
      continue;
    }
    const fieldStart = pos.i;
    let [val, fval] = isoNumber(s, pos);
    const unit = pos.i < s.length ? s[pos.i]! : '';
    pos.i++;
    if (datePart) {
      switch (unit) {
        case 'Y':
          adjustYears(val, fval, 1, itm);
          break;
        case 'M':
          applyUnit(U.Month, val, fval, itm);
          break;
        case 'W':
          applyUnit(U.Week, val, fval, itm);
          break;
        case 'D':
          applyUnit(U.Day, val, fval, itm);
          break;
        case 'T':
        case '':
        case '-': {
          if ((unit === 'T' || unit === '') && isoIntegerWidth(s, fieldStart) === 8 && !haveField) {
            const sign = val < 0 ? -1 : 1;
            const a = Math.abs(val);
            adjustYears(sign * Math.floor(a / 10000), 0, 1, itm);
            applyUnit(U.Month, sign * (Math.floor(a / 100) % 100), 0, itm);
            applyUnit(U.Day, sign * (a % 100), fval, itm);
            if (unit === '') return;
            datePart = false;
            haveField = false;
            continue;
          }
          if (haveField) throw new DtError(DtErr.BadFormat);
          adjustYears(val, fval, 1, itm);
          if (unit === '') return;
          if (unit === 'T') {
            datePart = false;
            haveField = false;
            continue;
          }
          [val, fval] = isoNumber(s, pos);
          applyUnit(U.Month, val, fval, itm);
          if (pos.i >= s.length) return;
          if (s[pos.i] === 'T') {
            datePart = false;
            haveField = false;
            pos.i++;
            continue;
          }
          if (s[pos.i] !== '-') throw new DtError(DtErr.BadFormat);
          pos.i++;
          [val, fval] = isoNumber(s, pos);
          applyUnit(U.Day, val, fval, itm);
          if (pos.i >= s.length) return;
          if (s[pos.i] === 'T') {
            datePart = false;
            haveField = false;
            pos.i++;
            continue;
          }
          throw new DtError(DtErr.BadFormat);
        }
        default:
          throw new DtError(DtErr.BadFormat);
      }
    } else {
      switch (unit) {
        case 'H':
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          break;
        case 'M':
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          break;
        case 'S':
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          break;
        case '':
        case ':': {
          if (unit === '' && isoIntegerWidth(s, fieldStart) === 6 && !haveField) {
            const sign = val < 0 ? -1 : 1;
            const a = Math.abs(val);
            adjustMicroseconds(sign * Math.floor(a / 10000), 0, USECS_PER_HOUR, itm);
            adjustMicroseconds(sign * (Math.floor(a / 100) % 100), 0, USECS_PER_MINUTE, itm);
            adjustMicroseconds(sign * (a % 100), 0, USECS_PER_SEC, itm);
            adjustFractMicroseconds(fval, 1, itm);
            return;
          }
          if (haveField) throw new DtError(DtErr.BadFormat);
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          if (unit === '') return;
          [val, fval] = isoNumber(s, pos);
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          if (pos.i >= s.length) return;
          if (s[pos.i] !== ':') throw new DtError(DtErr.BadFormat);
          pos.i++;
          [val, fval] = isoNumber(s, pos);
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          if (pos.i >= s.length) return;
          throw new DtError(DtErr.BadFormat);
        }
        default:
          throw new DtError(DtErr.BadFormat);
      }
    }
    haveField = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Arrays

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

// ---------------------------------------------------------------------------------------------
// parseValue

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

// ---------------------------------------------------------------------------------------------
// Output

/** float8out / float4out: shortest round-trip digits (extra_float_digits ≥ 1), else %.{15+n}g. */
export function formatFloat(v: number, single: boolean, extraFloatDigits = 1): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const maxExp = single ? 6 : 15;
  if (extraFloatDigits > 0) {
    if (!single) {
      const ax = v < 0 ? -v : v;
      // JavaScript's shortest form is PostgreSQL's here: fixed notation, no ties possible.
      if (ax >= 1e-4 && ax < 1e15) return String(v);
    }
    const x = single ? Math.fround(v) : v;
    let e = single ? shortestFloat4(x) : x.toExponential();
    let ePos = e.indexOf('e');
    let exp = Number(e.slice(ePos + 1));
    if (Math.abs(x) >= (single ? 16777216 : 9007199254740992) && isMidpoint(e, ePos, exp, x, single)) {
      e = shortestInside(x, single);
      ePos = e.indexOf('e');
      exp = Number(e.slice(ePos + 1));
    }
    if (exp < -4 || exp >= maxExp) return e.slice(0, ePos) + expSuffix(exp);
    return String(Number(e));
  }
  const prec = Math.max(1, maxExp + extraFloatDigits);
  const x = single ? Math.fround(v) : v;
  const e = toExponentialEven(x, prec - 1);
  const ePos = e.indexOf('e');
  const exp = Number(e.slice(ePos + 1));
  if (exp < -4 || exp >= prec) return stripFracZeros(e.slice(0, ePos)) + expSuffix(exp);
  return stripFracZeros(Number(e).toFixed(Math.max(0, prec - 1 - exp)));
}

/** Shortest digits that read back as the float32 `x`, in toExponential() form. */
function shortestFloat4(x: number): string {
  for (let p = 1; p < 9; p++) {
    const s = toExponentialEven(x, p - 1);
    if (Math.fround(Number(s)) === x) return Number(s).toExponential();
  }
  return toExponentialEven(x, 8);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Is the double `x` exactly equal to the decimal `t` (toExponential form)? */
function exactlyEquals(x: number, t: string): boolean {
  const ePos = t.indexOf('e');
  const mant = t.slice(0, ePos).replace('-', '');
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  return exactlyEqualsDigits(x, digits, Number(t.slice(ePos + 1)) - (digits.length - 1));
}

/** Is |x| exactly digits × 10^q? */
function exactlyEqualsDigits(x: number, digits: string, q: number): boolean {
  f64[0] = Math.abs(x);
  const hi = u32[1]!;
  const lo = u32[0]!;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = bexp === 0 ? -1074 : bexp - 1075;
  if (bexp !== 0) m |= 1n << 52n;
  // x = m * 2^e, t = D * 10^q = D * 5^q * 2^q.
  let lhs = m;
  let rhs = BigInt(digits);
  if (q >= 0) rhs *= 5n ** BigInt(q);
  else lhs *= 5n ** BigInt(-q);
  e -= q;
  if (e >= 0) lhs <<= BigInt(e);
  else rhs <<= BigInt(-e);
  return lhs === rhs;
}

/** x.toExponential(f) but breaking exact ties to even, as C's printf("%.*e") does (JS rounds them up). */
export function toExponentialEven(x: number, f: number): string {
  const longer = x.toExponential(f + 1);
  const ePos = longer.indexOf('e');
  if (longer.charCodeAt(ePos - 1) !== 53 || !exactlyEquals(x, longer)) return x.toExponential(f);
  const mant = longer.slice(0, ePos - 1);
  const lastDigit = mant.charCodeAt(mant.length - 1);
  if (lastDigit === 46 || (lastDigit - 48) % 2 !== 0) {
    const prev = lastDigit === 46 ? mant.charCodeAt(mant.length - 2) - 48 : lastDigit - 48;
    if (prev % 2 !== 0) return x.toExponential(f);
  }
  const m = mant.endsWith('.') ? mant.slice(0, -1) : mant;
  return m + longer.slice(ePos);
}

/**
 * Is the decimal `e` (toExponential form) exactly halfway between `x` and a neighbouring float?
 * JavaScript accepts such ties as shortest; PostgreSQL's Ryu output does not, and prints more
 * digits. Ties need an integral decimal, so only |x| ≥ 2^53 (2^24 for float4) gets here.
 */
function isMidpoint(e: string, ePos: number, exp: number, x: number, single: boolean): boolean {
  let digits = e.slice(0, ePos).replace('-', '').replace('.', '');
  const shift = exp - (digits.length - 1);
  if (shift < 0) return false;
  digits += '0'.repeat(shift);
  const d = BigInt(digits);
  const bx = BigInt(Math.abs(x));
  if (d === bx) return false;
  const bits = bx.toString(2).length - 1;
  const ulp = 1n << BigInt(Math.max(0, bits - (single ? 23 : 52)));
  const isPow2 = bx === 1n << BigInt(bits);
  const gap = d > bx ? ulp : isPow2 ? ulp >> 1n : ulp;
  const diff = d > bx ? d - bx : bx - d;
  return diff * 2n === gap;
}

/** The shortest decimal strictly inside x's rounding interval (Ryu's choice), toExponential() form. */
function shortestInside(x: number, single: boolean): string {
  const max = single ? 9 : 17;
  let s = x.toExponential(max - 1);
  for (let p = 1; p <= max; p++) {
    const c = x.toExponential(p - 1);
    const back = single ? Math.fround(Number(c)) : Number(c);
    if (back === x && !isMidpoint(c, c.indexOf('e'), Number(c.slice(c.indexOf('e') + 1)), x, single)) {
      s = c;
      break;
    }
  }
  const ePos = s.indexOf('e');
  return stripFracZeros(s.slice(0, ePos)) + s.slice(ePos);
}

/** C's printf("%.*f", f, x): exact digits, ties to even, no exponent even for huge values. */
export function toFixedEven(x: number, f: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const ax = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (ax >= 1e21) return sign + BigInt(ax).toString() + (f > 0 ? '.' + '0'.repeat(f) : '');
  let s = ax.toFixed(f);
  if (f < 100) {
    const longer = ax.toFixed(f + 1);
    if (longer.endsWith('5') && exactlyEqualsDigits(ax, longer.replace('.', ''), -(f + 1))) {
      const down = longer.slice(0, -1).replace(/\.$/, '');
      const last = down.charCodeAt(down.length - 1) - 48;
      if (last % 2 === 0) s = down;
    }
  }
  return sign + s;
}

function expSuffix(exp: number): string {
  const a = Math.abs(exp);
  return (exp < 0 ? 'e-' : 'e+') + (a < 10 ? '0' : '') + a;
}

function stripFracZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

const enum DateStyle {
  ISO,
  SQL,
  German,
  Postgres,
}

interface ParsedDateStyle {
  style: DateStyle;
  dmy: boolean;
}
const dateStyleCache = new Map<string, ParsedDateStyle>();
const ISO_STYLE: ParsedDateStyle = { style: DateStyle.ISO, dmy: false };

function parseDateStyle(ds: string | undefined): ParsedDateStyle {
  if (ds === undefined) return ISO_STYLE;
  let p = dateStyleCache.get(ds);
  if (!p) {
    const u = ds.toUpperCase();
    const style = u.includes('SQL')
      ? DateStyle.SQL
      : u.includes('GERMAN')
        ? DateStyle.German
        : u.includes('POSTGRES')
          ? DateStyle.Postgres
          : DateStyle.ISO;
    p = { style, dmy: u.includes('DMY') || u.includes('EURO') };
    dateStyleCache.set(ds, p);
  }
  return p;
}

const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Year as PostgreSQL prints it: at least four digits, BC years as 1 - year. */
function yearText(year: number): string {
  return pad4(year > 0 ? year : 1 - year);
}

function fracText(micro: number): string {
  if (micro === 0) return '';
  let s = String(micro + 1_000_000).slice(1);
  let end = 6;
  while (s.charCodeAt(end - 1) === 48) end--;
  s = s.slice(0, end);
  return '.' + s;
}

/** hh:mm:ss[.ffffff] of microseconds within a day (or beyond, for 24:00:00). */
function timeText(t: number): string {
  const h = Math.floor(t / USECS_PER_HOUR);
  let r = t - h * USECS_PER_HOUR;
  const m = Math.floor(r / USECS_PER_MINUTE);
  r -= m * USECS_PER_MINUTE;
  const s = Math.floor(r / USECS_PER_SEC);
  return pad2(h) + ':' + pad2(m) + ':' + pad2(s) + fracText(r - s * USECS_PER_SEC);
}

/** date_out. */
export function formatDate(days: number, dateStyle?: string): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const d = civilFromDays(days);
  const y = yearText(d.year);
  const bc = d.year <= 0 ? ' BC' : '';
  const ds = parseDateStyle(dateStyle);
  switch (ds.style) {
    case DateStyle.ISO:
      return y + '-' + pad2(d.month) + '-' + pad2(d.day) + bc;
    case DateStyle.SQL:
      return (ds.dmy ? pad2(d.day) + '/' + pad2(d.month) : pad2(d.month) + '/' + pad2(d.day)) + '/' + y + bc;
    case DateStyle.German:
      return pad2(d.day) + '.' + pad2(d.month) + '.' + y + bc;
    case DateStyle.Postgres:
      return (ds.dmy ? pad2(d.day) + '-' + pad2(d.month) : pad2(d.month) + '-' + pad2(d.day)) + '-' + y + bc;
  }
}

/**
 * timestamp_out (zone undefined) and timestamptz_out (zone = session zone): ISO
 * '2024-01-05 13:04:05.123456+05:30', or the SQL/German/Postgres DateStyles.
 */
export function formatTimestamp(us: number, zone?: TimeZone, dateStyle?: string): string {
  if (us === Infinity) return 'infinity';
  if (us === -Infinity) return '-infinity';
  const utc = Math.round(us);
  const offset = zone ? zone.offsetAt(utc) : 0;
  const local = utc + offset * USECS_PER_SEC;
  const days = Math.floor(local / USECS_PER_DAY);
  const t = local - days * USECS_PER_DAY;
  const d = civilFromDays(days);
  const y = yearText(d.year);
  const bc = d.year <= 0 ? ' BC' : '';
  const ds = parseDateStyle(dateStyle);
  switch (ds.style) {
    case DateStyle.ISO:
      return (
        y +
        '-' +
        pad2(d.month) +
        '-' +
        pad2(d.day) +
        ' ' +
        timeText(t) +
        (zone ? formatOffset(offset) : '') +
        bc
      );
    case DateStyle.SQL: {
      const md = ds.dmy ? pad2(d.day) + '/' + pad2(d.month) : pad2(d.month) + '/' + pad2(d.day);
      return md + '/' + y + ' ' + timeText(t) + (zone ? ' ' + abbreviationText(zone, utc) : '') + bc;
    }
    case DateStyle.German:
      return (
        pad2(d.day) +
        '.' +
        pad2(d.month) +
        '.' +
        y +
        ' ' +
        timeText(t) +
        (zone ? ' ' + abbreviationText(zone, utc) : '') +
        bc
      );
    case DateStyle.Postgres: {
      const dow = DAY_ABBR[(((days + 4) % 7) + 7) % 7]!;
      const mon = MONTH_ABBR[d.month - 1]!;
      const md = ds.dmy ? pad2(d.day) + ' ' + mon : mon + ' ' + pad2(d.day);
      return (
        dow + ' ' + md + ' ' + timeText(t) + ' ' + y + (zone ? ' ' + abbreviationText(zone, utc) : '') + bc
      );
    }
  }
}

function abbreviationText(zone: TimeZone, utc: number): string {
  if (zone.fixedOffset !== undefined && !/^[A-Za-z]/.test(zone.name)) return '';
  const a = zoneAbbreviation(zone, utc);
  return a;
}

/** time_out. */
export function formatTime(us: number): string {
  return timeText(Math.round(us));
}

/** interval_out in IntervalStyle 'postgres': '1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00'. */
export function formatInterval(iv: Interval): string {
  const years = Math.trunc(iv.months / 12);
  const mons = iv.months - years * 12;
  let out = '';
  let isBefore = false;
  let isZero = true;
  const part = (v: number, unit: string): void => {
    if (v === 0) return;
    out += (isZero ? '' : ' ') + (isBefore && v > 0 ? '+' : '') + v + ' ' + unit + (v !== 1 ? 's' : '');
    isBefore = v < 0;
    isZero = false;
  };
  part(years, 'year');
  part(mons, 'mon');
  part(iv.days, 'day');
  const micros = Math.round(iv.micros);
  if (isZero || micros !== 0) {
    const neg = micros < 0;
    const a = Math.abs(micros);
    const h = Math.floor(a / USECS_PER_HOUR);
    let r = a - h * USECS_PER_HOUR;
    const m = Math.floor(r / USECS_PER_MINUTE);
    r -= m * USECS_PER_MINUTE;
    const s = Math.floor(r / USECS_PER_SEC);
    out +=
      (isZero ? '' : ' ') +
      (neg ? '-' : isBefore ? '+' : '') +
      pad2(h) +
      ':' +
      pad2(m) +
      ':' +
      pad2(s) +
      fracText(r - s * USECS_PER_SEC);
  }
  return out;
}

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
