/**
 * Date/time functions and operators. Expected values come from PostgreSQL 15 (time_bucket from
 * TimescaleDB's definition, cross-checked with DuckDB's compatible implementation).
 */
import { describe, expect, it } from 'vitest';
import {
  MAKE_INTERVAL_ARG_NAMES,
  datetimeFunctions,
  datetimeTableFunctions,
  intervalDiv,
  intervalMul,
} from '../../../src/sql/functions/datetime-functions.js';
import type { FunctionContext } from '../../../src/sql/functions/registry.js';
import { formatValue, parseValue } from '../../../src/types/text-io.js';
import { T, typeFromName } from '../../../src/types/types.js';
import type { SqlType } from '../../../src/types/types.js';
import { Interval } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';

const NOW = Date.UTC(2024, 0, 5, 3, 4, 5) * 1000;

function session(timezone = 'UTC'): FunctionContext {
  return { timezone, transactionStart: NOW, clock: () => NOW + 1, setting: () => undefined };
}

/** An argument written as 'type:literal' (e.g. 'timestamp:2024-01-05'). */
function arg(spec: string, ctx: FunctionContext): [SqlType, Value] {
  const i = spec.indexOf(':');
  const type = typeFromName(spec.slice(0, i))!;
  return [type, parseValue(spec.slice(i + 1), type, ctx)];
}

/** Calls the overload of `name` matching the argument types and prints the result as PostgreSQL would. */
function sql(name: string, args: string[], timezone = 'UTC'): string {
  const ctx = session(timezone);
  const typed = args.map((a) => arg(a, ctx));
  const types = typed.map(([t]) => t);
  const fn = datetimeFunctions.find(
    (f) => f.name === name && f.args.length === types.length && f.args.every((a, k) => a.id === types[k]!.id),
  );
  if (!fn) throw new Error(`no overload ${name}(${types.map((t) => t.id).join(', ')})`);
  const v = fn.impl(
    typed.map(([, v]) => v),
    ctx,
    types,
  );
  const ret = typeof fn.ret === 'function' ? fn.ret(types) : fn.ret;
  return v === null ? 'NULL' : formatValue(v, ret, ctx);
}

function series(args: string[], timezone = 'UTC'): string[] {
  const ctx = session(timezone);
  const typed = args.map((a) => arg(a, ctx));
  const types = typed.map(([t]) => t);
  const fn = datetimeTableFunctions.find(
    (f) => f.args.length === types.length && f.args.every((a, k) => a.id === types[k]!.id),
  )!;
  expect(fn.columns(types)).toEqual([{ name: 'generate_series', type: types[0] }]);
  return [
    ...fn.impl(
      typed.map(([, v]) => v),
      ctx,
      types,
    ),
  ].map((r) => formatValue(r[0]!, types[0]!, ctx));
}

describe('current time', () => {
  it('returns the transaction start for now() and its aliases', () => {
    for (const name of ['now', 'transaction_timestamp', 'current_timestamp', 'statement_timestamp']) {
      expect(sql(name, [])).toBe('2024-01-05 03:04:05+00');
    }
  });

  it('reads the clock for clock_timestamp and marks it volatile', () => {
    const fn = datetimeFunctions.find((f) => f.name === 'clock_timestamp')!;
    expect(fn.volatile).toBe(true);
    expect(fn.impl([], session(), [])).toBe(NOW + 1);
  });

  it('gives the local date and time of the session zone', () => {
    expect(sql('current_date', [], 'America/New_York')).toBe('2024-01-04');
    expect(sql('localtimestamp', [], 'America/New_York')).toBe('2024-01-04 22:04:05');
    expect(sql('localtime', [], 'Asia/Kolkata')).toBe('08:34:05');
  });
});

