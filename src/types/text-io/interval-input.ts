import { DatabaseError, SqlState } from '../../errors.js';
import { USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from '../datetime.js';
import { Interval } from '../interval.js';
import { decodeTime, leadingInt } from './datetime-decode.js';
import { DtErr, DtError, F, splitDateTime } from './datetime-fields.js';
import { decodeIso8601Interval } from './interval-iso8601.js';
import {
  ALL_SECS_MASK,
  INT32_MAX,
  INT32_MIN,
  INT64_LIMIT,
  INTERVAL_TIME_MASK,
  INTERVAL_UNITS,
  U,
  UNIT_MASK,
  applyUnit,
} from './interval-units.js';
import type { ItmIn } from './interval-units.js';

/** interval_in: PostgreSQL's DecodeInterval for the postgres and sql_standard formats. */

const DIGITS_RE = /^\d+$/;

/** Interval text in the postgres, sql_standard or ISO 8601 formats → Interval. */
export function parseInterval(text: string): Interval {
  const itm: ItmIn = { usec: 0, days: 0, months: 0, years: 0 };
  let err: DtErr | undefined;
  try {
    decodeInterval(text, itm);
  } catch (e) {
    if (!(e instanceof DtError)) throw e;
    err = e.kind;
  }
  if (err === DtErr.BadFormat) {
    itm.usec = itm.days = itm.months = itm.years = 0;
    err = undefined;
    try {
      decodeIso8601Interval(text, itm);
    } catch (e) {
      if (!(e instanceof DtError)) throw e;
      err = e.kind;
    }
  }
  if (err !== undefined) {
    if (err === DtErr.BadFormat) {
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `invalid input syntax for type interval: "${text}"`,
      );
    }
    throw new DatabaseError(SqlState.intervalFieldOverflow, `interval field value out of range: "${text}"`);
  }
  const months = itm.years * 12 + itm.months;
  if (months > INT32_MAX || months < INT32_MIN) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  return new Interval(months + 0, itm.days + 0, itm.usec + 0);
}

function decodeInterval(text: string, itm: ItmIn): void {
  const fields: string[] = [];
  const types: F[] = [];
  if (!splitDateTime(text, fields, types)) throw new DtError(DtErr.BadFormat);
  let fmask = 0;
  let unit: U | undefined;
  let isBefore = false;
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i]!;
    let tmask = 0;
    let t = types[i]!;
    if (t === F.Tz && field.indexOf(':') > 0) {
      const tf = { hour: 0, minute: 0, second: 0, fsec: 0 };
      let ok = true;
      try {
        decodeTime(field.slice(1), tf);
      } catch {
        ok = false;
      }
      if (ok) {
        const us =
          tf.hour * USECS_PER_HOUR + tf.minute * USECS_PER_MINUTE + tf.second * USECS_PER_SEC + tf.fsec;
        itm.usec = field.charCodeAt(0) === 45 ? -us : us;
        tmask = INTERVAL_TIME_MASK;
        unit = U.Day;
        if (tmask & fmask) throw new DtError(DtErr.BadFormat);
        fmask |= tmask;
        continue;
      }
      t = F.Number;
    }
    switch (t) {
      case F.Time: {
        const tf = { hour: 0, minute: 0, second: 0, fsec: 0 };
        decodeTime(field, tf);
        itm.usec =
          tf.hour * USECS_PER_HOUR + tf.minute * USECS_PER_MINUTE + tf.second * USECS_PER_SEC + tf.fsec;
        if (Math.abs(itm.usec) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
        tmask = INTERVAL_TIME_MASK;
        unit = U.Day;
        break;
      }
      case F.Tz:
      case F.Date:
      case F.Number: {
        if (unit === undefined) unit = U.Second;
        const neg = field.charCodeAt(0) === 45;
        const [val, end] = leadingInt(field, 0);
        if (end === 0 || (end === 1 && (field[0] === '-' || field[0] === '+')))
          throw new DtError(DtErr.BadFormat);
        if (Math.abs(val) > INT64_LIMIT) throw new DtError(DtErr.FieldOverflow);
        let v = val;
        let fval = 0;
        if (end < field.length) {
          const c = field.charCodeAt(end);
          if (c === 45) {
            const rest = field.slice(end + 1);
            if (!DIGITS_RE.test(rest)) throw new DtError(DtErr.BadFormat);
            let val2 = Number(rest);
            if (val2 >= 12) throw new DtError(DtErr.FieldOverflow);
            if (neg) val2 = -val2;
            v = val * 12 + val2;
            unit = U.Month;
          } else if (c === 46) {
            const frac = field.slice(end);
            if (!/^\.\d*$/.test(frac)) throw new DtError(DtErr.BadFormat);
            fval = frac === '.' ? 0 : Number(frac);
            if (neg) fval = -fval;
          } else throw new DtError(DtErr.BadFormat);
        }
        applyUnit(unit, v, fval, itm);
        if (unit === U.Second) tmask = fval === 0 ? UNIT_MASK[U.Second]! : ALL_SECS_MASK;
        else tmask = UNIT_MASK[unit]!;
        if (unit === U.Hour) unit = U.Day;
        break;
      }
      case F.String:
      case F.Special: {
        const u = INTERVAL_UNITS.get(field.length > 10 ? field.slice(0, 10) : field);
        if (u === undefined || u === U.Other) throw new DtError(DtErr.BadFormat);
        if (u === U.Ago) isBefore = true;
        unit = u;
        break;
      }
    }
    if (tmask & fmask) throw new DtError(DtErr.BadFormat);
    fmask |= tmask;
  }
  if (fmask === 0) throw new DtError(DtErr.BadFormat);
  if (isBefore) {
    itm.usec = -itm.usec;
    itm.days = -itm.days;
    itm.months = -itm.months;
    itm.years = -itm.years;
  }
}
