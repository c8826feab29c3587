import { DatabaseError, SqlState } from '../errors.js';
import { Interval } from './interval.js';

/**
 * Calendar arithmetic and time zones. Dates are days since 1970-01-01 and timestamps are float64
 * microseconds since 1970-01-01 00:00 UTC (see values.ts). Years are astronomical here: year 0 is
 * 1 BC, year -1 is 2 BC, as in PostgreSQL's internal struct pg_tm.
 */

export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_DAY = 86_400_000_000;
/** Julian day number of 1970-01-01. */
export const UNIX_EPOCH_JDATE = 2_440_588;
/** 2000-01-01 (PostgreSQL's epoch) as days since 1970-01-01. */
export const POSTGRES_EPOCH_DAYS = 10_957;

/** First valid date: 4714-11-24 BC (Julian day 0). */
export const MIN_DATE = -UNIX_EPOCH_JDATE;
/** One past the last valid date: 5874898-01-01. */
export const END_DATE = 2_145_042_906;
/** First valid timestamp: 4714-11-24 00:00 BC. */
export const MIN_TIMESTAMP = MIN_DATE * USECS_PER_DAY;
/** One past the last valid timestamp: 294277-01-01 00:00. */
export const END_TIMESTAMP = 9_224_318_016_000_000_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Proleptic Gregorian leap year test on an astronomical year. */
export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** Days in month `m` (1–12) of astronomical year `y`. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[m - 1]!;
}

/** Days since 1970-01-01 of the proleptic Gregorian date y-m-d (astronomical year). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** A calendar date; `year` is astronomical (0 = 1 BC). */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Broken-down timestamp. `micro` is the microseconds within the second. */
export interface TimestampFields extends CivilDate {
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

/** Splits microseconds since the epoch (read as local or UTC wall time) into calendar fields. */
export function timestampToFields(us: number): TimestampFields {
  const days = Math.floor(us / USECS_PER_DAY);
  const f = civilFromDays(days) as TimestampFields;
  let t = us - days * USECS_PER_DAY;
  f.hour = Math.floor(t / USECS_PER_HOUR);
  t -= f.hour * USECS_PER_HOUR;
  f.minute = Math.floor(t / USECS_PER_MINUTE);
  t -= f.minute * USECS_PER_MINUTE;
  f.second = Math.floor(t / USECS_PER_SEC);
  f.micro = t - f.second * USECS_PER_SEC;
  return f;
}

/** Microseconds since the epoch of a wall time; fields may overflow (hour 24, day 0) and carry. */
export function fieldsToTimestamp(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  micro = 0,
): number {
  return (
    (daysFromCivil(year, month, 1) + day - 1) * USECS_PER_DAY +
    hour * USECS_PER_HOUR +
    minute * USECS_PER_MINUTE +
    second * USECS_PER_SEC +
    micro
  );
}

/** Day of week of a date, 0 = Sunday. */
export function dayOfWeek(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** ISO 8601 day of week, 1 = Monday … 7 = Sunday. */
export function isoDayOfWeek(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** Day of the year, 1-based. */
export function dayOfYear(days: number): number {
  return days - daysFromCivil(civilFromDays(days).year, 1, 1) + 1;
}

/** ISO 8601 week-numbering year and week (1–53) of a date. */
export function isoWeek(days: number): { isoYear: number; week: number } {
  const thursday = days - isoDayOfWeek(days) + 4;
  const isoYear = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return { isoYear, week };
}

/** Days since 1970-01-01 of Monday of ISO week 1 of `isoYear`. */
export function isoYearStart(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4);
  return jan4 - isoDayOfWeek(jan4) + 1;
}

/** Is `days` a finite date inside PostgreSQL's range? */
export function isValidDate(days: number): boolean {
  return days >= MIN_DATE && days < END_DATE;
}

/** Is `us` a finite timestamp inside PostgreSQL's range? */
export function isValidTimestamp(us: number): boolean {
  return us >= MIN_TIMESTAMP && us < END_TIMESTAMP;
}

/** Throws 22008 `timestamp out of range` unless `us` is infinite or in range. */
export function checkTimestamp(us: number): number {
  if (!(us >= MIN_TIMESTAMP && us < END_TIMESTAMP) && us !== Infinity && us !== -Infinity) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  }
  return us;
}

/** Throws 22008 `date out of range` unless `days` is infinite or in range. */
export function checkDate(days: number): number {
  if (!(days >= MIN_DATE && days < END_DATE) && days !== Infinity && days !== -Infinity) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'date out of range');
  }
  return days;
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** A time zone: maps an instant to its UTC offset. */
export interface TimeZone {
  /** The name as given (or canonical for IANA zones). */
  readonly name: string;
  /** Offset in seconds east of UTC at the instant `utcMicros`. */
  offsetAt(utcMicros: number): number;
  /** Set for zones with one offset at all times. */
  readonly fixedOffset?: number;
}

