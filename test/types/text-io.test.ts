/**
 * PostgreSQL input and output functions. Expected strings and error messages were taken from
 * PostgreSQL 15. Invariant (property test): formatValue ∘ parseValue is the identity on
 * PostgreSQL's own output for timestamps, intervals and floats.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseValue, formatValue, formatFloat } from '../../src/types/text-io.js';
import type { TextIoContext } from '../../src/types/text-io.js';
import { T, arrayOf, bpcharType, numericType, varcharType } from '../../src/types/types.js';
import type { SqlType } from '../../src/types/types.js';
import { Decimal, Interval } from '../../src/types/values.js';

const utc: TextIoContext = { timezone: 'UTC' };
const ny: TextIoContext = { timezone: 'America/New_York' };

/** Text → value → text, as a cast of a literal to `type` and back prints it. */
function io(text: string, type: SqlType, ctx: TextIoContext = utc): string {
  return formatValue(parseValue(text, type, ctx), type, ctx);
}

function fails(text: string, type: SqlType, code: string, message: string, ctx: TextIoContext = utc): void {
  expect(() => parseValue(text, type, ctx)).toThrow(expect.objectContaining({ code, message }));
}

describe('boolean', () => {
  it('accepts unique prefixes of true/false/yes/no/on/off and 1/0, trimmed, any case', () => {
    for (const t of ['t', 'TRUE', ' yes ', 'on', '1', 'tr']) expect(parseValue(t, T.bool, utc)).toBe(true);
    for (const f of ['f', 'no', 'of', 'off', '0', 'N']) expect(parseValue(f, T.bool, utc)).toBe(false);
  });

  it('rejects the ambiguous "o"', () => {
    fails('o', T.bool, '22P02', 'invalid input syntax for type boolean: "o"');
  });

  it('prints t and f', () => {
    expect(formatValue(true, T.bool, utc)).toBe('t');
    expect(formatValue(false, T.bool, utc)).toBe('f');
  });
});

describe('integers', () => {
  it('parses with surrounding spaces and a sign', () => {
    expect(parseValue(' -12 ', T.int4, utc)).toBe(-12);
    expect(parseValue('+7', T.int2, utc)).toBe(7);
    expect(parseValue('-9223372036854775808', T.int8, utc)).toBe(-(2n ** 63n));
  });

  it('rejects fractions, underscores, hex and empty input', () => {
    fails('12.0', T.int4, '22P02', 'invalid input syntax for type integer: "12.0"');
    fails('1_000', T.int4, '22P02', 'invalid input syntax for type integer: "1_000"');
    fails('0x1F', T.int4, '22P02', 'invalid input syntax for type integer: "0x1F"');
    fails('', T.int4, '22P02', 'invalid input syntax for type integer: ""');
  });

  it('reports out-of-range input with the type name', () => {
    fails('2147483648', T.int4, '22003', 'value "2147483648" is out of range for type integer');
    fails('40000', T.int2, '22003', 'value "40000" is out of range for type smallint');
    fails(
      '9223372036854775808',
      T.int8,
      '22003',
      'value "9223372036854775808" is out of range for type bigint',
    );
  });
});

