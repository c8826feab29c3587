import { DatabaseError, SqlState } from '../../../errors.js';
import {
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  civilFromDays,
  daysFromCivil,
  timeZone,
} from '../../../types/datetime.js';
import type { TimeZone } from '../../../types/datetime.js';
import type { Interval } from '../../../types/interval.js';
import { T } from '../../../types/types.js';
import type { FunctionContext } from '../registry.js';

/**
 * Helpers shared by the date/time functions: type shorthands, error constructors and the
 * broken-down Tm (PostgreSQL's struct pg_tm).
 */

export const TS = T.timestamp;
export const TSTZ = T.timestamptz;
export const IV = T.interval;

export function sessionZone(ctx: FunctionContext): TimeZone {
  return timeZone(ctx.timezone);
}

export function invalidParameter(msg: string, extra?: { detail?: string; hint?: string }): DatabaseError {
  return new DatabaseError(SqlState.invalidParameterValue, msg, extra);
}

export function notSupported(msg: string, extra?: { detail?: string }): DatabaseError {
  return new DatabaseError(SqlState.featureNotSupported, msg, extra);
}

export function fieldOverflow(msg: string): DatabaseError {
  return new DatabaseError(SqlState.datetimeFieldOverflow, msg);
}

/** Calendar fields of a wall-clock timestamp, as PostgreSQL's struct pg_tm (year astronomical). */
export interface Tm {
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

export function toTm(local: number): Tm {
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

export function fromTm(tm: Tm): number {
  return (
    daysFromCivil(tm.year, tm.mon, tm.mday) * USECS_PER_DAY +
    tm.hour * USECS_PER_HOUR +
    tm.min * USECS_PER_MINUTE +
    tm.sec * USECS_PER_SEC +
    tm.fsec
  );
}

/** Interval split as interval2itm does: years/months from months, h/m/s from the time part. */
export function intervalTm(iv: Interval): Tm {
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
export function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}
