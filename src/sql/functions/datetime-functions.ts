import { DatabaseError, SqlState } from '../../errors.js';
import {
  MIN_DATE,
  END_DATE,
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  atTimeZone,
  checkTimestamp,
  civilFromDays,
  dayOfWeek,
  dayOfYear,
  daysFromCivil,
  daysInMonth,
  fixedTimeZone,
  isoDayOfWeek,
  isoWeek,
  isoYearStart,
  justifyDays,
  justifyHours,
  justifyInterval,
  localToUtc,
  timeZone,
  timestampDifference,
  timestampPlusInterval,
  timestamptzPlusInterval,
  utcToLocal,
  zoneAbbreviation,
} from '../../types/datetime.js';
import type { TimeZone } from '../../types/datetime.js';
import { Decimal } from '../../types/decimal.js';
import { Interval } from '../../types/interval.js';
import { formatFloat, toExponentialEven, toFixedEven } from '../../types/text-io.js';
import { T, typeName } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { FunctionContext, ScalarFunction, TableFunction } from './registry.js';

/**
 * Date/time functions and operators: now() and friends, date_part/extract, date_trunc, make_*,
 * age, to_char/to_timestamp/to_date, date_bin, TimescaleDB's time_bucket, AT TIME ZONE, interval
 * arithmetic and generate_series. Semantics follow PostgreSQL 15 (see datetime.ts for the
 * calendar and zone rules).
 */

const TS = T.timestamp;
const TSTZ = T.timestamptz;
const IV = T.interval;

function sessionZone(ctx: FunctionContext): TimeZone {
  return timeZone(ctx.timezone);
}

function invalidParameter(msg: string, extra?: { detail?: string; hint?: string }): DatabaseError {
  return new DatabaseError(SqlState.invalidParameterValue, msg, extra);
}

function notSupported(msg: string, extra?: { detail?: string }): DatabaseError {
  return new DatabaseError(SqlState.featureNotSupported, msg, extra);
}

function fieldOverflow(msg: string): DatabaseError {
  return new DatabaseError(SqlState.datetimeFieldOverflow, msg);
}

/** Calendar fields of a wall-clock timestamp, as PostgreSQL's struct pg_tm (year astronomical). */
interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  fsec: number;
  /** Days since 1970-01-01 of the date part. */
  days: number;
}

function toTm(local: number): Tm {
  const days = Math.floor(local / USECS_PER_DAY);
  let t = local - days * USECS_PER_DAY;
  const d = civilFromDays(days);
  const hour = Math.floor(t / USECS_PER_HOUR);
  t -= hour * USECS_PER_HOUR;
  const min = Math.floor(t / USECS_PER_MINUTE);
  t -= min * USECS_PER_MINUTE;
  const sec = Math.floor(t / USECS_PER_SEC);
  return { year: d.year, mon: d.month, mday: d.day, hour, min, sec, fsec: t - sec * USECS_PER_SEC, days };
}

function fromTm(tm: Tm): number {
  return (
    daysFromCivil(tm.year, tm.mon, tm.mday) * USECS_PER_DAY +
    tm.hour * USECS_PER_HOUR +
    tm.min * USECS_PER_MINUTE +
    tm.sec * USECS_PER_SEC +
    tm.fsec
  );
}

/** Interval split as interval2itm does: years/months from months, h/m/s from the time part. */
function intervalTm(iv: Interval): Tm {
  const t = Math.round(iv.micros);
  const hour = Math.trunc(t / USECS_PER_HOUR);
  let r = t - hour * USECS_PER_HOUR;
  const min = Math.trunc(r / USECS_PER_MINUTE);
  r -= min * USECS_PER_MINUTE;
  const sec = Math.trunc(r / USECS_PER_SEC);
  return {
    year: Math.trunc(iv.months / 12),
    mon: iv.months % 12,
    mday: iv.days,
    hour,
    min,
    sec,
    fsec: r - sec * USECS_PER_SEC,
    days: 0,
  };
}

/** C integer division (truncates toward zero). */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

// ---------------------------------------------------------------------------------------------
// Units

type Unit =
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'
  | 'epoch'
  | 'julian'
  | 'dow'
  | 'isodow'
  | 'doy'
  | 'isoyear'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute';

const UNIT_WORDS = new Map<string, Unit>();
{
  const add = (u: Unit, ...words: string[]): void => words.forEach((w) => UNIT_WORDS.set(w, u));
  add('microseconds', 'microsecon', 'us', 'usec', 'usecs', 'useconds');
  add('milliseconds', 'millisecon', 'ms', 'msec', 'msecs', 'mseconds');
  add('second', 's', 'sec', 'secs', 'second', 'seconds');
  add('minute', 'm', 'min', 'mins', 'minute', 'minutes');
  add('hour', 'h', 'hr', 'hrs', 'hour', 'hours');
  add('day', 'd', 'day', 'days');
  add('week', 'w', 'week', 'weeks');
  add('month', 'mon', 'mons', 'month', 'months');
  add('quarter', 'qtr', 'quarter');
  add('year', 'y', 'yr', 'yrs', 'year', 'years');
  add('decade', 'dec', 'decs', 'decade', 'decades');
  add('century', 'c', 'cent', 'century', 'centuries');
  add('millennium', 'mil', 'mils', 'millennia', 'millennium');
  add('epoch', 'epoch');
  add('julian', 'j', 'jd', 'julian');
  add('dow', 'dow');
  add('isodow', 'isodow');
  add('doy', 'doy');
  add('isoyear', 'isoyear');
  add('timezone', 'timezone');
  add('timezone_hour', 'timezone_h');
  add('timezone_minute', 'timezone_m');
}

/** Resolves a unit name as PostgreSQL does (lower-cased, looked up on its first 10 characters). */
function unitOf(text: string, type: SqlType): [Unit, string] {
  const low = text.toLowerCase();
  const u = UNIT_WORDS.get(low.length > 10 ? low.slice(0, 10) : low);
  if (u === undefined) throw invalidParameter(`unit "${low}" not recognized for type ${typeName(type)}`);
  return [u, low];
}