describe('floating point', () => {
  it('prints the shortest round-trip form with PostgreSQL exponent rules', () => {
    expect(io('0.1', T.float8)).toBe('0.1');
    expect(io('1e20', T.float8)).toBe('1e+20');
    expect(io('1.5e-7', T.float8)).toBe('1.5e-07');
    expect(io('1e15', T.float8)).toBe('1e+15');
    expect(io('100000000000000', T.float8)).toBe('100000000000000');
    expect(io('0.0001', T.float8)).toBe('0.0001');
    expect(io('0.00001', T.float8)).toBe('1e-05');
    expect(io('-0', T.float8)).toBe('-0');
  });

  it('prints more digits where JavaScript would pick a decimal exactly between two doubles', () => {
    expect(formatFloat(73416483402252200, false)).toBe('7.341648340225219e+16');
    expect(formatFloat(1e23, false)).toBe('9.999999999999999e+22');
  });

  it('prints float4 at single precision', () => {
    expect(io('0.1', T.float4)).toBe('0.1');
    expect(io('1e6', T.float4)).toBe('1e+06');
    expect(io('100000', T.float4)).toBe('100000');
    expect(io('3.14159274', T.float4)).toBe('3.1415927');
    expect(io('16777217', T.float4)).toBe('1.6777216e+07');
  });

  it('honours extra_float_digits below 1 with %g rounding', () => {
    expect(formatFloat(1 / 3, false, 0)).toBe('0.333333333333333');
    expect(formatFloat(1 / 3, false, -3)).toBe('0.333333333333');
    expect(formatFloat(123456.7, true, 0)).toBe('123457');
    expect(formatFloat(825465321540832.5, false, 0)).toBe('825465321540832');
  });

  it('accepts NaN and infinities in any case', () => {
    expect(parseValue('nan', T.float8, utc)).toBeNaN();
    expect(parseValue('-Infinity', T.float8, utc)).toBe(-Infinity);
    expect(parseValue('inf', T.float4, utc)).toBe(Infinity);
    expect(formatValue(NaN, T.float8, utc)).toBe('NaN');
    expect(formatValue(-Infinity, T.float8, utc)).toBe('-Infinity');
  });

  it('rejects overflow and underflow to zero', () => {
    fails('1e400', T.float8, '22003', '"1e400" is out of range for type double precision');
    fails('1e-400', T.float8, '22003', '"1e-400" is out of range for type double precision');
    fails('1e39', T.float4, '22003', '"1e39" is out of range for type real');
    fails('1e', T.float8, '22P02', 'invalid input syntax for type double precision: "1e"');
    expect(io('1e-310', T.float8)).toBe('1e-310');
  });

  it('round-trips every double through its text form', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) =>
        Object.is(parseValue(formatValue(x, T.float8, utc), T.float8, utc), x),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('numeric', () => {
  it('keeps the display scale and applies a typmod', () => {
    expect(io(' 1.50 ', T.numeric)).toBe('1.50');
    expect(io('1e3', numericType(10, 2))).toBe('1000.00');
    expect(io('nan', T.numeric)).toBe('NaN');
  });

  it('rejects values that do not fit the precision', () => {
    expect(() => parseValue('123.456', numericType(4, 2), utc)).toThrow(
      expect.objectContaining({ code: '22003', message: 'numeric field overflow' }),
    );
  });
});

describe('character types', () => {
  it('drops trailing spaces beyond varchar(n) but rejects other excess', () => {
    expect(parseValue('abc   ', varcharType(3), utc)).toBe('abc');
    fails('abcd', varcharType(3), '22001', 'value too long for type character varying(3)');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(parseValue('é€😀', varcharType(3), utc)).toBe('é€😀');
  });

  it('pads character(n)', () => {
    expect(parseValue('a', bpcharType(3), utc)).toBe('a  ');
    fails('abcd', bpcharType(3), '22001', 'value too long for type character(3)');
  });

  it('truncates names to 63 bytes', () => {
    expect((parseValue('x'.repeat(70), T.name, utc) as string).length).toBe(63);
  });
});

describe('date', () => {
  it('reads ISO, textual and MDY forms', () => {
    for (const t of [
      '2024-01-05',
      '2024-01-05 13:45',
      'Jan 5 2024',
      '5 Jan 2024',
      'January 5, 2024',
      '20240105',
      '1/5/2024',
      '2024-Jan-05',
      'Fri Jan 05 2024',
      'J2460315',
      '240105',
    ]) {
      expect(io(t, T.date)).toBe('2024-01-05');
    }
  });

  it('follows the DateStyle field order for ambiguous input', () => {
    expect(io('05/01/2024', T.date, { timezone: 'UTC', dateStyle: 'ISO, DMY' })).toBe('2024-01-05');
    expect(io('05/01/24', T.date, { timezone: 'UTC', dateStyle: 'ISO, YMD' })).toBe('2005-01-24');
    expect(io('12/31/99', T.date)).toBe('1999-12-31');
  });

  it('reads and prints BC dates and special values', () => {
    expect(io('0044-03-15 BC', T.date)).toBe('0044-03-15 BC');
    expect(io('4714-11-24 BC', T.date)).toBe('4714-11-24 BC');
    expect(io('infinity', T.date)).toBe('infinity');
    expect(io('-INFINITY', T.date)).toBe('-infinity');
    expect(io('epoch', T.date)).toBe('1970-01-01');
  });

  it('resolves today and yesterday in the session zone', () => {
    const now = Date.UTC(2024, 0, 5, 3) * 1000;
    expect(io('today', T.date, { timezone: 'America/New_York', now })).toBe('2024-01-04');
    expect(io('yesterday', T.date, { timezone: 'UTC', now })).toBe('2024-01-04');
  });

  it('reports field errors as PostgreSQL does', () => {
    fails('2024-02-30', T.date, '22008', 'date/time field value out of range: "2024-02-30"');
    expect(() => parseValue('2024-13-01', T.date, utc)).toThrow(
      expect.objectContaining({ code: '22008', hint: 'Perhaps you need a different "datestyle" setting.' }),
    );
    fails('abc', T.date, '22007', 'invalid input syntax for type date: "abc"');
    fails('0000-01-01', T.date, '22008', 'date/time field value out of range: "0000-01-01"');
    fails('5874898-01-01', T.date, '22008', 'date out of range: "5874898-01-01"');
    fails('4714-11-23 BC', T.date, '22008', 'date out of range: "4714-11-23 BC"');
  });

  it('prints the other DateStyles', () => {
    const d = parseValue('2024-01-05', T.date, utc);
    expect(formatValue(d, T.date, { timezone: 'UTC', dateStyle: 'SQL, MDY' })).toBe('01/05/2024');
    expect(formatValue(d, T.date, { timezone: 'UTC', dateStyle: 'SQL, DMY' })).toBe('05/01/2024');
    expect(formatValue(d, T.date, { timezone: 'UTC', dateStyle: 'German' })).toBe('05.01.2024');
    expect(formatValue(d, T.date, { timezone: 'UTC', dateStyle: 'Postgres, MDY' })).toBe('01-05-2024');
  });
});

describe('timestamp', () => {
  it('reads ISO with T or space, rounds fractions to microseconds and drops trailing zeros', () => {
    expect(io('2024-01-05T13:04:05.123456789', T.timestamp)).toBe('2024-01-05 13:04:05.123457');
    expect(io('2024-01-05 13:04:05.100', T.timestamp)).toBe('2024-01-05 13:04:05.1');
    expect(io('2024-01-05 13:04:05.000', T.timestamp)).toBe('2024-01-05 13:04:05');
  });

  it('ignores a zone suffix', () => {
    expect(io('2024-01-05 13:04:05+02', T.timestamp)).toBe('2024-01-05 13:04:05');
    expect(io('2024-01-05 13:04:05 America/Los_Angeles', T.timestamp)).toBe('2024-01-05 13:04:05');
  });

  it('handles AM/PM, 24:00 and leap seconds', () => {
    expect(io('2024-01-05 1:04pm', T.timestamp)).toBe('2024-01-05 13:04:00');
    expect(io('2024-01-05 12:00am', T.timestamp)).toBe('2024-01-05 00:00:00');
    expect(io('2024-01-05 24:00:00', T.timestamp)).toBe('2024-01-06 00:00:00');
    expect(io('2024-01-05 13:04:60', T.timestamp)).toBe('2024-01-05 13:05:00');
    fails(
      '2024-01-05 13:04:61',
      T.timestamp,
      '22008',
      'date/time field value out of range: "2024-01-05 13:04:61"',
    );
  });

  it('prints BC timestamps with the era last', () => {
    expect(io('0044-03-15 12:00 BC', T.timestamp)).toBe('0044-03-15 12:00:00 BC');
  });

  it('rejects timestamps outside the supported range', () => {
    fails('294277-01-01', T.timestamp, '22008', 'timestamp out of range: "294277-01-01"');
    fails('abc', T.timestamp, '22007', 'invalid input syntax for type timestamp: "abc"');
  });

  it('prints in the other DateStyles', () => {
    const v = parseValue('2024-01-05 13:04:05.5', T.timestamp, utc);
    expect(formatValue(v, T.timestamp, { timezone: 'UTC', dateStyle: 'Postgres, MDY' })).toBe(
      'Fri Jan 05 13:04:05.5 2024',
    );
    expect(formatValue(v, T.timestamp, { timezone: 'UTC', dateStyle: 'SQL, DMY' })).toBe(
      '05/01/2024 13:04:05.5',
    );
  });

  it('round-trips its own output', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), (s) => {
        const us = s * 1_000_000 + (s % 1_000_000);
        const text = formatValue(us, T.timestamp, utc);
        return parseValue(text, T.timestamp, utc) === us;
      }),
      { numRuns: 1000 },
    );
  });
});

