/**
 * Casts: the pg_cast catalogue and conversion semantics, with expectations taken from
 * PostgreSQL 15.
 */
import { describe, expect, it } from 'vitest';
import { canImplicitlyCast, castContext, castValue } from '../../src/types/cast.js';
import type { CastSession } from '../../src/types/cast.js';
import { parseValue, formatValue } from '../../src/types/text-io.js';
import { T, arrayOf, bpcharType, numericType, varcharType } from '../../src/types/types.js';
import type { SqlType } from '../../src/types/types.js';
import { Decimal, Interval } from '../../src/types/values.js';
import type { Value } from '../../src/types/values.js';

const utc: CastSession = { timezone: 'UTC' };
const ny: CastSession = { timezone: 'America/New_York' };

/** Parses `text` as `from`, casts to `to` and prints the result. */
function cast(text: string, from: SqlType, to: SqlType, ctx: CastSession = utc, explicit = true): string {
  const v = castValue(parseValue(text, from, ctx), from, to, ctx, explicit);
  return v === null ? 'NULL' : formatValue(v, to, ctx);
}

function castFails(
  v: Value,
  from: SqlType,
  to: SqlType,
  code: string,
  message: string,
  explicit = true,
): void {
  expect(() => castValue(v, from, to, utc, explicit)).toThrow(expect.objectContaining({ code, message }));
}

describe('cast catalogue', () => {
  it('widens numbers implicitly along int2 → int4 → int8 → numeric → float4 → float8', () => {
    const chain = [T.int2, T.int4, T.int8, T.numeric, T.float4, T.float8];
    for (let i = 0; i < chain.length; i++) {
      for (let j = i + 1; j < chain.length; j++) expect(castContext(chain[i]!, chain[j]!)).toBe('implicit');
    }
  });

  it('narrows numbers only on assignment', () => {
    expect(castContext(T.int8, T.int4)).toBe('assignment');
    expect(castContext(T.float8, T.int4)).toBe('assignment');
    expect(castContext(T.float8, T.numeric)).toBe('assignment');
    expect(castContext(T.numeric, T.int2)).toBe('assignment');
  });

  it('converts to string types on assignment and from them only explicitly', () => {
    expect(castContext(T.int4, T.text)).toBe('assignment');
    expect(castContext(T.date, varcharType(10))).toBe('assignment');
    expect(castContext(T.text, T.int4)).toBe('explicit');
    expect(castContext(T.text, T.uuid)).toBe('explicit');
  });

  it('lets string types flow into each other implicitly', () => {
    expect(castContext(T.varchar, T.text)).toBe('implicit');
    expect(castContext(T.text, T.bpchar)).toBe('implicit');
    expect(castContext(T.bpchar, T.varchar)).toBe('implicit');
  });

  it('orders date, timestamp and timestamptz', () => {
    expect(castContext(T.date, T.timestamp)).toBe('implicit');
    expect(castContext(T.timestamp, T.timestamptz)).toBe('implicit');
    expect(castContext(T.timestamptz, T.timestamp)).toBe('assignment');
    expect(castContext(T.timestamp, T.date)).toBe('assignment');
    expect(castContext(T.time, T.interval)).toBe('implicit');
    expect(castContext(T.interval, T.time)).toBe('assignment');
  });

  it('knows the explicit-only and missing casts', () => {
    expect(castContext(T.bool, T.int4)).toBe('explicit');
    expect(castContext(T.int4, T.bool)).toBe('explicit');
    expect(castContext(T.jsonb, T.numeric)).toBe('explicit');
    expect(castContext(T.json, T.jsonb)).toBe('assignment');
    expect(castContext(T.int4, T.date)).toBeUndefined();
    expect(castContext(T.uuid, T.bytea)).toBeUndefined();
    expect(castContext(T.int8, T.bool)).toBeUndefined();
  });

  it('treats unknown literals as castable to anything and arrays by element', () => {
    expect(castContext(T.unknown, T.interval)).toBe('implicit');
    expect(castContext(arrayOf(T.int4), arrayOf(T.int8))).toBe('implicit');
    expect(castContext(arrayOf(T.int8), arrayOf(T.int4))).toBe('assignment');
    expect(castContext(arrayOf(T.int4), T.text)).toBe('assignment');
    expect(canImplicitlyCast(T.int4, T.float8)).toBe(true);
    expect(canImplicitlyCast(T.float8, T.int4)).toBe(false);
  });
});

