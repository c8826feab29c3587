import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { checkParamCount, convertParam, paramRefs } from '../../src/engine/params.js';
import { loadParser, parseSql } from '../../src/sql/parser.js';
import { arrayOf, numericType, T, varcharType } from '../../src/types/types.js';
import { Decimal, Interval } from '../../src/types/values.js';

const cs = { timezone: 'UTC' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatabaseError) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('convertParam', () => {
  it('passes values already in the type’s representation through', () => {
    expect(convertParam(5, T.int4, cs, 1)).toBe(5);
    expect(convertParam(2.5, T.float8, cs, 1)).toBe(2.5);
    expect(convertParam(7n, T.int8, cs, 1)).toBe(7n);
    expect(convertParam(true, T.bool, cs, 1)).toBe(true);
    const iv = new Interval(1, 2, 3);
    expect(convertParam(iv, T.interval, cs, 1)).toBe(iv);
  });

  it('reads text with the type’s input function', () => {
    expect(convertParam('42', T.int4, cs, 1)).toBe(42);
    expect(convertParam('2024-01-02', T.date, cs, 1)).toBe(19724);
    expect(convertParam('1 day', T.interval, cs, 1)).toEqual(new Interval(0, 1, 0));
    expect(convertParam('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', T.uuid, cs, 1)).toBe(
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    );
    expect(code(() => convertParam('abcd', varcharType(3), cs, 1))).toBe(
      '22001 value too long for type character varying(3)',
    );
  });

  it('converts JS numbers exactly: safe integers to bigint, others through their text', () => {
    expect(convertParam(9007199254740991, T.int8, cs, 1)).toBe(9007199254740991n);
    expect(convertParam(0.1, T.numeric, cs, 1)).toEqual(Decimal.parse('0.1'));
    expect(code(() => convertParam(1.5, T.int4, cs, 1))).toBe(
      '22P02 invalid input syntax for type integer: "1.5"',
    );
    expect(code(() => convertParam(3e9, T.int4, cs, 1))).toBe(
      '22003 value "3000000000" is out of range for type integer',
    );
    expect(code(() => convertParam(1.5, T.int8, cs, 1))).toBe(
      '22P02 invalid input syntax for type bigint: "1.5"',
    );
  });

  it('applies numeric precision and scale and rounds float4', () => {
    expect(convertParam(Decimal.parse('1.005'), numericType(5, 2), cs, 1)).toEqual(Decimal.parse('1.01'));
    expect(code(() => convertParam(Decimal.parse('1000'), numericType(3, 0), cs, 1))).toMatch(/^22003/);
    expect(convertParam(0.1, T.float4, cs, 1)).toBe(Math.fround(0.1));
  });

  it('reads a Date as a date, a timestamp, or ISO text', () => {
    const d = new Date(Date.UTC(2026, 0, 5, 12));
    expect(convertParam(d, T.date, cs, 1)).toBe(Date.UTC(2026, 0, 5) / 86_400_000);
    expect(convertParam(d, T.timestamptz, cs, 1)).toBe(d.getTime() * 1000);
    expect(convertParam(d, T.text, cs, 1)).toBe('2026-01-05T12:00:00.000Z');
    expect(code(() => convertParam(new Date(NaN), T.timestamp, cs, 2))).toBe(
      '22007 parameter $2 is an invalid Date',
    );
  });

  it('converts array elements to the element type', () => {
    expect(convertParam([1, '2', null], arrayOf(T.int8), cs, 1)).toEqual([1n, 2n, null]);
    expect(convertParam('{1,2}', arrayOf(T.int4), cs, 1)).toEqual([1, 2]);
  });

  it('fails with 42804 on bytes or arrays for a scalar type', () => {
    expect(code(() => convertParam(new Uint8Array([1]), T.int4, cs, 3))).toBe(
      '42804 parameter $3 of type bytea cannot be coerced to the expected type integer',
    );
    expect(code(() => convertParam([1], T.text, cs, 1))).toMatch(/^42804/);
  });

  it('keeps NULL and values of undetermined type as given', () => {
    expect(convertParam(undefined, T.int4, cs, 1)).toBe(null);
    expect(convertParam('x', undefined, cs, 1)).toBe('x');
  });
});

describe('checkParamCount', () => {
  const stmts = async (sql: string): Promise<unknown[]> => {
    await loadParser();
    return parseSql(sql).map((s) => s.stmt);
  };

  it('finds the highest and the first parameter reference', async () => {
    const [s] = await stmts('SELECT $2 + 1 WHERE x = $1');
    expect(paramRefs(s)).toEqual({ max: 2, first: { number: 2, location: 7 } });
  });

  it('ignores the parameters inside PREPARE', async () => {
    const prepare = await stmts('PREPARE p AS SELECT $1');
    expect(() => checkParamCount(prepare, 0)).not.toThrow();
    expect(code(() => checkParamCount(prepare, 1))).toBe(
      '08P01 bind message supplies 1 parameters, but prepared statement "" requires 0',
    );
  });

  it('reports a reference without parameters at its position', async () => {
    const s = await stmts('SELECT 1 + $1');
    const err = (() => {
      try {
        checkParamCount(s, 0);
      } catch (e) {
        return e as DatabaseError;
      }
      return null;
    })();
    expect([err?.code, err?.message, err?.position]).toEqual(['42P02', 'there is no parameter $1', 12]);
  });
});