describe('date_part and extract', () => {
  const ts = 'timestamp:2024-01-05 13:04:05.5';
  it('returns numerics with PostgreSQL scales from extract', () => {
    expect(sql('extract', ['text:second', ts])).toBe('5.500000');
    expect(sql('extract', ['text:epoch', ts])).toBe('1704459845.500000');
    expect(sql('extract', ['text:milliseconds', ts])).toBe('5500.000');
    expect(sql('extract', ['text:microseconds', ts])).toBe('5500000');
    expect(sql('extract', ['text:julian', ts])).toBe('2460315.54450810185185185185');
  });

  it('returns float8 from date_part', () => {
    expect(sql('date_part', ['text:second', ts])).toBe('5.5');
    expect(sql('date_part', ['text:julian', ts])).toBe('2460315.544508102');
    expect(sql('date_part', ['text:hour', 'date:2024-01-05'])).toBe('0');
  });

  it('computes calendar fields, BC years included', () => {
    expect(sql('extract', ['text:dow', 'timestamp:2024-01-07'])).toBe('0');
    expect(sql('extract', ['text:isodow', 'timestamp:2024-01-07'])).toBe('7');
    expect(sql('extract', ['text:week', 'timestamp:2024-12-30'])).toBe('1');
    expect(sql('extract', ['text:isoyear', 'timestamp:2024-12-30'])).toBe('2025');
    expect(sql('extract', ['text:doy', 'timestamp:2024-12-31'])).toBe('366');
    expect(sql('extract', ['text:quarter', 'timestamp:2024-05-01'])).toBe('2');
    expect(sql('extract', ['text:century', 'timestamp:2000-05-01'])).toBe('20');
    expect(sql('extract', ['text:millennium', 'timestamp:2001-05-01'])).toBe('3');
    expect(sql('extract', ['text:year', 'timestamp:0005-05-01 BC'])).toBe('-5');
    expect(sql('extract', ['text:decade', 'timestamp:0005-05-01 BC'])).toBe('-1');
    expect(sql('extract', ['text:century', 'timestamp:0001-05-01 BC'])).toBe('-1');
  });

  it('reads timestamptz fields in the session zone', () => {
    const v = 'timestamptz:2024-01-05 00:00+00';
    expect(sql('extract', ['text:hour', v], 'Asia/Kolkata')).toBe('5');
    expect(sql('extract', ['text:timezone', v], 'Asia/Kolkata')).toBe('19800');
    expect(sql('extract', ['text:timezone_minute', v], 'Asia/Kolkata')).toBe('30');
    expect(sql('extract', ['text:epoch', v], 'Asia/Kolkata')).toBe('1704412800.000000');
  });

  it('extracts from dates, times and intervals', () => {
    expect(sql('extract', ['text:epoch', 'date:2024-01-05'])).toBe('1704412800');
    expect(sql('extract', ['text:julian', 'date:2024-01-05'])).toBe('2460315');
    expect(sql('extract', ['text:epoch', 'time:13:04:05.5'])).toBe('47045.500000');
    expect(sql('extract', ['text:epoch', 'interval:1 year 2 mons 3 days 04:05:06.5'])).toBe(
      '37015506.500000',
    );
    expect(sql('date_part', ['text:epoch', 'interval:1 year 2 mons 3 days 04:05:06.5'])).toBe('37015506.5');
    expect(sql('extract', ['text:month', 'interval:1 year 14 mons'])).toBe('2');
    expect(sql('extract', ['text:minute', 'interval:-90 minutes'])).toBe('-30');
    expect(sql('date_part', ['text:decade', 'interval:-1 year -14 mons'])).toBe('0');
  });

  it('returns NULL or infinity for infinite timestamps', () => {
    expect(sql('date_part', ['text:year', 'timestamp:infinity'])).toBe('Infinity');
    expect(sql('date_part', ['text:epoch', 'timestamp:-infinity'])).toBe('-Infinity');
    expect(sql('date_part', ['text:month', 'timestamp:infinity'])).toBe('NULL');
  });

  it('distinguishes unknown units from unsupported ones', () => {
    expect(() => sql('date_part', ['text:foo', ts])).toThrow(
      expect.objectContaining({
        code: '22023',
        message: 'unit "foo" not recognized for type timestamp without time zone',
      }),
    );
    expect(() => sql('extract', ['text:timezone', ts])).toThrow(
      expect.objectContaining({
        code: '0A000',
        message: 'unit "timezone" not supported for type timestamp without time zone',
      }),
    );
    expect(() => sql('extract', ['text:hour', 'date:2024-01-05'])).toThrow(
      'unit "hour" not supported for type date',
    );
    expect(() => sql('extract', ['text:week', 'interval:1 day'])).toThrow(
      'unit "week" not supported for type interval',
    );
    expect(() => sql('extract', ['text:day', 'time:13:00'])).toThrow(
      'unit "day" not supported for type time without time zone',
    );
  });

  it('accepts unit spellings in any case and abbreviated', () => {
    expect(sql('date_part', ['text:SECONDS', ts])).toBe('5.5');
    expect(sql('date_part', ['text:msec', ts])).toBe('5500');
    expect(sql('date_part', ['text:Year', ts])).toBe('2024');
  });
});

