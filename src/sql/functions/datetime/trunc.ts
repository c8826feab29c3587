import {
  USECS_PER_SEC,
  checkTimestamp,
  civilFromDays,
  isoDayOfWeek,
  localToUtc,
} from '../../../types/datetime.js';
import type { TimeZone } from '../../../types/datetime.js';
import { Interval } from '../../../types/interval.js';
import { typeName } from '../../../types/types.js';
import type { SqlType } from '../../../types/types.js';
import { IV, TS, TSTZ, fromTm, idiv, intervalTm, invalidParameter, toTm } from './common.js';
import type { Tm } from './common.js';
import { UNIT_WORDS, unitNotSupported } from './units.js';
import type { Unit } from './units.js';

/** date_trunc for timestamp, timestamptz and interval. */

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

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * The largest multiple of `step` at or below `ts`. Division and a one-step
 * correction: exact, and far cheaper than % on doubles this large.
 */
function floorTo(ts: number, step: number): number {
  // Beyond 2^53 µs (about 285 years from 1970) products can round: fmod is exact there.
  if (ts > MAX_EXACT || ts < -MAX_EXACT) return ts - (((ts % step) + step) % step);
  const b = Math.floor(ts / step) * step;
  if (b > ts) return b - step;
  return b + step <= ts ? b + step : b;
}

/** date_trunc(unit, timestamp) for a constant unit: the unit parsed once (throws if unknown). */
export function timestampTruncator(unitText: string): (ts: number) => number {
  const u = truncUnit(unitText, TS);
  const step = FIXED_UNIT_US[u];
  if (step !== undefined) return (ts) => (Number.isFinite(ts) ? floorTo(ts, step) : ts);
  return (ts) => {
    if (!Number.isFinite(ts)) return ts;
    const tm = toTm(ts);
    truncTm(u, tm);
    return checkTimestamp(fromTm(tm));
  };
}

export function truncTimestamp(unitText: string, ts: number): number {
  if (!Number.isFinite(ts)) return ts;
  let u = lastTruncUnit;
  if (unitText !== lastTruncText) {
    u = truncUnit(unitText, TS);
    lastTruncText = unitText;
    lastTruncUnit = u;
  }
  const step = FIXED_UNIT_US[u];
  // Timestamps count µs from midnight, so fixed units up to a day align with the epoch.
  if (step !== undefined) return floorTo(ts, step);
  const tm = toTm(ts);
  truncTm(u, tm);
  return checkTimestamp(fromTm(tm));
}

/** date_trunc on timestamptz: fields in `zone`; for day and coarser the zone offset is redone. */
export function truncTimestamptz(unitText: string, ts: number, zone: TimeZone): number {
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

export function truncInterval(unitText: string, iv: Interval): Interval {
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
