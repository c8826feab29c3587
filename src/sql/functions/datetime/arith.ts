import { DatabaseError, SqlState } from '../../../errors.js';
import {
  END_DATE,
  MIN_DATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  checkTimestamp,
  fixedTimeZone,
} from '../../../types/datetime.js';
import type { TimeZone } from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import { fieldOverflow, invalidParameter } from './common.js';
import { roundHalfEven } from './make.js';

/** AT TIME ZONE and interval arithmetic (interval * / number, timestamp ± interval). */

export function intervalZone(iv: Interval): TimeZone {
  if (iv.months !== 0 || iv.days !== 0) {
    throw invalidParameter(
      `interval time zone "${formatIntervalForMessage(iv)}" must not include months or days`,
    );
  }
  return fixedTimeZone(Math.trunc(iv.micros / USECS_PER_SEC));
}

function formatIntervalForMessage(iv: Interval): string {
  const parts: string[] = [];
  if (iv.months) parts.push(`${iv.months} mon${iv.months === 1 ? '' : 's'}`);
  if (iv.days) parts.push(`${iv.days} day${iv.days === 1 ? '' : 's'}`);
  if (iv.micros || parts.length === 0) {
    const a = Math.abs(iv.micros);
    const h = Math.floor(a / USECS_PER_HOUR);
    const m = Math.floor((a % USECS_PER_HOUR) / USECS_PER_MINUTE);
    const s = Math.floor((a % USECS_PER_MINUTE) / USECS_PER_SEC);
    parts.push(
      `${iv.micros < 0 ? '-' : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`,
    );
  }
  return parts.join(' ');
}

const INT32_MAX = 2147483647;
export const INT32_MIN = -2147483648;

function tsround(x: number): number {
  return roundHalfEven(x * 1e6) / 1e6;
}

export function intervalOutOfRange(): DatabaseError {
  return new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

/** interval * float8 (interval_mul): fractional months and days cascade down, never up. */
export function intervalMul(iv: Interval, factor: number): Interval {
  const monthD = iv.months * factor;
  if (Number.isNaN(monthD) || monthD > INT32_MAX || monthD < INT32_MIN) throw intervalOutOfRange();
  const dayD = iv.days * factor;
  if (Number.isNaN(dayD) || dayD > INT32_MAX || dayD < INT32_MIN) throw intervalOutOfRange();
  return cascade(
    iv,
    Math.trunc(monthD),
    Math.trunc(dayD),
    iv.months * factor,
    iv.days * factor,
    iv.micros * factor,
  );
}

/** interval / float8 (interval_div). */
export function intervalDiv(iv: Interval, divisor: number): Interval {
  if (divisor === 0) throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
  const monthD = iv.months / divisor;
  const dayD = iv.days / divisor;
  if (Number.isNaN(monthD) || monthD > INT32_MAX || monthD < INT32_MIN) throw intervalOutOfRange();
  if (Number.isNaN(dayD) || dayD > INT32_MAX || dayD < INT32_MIN) throw intervalOutOfRange();
  return cascade(iv, Math.trunc(monthD), Math.trunc(dayD), monthD, dayD, iv.micros / divisor);
}

function cascade(
  _iv: Interval,
  months: number,
  days: number,
  monthExact: number,
  dayExact: number,
  timeExact: number,
): Interval {
  let d = days;
  const monthRemainderDays = tsround((monthExact - months) * 30);
  let secRemainder = tsround((dayExact - d + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    d += Math.trunc(secRemainder / 86400);
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  d += Math.trunc(monthRemainderDays);
  if (d > INT32_MAX || d < INT32_MIN) throw intervalOutOfRange();
  const time = roundHalfEven(timeExact + secRemainder * USECS_PER_SEC);
  if (!Number.isFinite(time) || Math.abs(time) >= 9.223372036854776e18) throw intervalOutOfRange();
  return new Interval(months + 0, d + 0, time + 0);
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  const r = a.add(b);
  if (r.months > INT32_MAX || r.months < INT32_MIN || r.days > INT32_MAX || r.days < INT32_MIN)
    throw intervalOutOfRange();
  return r;
}

export function intervalSub(a: Interval, b: Interval): Interval {
  const r = a.sub(b);
  if (r.months > INT32_MAX || r.months < INT32_MIN || r.days > INT32_MAX || r.days < INT32_MIN)
    throw intervalOutOfRange();
  return r;
}

export function datePlusDays(d: number, n: number): number {
  if (!Number.isFinite(d)) return d;
  const r = d + n;
  if (!(r >= MIN_DATE && r < END_DATE)) throw fieldOverflow('date out of range');
  return r;
}

export function dateMinusDate(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw fieldOverflow('cannot subtract infinite dates');
  return a - b;
}

export function dateToTimestamp(d: number): number {
  return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY) : d;
}

export function timePlusInterval(t: number, iv: Interval): number {
  let r = (t + iv.micros) % USECS_PER_DAY;
  if (r < 0) r += USECS_PER_DAY;
  return r + 0;
}