describe('date_trunc', () => {
  it('truncates timestamps to each unit', () => {
    const v = 'timestamp:2024-05-05 13:14:15.123456';
    expect(sql('date_trunc', ['text:millennium', v])).toBe('2001-01-01 00:00:00');
    expect(sql('date_trunc', ['text:decade', v])).toBe('2020-01-01 00:00:00');
    expect(sql('date_trunc', ['text:quarter', v])).toBe('2024-04-01 00:00:00');
    expect(sql('date_trunc', ['text:week', 'timestamp:2024-01-07 13:00'])).toBe('2024-01-01 00:00:00');
    expect(sql('date_trunc', ['text:milliseconds', v])).toBe('2024-05-05 13:14:15.123');
    expect(sql('date_trunc', ['text:century', 'timestamp:0001-05-05 BC'])).toBe('0100-01-01 00:00:00 BC');
    expect(sql('date_trunc', ['text:decade', 'timestamp:0005-05-05 BC'])).toBe('0011-01-01 00:00:00 BC');
  });

  it('truncates timestamptz on the wall clock of the session or given zone', () => {
    expect(sql('date_trunc', ['text:day', 'timestamptz:2024-03-10 12:00'], 'America/New_York')).toBe(
      '2024-03-10 00:00:00-05',
    );
    expect(sql('date_trunc', ['text:hour', 'timestamptz:2024-11-03 01:30-05'], 'America/New_York')).toBe(
      '2024-11-03 01:00:00-05',
    );
    expect(
      sql(
        'date_trunc',
        ['text:day', 'timestamptz:2024-03-10 12:00', 'text:Asia/Kolkata'],
        'America/New_York',
      ),
    ).toBe('2024-03-09 13:30:00-05');
    expect(sql('date_trunc', ['text:week', 'timestamptz:infinity'])).toBe('infinity');
  });

  it('truncates intervals but not to weeks', () => {
    expect(sql('date_trunc', ['text:year', 'interval:1 year 5 mons 3 days 04:05:06.789'])).toBe('1 year');
    expect(sql('date_trunc', ['text:quarter', 'interval:1 year 5 mons'])).toBe('1 year 3 mons');
    expect(sql('date_trunc', ['text:millisecond', 'interval:00:00:01.23456'])).toBe('00:00:01.234');
    expect(() => sql('date_trunc', ['text:week', 'interval:1 day'])).toThrow(
      expect.objectContaining({ code: '0A000', detail: 'Months usually have fractional weeks.' }),
    );
    expect(() => sql('date_trunc', ['text:dow', 'interval:1 day'])).toThrow(
      'unit "dow" not recognized for type interval',
    );
  });
});

describe('make_*', () => {
  it('builds dates, times and timestamps, negative years being BC', () => {
    expect(sql('make_date', ['int4:-44', 'int4:3', 'int4:15'])).toBe('0044-03-15 BC');
    expect(sql('make_time', ['int4:13', 'int4:4', 'float8:5.5'])).toBe('13:04:05.5');
    expect(sql('make_time', ['int4:1', 'int4:0', 'float8:60'])).toBe('01:01:00');
    expect(
      sql('make_timestamp', ['int4:2024', 'int4:1', 'int4:5', 'int4:13', 'int4:4', 'float8:5.9999999']),
    ).toBe('2024-01-05 13:04:06');
  });

  it('reports field errors as PostgreSQL spells them', () => {
    expect(() => sql('make_date', ['int4:2024', 'int4:2', 'int4:30'])).toThrow(
      expect.objectContaining({ code: '22008', message: 'date field value out of range: 2024-02-30' }),
    );
    expect(() => sql('make_time', ['int4:24', 'int4:0', 'float8:0.1'])).toThrow(
      'time field value out of range: 24:00:0.1',
    );
    expect(() => sql('make_time', ['int4:1', 'int4:0', 'float8:-1'])).toThrow(
      'time field value out of range: 1:00:-1',
    );
  });

  it('reads make_timestamptz zones with ISO-signed numeric offsets', () => {
    const a = ['int4:2024', 'int4:1', 'int4:5', 'int4:13', 'int4:4', 'float8:5.5'];
    expect(sql('make_timestamptz', a, 'America/New_York')).toBe('2024-01-05 13:04:05.5-05');
    expect(sql('make_timestamptz', [...a, 'text:+05:30'], 'America/New_York')).toBe(
      '2024-01-05 02:34:05.5-05',
    );
    expect(sql('make_timestamptz', [...a, 'text:PST'], 'America/New_York')).toBe('2024-01-05 16:04:05.5-05');
    expect(() => sql('make_timestamptz', [...a, 'text:Foo/Bar'])).toThrow(
      'time zone "Foo/Bar" not recognized',
    );
  });

  it('builds intervals from any prefix of its parameters', () => {
    expect(MAKE_INTERVAL_ARG_NAMES).toEqual(['years', 'months', 'weeks', 'days', 'hours', 'mins', 'secs']);
    expect(
      sql('make_interval', ['int4:1', 'int4:2', 'int4:3', 'int4:4', 'int4:5', 'int4:6', 'float8:7.5']),
    ).toBe('1 year 2 mons 25 days 05:06:07.5');
    expect(sql('make_interval', [])).toBe('00:00:00');
    expect(sql('make_interval', ['int4:0', 'int4:0', 'int4:-1', 'int4:0', 'int4:25'])).toBe(
      '-7 days +25:00:00',
    );
    expect(() =>
      sql('make_interval', ['int4:0', 'int4:0', 'int4:0', 'int4:0', 'int4:0', 'int4:0', 'float8:Infinity']),
    ).toThrow('interval out of range');
  });
});

