import { DatabaseError, SqlState } from '../../errors.js';
import {
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  atTimeZone,
  civilFromDays,
  timeZone,
  utcToLocal,
  zoneAbbreviationOffset,
} from '../datetime.js';
import { isDigit } from './chars.js';
import type { TextIoContext } from './context.js';
import {
  dateOrderOf,
  decodeDate,
  decodeNumber,
  decodeNumberField,
  decodeTime,
  decodeTimezone,
  leadingInt,
  nowMicros,
  timeOverflows,
  validateDate,
} from './datetime-decode.js';
import {
  DATE_KEYWORDS,
  DATE_M,
  DtErr,
  DtError,
  F,
  Kw,
  M_ADBC,
  M_AMPM,
  M_DAY,
  M_DOW,
  M_MONTH,
  M_TZ,
  TIME_M,
  dtFields,
  splitDateTime,
} from './datetime-fields.js';
import type { DtFields } from './datetime-fields.js';

/** Datetime input, step 3: PostgreSQL's DecodeDateTime / DecodeTimeOnly over the split fields. */

/**
 * DecodeDateTime / DecodeTimeOnly. Fills `f`; returns the field mask. `timeOnly` accepts input
 * without a date (time type). Throws DtError for PostgreSQL's parse error kinds.
 */
