import { USECS_PER_DAY, USECS_PER_SEC, civilFromDays, daysFromCivil, daysInMonth } from '../datetime.js';
import { isAlpha, isDigit } from './chars.js';
import type { TextIoContext } from './context.js';
import {
  DATE_KEYWORDS,
  DATE_M,
  DtErr,
  DtError,
  Kw,
  M_DAY,
  M_DOY,
  M_MONTH,
  M_TZ,
  M_YEAR,
  TIME_M,
} from './datetime-fields.js';
import type { DtFields } from './datetime-fields.js';

/**
 * Datetime input, step 2: decoders for single fields (numbers, dates, times, time zones) as in
 * PostgreSQL's datetime.c.
 */

/** C strtol prefix: the leading integer of `s` from `i`, and where it ended. */
export function leadingInt(s: string, i: number): [number, number] {
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

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DecodeTime: 'hh:mm', 'hh:mm:ss[.f]' or 'mm:ss.f'. */
export function decodeTime(
  s: string,
  f: { hour: number; minute: number; second: number; fsec: number },
): void {
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

export function timeOverflows(h: number, m: number, s: number, fsec: number): boolean {
  if (h < 0 || h > 24 || m < 0 || m > 59 || s < 0 || s > 60 || fsec < 0 || fsec > USECS_PER_SEC) return true;
  return ((h * 60 + m) * 60 + s) * USECS_PER_SEC + fsec > USECS_PER_DAY;
}

/** DecodeTimezone: '+hh', '+hhmm', '+hh:mm[:ss]' → seconds east. */
export function decodeTimezone(s: string): number {
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
export function decodeNumberField(str: string, fmask: number, f: DtFields): number {
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
export function decodeNumber(
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
export function decodeDate(str: string, fmaskIn: number, f: DtFields, order: DateOrder): number {
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
export function validateDate(fmask: number, isJulian: boolean, bc: boolean, f: DtFields): void {
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

export function dateOrderOf(ctx: TextIoContext): DateOrder {
  const ds = ctx.dateStyle;
  if (ds === undefined) return DateOrder.MDY;
  const u = ds.toUpperCase();
  if (u.includes('DMY') || (u.includes('GERMAN') && !u.includes('MDY') && !u.includes('YMD')))
    return DateOrder.DMY;
  if (u.includes('YMD')) return DateOrder.YMD;
  if (u.includes('EURO')) return DateOrder.DMY;
  return DateOrder.MDY;
}

export function nowMicros(ctx: TextIoContext): number {
  return ctx.now ?? Date.now() * 1000;
}
