import { USECS_PER_SEC, daysInMonth } from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import { fieldOverflow, toTm } from './common.js';

/** age(): symbolic differences between timestamps, field by field as PostgreSQL computes them. */

/** timestamp_age: field-wise difference with borrowing, as PostgreSQL computes it. */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw fieldOverflow('timestamp out of range');
  const t1 = toTm(a);
  const t2 = toTm(b);
  let fsec = t1.fsec - t2.fsec;
  let sec = t1.sec - t2.sec;
  let min = t1.min - t2.min;
  let hour = t1.hour - t2.hour;
  let mday = t1.mday - t2.mday;
  let mon = t1.mon - t2.mon;
  let year = t1.year - t2.year;
  const flip = a < b;
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
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
    const ref = flip ? t1 : t2;
    mday += daysInMonth(ref.year, ref.mon);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  return new Interval(
    year * 12 + mon + 0,
    mday + 0,
    ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec + 0,
  );
}
