import { DatabaseError, SqlState } from '../../errors.js';
import { Decimal } from '../decimal.js';
import type { SqlType } from '../types.js';
import { invalidSyntax, isDigit, isSpace, trimSpace } from './chars.js';

/** Text input for bool, the integer types, float4/float8 and numeric. */

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
