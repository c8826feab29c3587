import {
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  USECS_PER_SEC,
  civilFromDays,
  dayOfWeek,
  dayOfYear,
  isoDayOfWeek,
  isoWeek,
} from '../../../types/datetime.js';
import { Decimal } from '../../../types/decimal.js';
import type { Interval } from '../../../types/interval.js';
import { T } from '../../../types/types.js';
import type { SqlType } from '../../../types/types.js';
import type { Value } from '../../../types/values.js';
import { IV, idiv, intervalTm, notSupported, toTm } from './common.js';
import type { Tm } from './common.js';
import { unitNotSupported, unitOf } from './units.js';
import type { Unit } from './units.js';

/** date_part / extract for date, time, timestamp, timestamptz and interval. */

/** A field value: an integer with a decimal scale (extract's numeric), or a float (date_part). */
type Part = { int: number; scale: number } | { float: number; exact?: Decimal };

const MONOTONIC: ReadonlySet<Unit> = new Set([
  'year',
  'decade',
  'century',
  'millennium',
  'julian',
  'isoyear',
  'epoch',
]);

function yearPart(year: number): number {
  return year > 0 ? year : year - 1;
}
function decadePart(year: number): number {
  return year >= 0 ? idiv(year, 10) : -idiv(8 - (year - 1), 10);
}
function centuryPart(year: number): number {
  return year > 0 ? idiv(year + 99, 100) : -idiv(99 - (year - 1), 100);
}
function millenniumPart(year: number): number {
  return year > 0 ? idiv(year + 999, 1000) : -idiv(999 - (year - 1), 1000);
}

/** Date-derived fields shared by timestamps and dates. */
function datePart(u: Unit, tm: Tm): number | undefined {
  switch (u) {
    case 'day':
      return tm.mday;
    case 'month':
      return tm.mon;
    case 'quarter':
      return idiv(tm.mon - 1, 3) + 1;
    case 'week':
      return isoWeek(tm.days).week;
    case 'year':
      return yearPart(tm.year);
    case 'decade':
      return decadePart(tm.year);
    case 'century':
      return centuryPart(tm.year);
    case 'millennium':
      return millenniumPart(tm.year);
    case 'isoyear': {
      const y = isoWeek(tm.days).isoYear;
      return y <= 0 ? y - 1 : y;
    }
    case 'dow':
      return dayOfWeek(tm.days);
    case 'isodow':
      return isoDayOfWeek(tm.days);
    case 'doy':
      return dayOfYear(tm.days);
    default:
      return undefined;
  }
}

/** timestamp_part_common: `utc` is the stored value, `offset` the zone offset (timestamptz only). */
export function timestampPart(
  unitText: string,
  us: number,
  type: SqlType,
  offset: number | undefined,
  numeric: boolean,
): Value {
  const [u, low] = unitOf(unitText, type);
  if (!Number.isFinite(us)) {
    if (!MONOTONIC.has(u)) return null;
    if (numeric) throw notSupported('cannot convert infinity to numeric');
    return us;
  }
  const local = offset === undefined ? us : us + offset * USECS_PER_SEC;
  const tm = toTm(local);
  let part = clockPart(u, tm, numeric);
  if (part === undefined)
    switch (u) {
      case 'julian': {
        const jd = tm.days + UNIX_EPOCH_JDATE;
        const dayUs = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec;
        if (numeric)
          return Decimal.fromInt(jd).add(Decimal.fromInt(dayUs).div(Decimal.fromInt(USECS_PER_DAY)));
        part = { float: jd + ((tm.hour * 60 + tm.min) * 60 + tm.sec + tm.fsec / 1e6) / 86400 };
        break;
      }
      case 'epoch':
        part = numeric ? { int: us, scale: 6 } : { float: us / 1e6 };
        break;
      case 'timezone':
      case 'timezone_hour':
      case 'timezone_minute':
        if (offset === undefined) throw unitNotSupported(low, type);
        part = {
          int: u === 'timezone' ? offset : u === 'timezone_hour' ? idiv(offset, 3600) : idiv(offset, 60) % 60,
          scale: 0,
        };
        break;
      default: {
        const v = datePart(u, tm);
        if (v === undefined) throw unitNotSupported(low, type);
        part = { int: v, scale: 0 };
      }
    }
  return partValue(part, numeric);
}