export function decodeDateTime(text: string, ctx: TextIoContext, timeOnly: boolean): [DtFields, number] {
  const fields: string[] = [];
  const types: F[] = [];
  if (!splitDateTime(text, fields, types)) throw new DtError(DtErr.BadFormat);
  const f = dtFields();
  const order = dateOrderOf(ctx);
  let fmask = 0;
  let ptype: Kw | undefined;
  let haveTextMonth = false;
  let isJulian = false;
  let bc = false;
  let mer = -1;
  const nf = fields.length;
  for (let i = 0; i < nf; i++) {
    const field = fields[i]!;
    let tmask = 0;
    switch (types[i]!) {
      case F.Date:
        if (ptype === Kw.Julian) throw new DtError(DtErr.BadFormat);
        if (
          timeOnly
            ? !(i === 0 && nf >= 2 && (types[nf - 1] === F.Date || types[1] === F.Time))
            : ptype !== undefined || (fmask & (M_MONTH | M_DAY)) === (M_MONTH | M_DAY)
        ) {
          if (isDigit(field.charCodeAt(0)) || ptype !== undefined) {
            const dash = field.search(/[+-]/);
            if (dash < 0) throw new DtError(DtErr.BadFormat);
            f.tz = decodeTimezone(field.slice(dash));
            const m = decodeNumberField(field.slice(0, dash), fmask, f);
            tmask = m | M_TZ;
            ptype = undefined;
          } else {
            f.zone = atTimeZone(field);
            tmask = M_TZ;
          }
        } else {
          tmask = decodeDate(field, fmask, f, order);
        }
        break;
      case F.Time:
        if (ptype !== undefined) {
          if (ptype !== Kw.IsoTime) throw new DtError(DtErr.BadFormat);
          ptype = undefined;
        }
        decodeTime(field, f);
        tmask = TIME_M;
        if (timeOverflows(f.hour, f.minute, f.second, f.fsec)) throw new DtError(DtErr.FieldOverflow);
        break;
      case F.Tz:
        f.tz = decodeTimezone(field);
        tmask = M_TZ;
        break;
      case F.Number:
        if (ptype !== undefined) {
          const [value, end] = leadingInt(field, 0);
          if (end < field.length) {
            if (field.charCodeAt(end) !== 46) throw new DtError(DtErr.BadFormat);
          }
          if (ptype === Kw.Julian) {
            if (value < 0) throw new DtError(DtErr.FieldOverflow);
            const d = civilFromDays(value - 2_440_588);
            f.year = d.year;
            f.month = d.month;
            f.day = d.day;
            isJulian = true;
            tmask = DATE_M;
            if (end < field.length) {
              const frac = Number(field.slice(end));
              if (Number.isNaN(frac)) throw new DtError(DtErr.BadFormat);
              let t = Math.round(frac * USECS_PER_DAY);
              f.hour = Math.floor(t / USECS_PER_HOUR);
              t -= f.hour * USECS_PER_HOUR;
              f.minute = Math.floor(t / USECS_PER_MINUTE);
              t -= f.minute * USECS_PER_MINUTE;
              f.second = Math.floor(t / USECS_PER_SEC);
              f.fsec = t - f.second * USECS_PER_SEC;
              tmask |= TIME_M;
            }
          } else {
            tmask = decodeNumberField(field, fmask | DATE_M, f);
            if (tmask !== TIME_M) throw new DtError(DtErr.BadFormat);
          }
          ptype = undefined;
        } else {
          const flen = field.length;
          const dot = field.indexOf('.');
          if (timeOnly) {
            if (dot >= 0) {
              if (i === 0 && nf >= 2 && types[nf - 1] === F.Date) tmask = decodeDate(field, fmask, f, order);
              else if (dot > 2) tmask = decodeNumberField(field, fmask | DATE_M, f);
              else throw new DtError(DtErr.BadFormat);
            } else if (flen > 4) tmask = decodeNumberField(field, fmask | DATE_M, f);
            else tmask = decodeNumber(field, false, fmask | DATE_M, f, order);
          } else if (dot >= 0 && !(fmask & DATE_M)) {
            tmask = decodeDate(field, fmask, f, order);
          } else if (dot >= 0 && dot > 2) {
            tmask = decodeNumberField(field, fmask, f);
          } else if (flen >= 6 && (!(fmask & DATE_M) || !(fmask & TIME_M))) {
            tmask = decodeNumberField(field, fmask, f);
          } else {
            tmask = decodeNumber(field, haveTextMonth, fmask, f, order);
          }
        }
        break;
      case F.String:
      case F.Special: {
        const abbrev = zoneAbbreviationOffset(field);
        if (abbrev !== undefined && field !== 'z' && field !== 'zulu') {
          f.tz = abbrev;
          tmask = M_TZ;
          break;
        }
        const kw = DATE_KEYWORDS.get(field.length > 10 ? field.slice(0, 10) : field);
        if (!kw) {
          if (types[i] === F.String) {
            try {
              f.zone = atTimeZone(field);
            } catch {
              throw new DtError(DtErr.BadFormat);
            }
            tmask = M_TZ;
            break;
          }
          throw new DtError(DtErr.BadFormat);
        }
        switch (kw[0]) {
          case Kw.Ignore:
            continue;
          case Kw.Month:
            if (fmask & M_MONTH && !haveTextMonth && !(fmask & M_DAY) && f.month >= 1 && f.month <= 31) {
              f.day = f.month;
              tmask = M_DAY;
            } else tmask = M_MONTH;
            haveTextMonth = true;
            f.month = kw[1];
            break;
          case Kw.Dow:
            tmask = M_DOW;
            break;
          case Kw.AmPm:
            tmask = M_AMPM;
            mer = kw[1];
            break;
          case Kw.AdBc:
            tmask = M_ADBC;
            bc = kw[1] === 1;
            break;
          case Kw.Zulu:
            f.tz = 0;
            tmask = M_TZ;
            break;
          case Kw.Epoch:
          case Kw.Late:
          case Kw.Early:
            tmask = DATE_M | TIME_M | M_TZ;
            f.special = kw[0];
            break;
          case Kw.Now:
            tmask = timeOnly ? TIME_M | M_TZ : DATE_M | TIME_M | M_TZ;
            f.special = Kw.Now;
            break;
          case Kw.Today:
          case Kw.Tomorrow:
          case Kw.Yesterday: {
            tmask = DATE_M;
            const zone = timeZone(ctx.timezone);
            const local = utcToLocal(nowMicros(ctx), zone);
            const delta = kw[0] === Kw.Tomorrow ? 1 : kw[0] === Kw.Yesterday ? -1 : 0;
            const d = civilFromDays(Math.floor(local / USECS_PER_DAY) + delta);
            f.year = d.year;
            f.month = d.month;
            f.day = d.day;
            isJulian = true;
            break;
          }
          case Kw.Allballs:
            tmask = TIME_M;
            f.hour = f.minute = f.second = f.fsec = 0;
            break;
          case Kw.IsoTime:
            tmask = 0;
            if (!timeOnly && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
            if (
              i >= nf - 1 ||
              (types[i + 1] !== F.Number && types[i + 1] !== F.Time && types[i + 1] !== F.Date)
            ) {
              throw new DtError(DtErr.BadFormat);
            }
            ptype = Kw.IsoTime;
            break;
          case Kw.Julian:
            tmask = 0;
            ptype = Kw.Julian;
            break;
        }
        break;
      }
    }
    if (tmask & fmask) throw new DtError(DtErr.BadFormat);
    fmask |= tmask;
  }
  if (ptype !== undefined) throw new DtError(DtErr.BadFormat);
  if (f.special !== undefined) {
    if (timeOnly && f.special !== Kw.Now) throw new DtError(DtErr.BadFormat);
    return [f, fmask];
  }
  validateDate(fmask, isJulian, bc, f);
  if (timeOnly && f.zone && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
  if (mer >= 0 && f.hour > 12) throw new DtError(DtErr.FieldOverflow);
  if (mer === 0 && f.hour === 12) f.hour = 0;
  else if (mer === 1 && f.hour !== 12) f.hour += 12;
  if (f.special === undefined) {
    if (!timeOnly && (fmask & DATE_M) !== DATE_M) throw new DtError(DtErr.BadFormat);
    if (timeOnly && (fmask & TIME_M) !== TIME_M) throw new DtError(DtErr.BadFormat);
  }
  return [f, fmask];
}

export function dtParseError(e: unknown, text: string, type: string): never {
  if (!(e instanceof DtError)) throw e;
  switch (e.kind) {
    case DtErr.FieldOverflow:
      throw new DatabaseError(
        SqlState.datetimeFieldOverflow,
        `date/time field value out of range: "${text}"`,
      );
    case DtErr.MdFieldOverflow:
      throw new DatabaseError(
        SqlState.datetimeFieldOverflow,
        `date/time field value out of range: "${text}"`,
        {
          hint: 'Perhaps you need a different "datestyle" setting.',
        },
      );
    case DtErr.TzDispOverflow:
      throw new DatabaseError(
        SqlState.invalidTimeZoneDisplacementValue,
        `time zone displacement out of range: "${text}"`,
      );
    default:
      throw new DatabaseError(
        SqlState.invalidDatetimeFormat,
        `invalid input syntax for type ${type}: "${text}"`,
      );
  }
}