describe('age', () => {
  it('subtracts field by field, borrowing month lengths like PostgreSQL', () => {
    expect(sql('age', ['timestamp:2024-03-31', 'timestamp:2024-02-29'])).toBe('1 mon 2 days');
    expect(sql('age', ['timestamp:2024-03-01', 'timestamp:2024-01-31'])).toBe('1 mon 1 day');
    expect(sql('age', ['timestamp:2023-02-28', 'timestamp:2024-01-31'])).toBe('-11 mons -3 days');
    expect(sql('age', ['timestamp:2001-04-10', 'timestamp:1957-06-13'])).toBe('43 years 9 mons 27 days');
    expect(sql('age', ['timestamp:2024-01-01', 'timestamp:2024-03-31 10:00:00.5'])).toBe(
      '-2 mons -30 days -10:00:00.5',
    );
  });

  it('works on session-local fields for timestamptz', () => {
    expect(
      sql('age', ['timestamptz:2024-03-11 00:00', 'timestamptz:2024-03-10 00:00'], 'America/New_York'),
    ).toBe('1 day');
    expect(sql('age', ['timestamptz:2024-11-04', 'timestamptz:2024-03-10 01:00'], 'America/New_York')).toBe(
      '7 mons 24 days 23:00:00',
    );
  });

  it('measures from midnight of the current date with one argument', () => {
    expect(sql('age', ['timestamp:2023-01-05'])).toBe('1 year');
  });
});

describe('to_char', () => {
  const ts = 'timestamp:2024-01-05 13:04:05.123456';
  it('formats datetime template patterns', () => {
    expect(sql('to_char', [ts, 'text:YYYY-MM-DD HH24:MI:SS.MS.US HH12 am P.M. Y,YYY IYYY'])).toBe(
      '2024-01-05 13:04:05.123.123456 01 pm P.M. 2,024 2024',
    );
    expect(
      sql('to_char', [ts, 'text:Month|MONTH|Mon|Day|DY|DDD|IDDD|D|ID|W|WW|IW|CC|J|Q|RM|rm|SSSS|FF3|TZH|OF']),
    ).toBe(
      'January  |JANUARY  |Jan|Friday   |FRI|005|005|6|5|1|01|01|21|2460315|1|I   |i   |47045|123|+00|+00',
    );
  });

  it('honours FM, TH, quoted text and escaped quotes', () => {
    expect(
      sql('to_char', [
        'timestamp:2024-01-05 03:04:05',
        'text:FMMonth FMDD FMHH12 "quoted text" \\"x DDth FMDDTH',
      ]),
    ).toBe('January 5 3 quoted text "x 05th 5TH');
  });

  it('prints BC years and centuries', () => {
    expect(sql('to_char', ['timestamp:0044-03-15 12:00 BC', 'text:YYYY BC b.c. CC Y,YYY'])).toBe(
      '0044 BC b.c. -01 0,044',
    );
  });

  it('prints zone abbreviations and offsets for timestamptz', () => {
    expect(
      sql(
        'to_char',
        ['timestamptz:2024-01-05 13:04:05+00', 'text:HH24:MI TZ tz TZH:TZM OF'],
        'America/New_York',
      ),
    ).toBe('08:04 EST est -05:00 -05');
    expect(sql('to_char', ['timestamptz:2024-01-05 13:04:05+00', 'text:TZ OF'], 'Asia/Kolkata')).toBe(
      'IST +05:30',
    );
  });

  it('formats intervals and rejects calendar-only patterns for them', () => {
    expect(
      sql('to_char', ['interval:1 year 2 mons 3 days 04:05:06.789', 'text:YYYY MM DD HH24 MI SS MS']),
    ).toBe('0001 02 03 04 05 06 789');
    expect(sql('to_char', ['interval:-25 hours', 'text:HH24 HH am'])).toBe('-25 -01 am');
    expect(() => sql('to_char', ['interval:1 day', 'text:Month'])).toThrow(
      'invalid format specification for an interval value',
    );
  });

  it('returns NULL for infinite timestamps', () => {
    expect(sql('to_char', ['timestamp:infinity', 'text:YYYY'])).toBe('NULL');
  });

  it('formats numbers with digit, sign and separator patterns', () => {
    const n = (v: string, fmt: string, type = 'numeric'): string =>
      sql('to_char', [`${type}:${v}`, `text:${fmt}`]);
    expect(n('12', '999')).toBe('  12');
    expect(n('-12', '0999')).toBe('-0012');
    expect(n('1234', '999')).toBe(' ###');
    expect(n('12.345', 'FM999.99')).toBe('12.35');
    expect(n('12', 'FM999.99')).toBe('12.');
    expect(n('0.5', '999.99')).toBe('    .50');
    expect(n('-1234567.891', '9G999G999D99')).toBe('-1,234,567.89');
    expect(n('-12', '999PR')).toBe(' <12>');
    expect(n('-12', 'SG999')).toBe('- 12');
    expect(n('12', '999S')).toBe(' 12+');
    expect(n('12.5', '999V9')).toBe('  125');
    expect(n('12345.678', '9.99EEEE')).toBe(' 1.23e+04');
    expect(n('1994', 'RN')).toBe('        MCMXCIV');
    expect(n('21', '999th')).toBe('  21st');
    expect(n('485', '9SG99')).toBe('4+85');
  });

  it('formats integer and float arguments with their own rounding', () => {
    expect(sql('to_char', ['int4:-12', 'text:999MI'])).toBe(' 12-');
    expect(sql('to_char', ['int8:123456789', 'text:999,999,999,999'])).toBe('     123,456,789');
    expect(sql('to_char', ['float8:2.5', 'text:9'])).toBe(' 2');
    expect(sql('to_char', ['numeric:2.5', 'text:9'])).toBe(' 3');
    expect(sql('to_char', ['float8:-0.4', 'text:999'])).toBe('  -0');
    expect(sql('to_char', ['float8:0.123456789', 'text:0.9999999999999999999'])).toBe(' 0.12345678900000');
    expect(sql('to_char', ['float8:NaN', 'text:999.9'])).toBe(' NaN');
  });

  it('rejects contradictory numeric templates', () => {
    expect(() => sql('to_char', ['numeric:12', 'text:99.99.99'])).toThrow(
      expect.objectContaining({ code: '42601', message: 'multiple decimal points' }),
    );
    expect(() => sql('to_char', ['numeric:12', 'text:9.99EEEE9'])).toThrow(
      '"EEEE" must be the last pattern used',
    );
  });
});

