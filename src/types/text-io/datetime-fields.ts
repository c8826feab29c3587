import type { TimeZone } from '../datetime.js';
import { isAlpha, isDigit, isSpace } from './chars.js';

/** Datetime input, step 1: PostgreSQL's ParseDateTime field splitting, keyword table and field masks. */

export const enum F {
  Number,
  String,
  Date,
  Time,
  Tz,
  Special,
}

export const M_YEAR = 1;
export const M_MONTH = 2;
export const M_DAY = 4;
const M_HOUR = 8;
const M_MINUTE = 16;
const M_SECOND = 32;
export const M_TZ = 64;
export const M_AMPM = 128;
export const M_ADBC = 256;
export const M_DOW = 512;
export const M_DOY = 1024;
export const DATE_M = M_YEAR | M_MONTH | M_DAY;
export const TIME_M = M_HOUR | M_MINUTE | M_SECOND;

/** Parse failures, mapped to PostgreSQL's messages by the caller (DateTimeParseError). */
export const enum DtErr {
  BadFormat = 1,
  FieldOverflow,
  MdFieldOverflow,
  TzDispOverflow,
}

export const enum Kw {
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
export const DATE_KEYWORDS = new Map<string, [Kw, number]>();
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
export function splitDateTime(s: string, fields: string[], types: F[]): boolean {
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
export interface DtFields {
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

/** Fields for a date at midnight, with no zone; year, month and day 0 before decoding fills them. */
export function dtFields(year = 0, month = 0, day = 0): DtFields {
  return {
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
}

export class DtError {
  constructor(readonly kind: DtErr) {}
}
