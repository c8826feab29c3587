import { DatabaseError, SqlState } from '../../../errors.js';
import {
  END_DATE,
  MIN_DATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  atTimeZone,
  checkTimestamp,
  daysFromCivil,
  daysInMonth,
  fixedTimeZone,
} from '../../../types/datetime.js';
import type { TimeZone } from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import type { Value } from '../../../types/values.js';
import { fieldOverflow, invalidParameter } from './common.js';

/** make_date, make_time, make_timestamp, make_timestamptz and make_interval. */

/** C's "%02g" for error messages (PostgreSQL's snprintf spells NaN as "NaN"). */
function secText(sec: number): string {
  if (Number.isNaN(sec)) return 'NaN';
  let s = String(Number(sec.toPrecision(6)));
  if (Math.abs(sec) >= 1e6 || (sec !== 0 && Math.abs(sec) < 1e-4)) s = sec.toExponential();
  return s.length < 2 ? '0' + s : s;
}

export function makeDate(y: number, m: number, d: number): number {
  const bad = (): DatabaseError =>
    fieldOverflow(
      `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    );
  if (y === 0 || m < 1 || m > 12 || d < 1) throw bad();
  const year = y < 0 ? y + 1 : y;
  if (d > daysInMonth(year, m)) throw bad();
  const days = daysFromCivil(year, m, d);
  if (!(days >= MIN_DATE && days < END_DATE)) {
    throw fieldOverflow(
      `date out of range: ${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    );
  }
  return days;
}

export function makeTimeMicros(h: number, mi: number, sec: number): number {
  if (
    !(h >= 0 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60 && h <= 24) ||
    (h === 24 && (mi > 0 || sec > 0))
  ) {
    throw fieldOverflow(`time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${secText(sec)}`);
  }
  return (h * 60 + mi) * 60 * USECS_PER_SEC + roundHalfEven(sec * USECS_PER_SEC);
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function makeTimestamp(args: Value[]): number {
  const [y, m, d, h, mi, sec] = args as number[];
  const days = makeDate(y!, m!, d!);
  return checkTimestamp(days * USECS_PER_DAY + makeTimeMicros(h!, mi!, sec!));
}

/** Zone argument of make_timestamptz: numeric offsets are ISO-signed ('+05:30' is east). */
export function saneTimeZone(name: string): TimeZone {
  const c = name.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `invalid input syntax for type numeric time zone: "${name}"`,
      {
        hint: 'Numeric time zones must have "-" or "+" as first character.',
      },
    );
  }
  if (c === 43 || c === 45) {
    const m = /^([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/.exec(name);
    if (m) {
      const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
      if (Number(m[2]) > 15) throw invalidParameter(`numeric time zone "${name}" out of range`);
      return fixedTimeZone(m[1] === '-' ? -secs : secs);
    }
  }
  return atTimeZone(name);
}

const MAKE_INTERVAL_MAX_SECS = 9.2e12;

export function makeInterval(args: Value[]): Interval {
  const n = (i: number): number => (args[i] as number | undefined) ?? 0;
  const secs = (args[6] as number | undefined) ?? 0;
  if (!Number.isFinite(secs) || Math.abs(secs) > MAKE_INTERVAL_MAX_SECS * 1e3) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  const months = n(0) * 12 + n(1);
  const days = n(2) * 7 + n(3);
  if (Math.abs(months) > 2147483647 || Math.abs(days) > 2147483647) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  const micros = n(4) * USECS_PER_HOUR + n(5) * USECS_PER_MINUTE + roundHalfEven(secs * USECS_PER_SEC);
  return new Interval(months + 0, days + 0, micros + 0);
}

/** Parameter names of make_interval, in order, for binders that accept named arguments. */
export const MAKE_INTERVAL_ARG_NAMES = ['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs'] as const;

/** Parameter names of make_timestamp and make_timestamptz (which adds `timezone`). */
export const MAKE_TIMESTAMP_ARG_NAMES = ['year', 'month', 'mday', 'hour', 'min', 'sec'] as const;