/** The clock fields every EXTRACT source shares (microseconds through hour); undefined for others. */
function clockPart(u: Unit, tm: Tm, numeric: boolean): Part | undefined {
  switch (u) {
    case 'microseconds':
      return { int: tm.sec * USECS_PER_SEC + tm.fsec, scale: 0 };
    case 'milliseconds':
      return numeric
        ? { int: tm.sec * USECS_PER_SEC + tm.fsec, scale: 3 }
        : { float: tm.sec * 1000 + tm.fsec / 1000 };
    case 'second':
      return numeric
        ? { int: tm.sec * USECS_PER_SEC + tm.fsec, scale: 6 }
        : { float: tm.sec + tm.fsec / 1e6 };
    case 'minute':
      return { int: tm.min, scale: 0 };
    case 'hour':
      return { int: tm.hour, scale: 0 };
    default:
      return undefined;
  }
}

function partValue(p: Part, numeric: boolean): Value {
  if ('float' in p) return numeric ? (p.exact ?? Decimal.parse(String(p.float))) : p.float;
  if (numeric) return new Decimal(BigInt(Math.round(p.int)), p.scale);
  return p.scale === 0 ? p.int + 0 : p.int / 10 ** p.scale;
}

/** extract(field from date). */
export function dateExtract(unitText: string, days: number): Value {
  const [u, low] = unitOf(unitText, T.date);
  const supported =
    u === 'julian' ||
    u === 'epoch' ||
    datePart(u, { year: 0, mon: 1, mday: 1, hour: 0, min: 0, sec: 0, fsec: 0, days: 0 }) !== undefined;
  if (!supported) throw unitNotSupported(low, T.date);
  if (!Number.isFinite(days)) {
    if (!MONOTONIC.has(u)) return null;
    throw notSupported('cannot convert infinity to numeric');
  }
  if (u === 'julian') return Decimal.fromInt(days + UNIX_EPOCH_JDATE);
  if (u === 'epoch') return new Decimal(BigInt(days) * 86400n, 0);
  const d = civilFromDays(days);
  return Decimal.fromInt(
    datePart(u, { year: d.year, mon: d.month, mday: d.day, hour: 0, min: 0, sec: 0, fsec: 0, days })!,
  );
}

/** interval_part_common. */
export function intervalPart(unitText: string, iv: Interval, numeric: boolean): Value {
  const [u, low] = unitOf(unitText, IV);
  const tm = intervalTm(iv);
  let part = clockPart(u, tm, numeric);
  if (part === undefined)
    switch (u) {
      case 'day':
        part = { int: tm.mday, scale: 0 };
        break;
      case 'month':
        part = { int: tm.mon, scale: 0 };
        break;
      case 'quarter':
        part = { int: idiv(tm.mon, 3) + 1, scale: 0 };
        break;
      case 'year':
        part = { int: tm.year, scale: 0 };
        break;
      case 'decade':
        part = { int: idiv(tm.year, 10), scale: 0 };
        break;
      case 'century':
        part = { int: idiv(tm.year, 100), scale: 0 };
        break;
      case 'millennium':
        part = { int: idiv(tm.year, 1000), scale: 0 };
        break;
      case 'epoch':
        if (numeric) {
          // 365.25-day years and 30-day months, kept exact by working in quarter days.
          const quarterDays = 1461 * Math.trunc(iv.months / 12) + 120 * (iv.months % 12) + 4 * iv.days;
          const us = BigInt(quarterDays) * 21_600_000_000n + BigInt(Math.round(iv.micros));
          return new Decimal(us, 6);
        }
        part = {
          float:
            iv.micros / 1e6 +
            365.25 * 86400 * Math.trunc(iv.months / 12) +
            30 * 86400 * (iv.months % 12) +
            86400 * iv.days,
        };
        break;
      default:
        throw unitNotSupported(low, IV);
    }
  return partValue(part, numeric);
}

/** time_part_common. */
export function timePart(unitText: string, t: number, numeric: boolean): Value {
  const [u, low] = unitOf(unitText, T.time);
  const tm = toTm(t);
  if (t === USECS_PER_DAY) {
    tm.hour = 24;
    tm.min = tm.sec = tm.fsec = 0;
  }
  let part = clockPart(u, tm, numeric);
  if (part === undefined)
    switch (u) {
      case 'epoch':
        part = numeric ? { int: t, scale: 6 } : { float: t / 1e6 };
        break;
      default:
        throw unitNotSupported(low, T.time);
    }
  return partValue(part, numeric);
}
