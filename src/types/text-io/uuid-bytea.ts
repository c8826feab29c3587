import { DatabaseError, SqlState } from '../../errors.js';
import { utf8 } from './character.js';
import { invalidSyntax, isSpace } from './chars.js';

/** Text input and output for uuid and bytea (hex and escape formats). */

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}
export function hexValue(c: number): number {
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