class FixedZone implements TimeZone {
  readonly name: string;
  readonly fixedOffset: number;
  constructor(name: string, offset: number) {
    this.name = name;
    this.fixedOffset = offset;
  }
  offsetAt(): number {
    return this.fixedOffset;
  }
}

/** ~388 days: offsets are looked up in per-chunk transition lists built lazily from Intl. */
const CHUNK_SECONDS = 2 ** 25;
const SAMPLE_SECONDS = 7 * 86_400;
/** Date's range is ±8.64e15 ms; farther instants are shifted by whole 400-year cycles. */
const CYCLE_SECONDS = 146_097 * 86_400;
const MAX_INTL_SECONDS = 8.6e12;

class IanaZone implements TimeZone {
  readonly name: string;
  private readonly fmt: Intl.DateTimeFormat;
  /** chunk index → [offset0, transitionSec1, offset1, transitionSec2, offset2, ...]. */
  private readonly chunks = new Map<number, number[]>();

  constructor(fmt: Intl.DateTimeFormat) {
    this.fmt = fmt;
    this.name = fmt.resolvedOptions().timeZone;
  }

  offsetAt(utcMicros: number): number {
    const sec = Math.floor(utcMicros / USECS_PER_SEC);
    const c = Math.floor(sec / CHUNK_SECONDS);
    const chunk = this.chunks.get(c) ?? this.buildChunk(c);
    let off = chunk[0]!;
    for (let i = 1; i < chunk.length; i += 2) {
      if (sec < chunk[i]!) break;
      off = chunk[i + 1]!;
    }
    return off;
  }

  /** Samples the chunk weekly and bisects every change down to the second. */
  private buildChunk(c: number): number[] {
    const start = c * CHUNK_SECONDS;
    const end = start + CHUNK_SECONDS - 1;
    const out = [this.rawOffset(start)];
    let a = start;
    let oa = out[0]!;
    while (a < end) {
      const b = Math.min(a + SAMPLE_SECONDS, end);
      const ob = this.rawOffset(b);
      while (ob !== oa) {
        let lo = a;
        let hi = b;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.rawOffset(mid) === oa) lo = mid;
          else hi = mid;
        }
        oa = this.rawOffset(hi);
        out.push(hi, oa);
        a = hi;
      }
      a = b;
    }
    this.chunks.set(c, out);
    return out;
  }

  private rawOffset(sec: number): number {
    let s = sec;
    if (s > MAX_INTL_SECONDS) s -= Math.ceil((s - MAX_INTL_SECONDS) / CYCLE_SECONDS) * CYCLE_SECONDS;
    else if (s < -MAX_INTL_SECONDS) s += Math.ceil((-MAX_INTL_SECONDS - s) / CYCLE_SECONDS) * CYCLE_SECONDS;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of this.fmt.formatToParts(s * 1000)) {
      switch (p.type) {
        case 'year':
          year = Number(p.value);
          break;
        case 'month':
          month = Number(p.value);
          break;
        case 'day':
          day = Number(p.value);
          break;
        case 'hour':
          hour = Number(p.value);
          break;
        case 'minute':
          minute = Number(p.value);
          break;
        case 'second':
          second = Number(p.value);
          break;
        case 'era':
          bc = p.value === 'BC' || p.value === 'B';
          break;
        default:
          break;
      }
    }
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    return local - s;
  }
}