describe('to_timestamp and to_date', () => {
  it('converts Unix epoch seconds', () => {
    expect(sql('to_timestamp', ['float8:1704459845.5'])).toBe('2024-01-05 13:04:05.5+00');
    expect(sql('to_timestamp', ['float8:Infinity'])).toBe('infinity');
    expect(() => sql('to_timestamp', ['float8:NaN'])).toThrow('timestamp cannot be NaN');
    expect(() => sql('to_timestamp', ['float8:1e20'])).toThrow('timestamp out of range: "1e+20"');
  });

  it('parses text along a template in the session zone', () => {
    const tz = 'America/New_York';
    expect(sql('to_timestamp', ['text:05 Jan 2024 1:04:05 PM', 'text:DD Mon YYYY HH:MI:SS AM'], tz)).toBe(
      '2024-01-05 13:04:05-05',
    );
    expect(sql('to_timestamp', ['text:20240105', 'text:YYYYMMDD'], tz)).toBe('2024-01-05 00:00:00-05');
    expect(sql('to_timestamp', ['text:2024-01-05 13:04:05.5', 'text:YYYY-MM-DD HH24:MI:SS.MS'], tz)).toBe(
      '2024-01-05 13:04:05.5-05',
    );
    expect(
      sql('to_timestamp', ['text:2024-01-05 13:04:05 +05:30', 'text:YYYY-MM-DD HH24:MI:SS TZH:TZM'], tz),
    ).toBe('2024-01-05 02:34:05-05');
    expect(sql('to_timestamp', ['text:2024-03-10 02:30', 'text:YYYY-MM-DD HH24:MI'], tz)).toBe(
      '2024-03-10 03:30:00-04',
    );
  });

  it('parses dates with names, ISO weeks, Julian days and BC', () => {
    expect(sql('to_date', ['text:January 5, 2024', 'text:Month DD, YYYY'])).toBe('2024-01-05');
    expect(sql('to_date', ['text:2024-W01-5', 'text:IYYY-"W"IW-ID'])).toBe('2024-01-05');
    expect(sql('to_date', ['text:2460315', 'text:J'])).toBe('2024-01-05');
    expect(sql('to_date', ['text:44 BC 03 15', 'text:YYYY BC MM DD'])).toBe('0044-03-15 BC');
    expect(sql('to_date', ['text:24-01-05', 'text:YY-MM-DD'])).toBe('2024-01-05');
    expect(sql('to_date', ['text:5', 'text:DD'])).toBe('0001-01-05 BC');
    expect(sql('to_date', ['text:2024', 'text:YYYYMM'])).toBe('2024-01-01');
  });

  it('reports template errors as PostgreSQL does', () => {
    expect(() => sql('to_date', ['text:abc', 'text:YYYY'])).toThrow(
      expect.objectContaining({
        code: '22007',
        message: 'invalid value "abc" for "YYYY"',
        detail: 'Value must be an integer.',
      }),
    );
    expect(() => sql('to_date', ['text:2024-02-30', 'text:YYYY-MM-DD'])).toThrow(
      'date/time field value out of range: "2024-02-30"',
    );
    expect(() => sql('to_timestamp', ['text:2024-01-05 13', 'text:YYYY-MM-DD HH'])).toThrow(
      'hour "13" is invalid for the 12-hour clock',
    );
  });
});

