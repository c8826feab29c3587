import { USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from '../datetime.js';
import { isDigit } from './chars.js';
import { DtErr, DtError } from './datetime-fields.js';
import { U, adjustFractMicroseconds, adjustMicroseconds, adjustYears, applyUnit } from './interval-units.js';
import type { ItmIn } from './interval-units.js';

/** interval_in for ISO 8601 durations (PostgreSQL's DecodeISO8601Interval). */

const ISO_NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** ParseISO8601Number: a signed decimal → [integer part, fraction], advancing `pos`. */
function isoNumber(s: string, pos: { i: number }): [number, number] {
  const m = ISO_NUMBER_RE.exec(s.slice(pos.i));
  if (!m) throw new DtError(DtErr.BadFormat);
  pos.i += m[0].length;
  const v = Number(m[0]);
  if (Number.isNaN(v) || v < -1e15 || v > 1e15) throw new DtError(DtErr.FieldOverflow);
  const ip = v >= 0 ? Math.floor(v) : -Math.floor(-v);
  return [ip, v - ip];
}

function isoIntegerWidth(s: string, i: number): number {
  let j = i;
  if (s.charCodeAt(j) === 45) j++;
  const st = j;
  while (isDigit(s.charCodeAt(j))) j++;
  return j - st;
}

/**
 * The "-MM[-DD]" after the year of the alternative format ("P0001-02-03T04:05:06"). Returns true
 * at the end of the input; false at the 'T' that starts the time part, which it consumes.
 */
function isoMonthDay(s: string, pos: { i: number }, itm: ItmIn): boolean {
  let [val, fval] = isoNumber(s, pos);
  applyUnit(U.Month, val, fval, itm);
  if (s[pos.i] === '-') {
    pos.i++;
    [val, fval] = isoNumber(s, pos);
    applyUnit(U.Day, val, fval, itm);
  }
  if (pos.i >= s.length) return true;
  if (s[pos.i] !== 'T') throw new DtError(DtErr.BadFormat);
  pos.i++;
  return false;
}

export function decodeIso8601Interval(s: string, itm: ItmIn): void {
  if (s.length < 2 || s.charCodeAt(0) !== 80) throw new DtError(DtErr.BadFormat);
  const pos = { i: 1 };
  let datePart = true;
  let haveField = false;
  while (pos.i < s.length) {
    if (s.charCodeAt(pos.i) === 84) {
      datePart = false;
      haveField = false;
      pos.i++;
      continue;
    }
    const fieldStart = pos.i;
    let [val, fval] = isoNumber(s, pos);
    const unit = pos.i < s.length ? s[pos.i]! : '';
    pos.i++;
    if (datePart) {
      switch (unit) {
        case 'Y':
          adjustYears(val, fval, 1, itm);
          break;
        case 'M':
          applyUnit(U.Month, val, fval, itm);
          break;
        case 'W':
          applyUnit(U.Week, val, fval, itm);
          break;
        case 'D':
          applyUnit(U.Day, val, fval, itm);
          break;
        case 'T':
        case '':
        case '-': {
          if ((unit === 'T' || unit === '') && isoIntegerWidth(s, fieldStart) === 8 && !haveField) {
            const sign = val < 0 ? -1 : 1;
            const a = Math.abs(val);
            adjustYears(sign * Math.floor(a / 10000), 0, 1, itm);
            applyUnit(U.Month, sign * (Math.floor(a / 100) % 100), 0, itm);
            applyUnit(U.Day, sign * (a % 100), fval, itm);
            if (unit === '') return;
            datePart = false;
            haveField = false;
            continue;
          }
          if (haveField) throw new DtError(DtErr.BadFormat);
          adjustYears(val, fval, 1, itm);
          if (unit === '') return;
          if (unit === '-' && isoMonthDay(s, pos, itm)) return;
          datePart = false;
          haveField = false;
          continue;
        }
        default:
          throw new DtError(DtErr.BadFormat);
      }
    } else {
      switch (unit) {
        case 'H':
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          break;
        case 'M':
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          break;
        case 'S':
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          break;
        case '':
        case ':': {
          if (unit === '' && isoIntegerWidth(s, fieldStart) === 6 && !haveField) {
            const sign = val < 0 ? -1 : 1;
            const a = Math.abs(val);
            adjustMicroseconds(sign * Math.floor(a / 10000), 0, USECS_PER_HOUR, itm);
            adjustMicroseconds(sign * (Math.floor(a / 100) % 100), 0, USECS_PER_MINUTE, itm);
            adjustMicroseconds(sign * (a % 100), 0, USECS_PER_SEC, itm);
            adjustFractMicroseconds(fval, 1, itm);
            return;
          }
          if (haveField) throw new DtError(DtErr.BadFormat);
          adjustMicroseconds(val, fval, USECS_PER_HOUR, itm);
          if (unit === '') return;
          [val, fval] = isoNumber(s, pos);
          adjustMicroseconds(val, fval, USECS_PER_MINUTE, itm);
          if (pos.i >= s.length) return;
          if (s[pos.i] !== ':') throw new DtError(DtErr.BadFormat);
          pos.i++;
          [val, fval] = isoNumber(s, pos);
          adjustMicroseconds(val, fval, USECS_PER_SEC, itm);
          if (pos.i >= s.length) return;
          throw new DtError(DtErr.BadFormat);
        }
        default:
          throw new DtError(DtErr.BadFormat);
      }
    }
    haveField = true;
  }
}