describe('numeric conversions', () => {
  it('rounds float to int half to even', () => {
    expect(castValue(2.5, T.float8, T.int4, utc)).toBe(2);
    expect(castValue(3.5, T.float8, T.int4, utc)).toBe(4);
    expect(castValue(-2.5, T.float8, T.int4, utc)).toBe(-2);
    expect(castValue(2147483647.4, T.float8, T.int4, utc)).toBe(2147483647);
    expect(castValue(2.5, T.float4, T.int8, utc)).toBe(2n);
  });

  it('rejects float values outside the integer range, NaN included', () => {
    castFails(2147483647.5, T.float8, T.int4, '22003', 'integer out of range');
    castFails(NaN, T.float8, T.int4, '22003', 'integer out of range');
    castFails(32767.5, T.float4, T.int2, '22003', 'smallint out of range');
    castFails(9223372036854775807, T.float8, T.int8, '22003', 'bigint out of range');
  });

  it('rounds numeric to int half away from zero', () => {
    expect(castValue(Decimal.parse('2.5'), T.numeric, T.int4, utc)).toBe(3);
    expect(castValue(Decimal.parse('-2.5'), T.numeric, T.int4, utc)).toBe(-3);
    expect(castValue(Decimal.parse('9223372036854775807.4'), T.numeric, T.int8, utc)).toBe(
      9223372036854775807n,
    );
    castFails(Decimal.NaN, T.numeric, T.int4, '0A000', 'cannot convert NaN to integer');
    castFails(Decimal.NaN, T.numeric, T.int8, '0A000', 'cannot convert NaN to bigint');
  });

  it('narrows integers with range checks', () => {
    castFails(2147483648n, T.int8, T.int4, '22003', 'integer out of range');
    castFails(32768, T.int4, T.int2, '22003', 'smallint out of range');
    expect(castValue(-2147483648n, T.int8, T.int4, utc)).toBe(-2147483648);
  });

  it('converts floats to numeric through 15 (float4: 6) significant digits', () => {
    expect(cast('0.1', T.float8, T.numeric)).toBe('0.1');
    expect(cast('1e20', T.float8, T.numeric)).toBe('100000000000000000000');
    expect(cast('1.5e-7', T.float8, T.numeric)).toBe('0.00000015');
    expect(cast('123456.7', T.float4, T.numeric)).toBe('123457');
    expect(cast('NaN', T.float8, T.numeric)).toBe('NaN');
  });

  it('applies numeric typmods with rounding and overflow checks', () => {
    expect(cast('999.994', T.numeric, numericType(5, 2))).toBe('999.99');
    expect(() => cast('999.995', T.numeric, numericType(5, 2))).toThrow('numeric field overflow');
    expect(cast('1.25', T.float8, numericType(4, 1))).toBe('1.3');
  });

  it('checks float4 overflow and underflow', () => {
    castFails(1e300, T.float8, T.float4, '22003', 'value out of range: overflow');
    castFails(1e-300, T.float8, T.float4, '22003', 'value out of range: underflow');
    expect(() => cast('1e40', T.numeric, T.float4)).toThrow(
      '"10000000000000000000000000000000000000000" is out of range for type real',
    );
  });

  it('converts bool to and from int4', () => {
    expect(castValue(true, T.bool, T.int4, utc)).toBe(1);
    expect(castValue(-5, T.int4, T.bool, utc)).toBe(true);
    expect(castValue(0, T.int4, T.bool, utc)).toBe(false);
  });

  it('converts "char" to and from its byte value', () => {
    expect(castValue(65, T.int4, T.char, utc)).toBe('A');
    castFails(128, T.int4, T.char, '22003', '"char" out of range');
    expect(castValue('é', T.char, T.int4, utc)).toBe(-61);
  });

  it('reinterprets oids as 32-bit integers', () => {
    expect(castValue(4294967295, T.oid, T.int4, utc)).toBe(-1);
    expect(castValue(-1, T.int4, T.oid, utc)).toBe(4294967295);
    castFails(-1n, T.int8, T.oid, '22003', 'OID out of range');
  });
});

describe('string conversions', () => {
  it('truncates to varchar(n) and char(n) on explicit casts', () => {
    expect(castValue('abcd', T.text, varcharType(3), utc, true)).toBe('abc');
    expect(castValue('abcd', T.text, bpcharType(3), utc, true)).toBe('abc');
    expect(castValue(12345, T.int4, varcharType(2), utc, true)).toBe('12');
  });

  it('raises 22001 on implicit and assignment casts that would lose characters', () => {
    castFails('abcd', T.text, varcharType(3), '22001', 'value too long for type character varying(3)', false);
    castFails('abcd', T.text, bpcharType(3), '22001', 'value too long for type character(3)', false);
    expect(castValue('ab  ', T.text, varcharType(3), utc, false)).toBe('ab ');
  });

  it('strips char(n) padding when converting to other string types', () => {
    expect(castValue('ab  ', bpcharType(4), T.text, utc)).toBe('ab');
    expect(castValue('ab  ', bpcharType(4), T.varchar, utc)).toBe('ab');
  });

  it('prints booleans as true/false when cast to text', () => {
    expect(castValue(true, T.bool, T.text, utc)).toBe('true');
    expect(castValue(true, T.bool, bpcharType(3), utc)).toBe('tru');
  });

  it('parses text with the input function of the target type', () => {
    expect(castValue(' 13 ', T.text, T.int4, utc)).toBe(13);
    expect(castValue('yes', T.text, T.bool, utc)).toBe(true);
    expect(() => castValue('nope', T.text, T.bool, utc)).toThrow(
      'invalid input syntax for type boolean: "nope"',
    );
    expect(castValue('{1,2}', T.text, arrayOf(T.int4), utc)).toEqual([1, 2]);
  });

  it('resolves now and today from the transaction start', () => {
    const start = Date.UTC(2024, 0, 5, 3) * 1000;
    const fc = { timezone: 'America/New_York', transactionStart: start };
    expect(castValue('now', T.unknown, T.timestamptz, fc)).toBe(start);
    expect(formatValue(castValue('today', T.unknown, T.date, fc), T.date, fc)).toBe('2024-01-04');
  });

  it('formats values with the output function of the source type', () => {
    expect(cast('0.1', T.float8, T.text)).toBe('0.1');
    expect(cast('{1,2,NULL}', arrayOf(T.int4), T.text)).toBe('{1,2,NULL}');
    expect(cast('2024-01-05 12:00+00', T.timestamptz, T.text, { timezone: 'Asia/Kolkata' })).toBe(
      '2024-01-05 17:30:00+05:30',
    );
    expect(cast('\\x4142', T.bytea, T.text)).toBe('\\x4142');
  });
});