describe('date_bin', () => {
  it('bins relative to the origin, rounding toward the past', () => {
    expect(
      sql('date_bin', ['interval:15 minutes', 'timestamp:2024-01-05 13:04:05', 'timestamp:2001-01-01']),
    ).toBe('2024-01-05 13:00:00');
    expect(
      sql('date_bin', ['interval:1 hour', 'timestamp:2024-01-01 00:30', 'timestamp:2024-01-01 01:00']),
    ).toBe('2024-01-01 00:00:00');
    expect(sql('date_bin', ['interval:1 day', 'timestamp:1960-01-01 12:00', 'timestamp:2001-01-01'])).toBe(
      '1960-01-01 00:00:00',
    );
  });

  it('rejects month strides and non-positive strides', () => {
    expect(() =>
      sql('date_bin', ['interval:1 month', 'timestamp:2024-01-05', 'timestamp:2001-01-01']),
    ).toThrow('timestamps cannot be binned into intervals containing months or years');
    expect(() =>
      sql('date_bin', ['interval:0 days', 'timestamp:2024-01-05', 'timestamp:2001-01-01']),
    ).toThrow('stride must be greater than zero');
  });
});

describe('time_bucket', () => {
  it('aligns day and week buckets to Monday 2000-01-03', () => {
    expect(sql('time_bucket', ['interval:5 minutes', 'timestamp:2024-01-05 13:04:05'])).toBe(
      '2024-01-05 13:00:00',
    );
    expect(sql('time_bucket', ['interval:1 week', 'timestamp:2024-01-07 10:00'])).toBe('2024-01-01 00:00:00');
    expect(sql('time_bucket', ['interval:10 days', 'timestamp:1900-01-01 00:00:01'])).toBe(
      '1899-12-28 00:00:00',
    );
    expect(sql('time_bucket', ['interval:90 minutes', 'timestamp:1969-12-31 23:59:59'])).toBe(
      '1969-12-31 22:30:00',
    );
  });

  it('aligns month buckets to 2000-01-01', () => {
    expect(sql('time_bucket', ['interval:1 month', 'timestamp:2024-02-15 10:00'])).toBe(
      '2024-02-01 00:00:00',
    );
    expect(sql('time_bucket', ['interval:3 months', 'timestamp:2024-02-15 10:00'])).toBe(
      '2024-01-01 00:00:00',
    );
    expect(sql('time_bucket', ['interval:7 months', 'timestamp:2024-06-01'])).toBe('2023-12-01 00:00:00');
  });

  it('takes an origin or an offset', () => {
    expect(
      sql('time_bucket', ['interval:1 hour', 'timestamp:2024-01-05 13:04:05', 'timestamp:2024-01-01 00:30']),
    ).toBe('2024-01-05 12:30:00');
    expect(
      sql('time_bucket', ['interval:1 hour', 'timestamp:2024-01-05 13:04:05', 'interval:15 minutes']),
    ).toBe('2024-01-05 12:15:00');
  });

  it('buckets dates', () => {
    expect(sql('time_bucket', ['interval:2 days', 'date:2024-01-05'])).toBe('2024-01-05');
    expect(sql('time_bucket', ['interval:1 week', 'date:2024-01-07'])).toBe('2024-01-01');
    expect(sql('time_bucket', ['interval:2 weeks', 'date:1992-04-20', 'date:1992-04-01'])).toBe('1992-04-15');
    expect(sql('time_bucket', ['interval:2 months', 'date:2024-03-15', 'date:2024-02-20'])).toBe(
      '2024-02-01',
    );
    expect(sql('time_bucket', ['interval:2 months', 'date:1992-04-20', 'interval:1 month'])).toBe(
      '1992-04-01',
    );
    expect(() => sql('time_bucket', ['interval:1 hour', 'date:2024-01-05'])).toThrow(
      'interval must not have sub-day precision',
    );
  });

  it('buckets timestamptz in UTC unless a zone is given', () => {
    expect(
      sql('time_bucket', ['interval:1 day', 'timestamptz:2024-01-05 03:00+00'], 'America/New_York'),
    ).toBe('2024-01-04 19:00:00-05');
    expect(
      sql(
        'time_bucket',
        ['interval:1 day', 'timestamptz:2024-01-05 03:00+00', 'text:America/New_York'],
        'UTC',
      ),
    ).toBe('2024-01-04 05:00:00+00');
    expect(
      sql('time_bucket', ['interval:1 month', 'timestamptz:2024-03-10 12:00+00', 'text:Asia/Kolkata']),
    ).toBe('2024-02-29 18:30:00+00');
  });

  it('buckets integers with an optional offset', () => {
    expect(sql('time_bucket', ['int4:10', 'int4:23'])).toBe('20');
    expect(sql('time_bucket', ['int4:10', 'int4:-3'])).toBe('-10');
    expect(sql('time_bucket', ['int4:10', 'int4:23', 'int4:5'])).toBe('15');
    expect(sql('time_bucket', ['int8:10', 'int8:-3'])).toBe('-10');
  });

  it('rejects mixed month/day widths and non-positive periods', () => {
    expect(() => sql('time_bucket', ['interval:1 month 1 day', 'timestamp:2024-01-05'])).toThrow(
      'month intervals cannot have day or time component',
    );
    expect(() => sql('time_bucket', ['interval:0 days', 'timestamp:2024-01-05'])).toThrow(
      'period must be greater than 0',
    );
  });
});

