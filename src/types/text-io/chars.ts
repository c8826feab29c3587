import { DatabaseError, SqlState } from '../../errors.js';

/** Character-level helpers shared by the text input and output functions (C ctype, padding, code points). */

/** C isspace(): space, \t, \n, \v, \f, \r. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export function invalidSyntax(type: string, text: string): DatabaseError {
  return new DatabaseError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${type}: "${text}"`,
  );
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? '0' : '') + i);
export function pad2(n: number): string {
  return n < 100 ? PAD2[n]! : String(n);
}
export function pad4(n: number): string {
  return n >= 1000 ? String(n) : n >= 100 ? '0' + n : n >= 10 ? '00' + n : '000' + n;
}

/** Counts code points (varchar lengths are in characters, not UTF-16 units). */
export function charLength(s: string): number {
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
export function charIndex(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}