/**
 * PostgreSQL's default timezone_abbreviations set (the common part): offsets in seconds east.
 * Used for zone suffixes in datetime input and for AT TIME ZONE.
 */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0,
  UT: 0,
  GMT: 0,
  Z: 0,
  ZULU: 0,
  WET: 0,
  WEST: 3600,
  BST: 3600,
  CET: 3600,
  CEST: 7200,
  MET: 3600,
  MEST: 7200,
  EET: 7200,
  EEST: 10_800,
  MSK: 10_800,
  IST: 7200,
  EST: -18_000,
  EDT: -14_400,
  CST: -21_600,
  CDT: -18_000,
  MST: -25_200,
  MDT: -21_600,
  PST: -28_800,
  PDT: -25_200,
  AKST: -32_400,
  AKDT: -28_800,
  HST: -36_000,
  AST: -14_400,
  ADT: -10_800,
  NST: -12_600,
  NDT: -9000,
  JST: 32_400,
  KST: 32_400,
  HKT: 28_800,
  SGT: 28_800,
  AWST: 28_800,
  ACST: 34_200,
  ACDT: 37_800,
  AEST: 36_000,
  AEDT: 39_600,
  NZST: 43_200,
  NZDT: 46_800,
};

/** Offset in seconds east for a zone abbreviation such as `PST`, or undefined. */
export function zoneAbbreviationOffset(abbrev: string): number | undefined {
  return ZONE_ABBREVIATIONS[abbrev.toUpperCase()];
}

const UTC_ZONE = new FixedZone('UTC', 0);
const isoZoneCache = new Map<string, TimeZone>();
const posixZoneCache = new Map<string, TimeZone>();
const ianaCache = new Map<string, TimeZone | null>();

