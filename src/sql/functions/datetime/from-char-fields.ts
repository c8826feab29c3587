import { DatabaseError, SqlState } from '../../../errors.js';
import type { DchNode } from './dch-format.js';

/** to_timestamp / to_date input: the parsed-field record and the readers for single template fields. */

export interface FromCharResult {
  year: number;
  yysz: number;
  bc: boolean;
  cc: number;
  mm: number;
  dd: number;
  ddd: number;
  d: number;
  ww: number;
  w: number;
  j: number;
  isoWeekMode: boolean;
  hh: number;
  mi: number;
  ss: number;
  ssss: number;
  ms: number;
  us: number;
  clock12: boolean;
  pm: boolean;
  tzsign: number;
  tzh: number;
  tzm: number;
}

/** Digit fields: a field followed by one of these is read at its fixed width. */
const DIGIT_KEYWORDS = new Set([
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'MM',
  'DD',
  'DDD',
  'IDDD',
  'D',
  'ID',
  'HH',
  'HH12',
  'HH24',
  'MI',
  'SS',
  'MS',
  'US',
  'FF1',
  'FF2',
  'FF3',
  'FF4',
  'FF5',
  'FF6',
  'SSSS',
  'SSSSS',
  'J',
  'W',
  'WW',
  'IW',
  'Q',
  'CC',
  'Y,YYY',
]);

export function badValue(text: string, kw: string, detail: string, hint?: string): DatabaseError {
  return new DatabaseError(
    SqlState.invalidDatetimeFormat,
    `invalid value "${text}" for "${kw}"`,
    hint ? { detail, hint } : { detail },
  );
}

export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** is_separator_char(): printable ASCII that is not a letter or digit. */
export function isSeparatorCode(c: number): boolean {
  return c > 32 && c < 127 && !(c >= 65 && c <= 90) && !(c >= 97 && c <= 122) && !(c >= 48 && c <= 57);
}

/** is_next_separator(): may a digit field be read greedily rather than at its fixed width? */
function greedyField(nodes: DchNode[], i: number): boolean {
  const n = nodes[i]!;
  if (n.fm || n.th) return true;
  const next = nodes[i + 1];
  if (!next) return true;
  if (next.kw !== undefined) return !DIGIT_KEYWORDS.has(next.kw.toUpperCase());
  const c = next.text.charCodeAt(0);
  return !(next.text.length === 1 && c >= 48 && c <= 57);
}

/** from_char_parse_int_len: reads an integer field of width `len` (or greedily). */
export function readInt(
  input: string,
  st: { pos: number },
  len: number,
  nodes: DchNode[],
  i: number,
): [number, number] {
  const kw = nodes[i]!.kw!;
  while (st.pos < input.length && isSpaceCode(input.charCodeAt(st.pos))) st.pos++;
  const init = st.pos;
  const copy = input.slice(init, init + len);
  let end = init;
  if (greedyField(nodes, i)) {
    if (input[end] === '+' || input[end] === '-') end++;
    const digitsStart = end;
    while (end < input.length && input.charCodeAt(end) >= 48 && input.charCodeAt(end) <= 57) end++;
    if (end === digitsStart) end = init;
  } else {
    if (copy.length < len) {
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `source string too short for "${kw}" formatting field`,
        {
          detail: `Field requires ${len} characters, but only ${copy.length} remain.`,
          hint: 'If your source string is not fixed-width, try using the "FM" modifier.',
        },
      );
    }
    let k = 0;
    if (copy[k] === '+' || copy[k] === '-') k++;
    const ds = k;
    while (k < copy.length && copy.charCodeAt(k) >= 48 && copy.charCodeAt(k) <= 57) k++;
    const used = k === ds ? 0 : k;
    if (used > 0 && used < len) {
      throw badValue(
        copy,
        kw,
        `Field requires ${len} characters, but only ${used} could be parsed.`,
        'If your source string is not fixed-width, try using the "FM" modifier.',
      );
    }
    end = init + used;
  }
  if (end === init) throw badValue(copy, kw, 'Value must be an integer.');
  const v = Number(input.slice(init, end));
  if (v < -2147483648 || v > 2147483647) {
    throw new DatabaseError(
      SqlState.datetimeFieldOverflow,
      `value for "${kw}" in source string is out of range`,
      {
        detail: 'Value must be in the range -2147483648 to 2147483647.',
      },
    );
  }
  st.pos = end;
  return [v, end - init];
}

/** from_char_seq_search: case-insensitive match of one of `names` at the current position. */
export function readName(input: string, st: { pos: number }, names: readonly string[], kw: string): number {
  const rest = input.slice(st.pos).toLowerCase();
  let best = -1;
  for (let k = 0; k < names.length; k++) {
    if (rest.startsWith(names[k]!.toLowerCase()) && (best < 0 || names[k]!.length > names[best]!.length))
      best = k;
  }
  if (best < 0) {
    throw badValue(
      input.slice(st.pos, st.pos + 9),
      kw,
      'The given value did not match any of the allowed values for this field.',
    );
  }
  st.pos += names[best]!.length;
  return best;
}

/** 0–69 → 2000s, 70–99 → 1900s, 100–519 → 2000s, 520–999 → 1000s, as PostgreSQL reads short years. */
export function adjustPartialYear(y: number): number {
  if (y < 70) return y + 2000;
  if (y < 100) return y + 1900;
  if (y < 520) return y + 2000;
  if (y < 1000) return y + 1000;
  return y;
}
