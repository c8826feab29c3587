import { USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from '../datetime.js';
import { roundHalfEven } from './datetime-decode.js';
import { DtErr, DtError } from './datetime-fields.js';

/** Interval input units and the accumulation of fractional unit values (PostgreSQL's AdjustFract*). */

export const enum U {
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
export const INTERVAL_UNITS = new Map<string, U>();
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
export interface ItmIn {
  usec: number;
  days: number;
  months: number;
  years: number;
}

export const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;
export const INT64_LIMIT = 9.223372036854776e18;

function checkI32(v: number): number {
  if (v > INT32_MAX || v < INT32_MIN) throw new DtError(DtErr.FieldOverflow);
  return v;
}

export function adjustFractMicroseconds(frac: number, scale: number, itm: ItmIn): void {
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
export function adjustMicroseconds(val: number, fval: number, scale: number, itm: ItmIn): void {
  itm.usec += val * scale;
  if (Math.abs(itm.usec) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
  adjustFractMicroseconds(fval, scale, itm);
}
export function adjustYears(val: number, fval: number, scale: number, itm: ItmIn): void {
  checkI32(val);
  itm.years = checkI32(itm.years + checkI32(val * scale));
  itm.months = checkI32(itm.months + roundHalfEven(fval * scale * 12));
}

export function applyUnit(unit: U, val: number, fval: number, itm: ItmIn): void {
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

export const UNIT_MASK: Record<number, number> = {
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
export const ALL_SECS_MASK = (1 << 0) | (1 << 1) | (1 << 2);
export const INTERVAL_TIME_MASK = (1 << 4) | (1 << 3) | ALL_SECS_MASK;