describe('timestamp with time zone', () => {
  it('uses the zone in the input, else the session zone', () => {
    expect(io('2024-01-05 13:04:05.5Z', T.timestamptz)).toBe('2024-01-05 13:04:05.5+00');
    expect(io('2024-01-05 12:00 PST', T.timestamptz)).toBe('2024-01-05 20:00:00+00');
    expect(io('2024-01-05 12:00 America/New_York', T.timestamptz)).toBe('2024-01-05 17:00:00+00');
    expect(io('2024-01-05 12:00-0330', T.timestamptz)).toBe('2024-01-05 15:30:00+00');
    expect(io('2024-01-05 13:04:05 GMT+2', T.timestamptz)).toBe('2024-01-05 15:04:05+00');
    expect(io('2024-01-05 13:04:05', T.timestamptz, ny)).toBe('2024-01-05 13:04:05-05');
  });

  it('prints the session offset, including DST and historical offsets', () => {
    expect(io('2024-07-05 13:04:05', T.timestamptz, ny)).toBe('2024-07-05 13:04:05-04');
    expect(io('1800-01-01', T.timestamptz, ny)).toBe('1800-01-01 00:00:00-04:56:02');
    expect(io('2024-01-01 00:00:00+00', T.timestamptz, { timezone: 'Asia/Kolkata' })).toBe(
      '2024-01-01 05:30:00+05:30',
    );
  });

  it('resolves DST gaps forward and overlaps to standard time', () => {
    expect(io('2024-03-10 02:30', T.timestamptz, ny)).toBe('2024-03-10 03:30:00-04');
    expect(io('2024-11-03 01:30', T.timestamptz, ny)).toBe('2024-11-03 01:30:00-05');
  });

  it('prints zone abbreviations in non-ISO DateStyles', () => {
    const v = parseValue('2024-01-05 13:04:05', T.timestamptz, ny);
    expect(formatValue(v, T.timestamptz, { timezone: 'America/New_York', dateStyle: 'SQL, MDY' })).toBe(
      '01/05/2024 13:04:05 EST',
    );
  });

  it('rejects unknown zones', () => {
    fails('2024-01-05 13:04:05 Foo/Bar', T.timestamptz, '22023', 'time zone "foo/bar" not recognized');
    fails(
      '2024-01-05 13:04:05 XYZ',
      T.timestamptz,
      '22007',
      'invalid input syntax for type timestamp with time zone: "2024-01-05 13:04:05 XYZ"',
    );
  });
});

