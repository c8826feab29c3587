import { DatabaseError, SqlState } from '../../errors.js';
import { typeName } from '../types.js';
import type { SqlType } from '../types.js';
import { charIndex, charLength } from './chars.js';

/** Text input for the character types: char(n)/varchar(n) length rules and name truncation. */

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
export const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function truncateName(s: string): string {
  if (s.length < NAMEDATALEN / 3) return s;
  const b = utf8.encode(s);
  if (b.length < NAMEDATALEN) return s;
  let end = NAMEDATALEN - 1;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return utf8Decoder.decode(b.subarray(0, end));
}
