import {
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
  civilFromDays,
  formatOffset,
  zoneAbbreviation,
} from '../datetime.js';
import type { TimeZone } from '../datetime.js';
import type { Interval } from '../interval.js';
import { pad2, pad4 } from './chars.js';

/** Text output for date, timestamp, timestamptz, time and interval in every DateStyle. */

const enum DateStyle {
  ISO,
  SQL,
  German,
  Postgres,
}

interface ParsedDateStyle {
  style: DateStyle;
  dmy: boolean;
}
const dateStyleCache = new Map<string, ParsedDateStyle>();
const ISO_STYLE: ParsedDateStyle = { style: DateStyle.ISO, dmy: false };

function parseDateStyle(ds: string | undefined): ParsedDateStyle {
  if (ds === undefined) return ISO_STYLE;
  let p = dateStyleCache.get(ds);
  if (!p) {
    const u = ds.toUpperCase();
    const style = u.includes('SQL')
      ? DateStyle.SQL
      : u.includes('GERMAN')
        ? DateStyle.German
        : u.includes('POSTGRES')
          ? DateStyle.Postgres
          : DateStyle.ISO;
    p = { style, dmy: u.includes('DMY') || u.includes('EURO') };
    dateStyleCache.set(ds, p);
  }
  return p;
}

const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_ABBR = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Year as PostgreSQL prints it: at least four digits, BC years as 1 - year. */
function yearText(year: number): string {
  return pad4(year > 0 ? year : 1 - year);
}

function fracText(micro: number): string {
  if (micro === 0) return '';
  let s = String(micro + 1_000_000).slice(1);
  let end = 6;
  while (s.charCodeAt(end - 1) === 48) end--;
  s = s.slice(0, end);
  return '.' + s;
}

/** hh:mm:ss[.ffffff] of microseconds within a day (or beyond, for 24:00:00). */
function timeText(t: number): string {
  const h = Math.floor(t / USECS_PER_HOUR);
  let r = t - h * USECS_PER_HOUR;
  const m = Math.floor(r / USECS_PER_MINUTE);
  r -= m * USECS_PER_MINUTE;
  const s = Math.floor(r / USECS_PER_SEC);
  return pad2(h) + ':' + pad2(m) + ':' + pad2(s) + fracText(r - s * USECS_PER_SEC);
}

/** date_out. */
export function formatDate(days: number, dateStyle?: string): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const d = civilFromDays(days);
  const y = yearText(d.year);
  const bc = d.year <= 0 ? ' BC' : '';
  const ds = parseDateStyle(dateStyle);
  switch (ds.style) {
    case DateStyle.ISO:
      return y + '-' + pad2(d.month) + '-' + pad2(d.day) + bc;
    case DateStyle.SQL:
      return (ds.dmy ? pad2(d.day) + '/' + pad2(d.month) : pad2(d.month) + '/' + pad2(d.day)) + '/' + y + bc;
    case DateStyle.German:
      return pad2(d.day) + '.' + pad2(d.month) + '.' + y + bc;
    case DateStyle.Postgres:
      return (ds.dmy ? pad2(d.day) + '-' + pad2(d.month) : pad2(d.month) + '-' + pad2(d.day)) + '-' + y + bc;
  }
}

/**
 * timestamp_out (zone undefined) and timestamptz_out (zone = session zone): ISO
 * '2024-01-05 13:04:05.123456+05:30', or the SQL/German/Postgres DateStyles.
 */
export function formatTimestamp(us: number, zone?: TimeZone, dateStyle?: string): string {
  if (us === Infinity) return 'infinity';
  if (us === -Infinity) return '-infinity';
  const utc = Math.round(us);
  const offset = zone ? zone.offsetAt(utc) : 0;
  const local = utc + offset * USECS_PER_SEC;
  const days = Math.floor(local / USECS_PER_DAY);
  const t = local - days * USECS_PER_DAY;
  const d = civilFromDays(days);
  const y = yearText(d.year);
  const bc = d.year <= 0 ? ' BC' : '';
  const ds = parseDateStyle(dateStyle);
  switch (ds.style) {
    case DateStyle.ISO:
      return (
        y +
        '-' +
        pad2(d.month) +
        '-' +
        pad2(d.day) +
        ' ' +
        timeText(t) +
        (zone ? formatOffset(offset) : '') +
        bc
      );
    case DateStyle.SQL: {
      const md = ds.dmy ? pad2(d.day) + '/' + pad2(d.month) : pad2(d.month) + '/' + pad2(d.day);
      return md + '/' + y + ' ' + timeText(t) + (zone ? ' ' + abbreviationText(zone, utc) : '') + bc;
    }
    case DateStyle.German:
      return (
        pad2(d.day) +
        '.' +
        pad2(d.month) +
        '.' +
        y +
        ' ' +
        timeText(t) +
        (zone ? ' ' + abbreviationText(zone, utc) : '') +
        bc
      );
    case DateStyle.Postgres: {
      const dow = DAY_ABBR[(((days + 4) % 7) + 7) % 7]!;
      const mon = MONTH_ABBR[d.month - 1]!;
      const md = ds.dmy ? pad2(d.day) + ' ' + mon : mon + ' ' + pad2(d.day);
      return (
        dow + ' ' + md + ' ' + timeText(t) + ' ' + y + (zone ? ' ' + abbreviationText(zone, utc) : '') + bc
      );
    }
  }
}

function abbreviationText(zone: TimeZone, utc: number): string {
  if (zone.fixedOffset !== undefined && !/^[A-Za-z]/.test(zone.name)) return '';
  const a = zoneAbbreviation(zone, utc);
  return a;
}

/** time_out. */
export function formatTime(us: number): string {
  return timeText(Math.round(us));
}

/** interval_out in IntervalStyle 'postgres': '1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00'. */
export function formatInterval(iv: Interval): string {
  const years = Math.trunc(iv.months / 12);
  const mons = iv.months - years * 12;
  let out = '';
  let isBefore = false;
  let isZero = true;
  const part = (v: number, unit: string): void => {
    if (v === 0) return;
    out += (isZero ? '' : ' ') + (isBefore && v > 0 ? '+' : '') + v + ' ' + unit + (v !== 1 ? 's' : '');
    isBefore = v < 0;
    isZero = false;
  };
  part(years, 'year');
  part(mons, 'mon');
  part(iv.days, 'day');
  const micros = Math.round(iv.micros);
  if (isZero || micros !== 0) {
    const neg = micros < 0;
    const a = Math.abs(micros);
    const h = Math.floor(a / USECS_PER_HOUR);
    let r = a - h * USECS_PER_HOUR;
    const m = Math.floor(r / USECS_PER_MINUTE);
    r -= m * USECS_PER_MINUTE;
    const s = Math.floor(r / USECS_PER_SEC);
    out +=
      (isZero ? '' : ' ') +
      (neg ? '-' : isBefore ? '+' : '') +
      pad2(h) +
      ':' +
      pad2(m) +
      ':' +
      pad2(s) +
      fracText(r - s * USECS_PER_SEC);
  }
  return out;
}