function unitNotSupported(low: string, type: SqlType, detail?: string): DatabaseError {
  return notSupported(
    `unit "${low}" not supported for type ${typeName(type)}`,
    detail ? { detail } : undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// date_part / extract

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
function timestampPart(
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
function dateExtract(unitText: string, days: number): Value {
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
function intervalPart(unitText: string, iv: Interval, numeric: boolean): Value {
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
function timePart(unitText: string, t: number, numeric: boolean): Value {
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

// ---------------------------------------------------------------------------------------------
// date_trunc

const TRUNC_UNITS: ReadonlySet<Unit> = new Set([
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'decade',
  'century',
  'millennium',
]);

/** Fields below a unit are zeroed by date_trunc; higher rank means coarser. */
const TRUNC_RANK: Partial<Record<Unit, number>> = {
  microseconds: 0,
  milliseconds: 1,
  second: 2,
  minute: 3,
  hour: 4,
  day: 5,
  month: 6,
  quarter: 7,
  year: 8,
  decade: 9,
  century: 10,
  millennium: 11,
};

/** Truncates wall-clock fields in place (timestamp_trunc's fall-through switch). */
function truncTm(u: Unit, tm: Tm): void {
  switch (u) {
    case 'week': {
      const monday = tm.days - isoDayOfWeek(tm.days) + 1;
      const d = civilFromDays(monday);
      tm.year = d.year;
      tm.mon = d.month;
      tm.mday = d.day;
      tm.hour = tm.min = tm.sec = tm.fsec = 0;
      return;
    }
    case 'millennium':
      tm.year =
        tm.year > 0 ? idiv(tm.year + 999, 1000) * 1000 - 999 : -idiv(999 - (tm.year - 1), 1000) * 1000 + 1;
      break;
    case 'century':
      tm.year = tm.year > 0 ? idiv(tm.year + 99, 100) * 100 - 99 : -idiv(99 - (tm.year - 1), 100) * 100 + 1;
      break;
    case 'decade':
      tm.year = tm.year > 0 ? idiv(tm.year, 10) * 10 : -idiv(8 - (tm.year - 1), 10) * 10;
      break;
    default:
      break;
  }
  const rank = TRUNC_RANK[u]!;
  if (rank >= TRUNC_RANK.year!) tm.mon = 1;
  if (rank >= TRUNC_RANK.quarter!) tm.mon = 3 * idiv(tm.mon - 1, 3) + 1;
  if (rank >= TRUNC_RANK.month!) tm.mday = 1;
  if (rank >= TRUNC_RANK.day!) tm.hour = 0;
  if (rank >= TRUNC_RANK.hour!) tm.min = 0;
  if (rank >= TRUNC_RANK.minute!) tm.sec = 0;
  if (rank >= TRUNC_RANK.second!) tm.fsec = 0;
  else if (u === 'milliseconds') tm.fsec = idiv(tm.fsec, 1000) * 1000;
}

function truncUnit(unitText: string, type: SqlType): Unit {
  const low = unitText.toLowerCase();
  const u = UNIT_WORDS.get(low.length > 10 ? low.slice(0, 10) : low);
  if (u === undefined || !TRUNC_UNITS.has(u)) {
    throw invalidParameter(`unit "${low}" not recognized for type ${typeName(type)}`);
  }
  return u;
}

/** Units of fixed length (µs), which date_trunc on a timestamp floors arithmetically. */
const FIXED_UNIT_US: Partial<Record<Unit, number>> = {
  microseconds: 1,
  milliseconds: 1000,
  second: USECS_PER_SEC,
  minute: 60 * USECS_PER_SEC,
  hour: 3600 * USECS_PER_SEC,
  day: 86400 * USECS_PER_SEC,
};

let lastTruncText = '';
let lastTruncUnit: Unit = 'microseconds';

function truncTimestamp(unitText: string, ts: number): number {
  if (!Number.isFinite(ts)) return ts;
  let u = lastTruncUnit;
  if (unitText !== lastTruncText) {
    u = truncUnit(unitText, TS);
    lastTruncText = unitText;
    lastTruncUnit = u;
  }
  const step = FIXED_UNIT_US[u];
  // Timestamps count µs from midnight, so fixed units up to a day align with the epoch.
  if (step !== undefined) return ts - (((ts % step) + step) % step);
  const tm = toTm(ts);
  truncTm(u, tm);
  return checkTimestamp(fromTm(tm));
}

/** date_trunc on timestamptz: fields in `zone`; for day and coarser the zone offset is redone. */
function truncTimestamptz(unitText: string, ts: number, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  const u = truncUnit(unitText, TSTZ);
  const offset = zone.offsetAt(ts);
  const tm = toTm(ts + offset * USECS_PER_SEC);
  truncTm(u, tm);
  const local = fromTm(tm);
  const coarse =
    u !== 'hour' && u !== 'minute' && u !== 'second' && u !== 'milliseconds' && u !== 'microseconds';
  return checkTimestamp(coarse ? localToUtc(local, zone) : local - offset * USECS_PER_SEC);
}

/** Units PostgreSQL's interval unit table (deltatktbl) knows; others are "not recognized". */
const INTERVAL_UNIT_WORDS: ReadonlySet<Unit> = new Set([
  ...TRUNC_UNITS,
  'timezone',
  'timezone_hour',
  'timezone_minute',
]);

function truncInterval(unitText: string, iv: Interval): Interval {
  const low = unitText.toLowerCase();
  const u = UNIT_WORDS.get(low.length > 10 ? low.slice(0, 10) : low);
  if (u === undefined || !INTERVAL_UNIT_WORDS.has(u))
    throw invalidParameter(`unit "${low}" not recognized for type interval`);
  if (!TRUNC_UNITS.has(u) || u === 'week') {
    throw unitNotSupported(low, IV, u === 'week' ? 'Months usually have fractional weeks.' : undefined);
  }
  const tm = intervalTm(iv);
  switch (u) {
    case 'millennium':
      tm.year = idiv(tm.year, 1000) * 1000;
      break;
    case 'century':
      tm.year = idiv(tm.year, 100) * 100;
      break;
    case 'decade':
      tm.year = idiv(tm.year, 10) * 10;
      break;
    default:
      break;
  }
  const rank = TRUNC_RANK[u]!;
  if (rank >= TRUNC_RANK.year!) tm.mon = 0;
  if (rank >= TRUNC_RANK.quarter!) tm.mon = 3 * idiv(tm.mon, 3);
  if (rank >= TRUNC_RANK.month!) tm.mday = 0;
  if (rank >= TRUNC_RANK.day!) tm.hour = 0;
  if (rank >= TRUNC_RANK.hour!) tm.min = 0;
  if (rank >= TRUNC_RANK.minute!) tm.sec = 0;
  if (rank >= TRUNC_RANK.second!) tm.fsec = 0;
  else if (u === 'milliseconds') tm.fsec = idiv(tm.fsec, 1000) * 1000;
  const micros = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec;
  return new Interval(tm.year * 12 + tm.mon, tm.mday, micros + 0);
}

// ---------------------------------------------------------------------------------------------
// make_*

/** C's "%02g" for error messages (PostgreSQL's snprintf spells NaN as "NaN"). */
function secText(sec: number): string {
  if (Number.isNaN(sec)) return 'NaN';
  let s = String(Number(sec.toPrecision(6)));
  if (Math.abs(sec) >= 1e6 || (sec !== 0 && Math.abs(sec) < 1e-4)) s = sec.toExponential();
  return s.length < 2 ? '0' + s : s;
}

function makeDate(y: number, m: number, d: number): number {
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

function makeTimeMicros(h: number, mi: number, sec: number): number {
  if (
    !(h >= 0 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60 && h <= 24) ||
    (h === 24 && (mi > 0 || sec > 0))
  ) {
    throw fieldOverflow(`time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${secText(sec)}`);
  }
  return (h * 60 + mi) * 60 * USECS_PER_SEC + roundHalfEven(sec * USECS_PER_SEC);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function makeTimestamp(args: Value[]): number {
  const [y, m, d, h, mi, sec] = args as number[];
  const days = makeDate(y!, m!, d!);
  return checkTimestamp(days * USECS_PER_DAY + makeTimeMicros(h!, mi!, sec!));
}

/** Zone argument of make_timestamptz: numeric offsets are ISO-signed ('+05:30' is east). */
function saneTimeZone(name: string): TimeZone {
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

function makeInterval(args: Value[]): Interval {
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
const MAKE_TIMESTAMP_ARG_NAMES = ['year', 'month', 'mday', 'hour', 'min', 'sec'] as const;

// ---------------------------------------------------------------------------------------------
// age

/** timestamp_age: field-wise difference with borrowing, as PostgreSQL computes it. */
function age(a: number, b: number): Interval {
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

// ---------------------------------------------------------------------------------------------
// date_bin, time_bucket

function dateBin(stride: Interval, ts: number, origin: number): number {
  if (!Number.isFinite(ts)) return ts;
  if (!Number.isFinite(origin)) throw fieldOverflow('origin out of range');
  if (stride.months !== 0)
    throw notSupported('timestamps cannot be binned into intervals containing months or years');
  const s = stride.days * USECS_PER_DAY + stride.micros;
  if (s <= 0) throw invalidParameter('stride must be greater than zero');
  return checkTimestamp(origin + Math.floor((ts - origin) / s) * s);
}

/** 2000-01-03 00:00, a Monday: TimescaleDB's default origin. */
const BUCKET_ORIGIN = (10_957 + 2) * USECS_PER_DAY;

function bucketPeriod(width: Interval): number {
  if (width.months !== 0) {
    throw notSupported('interval defined in terms of month, year, century etc. not supported');
  }
  const p = width.days * USECS_PER_DAY + width.micros;
  if (p <= 0) throw invalidParameter('period must be greater than 0');
  return p;
}

/** Month buckets count whole months from the origin's month (its day is ignored). */
function bucketMonths(months: number, days: number, originDays: number): number {
  const d = civilFromDays(days);
  const o = civilFromDays(originDays);
  const t = d.year * 12 + d.month - 1;
  const off = o.year * 12 + o.month - 1;
  const r = off + Math.floor((t - off) / months) * months;
  const year = Math.floor(r / 12);
  return daysFromCivil(year, r - year * 12 + 1, 1);
}

function checkMonthBucket(width: Interval): void {
  if (width.months <= 0) throw invalidParameter('period must be greater than 0');
  if (width.days !== 0 || width.micros !== 0)
    throw notSupported('month intervals cannot have day or time component');
}

/** time_bucket on a wall-clock (or UTC) timestamp; `origin` undefined means the default. */
function bucketTimestamp(width: Interval, ts: number, origin: number | undefined): number {
  if (!Number.isFinite(ts)) return ts;
  if (width.months !== 0) {
    checkMonthBucket(width);
    const originDays = origin === undefined ? 10_957 : Math.floor(origin / USECS_PER_DAY);
    return bucketMonths(width.months, Math.floor(ts / USECS_PER_DAY), originDays) * USECS_PER_DAY;
  }
  const p = bucketPeriod(width);
  const o = origin ?? BUCKET_ORIGIN;
  return checkTimestamp(o + Math.floor((ts - o) / p) * p);
}

function bucketDate(width: Interval, date: number, origin: number | undefined): number {
  if (!Number.isFinite(date)) return date;
  if (width.months !== 0) {
    checkMonthBucket(width);
    return bucketMonths(width.months, date, origin ?? 10_957);
  }
  const p = bucketPeriod(width);
  if (p < USECS_PER_DAY) throw notSupported('interval must not have sub-day precision');
  if (p % USECS_PER_DAY !== 0) throw notSupported('interval must be a multiple of a day');
  const r = bucketTimestamp(
    width,
    date * USECS_PER_DAY,
    origin === undefined ? undefined : origin * USECS_PER_DAY,
  );
  return Math.floor(r / USECS_PER_DAY);
}

function bucketInteger(width: number, v: number, offset: number): number {
  if (width <= 0) throw invalidParameter('period must be greater than 0');
  const off = offset % width;
  return Math.floor((v - off) / width) * width + off;
}

function bucketBigInt(width: bigint, v: bigint, offset: bigint): bigint {
  if (width <= 0n) throw invalidParameter('period must be greater than 0');
  const off = offset % width;
  const t = v - off;
  let q = t / width;
  if (t < 0n && t % width !== 0n) q -= 1n;
  return q * width + off;
}

/** time_bucket(width, timestamptz, zone [, origin [, offset]]): buckets on the wall clock of `zone`. */
function bucketInZone(
  width: Interval,
  ts: number,
  zoneName: string,
  origin: number | null,
  offset: Interval | null,
): number {
  if (!Number.isFinite(ts)) return ts;
  const zone = atTimeZone(zoneName);
  let local = utcToLocal(ts, zone);
  if (offset) local = timestampPlusInterval(local, offset.neg());
  const o = origin === null ? undefined : utcToLocal(origin, zone);
  let r = bucketTimestamp(width, local, o);
  if (offset) r = timestampPlusInterval(r, offset);
  return checkTimestamp(localToUtc(r, zone));
}

// ---------------------------------------------------------------------------------------------
// AT TIME ZONE

function intervalZone(iv: Interval): TimeZone {
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

// ---------------------------------------------------------------------------------------------
// Interval arithmetic

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

function tsround(x: number): number {
  return roundHalfEven(x * 1e6) / 1e6;
}

function intervalOutOfRange(): DatabaseError {
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

function intervalAdd(a: Interval, b: Interval): Interval {
  const r = a.add(b);
  if (r.months > INT32_MAX || r.months < INT32_MIN || r.days > INT32_MAX || r.days < INT32_MIN)
    throw intervalOutOfRange();
  return r;
}

function intervalSub(a: Interval, b: Interval): Interval {
  const r = a.sub(b);
  if (r.months > INT32_MAX || r.months < INT32_MIN || r.days > INT32_MAX || r.days < INT32_MIN)
    throw intervalOutOfRange();
  return r;
}

function datePlusDays(d: number, n: number): number {
  if (!Number.isFinite(d)) return d;
  const r = d + n;
  if (!(r >= MIN_DATE && r < END_DATE)) throw fieldOverflow('date out of range');
  return r;
}

function dateMinusDate(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw fieldOverflow('cannot subtract infinite dates');
  return a - b;
}

function dateToTimestamp(d: number): number {
  return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY) : d;
}

function timePlusInterval(t: number, iv: Interval): number {
  let r = (t + iv.micros) % USECS_PER_DAY;
  if (r < 0) r += USECS_PER_DAY;
  return r + 0;
}

// ---------------------------------------------------------------------------------------------
// to_char (datetime)

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ROMAN_MONTHS = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

/** DCH_keywords: to_char/to_timestamp template patterns, longest first within a leading letter. */
const DCH_KEYWORDS = [
  'A.D.',
  'A.M.',
  'AD',
  'AM',
  'B.C.',
  'BC',
  'CC',
  'DAY',
  'DDD',
  'DD',
  'DY',
  'Day',
  'Dy',
  'D',
  'FF1',
  'FF2',
  'FF3',
  'FF4',
  'FF5',
  'FF6',
  'FX',
  'HH24',
  'HH12',
  'HH',
  'IDDD',
  'ID',
  'IW',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'J',
  'MI',
  'MM',
  'MONTH',
  'MON',
  'MS',
  'Month',
  'Mon',
  'OF',
  'P.M.',
  'PM',
  'Q',
  'RM',
  'SSSSS',
  'SSSS',
  'SS',
  'TZH',
  'TZM',
  'TZ',
  'US',
  'WW',
  'W',
  'Y,YYY',
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'a.d.',
  'a.m.',
  'ad',
  'am',
  'b.c.',
  'bc',
  'cc',
  'day',
  'ddd',
  'dd',
  'dy',
  'd',
  'ff1',
  'ff2',
  'ff3',
  'ff4',
  'ff5',
  'ff6',
  'fx',
  'hh24',
  'hh12',
  'hh',
  'iddd',
  'id',
  'iw',
  'iyyy',
  'iyy',
  'iy',
  'i',
  'j',
  'mi',
  'mm',
  'month',
  'mon',
  'ms',
  'of',
  'p.m.',
  'pm',
  'q',
  'rm',
  'sssss',
  'ssss',
  'ss',
  'tzh',
  'tzm',
  'tz',
  'us',
  'ww',
  'w',
  'y,yyy',
  'yyyy',
  'yyy',
  'yy',
  'y',
];

interface DchNode {
  /** Keyword as written (its case selects the output case), or undefined for literal text. */
  readonly kw?: string;
  readonly text: string;
  readonly fm: boolean;
  /** Ordinal suffix: 0 none, 1 'th', 2 'TH'. */
  readonly th: 0 | 1 | 2;
}

const dchIndex = new Map<string, string[]>();
for (const k of DCH_KEYWORDS) {
  const list = dchIndex.get(k[0]!) ?? [];
  list.push(k);
  dchIndex.set(k[0]!, list);
}
for (const list of dchIndex.values()) list.sort((a, b) => b.length - a.length);

const dchCache = new Map<string, DchNode[]>();

/** parse_format for datetime templates (cached). */
function parseDchFormat(fmt: string): DchNode[] {
  const cached = dchCache.get(fmt);
  if (cached) return cached;
  const nodes: DchNode[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    let j = i;
    for (;;) {
      const two = fmt.slice(j, j + 2);
      if (two === 'FM' || two === 'fm') {
        fm = true;
        j += 2;
      } else if (two === 'TM' || two === 'tm') j += 2;
      else break;
    }
    const kw = (dchIndex.get(fmt[j] ?? '') ?? []).find((k) => fmt.startsWith(k, j));
    if (kw) {
      j += kw.length;
      let th: 0 | 1 | 2 = 0;
      const suf = fmt.slice(j, j + 2);
      if (suf === 'TH') th = 2;
      else if (suf === 'th') th = 1;
      if (th) j += 2;
      else if (suf === 'SP' || suf === 'sp') j += 2;
      nodes.push({ kw, text: kw, fm, th });
      i = j;
      continue;
    }
    const c = fmt[i]!;
    if (c === '"') {
      i++;
      let lit = '';
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        lit += fmt[i]!;
        i++;
      }
      i++;
      if (lit) nodes.push({ text: lit, fm: false, th: 0 });
      continue;
    }
    if (c === '\\' && fmt[i + 1] === '"') {
      nodes.push({ text: '"', fm: false, th: 0 });
      i += 2;
      continue;
    }
    nodes.push({ text: c, fm: false, th: 0 });
    i++;
  }
  if (dchCache.size > 256) dchCache.clear();
  dchCache.set(fmt, nodes);
  return nodes;
}

/** get_th(): English ordinal suffix of the number text. */
function ordinal(num: string, upper: boolean): string {
  const last = num.charCodeAt(num.length - 1) - 48;
  if (!(last >= 0 && last <= 9)) {
    throw new DatabaseError(SqlState.invalidTextRepresentation, `"${num}" is not a number`);
  }
  const prev = num.length > 1 ? num.charCodeAt(num.length - 2) - 48 : 0;
  let s = 'th';
  if (prev !== 1) {
    if (last === 1) s = 'st';
    else if (last === 2) s = 'nd';
    else if (last === 3) s = 'rd';
  }
  return upper ? s.toUpperCase() : s;
}

/** C's "%0*d". */
function zpad(v: number, width: number): string {
  const a = String(Math.abs(v));
  if (v < 0) return '-' + (a.length < width - 1 ? '0'.repeat(width - 1 - a.length) + a : a);
  return a.length < width ? '0'.repeat(width - a.length) + a : a;
}

/** A numeric field: "%0*d" at `width` (one wider when `signOf` is negative, for fields PostgreSQL widens). */
function num(n: DchNode, v: number, width: number, signOf?: number): string {
  const w = n.fm ? 0 : signOf !== undefined && signOf < 0 ? width + 1 : width;
  const s = zpad(v, w);
  return n.th ? s + ordinal(s, n.th === 2) : s;
}

/** PostgreSQL's date2j(), applied as is to interval fields (month 0, day 0 included). */
function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = idiv(y, 100);
  return y * 365 - 32167 + idiv(y, 4) - century + idiv(century, 4) + idiv(7834 * m, 256) + day;
}

function caseAs(kw: string, s: string): string {
  const c0 = kw.charCodeAt(0);
  const c1 = kw.charCodeAt(1);
  if (c0 >= 97) return s.toLowerCase();
  if (c1 >= 97 && c1 <= 122) return s[0]!.toUpperCase() + s.slice(1).toLowerCase();
  return s.toUpperCase();
}

/** What to_char needs to know about the value being formatted. */
interface CharSource {
  tm: Tm;
  interval: boolean;
  /** Offset east of UTC (timestamptz), 0 for timestamp. */
  gmtoff: number;
  /** Zone abbreviation, undefined for timestamp/interval. */
  tzn: string | undefined;
}

function invalidForInterval(): DatabaseError {
  return new DatabaseError(
    SqlState.invalidDatetimeFormat,
    'invalid format specification for an interval value',
    {
      hint: 'Intervals are not tied to specific calendar dates.',
    },
  );
}

/** DCH_to_char. */
function dchToChar(fmt: string, src: CharSource): string {
  const { tm, interval } = src;
  let out = '';
  const adjYear = (y: number): number => (interval ? y : y <= 0 ? -(y - 1) : y);
  for (const n of parseDchFormat(fmt)) {
    const kw = n.kw;
    if (kw === undefined) {
      out += n.text;
      continue;
    }
    const up = kw.toUpperCase();
    switch (up) {
      case 'A.M.':
      case 'P.M.':
      case 'AM':
      case 'PM': {
        const pm = tm.hour % 24 >= 12;
        const s = up.includes('.') ? (pm ? 'P.M.' : 'A.M.') : pm ? 'PM' : 'AM';
        out += kw.charCodeAt(0) >= 97 ? s.toLowerCase() : s;
        break;
      }
      case 'A.D.':
      case 'B.C.':
      case 'AD':
      case 'BC': {
        const bc = tm.year <= 0;
        const s = up.includes('.') ? (bc ? 'B.C.' : 'A.D.') : bc ? 'BC' : 'AD';
        out += kw.charCodeAt(0) >= 97 ? s.toLowerCase() : s;
        break;
      }
      case 'HH':
      case 'HH12': {
        const h = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
        out += num(n, h, 2, tm.hour);
        break;
      }
      case 'HH24':
        out += num(n, tm.hour, 2, tm.hour);
        break;
      case 'MI':
        out += num(n, tm.min, 2, tm.min);
        break;
      case 'SS':
        out += num(n, tm.sec, 2, tm.sec);
        break;
      case 'FF1':
      case 'FF2':
      case 'FF3':
      case 'FF4':
      case 'FF5':
      case 'FF6': {
        const digits = Number(up[2]);
        out += num({ ...n, fm: false }, idiv(tm.fsec, 10 ** (6 - digits)), digits);
        break;
      }
      case 'MS':
        out += num({ ...n, fm: false }, idiv(tm.fsec, 1000), 3);
        break;
      case 'US':
        out += num({ ...n, fm: false }, tm.fsec, 6);
        break;
      case 'SSSS':
      case 'SSSSS': {
        const s = String(tm.hour * 3600 + tm.min * 60 + tm.sec);
        out += n.th ? s + ordinal(s, n.th === 2) : s;
        break;
      }
      case 'TZ':
        if (interval) throw invalidForInterval();
        if (src.tzn) out += kw === 'tz' ? src.tzn.toLowerCase() : src.tzn.toUpperCase();
        break;
      case 'TZH':
        if (interval) throw invalidForInterval();
        out += (src.gmtoff >= 0 ? '+' : '-') + zpad(idiv(Math.abs(src.gmtoff), 3600), 2);
        break;
      case 'TZM':
        if (interval) throw invalidForInterval();
        out += zpad(idiv(Math.abs(src.gmtoff) % 3600, 60), 2);
        break;
      case 'OF': {
        if (interval) throw invalidForInterval();
        const a = Math.abs(src.gmtoff);
        out += (src.gmtoff >= 0 ? '+' : '-') + zpad(idiv(a, 3600), n.fm ? 0 : 2);
        if (a % 3600 !== 0) out += ':' + zpad(idiv(a % 3600, 60), 2);
        break;
      }
      case 'MONTH':
      case 'MON': {
        if (interval) throw invalidForInterval();
        if (tm.mon === 0) break;
        const name = MONTH_NAMES[tm.mon - 1]!;
        if (up === 'MON') out += caseAs(kw, name.slice(0, 3));
        else out += n.fm ? caseAs(kw, name) : caseAs(kw, name).padEnd(9);
        break;
      }
      case 'MM':
        out += num(n, tm.mon, 2, tm.mon);
        break;
      case 'DAY':
      case 'DY': {
        if (interval) throw invalidForInterval();
        const name = DAY_NAMES[dayOfWeek(tm.days)]!;
        if (up === 'DY') out += caseAs(kw, name.slice(0, 3));
        else out += n.fm ? caseAs(kw, name) : caseAs(kw, name).padEnd(9);
        break;
      }
      case 'DDD':
        out += num(n, interval ? (tm.year * 12 + tm.mon) * 30 + tm.mday : dayOfYear(tm.days), 3);
        break;
      case 'IDDD':
        if (interval) throw invalidForInterval();
        out += num(n, tm.days - isoYearStart(isoWeek(tm.days).isoYear) + 1, 3);
        break;
      case 'DD':
        out += num(n, tm.mday, 2);
        break;
      case 'D':
        if (interval) throw invalidForInterval();
        out += num(n, dayOfWeek(tm.days) + 1, 1);
        break;
      case 'ID':
        if (interval) throw invalidForInterval();
        out += num(n, isoDayOfWeek(tm.days), 1);
        break;
      case 'WW':
        out += num(
          n,
          idiv((interval ? (tm.year * 12 + tm.mon) * 30 + tm.mday : dayOfYear(tm.days)) - 1, 7) + 1,
          2,
        );
        break;
      case 'W':
        out += num(n, idiv(tm.mday - 1, 7) + 1, 1);
        break;
      case 'IW':
        if (interval) throw invalidForInterval();
        out += num(n, isoWeek(tm.days).week, 2);
        break;
      case 'Q':
        if (interval && tm.mon === 0) break;
        out += num(n, idiv(tm.mon - 1, 3) + 1, 1);
        break;
      case 'CC': {
        const cc = interval
          ? idiv(tm.year, 100)
          : tm.year > 0
            ? idiv(tm.year + 99, 100)
            : idiv(tm.year, 100) - 1;
        out += num(n, cc, 2, cc);
        break;
      }
      case 'Y,YYY': {
        const y = adjYear(tm.year);
        const k = idiv(y, 1000);
        const s = `${k},${zpad(y - k * 1000, 3)}`;
        out += n.th ? s + ordinal(s, n.th === 2) : s;
        break;
      }
      case 'YYYY':
        out += num(n, adjYear(tm.year), 4, adjYear(tm.year));
        break;
      case 'YYY':
        out += num(n, adjYear(tm.year) % 1000, 3, adjYear(tm.year));
        break;
      case 'YY':
        out += num(n, adjYear(tm.year) % 100, 2, adjYear(tm.year));
        break;
      case 'Y':
        out += num(n, adjYear(tm.year) % 10, 1, adjYear(tm.year));
        break;
      case 'IYYY':
      case 'IYY':
      case 'IY':
      case 'I': {
        const days = interval ? date2j(tm.year, tm.mon, tm.mday) - UNIX_EPOCH_JDATE : tm.days;
        const iy = adjYear(isoWeek(days).isoYear);
        const width = up.length;
        out += num(n, width === 4 ? iy : iy % 10 ** width, width, adjYear(tm.year));
        break;
      }
      case 'RM': {
        if (tm.mon === 0) break;
        const r = ROMAN_MONTHS[tm.mon - 1]!;
        const s = kw === 'rm' ? r.toLowerCase() : r;
        out += n.fm ? s : s.padEnd(4);
        break;
      }
      case 'J':
        out += num(n, interval ? date2j(tm.year, tm.mon, tm.mday) : tm.days + UNIX_EPOCH_JDATE, 1);
        break;
      case 'FX':
        break;
      default:
        break;
    }
  }
  return out;
}

function timestampToChar(us: number, fmt: string, zone: TimeZone | undefined): Value {
  if (!Number.isFinite(us)) return null;
  if (fmt.length === 0) return null;
  const offset = zone ? zone.offsetAt(us) : 0;
  const tm = toTm(us + offset * USECS_PER_SEC);
  return dchToChar(fmt, {
    tm,
    interval: false,
    gmtoff: offset,
    tzn: zone ? zoneAbbreviation(zone, us) : undefined,
  });
}

function intervalToChar(iv: Interval, fmt: string): Value {
  if (fmt.length === 0) return null;
  return dchToChar(fmt, { tm: intervalTm(iv), interval: true, gmtoff: 0, tzn: undefined });
}

// ---------------------------------------------------------------------------------------------
// to_char (numbers)

interface NumDesc {
  pre: number;
  post: number;
  lsign: 0 | 1 | 2;
  preLsignNum: number;
  multi: number;
  zeroStart: number;
  zeroEnd: number;
  fillMode: boolean;
  decimal: boolean;
  zero: boolean;
  bracket: boolean;
  minus: boolean;
  plus: boolean;
  roman: boolean;
  eeee: boolean;
  isMulti: boolean;
}

interface NumNode {
  readonly key?: string;
  readonly text: string;
}

const NUM_KEYWORDS = [
  ',',
  '.',
  '0',
  '9',
  'B',
  'C',
  'D',
  'EEEE',
  'E',
  'FM',
  'G',
  'L',
  'MI',
  'PL',
  'PR',
  'RN',
  'SG',
  'SP',
  'S',
  'TH',
  'V',
  'b',
  'c',
  'd',
  'eeee',
  'e',
  'fm',
  'g',
  'l',
  'mi',
  'pl',
  'pr',
  'rn',
  'sg',
  'sp',
  's',
  'th',
  'v',
];
const numIndex = new Map<string, string[]>();
for (const k of NUM_KEYWORDS) {
  const list = numIndex.get(k[0]!) ?? [];
  list.push(k);
  numIndex.set(k[0]!, list);
}
for (const list of numIndex.values()) list.sort((a, b) => b.length - a.length);

function syntaxError(msg: string, detail?: string): DatabaseError {
  return new DatabaseError(SqlState.syntaxError, msg, detail ? { detail } : undefined);
}

const numCache = new Map<string, [NumNode[], NumDesc]>();

/** parse_format + NUMDesc_prepare for numeric templates (cached). */
function parseNumFormat(fmt: string): [NumNode[], NumDesc] {
  const cached = numCache.get(fmt);
  if (cached) return [cached[0], { ...cached[1] }];
  const nodes: NumNode[] = [];
  const d: NumDesc = {
    pre: 0,
    post: 0,
    lsign: 0,
    preLsignNum: 0,
    multi: 0,
    zeroStart: 0,
    zeroEnd: 0,
    fillMode: false,
    decimal: false,
    zero: false,
    bracket: false,
    minus: false,
    plus: false,
    roman: false,
    eeee: false,
    isMulti: false,
  };
  let i = 0;
  while (i < fmt.length) {
    const key = (numIndex.get(fmt[i]!) ?? []).find((k) => fmt.startsWith(k, i) && k !== 'E' && k !== 'e');
    if (!key) {
      const c = fmt[i]!;
      if (c === '"') {
        i++;
        while (i < fmt.length && fmt[i] !== '"') {
          if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
          nodes.push({ text: fmt[i]! });
          i++;
        }
        i++;
        continue;
      }
      if (c === '\\' && fmt[i + 1] === '"') i++;
      nodes.push({ text: fmt[i]! });
      i++;
      continue;
    }
    i += key.length;
    const up = key.toUpperCase();
    if (d.eeee && up !== 'EEEE') throw syntaxError('"EEEE" must be the last pattern used');
    switch (up) {
      case '9':
        if (d.bracket) throw syntaxError('"9" must be ahead of "PR"');
        if (d.isMulti) d.multi++;
        else if (d.decimal) d.post++;
        else d.pre++;
        break;
      case '0':
        if (d.bracket) throw syntaxError('"0" must be ahead of "PR"');
        if (!d.zero && !d.decimal) {
          d.zero = true;
          d.zeroStart = d.pre + 1;
        }
        if (!d.decimal) d.pre++;
        else d.post++;
        d.zeroEnd = d.pre + d.post;
        break;
      case 'D':
      case '.':
        if (d.decimal) throw syntaxError('multiple decimal points');
        if (d.isMulti) throw syntaxError('cannot use "V" and decimal point together');
        d.decimal = true;
        break;
      case 'FM':
        d.fillMode = true;
        break;
      case 'S':
        if (d.lsign) throw syntaxError('cannot use "S" twice');
        if (d.plus || d.minus || d.bracket)
          throw syntaxError('cannot use "S" and "PL"/"MI"/"SG"/"PR" together');
        if (!d.decimal) {
          d.lsign = 1;
          d.preLsignNum = d.pre;
        } else if (d.lsign === 0) d.lsign = 2;
        break;
      case 'MI':
        if (d.lsign) throw syntaxError('cannot use "S" and "MI" together');
        d.minus = true;
        break;
      case 'PL':
        if (d.lsign) throw syntaxError('cannot use "S" and "PL" together');
        d.plus = true;
        break;
      case 'SG':
        if (d.lsign) throw syntaxError('cannot use "S" and "SG" together');
        d.minus = true;
        d.plus = true;
        break;
      case 'PR':
        if (d.lsign || d.plus || d.minus)
          throw syntaxError('cannot use "PR" and "S"/"PL"/"MI"/"SG" together');
        d.bracket = true;
        break;
      case 'RN':
        d.roman = true;
        break;
      case 'V':
        if (d.decimal) throw syntaxError('cannot use "V" and decimal point together');
        d.isMulti = true;
        break;
      case 'EEEE':
        if (d.eeee) throw syntaxError('cannot use "EEEE" twice');
        if (d.fillMode || d.lsign || d.bracket || d.minus || d.plus || d.roman || d.isMulti) {
          throw syntaxError(
            '"EEEE" is incompatible with other formats',
            '"EEEE" may only be used together with digit and decimal point patterns.',
          );
        }
        d.eeee = true;
        break;
      default:
        break;
    }
    nodes.push({ key, text: key });
  }
  if (numCache.size > 256) numCache.clear();
  numCache.set(fmt, [nodes, { ...d }]);
  return [nodes, d];
}

const RM100 = ['C', 'CC', 'CCC', 'CD', 'D', 'DC', 'DCC', 'DCCC', 'CM'];
const RM10 = ['X', 'XX', 'XXX', 'XL', 'L', 'LX', 'LXX', 'LXXX', 'XC'];
const RM1 = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'];

function intToRoman(n: number): string {
  if (n > 3999 || n < 1) return '#'.repeat(15);
  const s = String(n);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const digit = s.charCodeAt(i) - 49;
    if (digit < 0) continue;
    const len = s.length - i;
    if (len > 3) out += 'M'.repeat(digit + 1);
    else out += (len === 3 ? RM100 : len === 2 ? RM10 : RM1)[digit]!;
  }
  return out;
}

/** NUM_processor in to_char mode: lays the digits of `number` out along the template. */
function numProcessor(
  nodes: NumNode[],
  d: NumDesc,
  number: string,
  outPreSpaces: number,
  sign: '+' | '-',
): string {
  let out = '';
  if (d.zeroStart) d.zeroStart--;
  if (d.eeee) return number;
  const fillMode = d.fillMode;
  let bracket = d.bracket;
  let lsign = d.lsign;
  let pre = d.pre;
  let post = d.post;
  let preSpaces = outPreSpaces;
  let sgn: '+' | '-' | '' = sign;
  if (d.roman) {
    lsign = 0;
    pre = post = preSpaces = 0;
    sgn = '';
    bracket = false;
  }
  let signWrote: boolean;
  if (d.plus || d.minus) {
    signWrote = !(d.plus && !d.minus);
  } else {
    if (sgn !== '-' && fillMode) bracket = false;
    signWrote = sgn === '+' && fillMode && lsign === 0;
    if (lsign === 1 && pre === d.preLsignNum) lsign = 2;
  }
  let numCount = post + pre - 1;
  let lastRelevant = -1;
  if (fillMode && d.decimal && !d.roman) {
    const dot = number.indexOf('.');
    if (dot >= 0) {
      lastRelevant = dot;
      for (let k = dot + 1; k < number.length; k++) if (number[k] !== '0') lastRelevant = k;
      if (d.zeroEnd > preSpaces) {
        const lastZero = Math.min(number.length - 1, d.zeroEnd - preSpaces);
        if (lastRelevant < lastZero) lastRelevant = lastZero;
      }
    }
  }
  if (!signWrote && preSpaces === 0) numCount++;
  let numIn = false;
  let numCurr = 0;
  let p = 0;
  const predecSpace = (): boolean => !d.zero && p === 0 && number[0] === '0' && post !== 0;
  const numpart = (key: string): void => {
    if (d.roman) return;
    if (
      !signWrote &&
      (numCurr >= preSpaces || (d.zero && d.zeroStart === numCurr)) &&
      (!predecSpace() || (lastRelevant >= 0 && number[lastRelevant] === '.'))
    ) {
      if (lsign) {
        if (lsign === 1) {
          out += sgn === '-' ? '-' : '+';
          signWrote = true;
        }
      } else if (bracket) {
        out += sgn === '+' ? ' ' : '<';
        signWrote = true;
      } else if (sgn === '+') {
        if (!fillMode) out += ' ';
        signWrote = true;
      } else if (sgn === '-') {
        out += '-';
        signWrote = true;
      }
    }
    if (numCurr < preSpaces && (d.zeroStart > numCurr || !d.zero)) {
      if (!fillMode) out += ' ';
    } else if (d.zero && numCurr < preSpaces && d.zeroStart <= numCurr) {
      out += '0';
      numIn = true;
    } else {
      if (number[p] === '.') {
        if (lastRelevant < 0 || number[lastRelevant] !== '.') out += '.';
        else if (fillMode && lastRelevant >= 0 && number[lastRelevant] === '.') out += '.';
      } else {
        if (lastRelevant >= 0 && p > lastRelevant && key !== '0') {
          /* trailing zero suppressed by FM */
        } else if (predecSpace()) {
          if (!fillMode) out += ' ';
          else if (lastRelevant >= 0 && number[lastRelevant] === '.') out += '0';
        } else {
          // Past the end of the digits PostgreSQL writes the string's NUL, which ends the output.
          out += number[p] ?? '\0';
          numIn = true;
        }
      }
      if (p < number.length) p++;
    }
    let end = numCount + (preSpaces ? 1 : 0) + (d.decimal ? 1 : 0);
    if (lastRelevant >= 0 && lastRelevant === p) end = numCurr;
    if (numCurr + 1 === end) {
      if (signWrote && bracket) out += sgn === '+' ? ' ' : '>';
      else if (lsign === 2) out += sgn === '-' ? '-' : '+';
    }
    numCurr++;
  };
  for (const n of nodes) {
    if (n.key === undefined) {
      out += n.text;
      continue;
    }
    switch (n.key) {
      case '9':
      case '0':
      case '.':
      case 'D':
      case 'd':
        numpart(n.key);
        break;
      case ',':
        if (!numIn) {
          if (!fillMode) out += ' ';
        } else out += ',';
        break;
      case 'G':
      case 'g':
        if (!numIn) {
          if (!fillMode) out += ' ';
        } else out += ',';
        break;
      case 'L':
      case 'l':
        out += ' ';
        break;
      case 'RN':
        out += fillMode ? number : number.padStart(15);
        break;
      case 'rn':
        out += fillMode ? number.toLowerCase() : number.toLowerCase().padStart(15);
        break;
      case 'TH':
      case 'th':
        if (d.roman || number[0] === '#' || sgn === '-' || d.decimal) break;
        out += ordinal(number, n.key === 'TH');
        break;
      case 'MI':
      case 'mi':
        if (sgn === '-') out += '-';
        else if (!fillMode) out += ' ';
        break;
      case 'PL':
      case 'pl':
        if (sgn === '+') out += '+';
        else if (!fillMode) out += ' ';
        break;
      case 'SG':
      case 'sg':
        out += sgn;
        break;
      default:
        break;
    }
  }
  const nul = out.indexOf('\0');
  return nul >= 0 ? out.slice(0, nul) : out;
}

function overflowNumber(pre: number, post: number): string {
  const s = '#'.repeat(pre + post + 1).split('');
  s[pre] = '.';
  return s.join('');
}

/** numeric_out_sci(): 'd.ddde±XX' with round-half-away digits. */
function numericSci(v: Decimal, post: number): string {
  if (v.isZero()) return '0' + (post > 0 ? '.' + '0'.repeat(post) : '') + 'e+00';
  const neg = v.sign() < 0;
  const a = v.abs();
  const digits = a.coef.toString();
  let exp = digits.length - 1 - a.scale;
  let m = new Decimal(a.coef, a.scale + exp).round(post);
  if (m.cmp(Decimal.fromInt(10)) >= 0) {
    exp++;
    m = new Decimal(a.coef, a.scale + exp).round(post);
  }
  const e = Math.abs(exp);
  return (neg ? '-' : '') + m.toString() + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
}

/** to_char(numeric | int | float, text). */
function numberToChar(v: Value, type: SqlType, fmt: string): Value {
  if (fmt.length === 0) return '';
  const [nodes, d] = parseNumFormat(fmt);
  let numstr: string;
  let outPreSpaces = 0;
  let sign: '+' | '-' = '+';
  const isFloat = type.id === 'float4' || type.id === 'float8';
  const dec = type.id === 'numeric' ? (v as Decimal) : undefined;
  const asNumber = typeof v === 'bigint' ? Number(v) : (v as number);
  if (d.roman) {
    let n: number;
    if (dec) {
      if (dec.nan) throw notSupported('cannot convert NaN to integer');
      const b = dec.toBigIntRounded();
      if (b < -2147483648n || b > 2147483647n)
        throw new DatabaseError(SqlState.numericValueOutOfRange, 'integer out of range');
      n = Number(b);
    } else if (isFloat) {
      n = roundHalfEven(asNumber);
      if (!(n >= -2147483648 && n <= 2147483647)) n = 0;
    } else n = asNumber;
    numstr = intToRoman(n);
  } else if (d.eeee) {
    if (type.id === 'int8') {
      numstr = numericSci(Decimal.fromBigInt(v as bigint), d.post);
      if (numstr[0] !== '-') numstr = ' ' + numstr;
    } else if (dec) {
      numstr = dec.nan ? '' : numericSci(dec, d.post);
      if (dec.nan) {
        const s = '#'.repeat(d.pre + d.post + 6).split('');
        s[0] = ' ';
        s[d.pre + 1] = '.';
        numstr = s.join('');
      } else if (numstr[0] !== '-') numstr = ' ' + numstr;
    } else if (!Number.isFinite(asNumber)) {
      const s = '#'.repeat(d.pre + d.post + 6).split('');
      s[0] = ' ';
      s[d.pre + 1] = '.';
      numstr = s.join('');
    } else {
      const e = toExponentialEven(asNumber, d.post);
      const ePos = e.indexOf('e');
      const ex = Number(e.slice(ePos + 1));
      numstr =
        (Object.is(asNumber, -0) ? '-' : '') +
        e.slice(0, ePos) +
        (ex < 0 ? 'e-' : 'e+') +
        String(Math.abs(ex)).padStart(2, '0');
      if (numstr[0] !== '-') numstr = ' ' + numstr;
    }
  } else {
    let orgnum: string;
    if (dec) {
      let val = dec;
      if (d.isMulti) {
        val = val.mul(new Decimal(10n ** BigInt(d.multi), 0));
        d.pre += d.multi;
      }
      orgnum = val.round(d.post).toString();
    } else if (isFloat) {
      let val = asNumber;
      if (d.isMulti) {
        val *= 10 ** d.multi;
        d.pre += d.multi;
      }
      const digLimit = type.id === 'float4' ? 6 : 15;
      const intLen = toFixedEven(Math.abs(val), 0).length;
      if (intLen >= digLimit) d.post = 0;
      else if (intLen + d.post > digLimit) d.post = digLimit - intLen;
      orgnum = toFixedEven(val, d.post);
    } else {
      let big = typeof v === 'bigint' ? v : BigInt(v as number);
      if (d.isMulti) {
        big *= 10n ** BigInt(d.multi);
        d.pre += d.multi;
        const limit = type.id === 'int8' ? 2n ** 63n : 2n ** 31n;
        if (big >= limit || big < -limit) {
          throw new DatabaseError(
            SqlState.numericValueOutOfRange,
            type.id === 'int8' ? 'bigint out of range' : 'integer out of range',
          );
        }
      }
      orgnum = big.toString();
      if (d.post) orgnum += '.' + '0'.repeat(d.post);
    }
    if (orgnum[0] === '-') {
      sign = '-';
      numstr = orgnum.slice(1);
    } else numstr = orgnum;
    const dot = numstr.indexOf('.');
    const preLen = dot >= 0 ? dot : numstr.length;
    if (preLen < d.pre) outPreSpaces = d.pre - preLen;
    else if (preLen > d.pre) numstr = overflowNumber(d.pre, d.post);
  }
  return numProcessor(nodes, d, numstr, outPreSpaces, sign);
}

// ---------------------------------------------------------------------------------------------
// to_timestamp / to_date

interface FromCharResult {
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

function badValue(text: string, kw: string, detail: string, hint?: string): DatabaseError {
  return new DatabaseError(
    SqlState.invalidDatetimeFormat,
    `invalid value "${text}" for "${kw}"`,
    hint ? { detail, hint } : { detail },
  );
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** is_separator_char(): printable ASCII that is not a letter or digit. */
function isSeparatorCode(c: number): boolean {
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
function readInt(
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
function readName(input: string, st: { pos: number }, names: readonly string[], kw: string): number {
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
function adjustPartialYear(y: number): number {
  if (y < 70) return y + 2000;
  if (y < 100) return y + 1900;
  if (y < 520) return y + 2000;
  if (y < 1000) return y + 1000;
  return y;
}

const MONTH_ABBRS = MONTH_NAMES.map((m) => m.slice(0, 3));
const DAY_ABBRS = DAY_NAMES.map((m) => m.slice(0, 3));

/** DCH_from_char: reads `input` along the template into calendar fields. */
function fromChar(input: string, fmt: string): FromCharResult {
  const r: FromCharResult = {
    year: 0,
    yysz: 0,
    bc: false,
    cc: 0,
    mm: 0,
    dd: 0,
    ddd: 0,
    d: 0,
    ww: 0,
    w: 0,
    j: 0,
    isoWeekMode: false,
    hh: 0,
    mi: 0,
    ss: 0,
    ssss: 0,
    ms: 0,
    us: 0,
    clock12: false,
    pm: false,
    tzsign: 0,
    tzh: 0,
    tzm: 0,
  };
  const nodes = parseDchFormat(fmt);
  const st = { pos: 0 };
  let fx = false;
  let extraSkip = 0;
  for (let i = 0; i < nodes.length && st.pos < input.length; i++) {
    const n = nodes[i]!;
    const up = n.kw?.toUpperCase();
    if (!fx && up !== 'FX' && (n.kw !== undefined || i === 0)) {
      while (st.pos < input.length && isSpaceCode(input.charCodeAt(st.pos))) {
        st.pos++;
        extraSkip++;
      }
    }
    if (n.kw === undefined) {
      for (let k = 0; k < n.text.length && st.pos < input.length; k++) {
        const fc = n.text.charCodeAt(k);
        if (fc === 32 || isSeparatorCode(fc)) {
          if (!fx) {
            extraSkip--;
            const ic = input.charCodeAt(st.pos);
            if (isSpaceCode(ic) || isSeparatorCode(ic)) {
              st.pos++;
              extraSkip++;
            }
          } else st.pos++;
        } else if (!fx && extraSkip > 0) extraSkip--;
        else st.pos++;
      }
      continue;
    }
    switch (up) {
      case 'FX':
        fx = true;
        break;
      case 'A.D.':
      case 'B.C.':
        r.bc = readName(input, st, ['A.D.', 'B.C.'], n.kw) === 1;
        break;
      case 'AD':
      case 'BC':
        r.bc = readName(input, st, ['AD', 'BC'], n.kw) === 1;
        break;
      case 'A.M.':
      case 'P.M.':
        r.pm = readName(input, st, ['A.M.', 'P.M.'], n.kw) === 1;
        r.clock12 = true;
        break;
      case 'AM':
      case 'PM':
        r.pm = readName(input, st, ['AM', 'PM'], n.kw) === 1;
        r.clock12 = true;
        break;
      case 'HH':
      case 'HH12':
        r.hh = readInt(input, st, 2, nodes, i)[0];
        r.clock12 = true;
        break;
      case 'HH24':
        r.hh = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MI':
        r.mi = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'SS':
        r.ss = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MS': {
        const [v, len] = readInt(input, st, 3, nodes, i);
        r.ms = v * (len === 1 ? 100 : len === 2 ? 10 : 1);
        break;
      }
      case 'US':
      case 'FF1':
      case 'FF2':
      case 'FF3':
      case 'FF4':
      case 'FF5':
      case 'FF6': {
        const width = up === 'US' ? 6 : Number(up[2]);
        const [v, len] = readInt(input, st, width, nodes, i);
        r.us = v * 10 ** Math.max(0, 6 - len);
        break;
      }
      case 'SSSS':
      case 'SSSSS':
        r.ssss = readInt(input, st, up.length, nodes, i)[0];
        break;
      case 'TZ':
      case 'OF':
        throw notSupported(`formatting field "${n.kw}" is only supported in to_char`);
      case 'TZH': {
        const c = input[st.pos];
        if (c === '+' || c === '-' || c === ' ') {
          r.tzsign = c === '-' ? -1 : 1;
          st.pos++;
        } else r.tzsign = extraSkip > 0 && input[st.pos - 1] === '-' ? -1 : 1;
        r.tzh = readInt(input, st, 2, nodes, i)[0];
        break;
      }
      case 'TZM':
        if (!r.tzsign) r.tzsign = 1;
        r.tzm = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'MONTH':
        r.mm = readName(input, st, MONTH_NAMES, n.kw) + 1;
        break;
      case 'MON':
        r.mm = readName(input, st, MONTH_ABBRS, n.kw) + 1;
        break;
      case 'MM':
        r.mm = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'DAY':
        r.d = readName(input, st, DAY_NAMES, n.kw) + 1;
        break;
      case 'DY':
        r.d = readName(input, st, DAY_ABBRS, n.kw) + 1;
        break;
      case 'DDD':
        r.ddd = readInt(input, st, 3, nodes, i)[0];
        break;
      case 'IDDD':
        r.ddd = readInt(input, st, 3, nodes, i)[0];
        r.isoWeekMode = true;
        break;
      case 'DD':
        r.dd = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'D':
        r.d = readInt(input, st, 1, nodes, i)[0];
        break;
      case 'ID':
        r.d = readInt(input, st, 1, nodes, i)[0] + 1;
        if (r.d > 7) r.d = 1;
        r.isoWeekMode = true;
        break;
      case 'WW':
        r.ww = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'IW':
        r.ww = readInt(input, st, 2, nodes, i)[0];
        r.isoWeekMode = true;
        break;
      case 'Q':
        readInt(input, st, 1, nodes, i);
        break;
      case 'CC':
        r.cc = readInt(input, st, 2, nodes, i)[0];
        break;
      case 'Y,YYY': {
        const m = /^\s*(\d+),(\d{3})/.exec(input.slice(st.pos));
        if (!m) throw badValue(input.slice(st.pos, st.pos + 5), n.kw, 'Value must be an integer.');
        r.year = Number(m[1]) * 1000 + Number(m[2]);
        r.yysz = 4;
        st.pos += m[0].length;
        break;
      }
      case 'YYYY':
      case 'IYYY':
        r.year = readInt(input, st, 4, nodes, i)[0];
        r.yysz = 4;
        break;
      case 'YYY':
      case 'IYY':
      case 'YY':
      case 'IY':
      case 'Y':
      case 'I': {
        const width = up.replace('I', 'Y').length;
        const [v, len] = readInt(input, st, width, nodes, i);
        r.year = len < 4 ? adjustPartialYear(v) : v;
        r.yysz = width;
        break;
      }
      case 'RM': {
        while (st.pos < input.length && isSpaceCode(input.charCodeAt(st.pos))) st.pos++;
        const order = [...ROMAN_MONTHS].reverse();
        r.mm = 12 - readName(input, st, order, n.kw);
        break;
      }
      case 'W':
        r.w = readInt(input, st, 1, nodes, i)[0];
        break;
      case 'J':
        r.j = readInt(input, st, 1, nodes, i)[0];
        break;
      default:
        break;
    }
    if (n.th) {
      const suffix = input.slice(st.pos, st.pos + 2).toLowerCase();
      if (suffix === 'st' || suffix === 'nd' || suffix === 'rd' || suffix === 'th') st.pos += 2;
    }
  }
  return r;
}

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

function toTimestampText(input: string, fmt: string, ctx: FunctionContext): number {
  const r = fromChar(input, fmt);
  const local = fromCharToLocal(input, r);
  const off = tzOffsetOf(r);
  const utc = off !== undefined ? local - off * USECS_PER_SEC : localToUtc(local, sessionZone(ctx));
  return checkTimestamp(utc);
}

function toDate(input: string, fmt: string): number {
  const r = fromChar(input, fmt);
  const local = fromCharToLocal(input, r);
  const days = Math.floor(local / USECS_PER_DAY);
  if (!(days >= MIN_DATE && days < END_DATE)) throw fieldOverflow(`date out of range: "${input}"`);
  return days;
}

/** to_timestamp(float8): seconds since the Unix epoch, rounded to the microsecond as PostgreSQL does. */
function toTimestampEpoch(secs: number): number {
  if (Number.isNaN(secs)) throw fieldOverflow('timestamp cannot be NaN');
  if (!Number.isFinite(secs)) return secs;
  if (!(secs >= MIN_DATE * 86400 && secs < 9_224_318_016_000)) {
    throw fieldOverflow(`timestamp out of range: "${formatFloat(secs, false)}"`);
  }
  // PostgreSQL rebases to its 2000-01-01 epoch before scaling, which decides the rounding.
  return roundHalfEven((secs - 946_684_800) * 1e6) + 946_684_800_000_000;
}

// ---------------------------------------------------------------------------------------------
// Registration

const f = (
  name: string,
  args: readonly SqlType[],
  ret: SqlType,
  impl: ScalarFunction['impl'],
  extra?: {
    volatile?: boolean;
    strict?: boolean;
    argNames?: readonly string[];
    argDefaults?: readonly Value[];
  },
): ScalarFunction => ({ name, args, ret, impl, ...extra });

const nowFn = (_a: Value[], ctx: FunctionContext): Value => ctx.transactionStart;
const localNow = (ctx: FunctionContext): number => utcToLocal(ctx.transactionStart, sessionZone(ctx));

const dateTruncTz = (a: Value[], ctx: FunctionContext): Value =>
  truncTimestamptz(
    a[0] as string,
    a[1] as number,
    a.length > 2 ? atTimeZone(a[2] as string) : sessionZone(ctx),
  );

const makeIntervalOverloads: ScalarFunction[] = [];
for (let n = 0; n <= 7; n++) {
  const args: SqlType[] = [];
  for (let i = 0; i < n; i++) args.push(i === 6 ? T.float8 : T.int4);
  // The full form carries PostgreSQL's parameter names and zero defaults, for named notation.
  const named = n === 7 ? { argNames: MAKE_INTERVAL_ARG_NAMES, argDefaults: [0, 0, 0, 0, 0, 0, 0] } : {};
  makeIntervalOverloads.push(f('make_interval', args, IV, (a) => makeInterval(a), named));
}

const toCharNumeric = (type: SqlType): ScalarFunction =>
  f('to_char', [type, T.text], T.text, (a) => numberToChar(a[0]!, type, a[1] as string));

/** Scalar date/time functions and operators (operators are registered under their symbol). */
export const datetimeFunctions: ScalarFunction[] = [
  f('now', [], TSTZ, nowFn),
  f('transaction_timestamp', [], TSTZ, nowFn),
  f('statement_timestamp', [], TSTZ, (_a, ctx) => ctx.statementStart ?? ctx.transactionStart),
  f('clock_timestamp', [], TSTZ, (_a, ctx) => ctx.clock(), { volatile: true }),
  f(
    'timeofday',
    [],
    T.text,
    (_a, ctx) => {
      const z = sessionZone(ctx);
      return timestampToChar(ctx.clock(), 'Dy Mon DD HH24:MI:SS.US YYYY TZ', z);
    },
    { volatile: true },
  ),
  f('current_timestamp', [], TSTZ, nowFn),
  f('current_date', [], T.date, (_a, ctx) => Math.floor(localNow(ctx) / USECS_PER_DAY)),
  f('localtimestamp', [], TS, (_a, ctx) => localNow(ctx)),
  f('localtime', [], T.time, (_a, ctx) => {
    const l = localNow(ctx);
    return l - Math.floor(l / USECS_PER_DAY) * USECS_PER_DAY;
  }),

  f('date_part', [T.text, TS], T.float8, (a) =>
    timestampPart(a[0] as string, a[1] as number, TS, undefined, false),
  ),
  f('date_part', [T.text, TSTZ], T.float8, (a, ctx) =>
    timestampPart(
      a[0] as string,
      a[1] as number,
      TSTZ,
      Number.isFinite(a[1]) ? sessionZone(ctx).offsetAt(a[1] as number) : 0,
      false,
    ),
  ),
  f('date_part', [T.text, T.date], T.float8, (a) =>
    timestampPart(a[0] as string, dateToTimestamp(a[1] as number), TS, undefined, false),
  ),
  f('date_part', [T.text, IV], T.float8, (a) => intervalPart(a[0] as string, a[1] as Interval, false)),
  f('date_part', [T.text, T.time], T.float8, (a) => timePart(a[0] as string, a[1] as number, false)),
  f('extract', [T.text, TS], T.numeric, (a) =>
    timestampPart(a[0] as string, a[1] as number, TS, undefined, true),
  ),
  f('extract', [T.text, TSTZ], T.numeric, (a, ctx) =>
    timestampPart(
      a[0] as string,
      a[1] as number,
      TSTZ,
      Number.isFinite(a[1]) ? sessionZone(ctx).offsetAt(a[1] as number) : 0,
      true,
    ),
  ),
  f('extract', [T.text, T.date], T.numeric, (a) => dateExtract(a[0] as string, a[1] as number)),
  f('extract', [T.text, IV], T.numeric, (a) => intervalPart(a[0] as string, a[1] as Interval, true)),
  f('extract', [T.text, T.time], T.numeric, (a) => timePart(a[0] as string, a[1] as number, true)),

  f('date_trunc', [T.text, TS], TS, (a) => truncTimestamp(a[0] as string, a[1] as number)),
  f('date_trunc', [T.text, TSTZ], TSTZ, dateTruncTz),
  f('date_trunc', [T.text, TSTZ, T.text], TSTZ, dateTruncTz),
  f('date_trunc', [T.text, IV], IV, (a) => truncInterval(a[0] as string, a[1] as Interval)),

  f(
    'make_date',
    [T.int4, T.int4, T.int4],
    T.date,
    (a) => makeDate(a[0] as number, a[1] as number, a[2] as number),
    { argNames: ['year', 'month', 'day'] },
  ),
  f(
    'make_time',
    [T.int4, T.int4, T.float8],
    T.time,
    (a) => makeTimeMicros(a[0] as number, a[1] as number, a[2] as number),
    { argNames: ['hour', 'min', 'sec'] },
  ),
  f('make_timestamp', [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8], TS, (a) => makeTimestamp(a), {
    argNames: MAKE_TIMESTAMP_ARG_NAMES,
  }),
  f(
    'make_timestamptz',
    [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8],
    TSTZ,
    (a, ctx) => checkTimestamp(localToUtc(makeTimestamp(a), sessionZone(ctx))),
    { argNames: MAKE_TIMESTAMP_ARG_NAMES },
  ),
  f(
    'make_timestamptz',
    [T.int4, T.int4, T.int4, T.int4, T.int4, T.float8, T.text],
    TSTZ,
    (a) => checkTimestamp(localToUtc(makeTimestamp(a), saneTimeZone(a[6] as string))),
    { argNames: [...MAKE_TIMESTAMP_ARG_NAMES, 'timezone'] },
  ),
  ...makeIntervalOverloads,

  f('age', [TS, TS], IV, (a) => age(a[0] as number, a[1] as number)),
  f('age', [TSTZ, TSTZ], IV, (a, ctx) => {
    const z = sessionZone(ctx);
    return age(utcToLocal(a[0] as number, z), utcToLocal(a[1] as number, z));
  }),
  f('age', [TS], IV, (a, ctx) =>
    age(Math.floor(localNow(ctx) / USECS_PER_DAY) * USECS_PER_DAY, a[0] as number),
  ),
  f('age', [TSTZ], IV, (a, ctx) => {
    const z = sessionZone(ctx);
    return age(Math.floor(localNow(ctx) / USECS_PER_DAY) * USECS_PER_DAY, utcToLocal(a[0] as number, z));
  }),

  f('to_char', [TS, T.text], T.text, (a) => timestampToChar(a[0] as number, a[1] as string, undefined)),
  f('to_char', [TSTZ, T.text], T.text, (a, ctx) =>
    timestampToChar(a[0] as number, a[1] as string, sessionZone(ctx)),
  ),
  f('to_char', [T.date, T.text], T.text, (a, ctx) => {
    const d = a[0] as number;
    const z = sessionZone(ctx);
    return timestampToChar(Number.isFinite(d) ? localToUtc(d * USECS_PER_DAY, z) : d, a[1] as string, z);
  }),
  f('to_char', [IV, T.text], T.text, (a) => intervalToChar(a[0] as Interval, a[1] as string)),
  toCharNumeric(T.numeric),
  toCharNumeric(T.int4),
  toCharNumeric(T.int8),
  toCharNumeric(T.float4),
  toCharNumeric(T.float8),
  f('to_timestamp', [T.float8], TSTZ, (a) => toTimestampEpoch(a[0] as number)),
  f('to_timestamp', [T.text, T.text], TSTZ, (a, ctx) => toTimestampText(a[0] as string, a[1] as string, ctx)),
  f('to_date', [T.text, T.text], T.date, (a) => toDate(a[0] as string, a[1] as string)),

  f('date_bin', [IV, TS, TS], TS, (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number)),
  f('date_bin', [IV, TSTZ, TSTZ], TSTZ, (a) => dateBin(a[0] as Interval, a[1] as number, a[2] as number)),

  f('timezone', [T.text, TS], TSTZ, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(localToUtc(ts, atTimeZone(a[0] as string))) : ts;
  }),
  f('timezone', [T.text, TSTZ], TS, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(utcToLocal(ts, atTimeZone(a[0] as string))) : ts;
  }),
  f('timezone', [IV, TS], TSTZ, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(localToUtc(ts, intervalZone(a[0] as Interval))) : ts;
  }),
  f('timezone', [IV, TSTZ], TS, (a) => {
    const ts = a[1] as number;
    return Number.isFinite(ts) ? checkTimestamp(utcToLocal(ts, intervalZone(a[0] as Interval))) : ts;
  }),

  f('isfinite', [T.date], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [TS], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [TSTZ], T.bool, (a) => Number.isFinite(a[0])),
  f('isfinite', [IV], T.bool, () => true),
  f('justify_days', [IV], IV, (a) => justifyDays(a[0] as Interval)),
  f('justify_hours', [IV], IV, (a) => justifyHours(a[0] as Interval)),
  f('justify_interval', [IV], IV, (a) => justifyInterval(a[0] as Interval)),

  // TimescaleDB's time_bucket.
  f('time_bucket', [IV, TS], TS, (a) => bucketTimestamp(a[0] as Interval, a[1] as number, undefined)),
  f('time_bucket', [IV, TS, TS], TS, (a) =>
    bucketTimestamp(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, TS, IV], TS, (a) => {
    if (!Number.isFinite(a[1])) return a[1]!;
    const off = a[2] as Interval;
    const r = bucketTimestamp(a[0] as Interval, timestampPlusInterval(a[1] as number, off.neg()), undefined);
    return timestampPlusInterval(r, off);
  }),
  f('time_bucket', [IV, TSTZ], TSTZ, (a) => bucketTimestamp(a[0] as Interval, a[1] as number, undefined)),
  f('time_bucket', [IV, TSTZ, TSTZ], TSTZ, (a) =>
    bucketTimestamp(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, TSTZ, IV], TSTZ, (a, ctx) => {
    const ts = a[1] as number;
    if (!Number.isFinite(ts)) return ts;
    const off = a[2] as Interval;
    const zone = sessionZone(ctx);
    const r = bucketTimestamp(a[0] as Interval, timestamptzPlusInterval(ts, off.neg(), zone), undefined);
    return timestamptzPlusInterval(r, off, zone);
  }),
  f('time_bucket', [IV, TSTZ, T.text], TSTZ, (a) =>
    bucketInZone(a[0] as Interval, a[1] as number, a[2] as string, null, null),
  ),
  f(
    'time_bucket',
    [IV, TSTZ, T.text, TSTZ],
    TSTZ,
    (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      return bucketInZone(a[0] as Interval, a[1] as number, a[2] as string, a[3] as number | null, null);
    },
    { strict: false },
  ),
  f(
    'time_bucket',
    [IV, TSTZ, T.text, TSTZ, IV],
    TSTZ,
    (a) => {
      if (a[0] === null || a[1] === null || a[2] === null) return null;
      return bucketInZone(
        a[0] as Interval,
        a[1] as number,
        a[2] as string,
        a[3] as number | null,
        a[4] as Interval | null,
      );
    },
    { strict: false },
  ),
  f('time_bucket', [IV, T.date], T.date, (a) => bucketDate(a[0] as Interval, a[1] as number, undefined)),
  f('time_bucket', [IV, T.date, T.date], T.date, (a) =>
    bucketDate(a[0] as Interval, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [IV, T.date, IV], T.date, (a) => {
    const d = a[1] as number;
    if (!Number.isFinite(d)) return d;
    const off = a[2] as Interval;
    const shifted = timestampPlusInterval(d * USECS_PER_DAY, off.neg());
    const r = timestampPlusInterval(bucketTimestamp(a[0] as Interval, shifted, undefined), off);
    return Math.floor(r / USECS_PER_DAY);
  }),
  f('time_bucket', [T.int2, T.int2], T.int2, (a) => bucketInteger(a[0] as number, a[1] as number, 0)),
  f('time_bucket', [T.int2, T.int2, T.int2], T.int2, (a) =>
    bucketInteger(a[0] as number, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [T.int4, T.int4], T.int4, (a) => bucketInteger(a[0] as number, a[1] as number, 0)),
  f('time_bucket', [T.int4, T.int4, T.int4], T.int4, (a) =>
    bucketInteger(a[0] as number, a[1] as number, a[2] as number),
  ),
  f('time_bucket', [T.int8, T.int8], T.int8, (a) => bucketBigInt(a[0] as bigint, a[1] as bigint, 0n)),
  f('time_bucket', [T.int8, T.int8, T.int8], T.int8, (a) =>
    bucketBigInt(a[0] as bigint, a[1] as bigint, a[2] as bigint),
  ),

  // Operators.
  f('+', [T.date, T.int4], T.date, (a) => datePlusDays(a[0] as number, a[1] as number)),
  f('+', [T.int4, T.date], T.date, (a) => datePlusDays(a[1] as number, a[0] as number)),
  f('-', [T.date, T.int4], T.date, (a) => datePlusDays(a[0] as number, -(a[1] as number))),
  f('-', [T.date, T.date], T.int4, (a) => dateMinusDate(a[0] as number, a[1] as number)),
  f('+', [T.date, IV], TS, (a) => timestampPlusInterval(dateToTimestamp(a[0] as number), a[1] as Interval)),
  f('+', [IV, T.date], TS, (a) => timestampPlusInterval(dateToTimestamp(a[1] as number), a[0] as Interval)),
  f('-', [T.date, IV], TS, (a) =>
    timestampPlusInterval(dateToTimestamp(a[0] as number), (a[1] as Interval).neg()),
  ),
  f('+', [T.date, T.time], TS, (a) => {
    const d = a[0] as number;
    return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY + (a[1] as number)) : d;
  }),
  f('+', [T.time, T.date], TS, (a) => {
    const d = a[1] as number;
    return Number.isFinite(d) ? checkTimestamp(d * USECS_PER_DAY + (a[0] as number)) : d;
  }),
  f('+', [TS, IV], TS, (a) => timestampPlusInterval(a[0] as number, a[1] as Interval)),
  f('+', [IV, TS], TS, (a) => timestampPlusInterval(a[1] as number, a[0] as Interval)),
  f('-', [TS, IV], TS, (a) => timestampPlusInterval(a[0] as number, (a[1] as Interval).neg())),
  f('+', [TSTZ, IV], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[0] as number, a[1] as Interval, sessionZone(ctx)),
  ),
  f('+', [IV, TSTZ], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[1] as number, a[0] as Interval, sessionZone(ctx)),
  ),
  f('-', [TSTZ, IV], TSTZ, (a, ctx) =>
    timestamptzPlusInterval(a[0] as number, (a[1] as Interval).neg(), sessionZone(ctx)),
  ),
  f('-', [TS, TS], IV, (a) => timestampDifference(a[0] as number, a[1] as number)),
  f('-', [TSTZ, TSTZ], IV, (a) => timestampDifference(a[0] as number, a[1] as number)),
  f('+', [T.time, IV], T.time, (a) => timePlusInterval(a[0] as number, a[1] as Interval)),
  f('+', [IV, T.time], T.time, (a) => timePlusInterval(a[1] as number, a[0] as Interval)),
  f('-', [T.time, IV], T.time, (a) => timePlusInterval(a[0] as number, (a[1] as Interval).neg())),
  f('-', [T.time, T.time], IV, (a) => new Interval(0, 0, (a[0] as number) - (a[1] as number))),
  f('+', [IV, IV], IV, (a) => intervalAdd(a[0] as Interval, a[1] as Interval)),
  f('-', [IV, IV], IV, (a) => intervalSub(a[0] as Interval, a[1] as Interval)),
  f('-', [IV], IV, (a) => {
    const iv = a[0] as Interval;
    if (iv.months === INT32_MIN || iv.days === INT32_MIN) throw intervalOutOfRange();
    return iv.neg();
  }),
  f('*', [IV, T.float8], IV, (a) => intervalMul(a[0] as Interval, a[1] as number)),
  f('*', [T.float8, IV], IV, (a) => intervalMul(a[1] as Interval, a[0] as number)),
  f('/', [IV, T.float8], IV, (a) => intervalDiv(a[0] as Interval, a[1] as number)),
];

// ---------------------------------------------------------------------------------------------
// generate_series

function zeroStep(): DatabaseError {
  return invalidParameter('step size cannot equal zero');
}

function* seriesInt(start: number, stop: number, step: number): Iterable<Value[]> {
  if (step === 0) throw zeroStep();
  for (let v = start; step > 0 ? v <= stop : v >= stop; v += step) yield [v];
}

function* seriesBig(start: bigint, stop: bigint, step: bigint): Iterable<Value[]> {
  if (step === 0n) throw zeroStep();
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield [v];
}

function* seriesNumeric(start: Decimal, stop: Decimal, step: Decimal): Iterable<Value[]> {
  if (start.nan) throw invalidParameter('start value cannot be NaN');
  if (stop.nan) throw invalidParameter('stop value cannot be NaN');
  if (step.nan) throw invalidParameter('step size cannot be NaN');
  if (step.isZero()) throw zeroStep();
  const up = step.sign() > 0;
  for (let v = start; up ? v.cmp(stop) <= 0 : v.cmp(stop) >= 0; v = v.add(step)) yield [v];
}

function* seriesTimestamp(
  start: number,
  stop: number,
  step: Interval,
  add: (t: number) => number,
): Iterable<Value[]> {
  const dir = step.cmp(Interval.ZERO);
  if (dir === 0) throw zeroStep();
  for (let v = start; dir > 0 ? v <= stop : v >= stop; v = add(v)) yield [v];
}

const series = (args: readonly SqlType[], impl: TableFunction['impl']): TableFunction => ({
  name: 'generate_series',
  args,
  columns: (types) => [{ name: 'generate_series', type: types[0]! }],
  impl,
});

/** Set-returning date/time functions: generate_series over integers, numerics and timestamps. */
export const datetimeTableFunctions: TableFunction[] = [
  series([T.int4, T.int4], (a) => seriesInt(a[0] as number, a[1] as number, 1)),
  series([T.int4, T.int4, T.int4], (a) => seriesInt(a[0] as number, a[1] as number, a[2] as number)),
  series([T.int8, T.int8], (a) => seriesBig(a[0] as bigint, a[1] as bigint, 1n)),
  series([T.int8, T.int8, T.int8], (a) => seriesBig(a[0] as bigint, a[1] as bigint, a[2] as bigint)),
  series([T.numeric, T.numeric], (a) => seriesNumeric(a[0] as Decimal, a[1] as Decimal, Decimal.fromInt(1))),
  series([T.numeric, T.numeric, T.numeric], (a) =>
    seriesNumeric(a[0] as Decimal, a[1] as Decimal, a[2] as Decimal),
  ),
  series([TS, TS, IV], (a) => {
    const step = a[2] as Interval;
    return seriesTimestamp(a[0] as number, a[1] as number, step, (t) => timestampPlusInterval(t, step));
  }),
  series([TSTZ, TSTZ, IV], (a, ctx) => {
    const step = a[2] as Interval;
    const zone = sessionZone(ctx);
    return seriesTimestamp(a[0] as number, a[1] as number, step, (t) =>
      timestamptzPlusInterval(t, step, zone),
    );
  }),
];
