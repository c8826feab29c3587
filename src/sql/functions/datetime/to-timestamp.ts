import { DatabaseError, SqlState } from '../../../errors.js';
import {
  END_DATE,
  MIN_DATE,
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  USECS_PER_SEC,
  checkTimestamp,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isoYearStart,
  localToUtc,
} from '../../../types/datetime.js';
import { formatFloat } from '../../../types/text-io.js';
import type { FunctionContext } from '../registry.js';
import { fieldOverflow, idiv, sessionZone } from './common.js';
import type { FromCharResult } from './from-char-fields.js';
import { fromChar } from './from-char.js';
import { roundHalfEven } from './make.js';

/** to_timestamp and to_date: turns the fields read by fromChar into a timestamp or date. */

/** Monday of ISO week `week` of `isoYear`, as days since 1970-01-01. */
function isoWeekStart(isoYear: number, week: number): number {
  return isoYearStart(isoYear) + (week - 1) * 7;
}

const YSUM = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

/** do_to_timestamp: fields → wall-clock microseconds, with PostgreSQL's defaults and checks. */
function fromCharToLocal(input: string, r: FromCharResult): number {
  const bad = (): DatabaseError => fieldOverflow(`date/time field value out of range: "${input}"`);
  let hour = 0;
  let min = 0;
  let sec = 0;
  if (r.ssss) {
    hour = idiv(r.ssss, 3600);
    min = idiv(r.ssss % 3600, 60);
    sec = r.ssss % 60;
  }
  if (r.ss) sec = r.ss;
  if (r.mi) min = r.mi;
  if (r.hh) hour = r.hh;
  if (r.clock12) {
    if (hour < 1 || hour > 12) {
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `hour "${hour}" is invalid for the 12-hour clock`,
        {
          hint: 'Use the 24-hour clock, or give an hour between 1 and 12.',
        },
      );
    }
    if (r.pm && hour < 12) hour += 12;
    else if (!r.pm && hour === 12) hour = 0;
  }
  let year = 0;
  let mon = 1;
  let mday = 1;
  let fmask = 0;
  let cc = r.cc;
  if (r.year) {
    if (cc && r.yysz <= 2) {
      if (r.bc) cc = -cc;
      year = r.year % 100;
      if (year) year = cc >= 0 ? year + (cc - 1) * 100 : (cc + 1) * 100 - year + 1;
      else year = cc * 100 + (cc >= 0 ? 0 : 1);
    } else {
      year = r.bc ? -r.year : r.year;
      if (year < 0) year++;
    }
    fmask |= 1;
  } else if (cc) {
    if (r.bc) cc = -cc;
    year = cc >= 0 ? (cc - 1) * 100 + 1 : cc * 100 + 1;
    fmask |= 1;
  }
  let ddd = r.ddd;
  let dd = r.dd;
  let dateSet = false;
  if (r.j) {
    const d = civilFromDays(r.j - UNIX_EPOCH_JDATE);
    year = d.year;
    mon = d.month;
    mday = d.day;
    fmask |= 7;
  }
  if (r.ww) {
    if (r.isoWeekMode) {
      let days = isoWeekStart(year, r.ww);
      if (r.d) days += r.d > 1 ? r.d - 2 : 6;
      const d = civilFromDays(days);
      year = d.year;
      mon = d.month;
      mday = d.day;
      fmask |= 7;
      dateSet = true;
    } else ddd = (r.ww - 1) * 7 + 1;
  }
  if (r.w) dd = (r.w - 1) * 7 + 1;
  if (dd) {
    mday = dd;
    fmask |= 4;
  }
  if (r.mm) {
    mon = r.mm;
    fmask |= 2;
  }
  if (ddd && (mon <= 1 || mday <= 1) && !dateSet) {
    if (!year && !r.bc) {
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        'cannot calculate day of year without year information',
      );
    }
    if (r.isoWeekMode) {
      const d = civilFromDays(isoWeekStart(year, 1) - 1 + ddd);
      year = d.year;
      mon = d.month;
      mday = d.day;
      fmask |= 7;
    } else {
      const y = YSUM[daysInMonth(year, 2) === 29 ? 1 : 0]!;
      let k = 1;
      while (k <= 12 && ddd > y[k]!) k++;
      if (mon <= 1) mon = k;
      if (mday <= 1) mday = ddd - y[k - 1]!;
      fmask |= 6;
    }
  }
  const fsec = r.ms * 1000 + r.us;
  if (fmask & 2 && (mon < 1 || mon > 12)) throw bad();
  if (fmask & 4 && (mday < 1 || mday > 31)) throw bad();
  if ((fmask & 7) === 7 && mday > daysInMonth(year, mon)) throw bad();
  if (
    hour < 0 ||
    hour >= 24 ||
    min < 0 ||
    min >= 60 ||
    sec < 0 ||
    sec >= 60 ||
    fsec < 0 ||
    fsec >= USECS_PER_SEC
  ) {
    throw bad();
  }
  if (mon < 1 || mon > 12 || mday < 1 || mday > daysInMonth(year, mon)) throw bad();
  return (
    daysFromCivil(year, mon, mday) * USECS_PER_DAY + ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec
  );
}

function tzOffsetOf(r: FromCharResult): number | undefined {
  if (!r.tzsign) return undefined;
  return r.tzsign * (r.tzh * 3600 + r.tzm * 60);
}

export function toTimestampText(input: string, fmt: string, ctx: FunctionContext): number {
  const r = fromChar(input, fmt);
  const local = fromCharToLocal(input, r);
  const off = tzOffsetOf(r);
  const utc = off !== undefined ? local - off * USECS_PER_SEC : localToUtc(local, sessionZone(ctx));
  return checkTimestamp(utc);
}

export function toDate(input: string, fmt: string): number {
  const r = fromChar(input, fmt);
  const local = fromCharToLocal(input, r);
  const days = Math.floor(local / USECS_PER_DAY);
  if (!(days >= MIN_DATE && days < END_DATE)) throw fieldOverflow(`date out of range: "${input}"`);
  return days;
}

/** to_timestamp(float8): seconds since the Unix epoch, rounded to the microsecond as PostgreSQL does. */
export function toTimestampEpoch(secs: number): number {
  if (Number.isNaN(secs)) throw fieldOverflow('timestamp cannot be NaN');
  if (!Number.isFinite(secs)) return secs;
  if (!(secs >= MIN_DATE * 86400 && secs < 9_224_318_016_000)) {
    throw fieldOverflow(`timestamp out of range: "${formatFloat(secs, false)}"`);
  }
  // PostgreSQL rebases to its 2000-01-01 epoch before scaling, which decides the rounding.
  return roundHalfEven((secs - 946_684_800) * 1e6) + 946_684_800_000_000;
}