describe('time', () => {
  it('reads clock times in several forms', () => {
    expect(io('13:04', T.time)).toBe('13:04:00');
    expect(io('1:04 pm', T.time)).toBe('13:04:00');
    expect(io('24:00', T.time)).toBe('24:00:00');
    expect(io('130405', T.time)).toBe('13:04:05');
    expect(io('2024-01-05 13:04:05', T.time)).toBe('13:04:05');
    expect(io('allballs', T.time)).toBe('00:00:00');
    expect(io('13:04:05.1234567', T.time)).toBe('13:04:05.123457');
  });

  it('rejects hours past 24', () => {
    fails('25:00', T.time, '22008', 'date/time field value out of range: "25:00"');
    fails('x', T.time, '22007', 'invalid input syntax for type time: "x"');
  });
});

describe('interval', () => {
  const cases: [string, string][] = [
    ['1 day 02:03:04', '1 day 02:03:04'],
    ['3 mons', '3 mons'],
    ['1 year 2 months', '1 year 2 mons'],
    ['-1 days +02:00:00', '-1 days +02:00:00'],
    ['P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
    ['P0001-02-03T04:05:06', '1 year 2 mons 3 days 04:05:06'],
    ['PT1.5H', '01:30:00'],
    ['@ 1 hour ago', '-01:00:00'],
    ['2 weeks ago 3 days', '-17 days'],
    ['3600', '01:00:00'],
    ['1.5', '00:00:01.5'],
    ['1:30.5', '00:01:30.5'],
    ['1.5 years', '1 year 6 mons'],
    ['1.5 months', '1 mon 15 days'],
    ['1.5 weeks', '10 days 12:00:00'],
    ['0.1 years', '1 mon'],
    ['1-2 3 4:05:06', '1 year 2 mons 3 days 04:05:06'],
    ['1 +02:03', '1 day 02:03:00'],
    ['1d 2h 3m 4s', '1 day 02:03:04'],
    ['1 day 5', '1 day 00:00:05'],
    ['00:00:60', '00:01:00'],
    ['0.0000015 sec', '00:00:00.000001'],
    ['-1 year 2 mons', '-10 mons'],
    ['1 mon -2 days 03:00', '1 mon -2 days +03:00:00'],
    ['0', '00:00:00'],
  ];
  it.each(cases)('reads %j as %j', (input, output) => {
    expect(io(input, T.interval)).toBe(output);
  });

  it('rejects repeated units, unknown words and lower-case ISO designators', () => {
    for (const bad of [
      '1 year 1 year',
      '1 hour 02:00',
      '1 2',
      '5 1 day',
      '1 fortnight',
      'p1y',
      '-P1D',
      'x',
    ]) {
      fails(bad, T.interval, '22007', `invalid input syntax for type interval: "${bad}"`);
    }
  });

  it('rejects field overflow with 22015', () => {
    fails('00:60:00', T.interval, '22015', 'interval field value out of range: "00:60:00"');
    fails('2147483648 days', T.interval, '22015', 'interval field value out of range: "2147483648 days"');
  });

  it('prints negative and zero times as PostgreSQL does', () => {
    expect(formatValue(new Interval(0, 0, -1_000_000), T.interval, utc)).toBe('-00:00:01');
    expect(formatValue(new Interval(0, 0, 0), T.interval, utc)).toBe('00:00:00');
    expect(formatValue(new Interval(14, 3, 14_706_500_000), T.interval, utc)).toBe(
      '1 year 2 mons 3 days 04:05:06.5',
    );
    expect(formatValue(new Interval(0, 0, -25 * 3_600_000_000), T.interval, utc)).toBe('-25:00:00');
  });
});

describe('uuid, bytea, json', () => {
  it('normalises uuid spellings to canonical lower case', () => {
    for (const u of [
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
      'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
    ]) {
      expect(parseValue(u, T.uuid, utc)).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    }
    fails(
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      T.uuid,
      '22P02',
      'invalid input syntax for type uuid: "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"',
    );
  });

  it('reads bytea in hex and escape formats and prints hex', () => {
    expect(io('\\x0102ff', T.bytea)).toBe('\\x0102ff');
    expect(io('\\x01 02', T.bytea)).toBe('\\x0102');
    expect(io('abc\\\\d\\001', T.bytea)).toBe('\\x6162635c6401');
    expect(io('é', T.bytea)).toBe('\\xc3a9');
    expect(() => parseValue('\\x0', T.bytea, utc)).toThrow('invalid hexadecimal data: odd number of digits');
    expect(() => parseValue('\\xzz', T.bytea, utc)).toThrow('invalid hexadecimal digit: "z"');
    fails('a\\9', T.bytea, '22P02', 'invalid input syntax for type bytea');
  });

  it('keeps json text as given after validating it', () => {
    expect(parseValue('  {"a" :1}  ', T.json, utc)).toBe('  {"a" :1}  ');
    expect(() => parseValue('{"a":1,}', T.json, utc)).toThrow(
      expect.objectContaining({
        code: '22P02',
        message: 'invalid input syntax for type json',
        detail: 'Expected string, but found "}".',
      }),
    );
    expect(() => parseValue('[1,2', T.json, utc)).toThrow(
      expect.objectContaining({ detail: 'The input string ended unexpectedly.' }),
    );
    expect(() => parseValue('01', T.json, utc)).toThrow(
      expect.objectContaining({ detail: 'Token "01" is invalid.' }),
    );
  });

  it('normalises jsonb: key order by length then bytes, last duplicate wins, numeric spelling', () => {
    const input =
      '{"b":[1,2.50,1e2,-0,1E-3], "aa":1, "a": {"y":null,"x":true}, "a":"dup", "\\u00e9\\n\\/":"\\ud83d\\ude00"}';
    expect(parseValue(input, T.jsonb, utc)).toBe(
      '{"a": "dup", "b": [1, 2.50, 100, 0, 0.001], "aa": 1, "é\\n/": "😀"}',
    );
    expect(parseValue('{"\\u00e9":1, "z":2, "ab":3, "B":4}', T.jsonb, utc)).toBe(
      '{"B": 4, "z": 2, "ab": 3, "é": 1}',
    );
    expect(parseValue('[1,[2,{}]]', T.jsonb, utc)).toBe('[1, [2, {}]]');
    expect(parseValue('"a\\u0001b"', T.jsonb, utc)).toBe('"a\\u0001b"');
  });

  it('rejects unpaired surrogates in jsonb', () => {
    expect(() => parseValue('"\\ud800"', T.jsonb, utc)).toThrow(
      expect.objectContaining({ detail: 'Unicode low surrogate must follow a high surrogate.' }),
    );
  });
});

describe('arrays', () => {
  it('reads NULLs, quoting, escapes and nesting', () => {
    expect(parseValue('{1,2,NULL}', arrayOf(T.int4), utc)).toEqual([1, 2, null]);
    expect(parseValue('{{1,2},{3,4}}', arrayOf(T.int4), utc)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parseValue('{"a b","c\\"d","",NULL,"NULL", x }', arrayOf(T.text), utc)).toEqual([
      'a b',
      'c"d',
      '',
      null,
      'NULL',
      'x',
    ]);
    expect(parseValue('{a\\,b}', arrayOf(T.text), utc)).toEqual(['a,b']);
    expect(parseValue('[0:1]={1,2}', arrayOf(T.int4), utc)).toEqual([1, 2]);
  });

  it('quotes elements that need it on output', () => {
    expect(formatValue(['a{', 'b}', 'c,d', 'e\\f', ' g', 'h"', '', 'null', null], arrayOf(T.text), utc)).toBe(
      '{"a{","b}","c,d","e\\\\f"," g","h\\"","","null",NULL}',
    );
    expect(io('{"2024-01-01 00:00"}', arrayOf(T.timestamp))).toBe('{"2024-01-01 00:00:00"}');
    expect(formatValue([new Uint8Array([1])], arrayOf(T.bytea), utc)).toBe('{"\\\\x01"}');
  });

  it('rejects malformed literals with PostgreSQL details', () => {
    expect(() => parseValue('{1,2', arrayOf(T.int4), utc)).toThrow(
      expect.objectContaining({
        code: '22P02',
        message: 'malformed array literal: "{1,2"',
        detail: 'Unexpected end of input.',
      }),
    );
    expect(() => parseValue('{{1,2},{3}}', arrayOf(T.int4), utc)).toThrow(
      expect.objectContaining({
        detail: 'Multidimensional arrays must have sub-arrays with matching dimensions.',
      }),
    );
    expect(() => parseValue('{"a"b}', arrayOf(T.text), utc)).toThrow(
      expect.objectContaining({ detail: 'Unexpected array element.' }),
    );
  });
});

describe('other output', () => {
  it('prints numerics, records and "char" bytes', () => {
    expect(formatValue(Decimal.parse('1.50'), T.numeric, utc)).toBe('1.50');
    expect(formatValue([1, 'a b', null, 2.5, true], T.record, utc)).toBe('(1,"a b",,2.5,t)');
    expect(formatValue(['x"y', ''], T.record, utc)).toBe('("x""y","")');
    expect(formatValue(String.fromCharCode(0x80), T.char, utc)).toBe('\\200');
  });
});

describe('jsonb escapes', () => {
  it('rejects \\u0000 in jsonb with 22P05 as PostgreSQL does', () => {
    expect(() => parseValue('"\\u0000"', T.jsonb, { timezone: 'UTC' })).toThrow(
      expect.objectContaining({ code: '22P05' }),
    );
  });
});
