/**
 * stddev/variance families, covariance, correlation and regr_*.
 * Invariants: integer and numeric inputs give PostgreSQL 15's exact numeric results (digits and
 * scale); float inputs give its float8 results bit for bit (same Youngs-Cramer steps); sample
 * statistics of fewer than two rows are NULL; NaN and infinities behave as in PostgreSQL; remove
 * undoes add (exactly for numeric, within rounding for floats); merge equals adding all rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalSqrt, isqrt } from '../../../src/sql/aggregates/statistics.js';
import { Decimal } from '../../../src/types/decimal.js';
import { T } from '../../../src/types/types.js';
import type { SqlType } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import {
  aggregate,
  arb,
  checkMergeEqualsAddAll,
  checkRemoveUndoesAdd,
  column,
  nullable,
  resultType,
} from './aggregate-harness.js';

const dec = (s: string): Decimal => Decimal.parse(s);
const str = (v: Value): string => String(v);
const VARIANCE = ['stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop'];

describe('variance and stddev of integers and numerics', () => {
  it('match PostgreSQL digits and scale', () => {
    const xs = [1, 2, 3, 4];
    expect(str(column('stddev', T.int4, xs))).toBe('1.2909944487358056');
    expect(str(column('variance', T.int4, xs))).toBe('1.6666666666666667');
    expect(str(column('var_pop', T.int2, xs))).toBe('1.2500000000000000');
    expect(str(column('stddev_pop', T.int4, xs))).toBe('1.1180339887498948');
    const ds = ['1.5', '2.25', '3.125'].map(dec);
    expect(str(column('variance', T.numeric, ds))).toBe('0.66145833333333333333');
    expect(str(column('stddev', T.numeric, ds))).toBe('0.81330088733096395985');
    expect(str(column('stddev_pop', T.numeric, ds))).toBe('0.66405739377121780694');
    const big = [123456789012n, 3n, 99999999999999n];
    expect(str(column('stddev', T.int8, big))).toBe('57699421033135');
    expect(str(column('variance', T.int8, big))).toBe('3329223187559017635523452711');
    expect(str(column('stddev', T.numeric, [dec('0.000001'), dec('0.000003')]))).toBe(
      '0.0000014142135623730950488017',
    );
  });

  it('give 0 without a scale when every value is equal', () => {
    expect(str(column('variance', T.int4, [1, 1]))).toBe('0');
    expect(str(column('stddev', T.numeric, [dec('1.5'), dec('1.50')]))).toBe('0');
    expect(str(column('var_pop', T.numeric, [dec('1.5')]))).toBe('0');
  });

  it('are NULL for sample statistics of one row and for no rows', () => {
    for (const f of ['stddev', 'stddev_samp', 'variance', 'var_samp'])
      expect(column(f, T.numeric, [dec('1.5')])).toBeNull();
    for (const f of VARIANCE) expect(column(f, T.int4, [null])).toBeNull();
  });

  it('are NaN when a numeric NaN is present', () => {
    expect(str(column('stddev', T.numeric, [dec('NaN'), dec('1')]))).toBe('NaN');
  });

  it('have numeric result types', () => {
    for (const f of VARIANCE) {
      for (const t of [T.int2, T.int4, T.int8, T.numeric]) expect(resultType(f, [t])).toBe(T.numeric);
    }
  });
});

describe('variance and stddev of floats', () => {
  it('match PostgreSQL bit for bit', () => {
    const xs = [0.1, 0.2, 0.3, 1e10];
    expect(column('variance', T.float8, xs)).toBe(2.4999999999000003e19);
    expect(column('var_samp', T.float8, xs)).toBe(2.4999999999000003e19);
    expect(column('stddev', T.float8, xs)).toBe(4999999999.900001);
    expect(column('stddev', T.float4, [1, 2, 3, 4])).toBe(1.2909944487358056);
  });

  it('are NaN with an infinity or NaN, but NULL for a single sample row', () => {
    expect(column('var_pop', T.float8, [Infinity])).toBeNaN();
    expect(column('variance', T.float8, [Infinity])).toBeNull();
    expect(column('stddev', T.float8, [NaN, 1, 2])).toBeNaN();
  });

  it('raise 22003 when finite inputs overflow', () => {
    expect(() => column('stddev', T.float8, [1e308, -1e308])).toThrow(
      expect.objectContaining({ code: '22003' }),
    );
  });

  it('have float8 result types', () => {
    for (const f of VARIANCE) for (const t of [T.float4, T.float8]) expect(resultType(f, [t])).toBe(T.float8);
  });
});

describe('two-variable statistics', () => {
  const rows: Value[][] = [
    [1, 2],
    [2, 3.5],
    [3, 7],
    [4, 8.25],
  ];
  const r = (name: string, data: Value[][] = rows): Value => aggregate(name, [T.float8, T.float8], data);

  it('match PostgreSQL bit for bit (arguments are Y, X)', () => {
    expect(r('corr')).toBe(0.9819428739335595);
    expect(r('covar_pop')).toBe(2.78125);
    expect(r('covar_samp')).toBe(3.7083333333333335);
    expect(r('regr_slope')).toBe(0.43335362142422396);
    expect(r('regr_intercept')).toBe(0.25197808886183815);
    expect(r('regr_count')).toBe(4n);
    expect(r('regr_r2')).toBe(0.9642118076688984);
    expect(r('regr_avgx')).toBe(5.1875);
    expect(r('regr_sxy')).toBe(11.125);
  });

  it('return NULL for horizontal and vertical lines, and r2 = 1 for constant Y', () => {
    const flat: Value[][] = [
      [1, 2],
      [1, 3.5],
    ];
    expect(r('corr', flat)).toBeNull();
    expect(r('regr_r2', flat)).toBe(1);
    expect(r('regr_slope', flat)).toBe(0);
    expect(
      r('regr_slope', [
        [1, 2],
        [5, 2],
      ]),
    ).toBeNull();
  });

  it('follow PostgreSQL with NaN and infinite inputs', () => {
    const withNaN: Value[][] = [
      [1, NaN],
      [2, 3.5],
      [3, 7],
    ];
    expect(r('regr_sxx', withNaN)).toBeNaN();
    expect(r('regr_syy', withNaN)).toBe(2);
    expect(r('regr_sxy', withNaN)).toBeNaN();
    expect(r('regr_avgy', withNaN)).toBe(2);
    const withInf: Value[][] = [
      [1, Infinity],
      [2, 3.5],
      [3, 7],
    ];
    expect(r('corr', withInf)).toBeNaN();
    expect(r('regr_slope', withInf)).toBeNaN();
    expect(r('regr_avgx', withInf)).toBe(Infinity);
    expect(r('covar_pop', withInf)).toBeNaN();
    expect(r('regr_syy', withInf)).toBe(2);
  });

  it('handle one row and no rows as PostgreSQL does', () => {
    expect(r('covar_samp', [[1, 2]])).toBeNull();
    expect(r('covar_pop', [[1, 2]])).toBe(0);
    expect(r('regr_count', [])).toBe(0n);
    expect(r('corr', [])).toBeNull();
    expect(resultType('regr_count', [T.float8, T.float8])).toBe(T.int8);
    expect(resultType('corr', [T.float8, T.float8])).toBe(T.float8);
  });
});

describe('exact square root', () => {
  it('isqrt is the floor square root', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), (n) => {
        const r = isqrt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
    );
  });

  it('decimalSqrt rounds half up at the requested scale', () => {
    expect(decimalSqrt(dec('1.6666666666666667'), 16).toString()).toBe('1.2909944487358056');
    expect(decimalSqrt(dec('2'), 0).toString()).toBe('1');
    expect(decimalSqrt(dec('2.25'), 3).toString()).toBe('1.500');
    expect(decimalSqrt(dec('0.000000000001'), 8).toString()).toBe('0.00000100');
  });
});

/** Relative tolerance for float statistics after retraction (Youngs-Cramer is not exactly invertible). */
const FLOAT_TOL = 1e-6;