describe('date and time conversions', () => {
  it('interprets dates and timestamps in the session zone for timestamptz', () => {
    expect(cast('2024-03-10', T.date, T.timestamptz, ny)).toBe('2024-03-10 00:00:00-05');
    expect(cast('2024-03-10 02:30', T.timestamp, T.timestamptz, ny)).toBe('2024-03-10 03:30:00-04');
    expect(cast('2024-01-05 03:00+00', T.timestamptz, T.timestamp, ny)).toBe('2024-01-04 22:00:00');
    expect(cast('2024-01-05 03:00+00', T.timestamptz, T.date, ny)).toBe('2024-01-04');
    expect(cast('2024-01-05 03:00:00.5+00', T.timestamptz, T.time, ny)).toBe('22:00:00.5');
  });

  it('keeps infinities, except for time which becomes NULL', () => {
    expect(cast('infinity', T.date, T.timestamp)).toBe('infinity');
    expect(cast('-infinity', T.timestamptz, T.timestamp)).toBe('-infinity');
    expect(cast('infinity', T.timestamp, T.date)).toBe('infinity');
    expect(cast('infinity', T.timestamp, T.time)).toBe('NULL');
  });

  it('converts between time and interval', () => {
    expect(cast('-1 hour', T.interval, T.time)).toBe('23:00:00');
    expect(cast('25 hours 3 days', T.interval, T.time)).toBe('01:00:00');
    expect(castValue(43_200_000_000, T.time, T.interval, utc)).toEqual(new Interval(0, 0, 43_200_000_000));
  });

  it('truncates timestamps to dates toward the past', () => {
    expect(cast('0044-03-15 12:00 BC', T.timestamp, T.date)).toBe('0044-03-15 BC');
    expect(cast('1969-12-31 23:59:59.999999', T.timestamp, T.date)).toBe('1969-12-31');
  });
});

describe('json and arrays', () => {
  it('normalises json into jsonb and back', () => {
    expect(castValue('{"b":1,"a":[1.0,2e2]}', T.json, T.jsonb, utc)).toBe('{"a": [1.0, 200], "b": 1}');
    expect(castValue('{"b": 1}', T.jsonb, T.json, utc)).toBe('{"b": 1}');
  });

  it('extracts jsonb scalars with PostgreSQL type errors', () => {
    expect(castValue('2.5', T.jsonb, T.int4, utc)).toBe(3);
    expect(castValue('1e3', T.jsonb, T.float8, utc)).toBe(1000);
    expect(castValue('true', T.jsonb, T.bool, utc)).toBe(true);
    castFails('null', T.jsonb, T.int4, '22023', 'cannot cast jsonb null to type integer');
    castFails('"1"', T.jsonb, T.int4, '22023', 'cannot cast jsonb string to type integer');
    castFails('{}', T.jsonb, T.numeric, '22023', 'cannot cast jsonb object to type numeric');
    castFails('[1]', T.jsonb, T.bool, '22023', 'cannot cast jsonb array to type boolean');
  });

  it('casts arrays element by element, keeping NULLs and nesting', () => {
    expect(castValue([1, 2, null], arrayOf(T.int4), arrayOf(T.float8), utc)).toEqual([1, 2, null]);
    expect(castValue([[1.5], [2.5]], arrayOf(T.float8), arrayOf(T.int4), utc)).toEqual([[2], [2]]);
    expect(castValue(['abc', 'de'], arrayOf(T.text), arrayOf(varcharType(2)), utc)).toEqual(['ab', 'de']);
  });

  it('passes NULL through every cast', () => {
    expect(castValue(null, T.text, T.int4, utc)).toBeNull();
  });

  it('rejects casts PostgreSQL does not have', () => {
    castFails(1, T.int4, T.date, '42846', 'cannot cast type integer to date');
  });
});
