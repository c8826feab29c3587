import {
  USECS_PER_DAY,
  atTimeZone,
  checkTimestamp,
  civilFromDays,
  daysFromCivil,
  localToUtc,
  timestampPlusInterval,
  utcToLocal,
} from '../../../types/datetime.js';
import type { Interval } from '../../../types/interval.js';
import { fieldOverflow, invalidParameter, notSupported } from './common.js';

/** date_bin and TimescaleDB's time_bucket. */

export function dateBin(stride: Interval, ts: number, origin: number): number {
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
/** time_bucket(width, timestamp) for a constant day/second width: the period checked once. */
export function timestampBucketer(width: Interval): ((ts: number) => number) | null {
  if (width.months !== 0) return null;
  const p = bucketPeriod(width);
  const o = BUCKET_ORIGIN;
  return (ts) => (Number.isFinite(ts) ? checkTimestamp(o + Math.floor((ts - o) / p) * p) : ts);
}

export function bucketTimestamp(width: Interval, ts: number, origin: number | undefined): number {
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

export function bucketDate(width: Interval, date: number, origin: number | undefined): number {
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

export function bucketInteger(width: number, v: number, offset: number): number {
  if (width <= 0) throw invalidParameter('period must be greater than 0');
  const off = offset % width;
  return Math.floor((v - off) / width) * width + off;
}

export function bucketBigInt(width: bigint, v: bigint, offset: bigint): bigint {
  if (width <= 0n) throw invalidParameter('period must be greater than 0');
  const off = offset % width;
  const t = v - off;
  let q = t / width;
  if (t < 0n && t % width !== 0n) q -= 1n;
  return q * width + off;
}

/** time_bucket(width, timestamptz, zone [, origin [, offset]]): buckets on the wall clock of `zone`. */
export function bucketInZone(
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