describe('incremental maintenance', () => {
  const exact: { t: SqlType; row: fc.Arbitrary<Value[]> }[] = [
    { t: T.int2, row: nullable(arb.int2) },
    { t: T.int4, row: nullable(arb.int4) },
    { t: T.int8, row: nullable(arb.int8) },
    { t: T.numeric, row: nullable(arb.numeric) },
  ];
  for (const f of ['stddev', 'var_pop']) {
    for (const { t, row } of exact) {
      it(`remove undoes add exactly for ${f}(${t.id})`, () =>
        checkRemoveUndoesAdd({ name: f, argTypes: [t], row }));
      it(`merge equals adding all rows exactly for ${f}(${t.id})`, () =>
        checkMergeEqualsAddAll({ name: f, argTypes: [t], row }));
    }
    it(`merge equals adding all rows within rounding for ${f}(float8)`, () =>
      checkMergeEqualsAddAll({ name: f, argTypes: [T.float8], row: nullable(arb.float8), tol: FLOAT_TOL }));
  }
  // Variances rather than stddevs: a square root would magnify rounding residue around zero.
  for (const f of ['variance', 'var_pop']) {
    it(`remove undoes add within rounding for ${f}(float8)`, () =>
      checkRemoveUndoesAdd({ name: f, argTypes: [T.float8], row: nullable(arb.float8), tol: FLOAT_TOL }));
  }

  const pair = fc.tuple(
    fc.option(arb.float8, { freq: 10, nil: null }),
    fc.option(arb.float8, { freq: 10, nil: null }),
  );
  // Two anchor rows with different X and Y keep the fit away from the vertical/horizontal cases,
  // where a rounding residue would turn PostgreSQL's NULL into a huge number.
  const anchors: Value[][] = [
    [0, -60],
    [7, 60],
  ];
  for (const f of [
    'corr',
    'covar_pop',
    'covar_samp',
    'regr_slope',
    'regr_intercept',
    'regr_r2',
    'regr_sxx',
    'regr_avgy',
    'regr_count',
  ]) {
    it(`remove undoes add within rounding for ${f}`, () =>
      checkRemoveUndoesAdd({ name: f, argTypes: [T.float8, T.float8], row: pair, anchors, tol: FLOAT_TOL }));
    it(`merge equals adding all rows within rounding for ${f}`, () =>
      checkMergeEqualsAddAll({ name: f, argTypes: [T.float8, T.float8], row: pair, tol: FLOAT_TOL }));
  }
});