const NUMERIC_HOURS_RE = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
const OFFSET_RE = /^\s*([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?\s*$/;
const POSIX_RE =
  /^\s*(?:<([^>]*)>|([A-Za-z]{3,}))([+-]?)(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?(?:<[^>]*>|[A-Za-z]{3,})?\s*$/;

function zoneNotRecognized(name: string): DatabaseError {
  return new DatabaseError(SqlState.invalidParameterValue, `time zone "${name}" not recognized`);
}

function ianaZone(name: string): TimeZone | null {
  let z = ianaCache.get(name);
  if (z !== undefined) return z;
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const canonical = fmt.resolvedOptions().timeZone;
    z = canonical === 'UTC' || canonical === 'Etc/UTC' ? new FixedZone(canonical, 0) : new IanaZone(fmt);
  } catch {
    z = null;
  }
  ianaCache.set(name, z);
  return z;
}

function hmsSeconds(h: string | undefined, m: string | undefined, s: string | undefined): number {
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

function parseZone(spec: string, posix: boolean): TimeZone {
  const upper = spec.trim().toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z' || upper === 'ETC/UTC' || upper === 'UCT') {
    return UTC_ZONE;
  }
  if (NUMERIC_HOURS_RE.test(spec)) {
    // A bare number is hours; SET TIME ZONE reads it east-positive, AT TIME ZONE as a POSIX string.
    const h = Number(spec);
    if (Math.abs(h) > 168) throw zoneNotRecognized(spec);
    return new FixedZone(spec, Math.round(h * 3600) * (posix ? -1 : 1));
  }
  let m = OFFSET_RE.exec(spec);
  if (m) {
    const secs = hmsSeconds(m[2], m[3], m[4]);
    const east = m[1] === '-' ? -secs : secs;
    return new FixedZone(spec, posix ? -east : east);
  }
  if (posix) {
    const abbrev = ZONE_ABBREVIATIONS[upper];
    if (abbrev !== undefined) return new FixedZone(spec, abbrev);
  }
  const iana = ianaZone(spec);
  if (iana) return iana;
  m = POSIX_RE.exec(spec);
  if (m) {
    const secs = hmsSeconds(m[4], m[5], m[6]);
    return new FixedZone(spec, m[3] === '-' ? secs : -secs);
  }
  const abbrev = ZONE_ABBREVIATIONS[upper];
  if (abbrev !== undefined) return new FixedZone(spec, abbrev);
  throw zoneNotRecognized(spec);
}

/**
 * Resolves a session time zone (the TimeZone setting): an IANA name (any case), 'UTC', a POSIX
 * string like 'UTC+3' or '<-08>+08', or a fixed offset read east-positive ('+05:30', '-8').
 * Throws 22023 `time zone "…" not recognized`. Zones are cached.
 *
 * @example timeZone('Europe/Berlin').offsetAt(0) // 3600
 */
export function timeZone(spec: string): TimeZone {
  let z = isoZoneCache.get(spec);
  if (z === undefined) {
    z = parseZone(spec, false);
    isoZoneCache.set(spec, z);
  }
  return z;
}

/**
 * Resolves a zone as AT TIME ZONE and timezone(text, …) do: abbreviations ('PST') first, and
 * numeric offsets read as POSIX (west-positive: '+05:30' is UTC-05:30), like PostgreSQL.
 */
export function atTimeZone(spec: string): TimeZone {
  let z = posixZoneCache.get(spec);
  if (z === undefined) {
    z = parseZone(spec, true);
    posixZoneCache.set(spec, z);
  }
  return z;
}

/** A zone with a constant offset in seconds east of UTC. */
export function fixedTimeZone(offsetSeconds: number): TimeZone {
  return offsetSeconds === 0 ? UTC_ZONE : new FixedZone(formatOffset(offsetSeconds, true), offsetSeconds);
}

/** Wall-clock microseconds in `zone` of the instant `utc`. Infinities pass through. */
export function utcToLocal(utc: number, zone: TimeZone): number {
  if (zone.fixedOffset !== undefined) return utc + zone.fixedOffset * USECS_PER_SEC;
  if (!Number.isFinite(utc)) return utc;
  return utc + zone.offsetAt(utc) * USECS_PER_SEC;
}

/**
 * The instant whose wall-clock time in `zone` is `local`. Times in a DST gap or overlap resolve
 * as PostgreSQL resolves them: to the later of the two candidate instants (so 02:30 on a
 * spring-forward day becomes 03:30 daylight time, and an ambiguous 01:30 becomes standard time).
 */
export function localToUtc(local: number, zone: TimeZone): number {
  if (zone.fixedOffset !== undefined) return local - zone.fixedOffset * USECS_PER_SEC;
  if (!Number.isFinite(local)) return local;
  const before = zone.offsetAt(local - USECS_PER_DAY);
  const after = zone.offsetAt(local + USECS_PER_DAY);
  const tb = local - before * USECS_PER_SEC;
  if (before === after) return tb;
  const ta = local - after * USECS_PER_SEC;
  const validBefore = zone.offsetAt(tb) === before;
  const validAfter = zone.offsetAt(ta) === after;
  if (validBefore && !validAfter) return tb;
  if (validAfter && !validBefore) return ta;
  return Math.max(tb, ta);
}

/**
 * Offset text as PostgreSQL prints it after a timestamptz: '+00', '+05:30', '-04:56:02'.
 * With `always` minutes, '+00:00' style (for zone names).
 */
export function formatOffset(offsetSeconds: number, always = false): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  let s = Math.abs(offsetSeconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = sign + (h < 10 ? '0' : '') + h;
  if (m !== 0 || s !== 0 || always) out += ':' + (m < 10 ? '0' : '') + m;
  if (s !== 0) out += ':' + (s < 10 ? '0' : '') + s;
  return out;
}

const ABBREV_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-ZA', 'en-SG', 'en-HK', 'ja-JP'];
const abbrevFormatters = new Map<string, Intl.DateTimeFormat[]>();
const ALPHA_ABBREV_RE = /^[A-Z]{2,5}$/;

/**
 * The zone abbreviation in effect at `utc` (to_char's TZ, non-ISO DateStyles): 'UTC', 'EST',
 * 'CEST'; where no alphabetic abbreviation is known, the offset as PostgreSQL's tzdata spells it
 * ('+0530', '-03').
 */
export function zoneAbbreviation(zone: TimeZone, utc: number): string {
  const offset = zone.offsetAt(utc);
  if (zone.fixedOffset !== undefined) {
    if (offset === 0 && (zone.name === 'UTC' || zone.name === 'Etc/UTC')) return 'UTC';
    const up = zone.name.toUpperCase();
    if (ZONE_ABBREVIATIONS[up] === offset && /^[A-Z]+$/.test(up)) return up;
    return numericAbbreviation(offset);
  }
  let fmts = abbrevFormatters.get(zone.name);
  if (!fmts) {
    fmts = ABBREV_LOCALES.map(
      (l) => new Intl.DateTimeFormat(l, { timeZone: zone.name, timeZoneName: 'short' }),
    );
    abbrevFormatters.set(zone.name, fmts);
  }
  const ms = Number.isFinite(utc) ? Math.max(-8.64e15, Math.min(8.64e15, utc / 1000)) : 0;
  for (const f of fmts) {
    const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value;
    if (name && ALPHA_ABBREV_RE.test(name) && ((name !== 'GMT' && name !== 'UTC') || offset === 0))
      return name;
  }
  return numericAbbreviation(offset);
}

function numericAbbreviation(offset: number): string {
  const s = formatOffset(offset);
  return s.replace(/:/g, '');
}

// ---------------------------------------------------------------------------------------------
// Interval arithmetic on wall-clock timestamps

/** Adds months to a wall-clock timestamp, clamping the day to the end of the month as PostgreSQL does. */
export function addMonths(us: number, months: number): number {
  if (months === 0 || !Number.isFinite(us)) return us;
  const days = Math.floor(us / USECS_PER_DAY);
  const time = us - days * USECS_PER_DAY;
  const d = civilFromDays(days);
  const total = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const day = Math.min(d.day, daysInMonth(year, month));
  return daysFromCivil(year, month, day) * USECS_PER_DAY + time;
}

/** timestamp + interval: months (day clamped), then days, then microseconds. Throws 22008 on overflow. */
export function timestampPlusInterval(ts: number, iv: Interval): number {
  if (!Number.isFinite(ts)) return ts;
  let r = addMonths(ts, iv.months);
  r += iv.days * USECS_PER_DAY + iv.micros;
  return checkTimestamp(r);
}

/**
 * timestamptz + interval: the month and day parts are added to the wall-clock time in `zone` (so
 * '1 day' across a DST change keeps the local time), the time part to the instant.
 */
export function timestamptzPlusInterval(ts: number, iv: Interval, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  let r = ts;
  if (iv.months !== 0 || iv.days !== 0) {
    checkTimestamp(r);
    let local = utcToLocal(r, zone);
    local = addMonths(local, iv.months) + iv.days * USECS_PER_DAY;
    r = localToUtc(local, zone);
  }
  return checkTimestamp(r + iv.micros);
}

/** timestamp - timestamp as PostgreSQL computes it: microseconds, then justify_hours. */
export function timestampDifference(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'cannot subtract infinite timestamps');
  }
  return justifyHours(new Interval(0, 0, a - b));
}

/** Moves whole 24-hour periods from the time part into days (justify_hours). */
export function justifyHours(iv: Interval): Interval {
  let days = iv.days + Math.trunc(iv.micros / USECS_PER_DAY);
  let micros = iv.micros % USECS_PER_DAY;
  if (days > 0 && micros < 0) {
    micros += USECS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= USECS_PER_DAY;
    days++;
  }
  return new Interval(iv.months, days, micros + 0);
}

/** Moves whole 30-day periods from days into months (justify_days). */
export function justifyDays(iv: Interval): Interval {
  let months = iv.months + Math.trunc(iv.days / 30);
  let days = iv.days % 30;
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return new Interval(months, days + 0, iv.micros);
}

/** justify_interval: justify_hours and justify_days with all signs made consistent. */
export function justifyInterval(iv: Interval): Interval {
  let months = iv.months;
  let days = iv.days + Math.trunc(iv.micros / USECS_PER_DAY);
  let micros = iv.micros % USECS_PER_DAY;
  months += Math.trunc(days / 30);
  days %= 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0) {
    micros += USECS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= USECS_PER_DAY;
    days++;
  }
  return new Interval(months + 0, days + 0, micros + 0);
}
