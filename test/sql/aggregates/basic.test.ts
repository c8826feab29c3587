/**
 * count, sum, avg, min, max, bool_and/bool_or/every, string_agg, array_agg.
 * Invariants: results and result types equal PostgreSQL 15's (expected values were taken from it);
 * NULLs are skipped by strict aggregates; empty input gives NULL (count gives 0); remove undoes add;
 * merge(a, b) equals adding all rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalSum, ExactIntSum } from '../../../src/sql/aggregates/basic.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import { arrayOf, bpcharType, numericType, T, varcharType } from '../../../src/types/types.js';
import type { SqlType } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import {
  aggregate,
  arb,
  bind,
  checkMergeEqualsAddAll,
  checkRemoveUndoesAdd,
  column,
  equalValue,
  nullable,
  resultType,
} from './aggregate-harness.js';
import type { PropertySpec } from './aggregate-harness.js';

const dec = (s: string): Decimal => Decimal.parse(s);
const str = (v: Value): string => String(v);

function expectError(f: () => unknown, code: string, message: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toMatchObject({ code, message });
    return;
  }
  throw new Error('expected an error');
}

describe('count', () => {
  it('counts every row for count(*) and non-null rows for count(x), as bigint', () => {
    expect(aggregate('count', [], [[], [], []])).toBe(3n);
    expect(column('count', T.int4, [1, null, 3])).toBe(2n);
    expect(resultType('count', [])).toBe(T.int8);
    expect(resultType('count', [T.text])).toBe(T.int8);
  });

  it('gives 0 over no rows', () => {
    expect(aggregate('count', [], [])).toBe(0n);
    expect(column('count', T.int4, [null])).toBe(0n);
  });
});

describe('sum', () => {
  it('has PostgreSQL result types', () => {
    const cases: [SqlType, SqlType][] = [
      [T.int2, T.int8],
      [T.int4, T.int8],
      [T.int8, T.numeric],
      [T.numeric, T.numeric],
      [T.float4, T.float4],
      [T.float8, T.float8],
      [T.interval, T.interval],
    ];
    for (const [arg, ret] of cases) expect(resultType('sum', [arg])).toBe(ret);
  });

  it('sums integers into a bigint and skips NULLs', () => {
    expect(column('sum', T.int2, [1, 2])).toBe(3n);
    expect(column('sum', T.int4, [1, null, -7])).toBe(-6n);
  });

  it('stays exact for int4 sums beyond 2^53', () => {
    const b = bind('sum', [T.int4]);
    let s = b.acc.init();
    const row = [2147483647];
    for (let i = 0; i < 5_000_000; i++) s = b.acc.add(s, row);
    s = b.acc.add(s, [1]);
    expect(b.acc.result(s)).toBe(5_000_000n * 2147483647n + 1n);
  });

  it('sums int8 exactly into numeric', () => {
    const max = 2n ** 63n - 1n;
    expect(str(column('sum', T.int8, [max, max]))).toBe('18446744073709551614');
    expect(str(column('sum', T.int8, [3n, -(2n ** 63n)]))).toBe('-9223372036854775805');
  });

  it('keeps the largest input scale for numeric, and restores it after the row that had it is removed', () => {
    expect(str(column('sum', T.numeric, [dec('1.50'), dec('2.125')]))).toBe('3.625');
    const b = bind('sum', [T.numeric]);
    let s = b.fold([[dec('1.50')], [dec('2.125')]]);
    s = b.acc.remove!(s, [dec('2.125')]);
    expect(str(b.acc.result(s))).toBe('1.50');
    expect(str(column('sum', T.numeric, [dec('NaN'), dec('1')]))).toBe('NaN');
  });

  it('rounds float4 sums to float4 at each step', () => {
    expect(column('sum', T.float4, [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)])).toBe(
      Math.fround(0.6),
    );
  });

  it('follows IEEE rules for infinities and raises 22003 when finite floats overflow', () => {
    expect(column('sum', T.float8, [Infinity, 1, -Infinity])).toBeNaN();
    expectError(() => column('sum', T.float8, [1e308, 1e308]), '22003', 'value out of range: overflow');
    const b = bind('sum', [T.float8]);
    let s = b.fold([[Infinity], [1], [-Infinity]]);
    s = b.acc.remove!(s, [-Infinity]);
    expect(b.acc.result(s)).toBe(Infinity);
    s = b.acc.remove!(s, [Infinity]);
    expect(b.acc.result(s)).toBe(1);
  });

  it('adds intervals field by field', () => {
    const v = column('sum', T.interval, [
      new Interval(1, 1, 1e6),
      new Interval(0, 2, 3 * 3600e6),
      new Interval(1, 0, 300e6),
    ]);
    expect(v).toEqual(new Interval(2, 3, 11101e6));
  });

  it('is NULL over no rows or only NULLs', () => {
    for (const t of [T.int2, T.int4, T.int8, T.numeric, T.float4, T.float8, T.interval]) {
      expect(column('sum', t, [])).toBeNull();
      expect(column('sum', t, [null])).toBeNull();
    }
  });
});

describe('avg', () => {
  it('has PostgreSQL result types', () => {
    for (const t of [T.int2, T.int4, T.int8, T.numeric]) expect(resultType('avg', [t])).toBe(T.numeric);
    for (const t of [T.float4, T.float8]) expect(resultType('avg', [t])).toBe(T.float8);
    expect(resultType('avg', [T.interval])).toBe(T.interval);
  });

  it('divides with PostgreSQL numeric scale', () => {
    expect(str(column('avg', T.int2, [1, 2]))).toBe('1.5000000000000000');
    expect(str(column('avg', T.int4, [1, 2, 4]))).toBe('2.3333333333333333');
    expect(str(column('avg', T.int8, [1n, 2n, 4n]))).toBe('2.3333333333333333');
    expect(str(column('avg', T.int8, [123456789012n, 3n, 99999999999999n]))).toBe('33374485596338.0000');
    expect(str(column('avg', T.numeric, [dec('1.5'), dec('2.25')]))).toBe('1.8750000000000000');
    expect(str(column('avg', T.numeric, [dec('1.50'), dec('2.125')]))).toBe('1.8125000000000000');
    expect(str(column('avg', T.numeric, [dec('1e20'), dec('3')]))).toBe('50000000000000000002');
    expect(str(column('avg', T.numeric, [dec('0.000001'), dec('0.000003')]))).toBe(
      '0.000002000000000000000000',
    );
    expect(str(column('avg', T.numeric, [dec('NaN'), dec('1')]))).toBe('NaN');
  });

  it('averages floats in double precision', () => {
    expect(column('avg', T.float8, [1, 2, 4])).toBe(2.3333333333333335);
    expect(column('avg', T.float4, [1, 2, 4])).toBe(2.3333333333333335);
    expect(column('avg', T.float8, [Infinity, 1])).toBe(Infinity);
  });

  it('divides intervals cascading fractional months into days and days into time', () => {
    const v = column('avg', T.interval, [
      new Interval(1, 1, 1e6),
      new Interval(0, 2, 3 * 3600e6),
      new Interval(1, 0, 300e6),
    ]);
    expect(v).toEqual(new Interval(0, 21, 3700333333));
    const zeros = Array.from({ length: 6 }, () => new Interval(0, 0, 0));
    expect(column('avg', T.interval, [new Interval(1, 0, 0), ...zeros])).toEqual(
      new Interval(0, 4, 24685689600),
    );
  });

  it('is NULL over no rows', () => {
    for (const t of [T.int4, T.int8, T.numeric, T.float8, T.interval])
      expect(column('avg', t, [null])).toBeNull();
  });
});

describe('min and max', () => {
  it('order every type as compareValues does', () => {
    expect(column('min', T.int4, [3, null, 1, 2])).toBe(1);
    expect(column('max', T.int4, [3, null, 1, 2])).toBe(3);
    expect(column('max', T.float8, [1, NaN, Infinity])).toBeNaN();
    expect(column('min', T.text, ['b', 'a', 'ab'])).toBe('a');
    expect(column('max', T.int8, [2n ** 62n, -1n])).toBe(2n ** 62n);
    expect(str(column('max', T.numeric, [dec('1.5'), dec('10'), dec('-3')]))).toBe('10');
    expect(column('max', T.interval, [new Interval(1, 0, 0), new Interval(0, 31, 0)])).toEqual(
      new Interval(0, 31, 0),
    );
    expect(column('min', arrayOf(T.int4), [[2], [1, 5], [1]])).toEqual([1]);
    expect(column('max', T.bool, [false, true])).toBe(true);
  });

  it('keeps the max correct after the max row is deleted', () => {
    const b = bind('max', [T.int4]);
    let s = b.fold([[5], [9], [9], [1]]);
    s = b.acc.remove!(s, [9]);
    expect(b.acc.result(s)).toBe(9);
    s = b.acc.remove!(s, [9]);
    expect(b.acc.result(s)).toBe(5);
    s = b.acc.remove!(s, [5]);
    s = b.acc.remove!(s, [1]);
    expect(b.acc.result(s)).toBeNull();
  });

  it('return the argument type with typmods dropped; varchar becomes text', () => {
    expect(resultType('max', [T.int2])).toBe(T.int2);
    expect(resultType('min', [T.date])).toBe(T.date);
    expect(resultType('max', [varcharType(10)])).toBe(T.text);
    expect(resultType('max', [bpcharType(3)])).toEqual(T.bpchar);
    expect(resultType('min', [numericType(5, 2)])).toEqual(T.numeric);
    expect(resultType('min', [arrayOf(T.int4)])).toEqual(arrayOf(T.int4));
  });

  it('are NULL over no rows', () => {
    expect(column('min', T.int4, [])).toBeNull();
    expect(column('max', T.text, [null])).toBeNull();
  });
});

describe('bool_and, bool_or, every', () => {
  it('skip NULLs', () => {
    expect(column('bool_and', T.bool, [true, null, false])).toBe(false);
    expect(column('every', T.bool, [true, null, true])).toBe(true);
    expect(column('bool_or', T.bool, [true, null, false])).toBe(true);
    expect(column('bool_or', T.bool, [false])).toBe(false);
    expect(resultType('every', [T.bool])).toBe(T.bool);
  });

  it('are NULL over no rows', () => {
    for (const f of ['bool_and', 'bool_or', 'every']) expect(column(f, T.bool, [null])).toBeNull();
  });
});

describe('string_agg', () => {
  it('skips NULL values, treats a NULL delimiter as empty and drops the first delimiter', () => {
    const rows: Value[][] = [
      ['a', ','],
      ['b', null],
      ['c', ';'],
      [null, '!'],
      ['d', '-'],
    ];
    expect(aggregate('string_agg', [T.text, T.text], rows)).toBe('ab;c-d');
    expect(resultType('string_agg', [T.text, T.text])).toBe(T.text);
  });

  it('concatenates bytea', () => {
    const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
    const v = aggregate(
      'string_agg',
      [T.bytea, T.bytea],
      [
        [b('a'), b(',')],
        [b('b'), b(',')],
      ],
    );
    expect(Buffer.from(v as Uint8Array).toString('hex')).toBe('612c62');
    expect(resultType('string_agg', [T.bytea, T.bytea])).toBe(T.bytea);
  });

  it('removes the oldest equal row, keeping insertion order', () => {
    const b = bind('string_agg', [T.text, T.text]);
    let s = b.fold([
      ['x', ','],
      ['y', ','],
      ['x', ','],
    ]);
    s = b.acc.remove!(s, ['x', ',']);
    expect(b.acc.result(s)).toBe('y,x');
  });

  it('is NULL over no rows or only NULL values', () => {
    expect(aggregate('string_agg', [T.text, T.text], [[null, ',']])).toBeNull();
  });
});

describe('array_agg', () => {
  it('keeps NULLs and insertion order', () => {
    expect(column('array_agg', T.int4, [1, null, 3])).toEqual([1, null, 3]);
    expect(resultType('array_agg', [T.int4])).toEqual(arrayOf(T.int4));
    expect(resultType('array_agg', [varcharType(5)])).toEqual(arrayOf(T.varchar));
  });

  it('stacks arrays into one more dimension', () => {
    expect(
      column('array_agg', arrayOf(T.int4), [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(resultType('array_agg', [arrayOf(T.int4)])).toEqual(arrayOf(T.int4));
    expectError(
      () => column('array_agg', arrayOf(T.int4), [[1], null]),
      '22004',
      'cannot accumulate null arrays',
    );
    expectError(() => column('array_agg', arrayOf(T.int4), [[]]), '2202E', 'cannot accumulate empty arrays');
    expectError(
      () => column('array_agg', arrayOf(T.int4), [[1], [1, 2]]),
      '2202E',
      'cannot accumulate arrays of different dimensionality',
    );
  });

  it('is NULL over no rows', () => {
    expect(column('array_agg', T.int4, [])).toBeNull();
  });

  it('removes duplicates one at a time, even after thousands of rows', () => {
    const b = bind('array_agg', [T.int4]);
    let s = b.acc.init();
    for (let i = 0; i < 3000; i++) s = b.acc.add(s, [i % 3]);
    for (let i = 0; i < 2990; i++) s = b.acc.remove!(s, [i % 3]);
    expect(b.acc.result(s)).toEqual([2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });
});

describe('exact accumulators', () => {
  it('ExactIntSum spills into a bigint without losing units', () => {
    const s = new ExactIntSum();
    for (let i = 0; i < 10; i++) s.addNumber(2 ** 52);
    s.addNumber(1);
    s.addBigInt(-(2n ** 70n));
    expect(s.value()).toBe(10n * 2n ** 52n + 1n - 2n ** 70n);
  });

  it('DecimalSum keeps exact coefficients across scales', () => {
    const s = new DecimalSum();
    s.add(dec('0.1'));
    s.add(dec('0.02'));
    s.add(dec('3'));
    expect(s.value().toString()).toBe('3.12');
  });
});

const interleaved: PropertySpec[] = [
  { name: 'count', argTypes: [], row: fc.constant([]) },
  { name: 'count', argTypes: [T.int4], row: nullable(arb.int4) },
  ...[T.int2, T.int4].flatMap((t) =>
    ['sum', 'avg'].map((name) => ({
      name,
      argTypes: [t],
      row: nullable(t === T.int2 ? arb.int2 : arb.int4),
    })),
  ),
  { name: 'sum', argTypes: [T.int8], row: nullable(arb.int8) },
  { name: 'avg', argTypes: [T.int8], row: nullable(arb.int8) },
  { name: 'sum', argTypes: [T.numeric], row: nullable(arb.numeric) },
  { name: 'avg', argTypes: [T.numeric], row: nullable(arb.numeric) },
  { name: 'sum', argTypes: [T.float8], row: nullable(arb.float8) },
  { name: 'avg', argTypes: [T.float8], row: nullable(arb.float8) },
  { name: 'sum', argTypes: [T.float4], row: nullable(arb.float8) },
  { name: 'sum', argTypes: [T.interval], row: nullable(arb.interval) },
  { name: 'avg', argTypes: [T.interval], row: nullable(arb.interval) },
  { name: 'min', argTypes: [T.int4], row: nullable(arb.int4) },
  { name: 'max', argTypes: [T.int4], row: nullable(fc.integer({ min: -5, max: 5 })) },
  // min/max return one of several equal inputs (1.0 or 1.00); which one is unspecified.
  { name: 'max', argTypes: [T.numeric], row: nullable(arb.numeric), eq: equalValue },
  { name: 'min', argTypes: [T.interval], row: nullable(arb.interval), eq: equalValue },
  { name: 'min', argTypes: [T.text], row: nullable(arb.text) },
  { name: 'max', argTypes: [T.float8], row: nullable(arb.float8) },
  { name: 'bool_and', argTypes: [T.bool], row: nullable(arb.bool) },
  { name: 'bool_or', argTypes: [T.bool], row: nullable(arb.bool) },
  { name: 'every', argTypes: [T.bool], row: nullable(arb.bool) },
  {
    name: 'string_agg',
    argTypes: [T.text, T.text],
    row: fc.tuple(
      fc.option(arb.text, { freq: 6, nil: null }),
      fc.option(fc.constantFrom(',', ';'), { freq: 4, nil: null }),
    ),
  },
  { name: 'array_agg', argTypes: [T.int4], row: nullable(fc.integer({ min: 0, max: 4 })) },
  {
    name: 'array_agg',
    argTypes: [T.numeric],
    row: nullable(fc.constantFrom('1', '1.0', '1.00', '2').map(dec)),
  },
  {
    name: 'array_agg',
    argTypes: [arrayOf(T.int4)],
    row: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer()).map((p) => [p]),
  },
];

describe('incremental maintenance', () => {
  for (const spec of interleaved) {
    const label = `${spec.name}(${spec.argTypes.map((t) => t.id).join(', ')})`;
    it(`remove undoes add for ${label}`, () => checkRemoveUndoesAdd(spec));
    it(`merge equals adding all rows for ${label}`, () => checkMergeEqualsAddAll(spec));
  }
});
