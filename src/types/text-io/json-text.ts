import { Decimal } from '../decimal.js';
import { isAlpha, isDigit } from './chars.js';

/** JSON text helpers: string quoting, number normalisation and jsonb's canonical object order. */

/** A JSON number as jsonb prints it (numeric_out): exponents expanded, '-0' → '0'. */
export function normalizeJsonNumber(t: string): string {
  let plain = t.charCodeAt(0) !== 45;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 101 || c === 69) return Decimal.parse(t).toString();
    if (c >= 49 && c <= 57) plain = true;
  }
  return plain ? t : Decimal.parse(t).toString();
}

export function isJsonWordChar(c: number): boolean {
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

export function buildJsonbObject(keys: string[], vals: string[]): string {
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
