import { USECS_PER_SEC, daysInMonth } from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import { fieldOverflow, toTm } from './common.js';

/** age(): symbolic differences between timestamps, field by field as PostgreSQL computes them. */

/** timestamp_age: field-wise difference with borrowing, as PostgreSQL computes it. */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw fieldOverflow('timestamp out of range');
  // PostgreSQL negates the fields when a < b, borrows, and negates back: the same as borrowing on
  // the later minus the earlier timestamp and giving the result the sign.
  const flip = a < b;
  const hi = toTm(flip ? b : a);
  const lo = toTm(flip ? a : b);
  let fsec = hi.fsec - lo.fsec;
  let sec = hi.sec - lo.sec;
  let min = hi.min - lo.min;
  let hour = hi.hour - lo.hour;
  let mday = hi.mday - lo.mday;
  let mon = hi.mon - lo.mon;
  let year = hi.year - lo.year;
  while (fsec < 0) {
    fsec += USECS_PER_SEC;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    mday += daysInMonth(lo.year, lo.mon);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  const sign = flip ? -1 : 1;
  return new Interval(
    sign * (year * 12 + mon) + 0,
    sign * mday + 0,
    sign * (((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec) + 0,
  );
}
