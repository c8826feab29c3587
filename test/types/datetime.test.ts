/**
 * Calendar and time zone rules, checked against values PostgreSQL 15 produces.
 * Invariants (property tests): civilFromDays ∘ daysFromCivil is the identity over PostgreSQL's
 * whole date range; localToUtc ∘ utcToLocal is the identity for instants outside DST overlaps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  END_DATE,
  MIN_DATE,
  USECS_PER_HOUR,
  addMonths,
  atTimeZone,
  civilFromDays,
  dayOfWeek,
  daysFromCivil,
  fieldsToTimestamp,
  formatOffset,
  isoWeek,
  justifyDays,
  justifyHours,
  justifyInterval,
  localToUtc,
  timeZone,
  timestampDifference,
  timestampPlusInterval,
  timestamptzPlusInterval,
  timestampToFields,
  utcToLocal,
  zoneAbbreviation,
} from '../../src/types/datetime.js';
import { Interval } from '../../src/types/interval.js';

const ts = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number =>
  fieldsToTimestamp(y, mo, d, h, mi, s);

describe('proleptic Gregorian calendar', () => {
  it('counts days from 1970-01-01', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 1, 1)).toBe(10957);
    expect(daysFromCivil(2024, 2, 29)).toBe(19782);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });

  it('uses astronomical years for BC dates (year 0 is 1 BC)', () => {
    // 4714-11-24 BC is Julian day 0, PostgreSQL's first date.
    expect(daysFromCivil(-4713, 11, 24)).toBe(MIN_DATE);
    expect(civilFromDays(MIN_DATE)).toEqual({ year: -4713, month: 11, day: 24 });
    expect(civilFromDays(daysFromCivil(0, 2, 29))).toEqual({ year: 0, month: 2, day: 29 });
  });

  it('round-trips every date in PostgreSQL range', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_DATE, max: END_DATE - 1 }), (days) => {
        const d = civilFromDays(days);
        return daysFromCivil(d.year, d.month, d.day) === days;
      }),
      { numRuns: 2000 },
    );
  });

  it('computes ISO weeks that straddle year ends', () => {
    expect(isoWeek(daysFromCivil(2024, 12, 30))).toEqual({ isoYear: 2025, week: 1 });
    expect(isoWeek(daysFromCivil(2021, 1, 3))).toEqual({ isoYear: 2020, week: 53 });
    expect(dayOfWeek(daysFromCivil(2024, 1, 7))).toBe(0);
  });

  it('splits timestamps before 1970 without negative fields', () => {
    expect(timestampToFields(-1)).toMatchObject({
      year: 1969,
      month: 12,
      day: 31,
      hour: 23,
      minute: 59,
      second: 59,
      micro: 999999,
    });
  });
});

describe('time zones', () => {
  it('reads bare offsets east-positive for the session zone', () => {
    expect(timeZone('+05:30').offsetAt(0)).toBe(19800);
    expect(timeZone('-8').offsetAt(0)).toBe(-28800);
    expect(timeZone('UTC').offsetAt(0)).toBe(0);
  });

  it('reads POSIX zone strings west-positive', () => {
    expect(timeZone('UTC+3').offsetAt(0)).toBe(-10800);
    expect(timeZone('<-08>+08').offsetAt(0)).toBe(-28800);
    expect(timeZone('<+05:30>-05:30').offsetAt(0)).toBe(19800);
  });

  it('reads AT TIME ZONE offsets as POSIX and prefers abbreviations, like PostgreSQL', () => {
    expect(atTimeZone('+05:30').offsetAt(0)).toBe(-19800);
    expect(atTimeZone('-8').offsetAt(0)).toBe(28800);
    // CET as an abbreviation is a fixed +01, even in summer.
    expect(atTimeZone('CET').offsetAt(ts(2024, 7, 1))).toBe(3600);
  });

  it('resolves IANA names in any case', () => {
    expect(timeZone('america/new_york').name).toBe('America/New_York');
    expect(timeZone('America/New_York').offsetAt(ts(2024, 1, 5, 12))).toBe(-18000);
    expect(timeZone('America/New_York').offsetAt(ts(2024, 7, 5, 12))).toBe(-14400);
  });

  it('rejects unknown zones with 22023', () => {
    expect(() => timeZone('Foo/Bar')).toThrow(
      expect.objectContaining({ code: '22023', message: 'time zone "Foo/Bar" not recognized' }),
    );
  });

  it('keeps local mean time offsets to the second', () => {
    expect(timeZone('America/New_York').offsetAt(ts(1800, 1, 1, 5))).toBe(-(4 * 3600 + 56 * 60 + 2));
    expect(timeZone('Asia/Kolkata').offsetAt(ts(1900, 1, 1))).toBe(5 * 3600 + 21 * 60 + 10);
  });

  it('moves a wall time in a spring-forward gap to daylight time', () => {
    const ny = timeZone('America/New_York');
    // '2024-03-10 02:30' America/New_York is 2024-03-10 03:30-04.
    expect(localToUtc(ts(2024, 3, 10, 2, 30), ny)).toBe(ts(2024, 3, 10, 7, 30));
  });

  it('reads an ambiguous fall-back wall time as standard time', () => {
    const ny = timeZone('America/New_York');
    // '2024-11-03 01:30' America/New_York is 01:30-05.
    expect(localToUtc(ts(2024, 11, 3, 1, 30), ny)).toBe(ts(2024, 11, 3, 6, 30));
  });

  it('round-trips instants through wall-clock time', () => {
    const zone = timeZone('Europe/Berlin');
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000, max: 2_000_000 }), (minutes) => {
        const utc = minutes * 60_000_000 * 13;
        const local = utcToLocal(utc, zone);
        // Inside a fall-back overlap PostgreSQL picks the later instant; skip those hours.
        const ambiguous = zone.offsetAt(utc - USECS_PER_HOUR) !== zone.offsetAt(utc + USECS_PER_HOUR);
        return ambiguous || localToUtc(local, zone) === utc;
      }),
      { numRuns: 1000 },
    );
  });

  it('formats offsets as timestamptz output does', () => {
    expect(formatOffset(0)).toBe('+00');
    expect(formatOffset(19800)).toBe('+05:30');
    expect(formatOffset(-28800)).toBe('-08');
    expect(formatOffset(-(4 * 3600 + 56 * 60 + 2))).toBe('-04:56:02');
  });

  it('names zone abbreviations, falling back to numeric ones', () => {
    const ny = timeZone('America/New_York');
    expect(zoneAbbreviation(ny, ts(2024, 1, 5))).toBe('EST');
    expect(zoneAbbreviation(ny, ts(2024, 7, 5))).toBe('EDT');
    expect(zoneAbbreviation(timeZone('UTC'), 0)).toBe('UTC');
    expect(zoneAbbreviation(timeZone('America/Sao_Paulo'), ts(2024, 1, 5))).toBe('-03');
  });
});

describe('interval arithmetic', () => {
  it('clamps the day of month when adding months', () => {
    expect(addMonths(ts(2024, 1, 31), 1)).toBe(ts(2024, 2, 29));
    expect(addMonths(ts(2024, 2, 29, 12), 12)).toBe(ts(2025, 2, 28, 12));
    expect(addMonths(ts(2024, 3, 31), -1)).toBe(ts(2024, 2, 29));
  });

  it('adds months, then days, then time to timestamps', () => {
    expect(timestampPlusInterval(ts(2024, 1, 31), new Interval(1, 1, 0))).toBe(ts(2024, 3, 1));
    expect(timestampPlusInterval(Infinity, new Interval(0, 1, 0))).toBe(Infinity);
  });

  it('raises 22008 when a timestamp leaves the supported range', () => {
    expect(() => timestampPlusInterval(ts(294276, 12, 31), new Interval(0, 1, 0))).toThrow(
      expect.objectContaining({ code: '22008', message: 'timestamp out of range' }),
    );
  });

  it('adds days to timestamptz on the wall clock of the session zone', () => {
    const ny = timeZone('America/New_York');
    const start = localToUtc(ts(2024, 3, 9, 12), ny);
    expect(utcToLocal(timestamptzPlusInterval(start, new Interval(0, 1, 0), ny), ny)).toBe(
      ts(2024, 3, 10, 12),
    );
    expect(utcToLocal(timestamptzPlusInterval(start, new Interval(0, 0, 24 * USECS_PER_HOUR), ny), ny)).toBe(
      ts(2024, 3, 10, 13),
    );
  });

  it('subtracts timestamps into days and time', () => {
    const d = timestampDifference(ts(2024, 3, 1), ts(2023, 1, 1, 12));
    expect([d.months, d.days, d.micros]).toEqual([0, 424, 12 * USECS_PER_HOUR]);
    expect(() => timestampDifference(Infinity, 0)).toThrow('cannot subtract infinite timestamps');
  });

  it('justifies intervals as PostgreSQL does', () => {
    const j = (iv: Interval): number[] => [iv.months, iv.days, iv.micros];
    expect(j(justifyDays(new Interval(0, 65, -USECS_PER_HOUR)))).toEqual([2, 5, -USECS_PER_HOUR]);
    expect(j(justifyDays(new Interval(0, -35, 0)))).toEqual([-1, -5, 0]);
    expect(j(justifyHours(new Interval(0, 0, 50 * USECS_PER_HOUR)))).toEqual([0, 2, 2 * USECS_PER_HOUR]);
    expect(j(justifyInterval(new Interval(1, 0, -USECS_PER_HOUR)))).toEqual([0, 29, 23 * USECS_PER_HOUR]);
    expect(j(justifyInterval(new Interval(-1, 35, 25 * USECS_PER_HOUR)))).toEqual([0, 6, USECS_PER_HOUR]);
  });
});