describe('AT TIME ZONE, isfinite and justify', () => {
  it('converts between local time and instants like AT TIME ZONE', () => {
    expect(sql('timezone', ['text:America/New_York', 'timestamp:2024-01-01 00:00'])).toBe(
      '2024-01-01 05:00:00+00',
    );
    expect(sql('timezone', ['text:PST', 'timestamptz:2024-01-01 00:00+00'])).toBe('2023-12-31 16:00:00');
    expect(sql('timezone', ['text:+05:30', 'timestamptz:2024-01-01 00:00+00'])).toBe('2023-12-31 18:30:00');
    expect(sql('timezone', ['interval:05:30', 'timestamptz:2024-01-01 00:00+00'])).toBe(
      '2024-01-01 05:30:00',
    );
    expect(() => sql('timezone', ['interval:1 day', 'timestamp:2024-01-01'])).toThrow(
      'interval time zone "1 day" must not include months or days',
    );
  });

  it('reports finiteness', () => {
    expect(sql('isfinite', ['date:infinity'])).toBe('f');
    expect(sql('isfinite', ['timestamp:2024-01-01'])).toBe('t');
  });

  it('justifies intervals', () => {
    expect(sql('justify_days', ['interval:65 days -1 hour'])).toBe('2 mons 5 days -01:00:00');
    expect(sql('justify_hours', ['interval:50 hours'])).toBe('2 days 02:00:00');
    expect(sql('justify_interval', ['interval:1 mon -1 hour'])).toBe('29 days 23:00:00');
  });
});

