import { DatabaseError, SqlState } from '../../../errors.js';
import {
  UNIX_EPOCH_JDATE,
  USECS_PER_SEC,
  dayOfWeek,
  dayOfYear,
  isoDayOfWeek,
  isoWeek,
  isoYearStart,
  zoneAbbreviation,
} from '../../../types/datetime.js';
import type { TimeZone } from '../../../types/datetime.js';
import type { Interval } from '../../../types/interval.js';
import type { Value } from '../../../types/values.js';
import { idiv, intervalTm, toTm } from './common.js';
import type { Tm } from './common.js';
import { DAY_NAMES, MONTH_NAMES, ROMAN_MONTHS, parseDchFormat } from './dch-format.js';
import type { DchNode } from './dch-format.js';

/** to_char for timestamp, timestamptz and interval (PostgreSQL's DCH_to_char). */

/** get_th(): English ordinal suffix of the number text. */
export function ordinal(num: string, upper: boolean): string {
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

export function timestampToChar(us: number, fmt: string, zone: TimeZone | undefined): Value {
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

export function intervalToChar(iv: Interval, fmt: string): Value {
  if (fmt.length === 0) return null;
  return dchToChar(fmt, { tm: intervalTm(iv), interval: true, gmtoff: 0, tzn: undefined });
}
