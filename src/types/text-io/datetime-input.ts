import { DatabaseError, SqlState } from '../../errors.js';
import {
  END_DATE,
  MIN_DATE,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  daysFromCivil,
  daysInMonth,
  isValidTimestamp,
  localToUtc,
  timeZone,
  utcToLocal,
} from '../datetime.js';
import { isDigit } from './chars.js';
import type { TextIoContext } from './context.js';
import { nowMicros, timeOverflows } from './datetime-decode.js';
import { Kw, dtFields } from './datetime-fields.js';
import type { DtFields } from './datetime-fields.js';
import { decodeDateTime, dtParseError } from './decode-datetime.js';

/** date_in, timestamp_in, timestamptz_in and time_in, with a fast path for plain ISO 8601 input. */

/** Two decimal digits at s[k], or -1. */
function two(s: string, k: number): number {
  const a = s.charCodeAt(k) - 48;
  const b = s.charCodeAt(k + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Fast path for ISO 'YYYY-MM-DD[( |T)hh:mm[:ss[.ffffff]]][Z|±hh[:mm]]', the form bulk loads
 * use. Returns undefined to defer to the general decoder (which also reports errors).
 */
function fastIso(s: string): DtFields | undefined {
  const n = s.length;
  if (n < 10 || n > 40) return undefined;
  let i = 0;
  let year = 0;
  while (i < n && isDigit(s.charCodeAt(i))) year = year * 10 + s.charCodeAt(i++) - 48;
  if (i < 4 || i > 6 || s.charCodeAt(i) !== 45 || year === 0) return undefined;
  const m1 = s.charCodeAt(i + 1) - 48;
  const m2 = s.charCodeAt(i + 2) - 48;
  const d1 = s.charCodeAt(i + 4) - 48;
  const d2 = s.charCodeAt(i + 5) - 48;
  if (!(
    m1 >= 0 &&
    m1 <= 9 &&
    m2 >= 0 &&
    m2 <= 9 &&
    s.charCodeAt(i + 3) === 45 &&
    d1 >= 0 &&
    d1 <= 9 &&
    d2 >= 0 &&
    d2 <= 9
  )) {
    return undefined;
  }
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  i += 6;
  const f = dtFields(year, month, day);
  if (i === n) return f;
  const sep = s.charCodeAt(i);
  if (sep !== 32 && sep !== 84 && sep !== 116) return undefined;
  i++;
  f.hour = two(s, i);
  if (f.hour < 0 || s.charCodeAt(i + 2) !== 58) return undefined;
  f.minute = two(s, i + 3);
  if (f.minute < 0) return undefined;
  i += 5;
  if (s.charCodeAt(i) === 58) {
    f.second = two(s, i + 1);
    if (f.second < 0) return undefined;
    i += 3;
    if (s.charCodeAt(i) === 46) {
      i++;
      let frac = 0;
      let scale = 1e6;
      const st = i;
      while (i < n && isDigit(s.charCodeAt(i))) {
        if (i - st < 6) {
          scale /= 10;
          frac += (s.charCodeAt(i) - 48) * scale;
        } else if (i - st === 6) {
          const d = s.charCodeAt(i) - 48;
          // Round half to even on the 7th digit only when nothing follows it.
          let rest = false;
          for (let k = i + 1; k < n && isDigit(s.charCodeAt(k)); k++) if (s.charCodeAt(k) !== 48) rest = true;
          if (d > 5 || (d === 5 && (rest || frac % 2 === 1))) frac += 1;
        }
        i++;
      }
      if (i === st) return undefined;
      f.fsec = frac;
    }
  }
  if (f.minute > 59 || f.second > 60 || timeOverflows(f.hour, f.minute, f.second, f.fsec)) return undefined;
  if (i === n) return f;
  if (s.charCodeAt(i) === 32) i++;
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i + 1 === n) {
    f.tz = 0;
    return f;
  }
  if (z !== 43 && z !== 45) return undefined;
  const th = two(s, i + 1);
  if (th < 0 || th > 15) return undefined;
  let tz = th * 3600;
  i += 3;
  if (i < n) {
    if (s.charCodeAt(i) === 58) i++;
    const tm = two(s, i);
    if (tm < 0 || tm > 59) return undefined;
    tz += tm * 60;
    i += 2;
  }
  if (i !== n) return undefined;
  f.tz = z === 45 ? -tz : tz;
  return f;
}

function specialOf(f: DtFields): number | undefined {
  switch (f.special) {
    case Kw.Late:
      return Infinity;
    case Kw.Early:
      return -Infinity;
    case Kw.Epoch:
      return 0;
    default:
      return undefined;
  }
}

/** date_in. */
export function parseDate(text: string, ctx: TextIoContext): number {
  let f = fastIso(text);
  if (!f) {
    try {
      f = decodeDateTime(text, ctx, false)[0];
    } catch (e) {
      dtParseError(e, text, 'date');
    }
    const sp = specialOf(f);
    if (sp !== undefined) return sp;
    if (f.special === Kw.Now) {
      return Math.floor(utcToLocal(nowMicros(ctx), timeZone(ctx.timezone)) / USECS_PER_DAY);
    }
  }
  const days = daysFromCivil(f.year, f.month, f.day);
  if (!(days >= MIN_DATE && days < END_DATE)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `date out of range: "${text}"`);
  }
  return days;
}

function fieldsLocalMicros(f: DtFields): number {
  return (
    daysFromCivil(f.year, f.month, f.day) * USECS_PER_DAY +
    f.hour * USECS_PER_HOUR +
    f.minute * USECS_PER_MINUTE +
    f.second * USECS_PER_SEC +
    f.fsec
  );
}

/** timestamp_in (a zone in the input is parsed and ignored) and timestamptz_in. */
export function parseTimestamp(text: string, ctx: TextIoContext, withZone: boolean): number {
  const tname = withZone ? 'timestamp with time zone' : 'timestamp';
  let f = fastIso(text);
  if (!f) {
    try {
      f = decodeDateTime(text, ctx, false)[0];
    } catch (e) {
      dtParseError(e, text, tname);
    }
    const sp = specialOf(f);
    if (sp !== undefined) return sp;
    if (f.special === Kw.Now) {
      const now = nowMicros(ctx);
      return withZone ? now : utcToLocal(now, timeZone(ctx.timezone));
    }
  }
  const local = fieldsLocalMicros(f);
  let r = local;
  if (withZone) {
    if (f.tz !== undefined) r = local - f.tz * USECS_PER_SEC;
    else r = localToUtc(local, f.zone ?? timeZone(ctx.timezone));
  }
  if (!isValidTimestamp(r)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  return r;
}

/** time_in: microseconds since midnight, 24:00:00 allowed. */
export function parseTime(text: string, ctx: TextIoContext): number {
  let f: DtFields;
  try {
    f = decodeDateTime(text, ctx, true)[0];
  } catch (e) {
    dtParseError(e, text, 'time');
  }
  if (f.special === Kw.Now) {
    const local = utcToLocal(nowMicros(ctx), timeZone(ctx.timezone));
    return local - Math.floor(local / USECS_PER_DAY) * USECS_PER_DAY;
  }
  if (f.special !== undefined)
    throw new DatabaseError(SqlState.invalidDatetimeFormat, `invalid input syntax for type time: "${text}"`);
  if (timeOverflows(f.hour, f.minute, f.second, f.fsec)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  return f.hour * USECS_PER_HOUR + f.minute * USECS_PER_MINUTE + f.second * USECS_PER_SEC + f.fsec;
}