describe('operators', () => {
  it('adds and subtracts days on dates', () => {
    expect(sql('+', ['date:2024-01-31', 'int4:30'])).toBe('2024-03-01');
    expect(sql('+', ['int4:1', 'date:2024-01-05'])).toBe('2024-01-06');
    expect(sql('-', ['date:2024-03-01', 'date:2024-01-01'])).toBe('60');
    expect(() => sql('-', ['date:infinity', 'date:2024-01-01'])).toThrow('cannot subtract infinite dates');
    expect(() => sql('+', ['date:5874897-12-31', 'int4:1'])).toThrow('date out of range');
  });

  it('adds intervals to dates and timestamps with month clamping', () => {
    expect(sql('+', ['date:2024-01-31', 'interval:1 month'])).toBe('2024-02-29 00:00:00');
    expect(sql('-', ['date:2024-03-31', 'interval:1 month'])).toBe('2024-02-29 00:00:00');
    expect(sql('+', ['timestamp:2024-02-29 12:00', 'interval:1 year'])).toBe('2025-02-28 12:00:00');
    expect(sql('+', ['date:2024-01-05', 'time:13:00'])).toBe('2024-01-05 13:00:00');
  });

  it('adds days to timestamptz on the local calendar and hours on the clock', () => {
    const tz = 'America/New_York';
    expect(sql('+', ['timestamptz:2024-03-09 12:00', 'interval:1 day'], tz)).toBe('2024-03-10 12:00:00-04');
    expect(sql('+', ['timestamptz:2024-03-09 12:00', 'interval:24 hours'], tz)).toBe(
      '2024-03-10 13:00:00-04',
    );
    expect(sql('-', ['timestamptz:2024-03-10 12:00', 'timestamptz:2024-03-09 12:00'], tz)).toBe('23:00:00');
  });

  it('subtracts timestamps into justified hours', () => {
    expect(sql('-', ['timestamp:2024-01-02 01:00', 'timestamp:2024-01-01'])).toBe('1 day 01:00:00');
    expect(() => sql('-', ['timestamp:infinity', 'timestamp:2024-01-01'])).toThrow(
      'cannot subtract infinite timestamps',
    );
  });

  it('does time arithmetic modulo a day', () => {
    expect(sql('+', ['time:13:00', 'interval:12 hours'])).toBe('01:00:00');
    expect(sql('-', ['time:01:00', 'interval:2 hours'])).toBe('23:00:00');
    expect(sql('-', ['time:13:00', 'time:14:30'])).toBe('-01:30:00');
  });

  it('negates, adds, multiplies and divides intervals with fractional cascading', () => {
    expect(sql('-', ['interval:1 day 2 hours'])).toBe('-1 days -02:00:00');
    expect(sql('+', ['interval:1 year 2 mons', 'interval:3 mons -1 day'])).toBe('1 year 5 mons -1 days');
    expect(sql('*', ['interval:1 mon', 'float8:1.5'])).toBe('1 mon 15 days');
    expect(sql('*', ['interval:1 mon 1 day', 'float8:0.3'])).toBe('9 days 07:12:00');
    expect(sql('*', ['float8:2', 'interval:1 min'])).toBe('00:02:00');
    expect(sql('/', ['interval:1 year', 'float8:7'])).toBe('1 mon 21 days 10:17:08.5344');
    expect(() => intervalDiv(new Interval(0, 0, 1), 0)).toThrow('division by zero');
    expect(() => intervalMul(new Interval(1, 0, 0), NaN)).toThrow('interval out of range');
  });
});

describe('generate_series', () => {
  it('counts integers in either direction', () => {
    expect(series(['int4:1', 'int4:3'])).toEqual(['1', '2', '3']);
    expect(series(['int4:5', 'int4:1', 'int4:-2'])).toEqual(['5', '3', '1']);
    expect(series(['int4:2147483646', 'int4:2147483647'])).toEqual(['2147483646', '2147483647']);
    expect(series(['int8:9223372036854775806', 'int8:9223372036854775807'])).toEqual([
      '9223372036854775806',
      '9223372036854775807',
    ]);
    expect(() => series(['int4:1', 'int4:5', 'int4:0'])).toThrow('step size cannot equal zero');
  });

  it('keeps the scale of numeric steps', () => {
    expect(series(['numeric:1', 'numeric:2', 'numeric:0.5'])).toEqual(['1', '1.5', '2.0']);
    expect(series(['numeric:1.0', 'numeric:3'])).toEqual(['1.0', '2.0', '3.0']);
    expect(() => series(['numeric:1.0', 'numeric:5', 'numeric:NaN'])).toThrow('step size cannot be NaN');
  });

  it('steps timestamps by adding the interval repeatedly', () => {
    expect(series(['timestamp:2024-01-31', 'timestamp:2024-04-30', 'interval:1 month'])).toEqual([
      '2024-01-31 00:00:00',
      '2024-02-29 00:00:00',
      '2024-03-29 00:00:00',
      '2024-04-29 00:00:00',
    ]);
    expect(
      series(['timestamptz:2024-03-09', 'timestamptz:2024-03-11', 'interval:1 day'], 'America/New_York'),
    ).toEqual(['2024-03-09 00:00:00-05', '2024-03-10 00:00:00-05', '2024-03-11 00:00:00-04']);
    expect(() => series(['timestamp:2024-01-01', 'timestamp:2024-01-02', 'interval:0 days'])).toThrow(
      'step size cannot equal zero',
    );
  });
});

describe('registration', () => {
  it('gives every overload a declared result type', () => {
    for (const f of datetimeFunctions) expect(typeof f.ret === 'function' || f.ret.id.length > 0).toBe(true);
    expect(datetimeFunctions.some((f) => f.name === 'extract' && f.args[1]!.id === T.timestamptz.id)).toBe(
      true,
    );
  });
});
