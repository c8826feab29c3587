/**
 * approx_count_distinct (HyperLogLog) and approx_percentile (logarithmic bins with exact sums).
 * Invariants: the HLL estimate is within 2% at 100K distinct values and unaffected by duplicates;
 * equal SQL values hash equally; HLL merge equals adding all rows and HLL has no remove.
 * approx_percentile is within 1% relative error of the exact quantile (negatives, zeros and mixed
 * signs included); its result depends only on the multiset of live values: any interleaving of adds
 * and removes, any insertion order and any merge split give exactly the result of adding the live
 * values to a fresh sketch; one value (or many equal ones) comes back unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashValue, HyperLogLog, lastHash } from '../../../src/sql/aggregates/sketches.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import { T } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import {
  aggregate,
  bind,
  checkMergeEqualsAddAll,
  checkRemoveUndoesAdd,
  column,
  resultType,
} from './aggregate-harness.js';
import { mulberry32 } from '../../../src/demo/random.js';

const relErr = (got: number, want: number): number => Math.abs(got - want) / want;

describe('approx_count_distinct', () => {
  it('is within 2% at 100K distinct integers, strings and floats', () => {
    const n = 100_000;
    const ints = Array.from({ length: n }, (_, i) => i);
    expect(relErr(Number(column('approx_count_distinct', T.int4, ints)), n)).toBeLessThan(0.02);
    const strs = ints.map((i) => `user-${i}@example.com`);
    expect(relErr(Number(column('approx_count_distinct', T.text, strs)), n)).toBeLessThan(0.02);
    const rnd = mulberry32(7);
    const floats = ints.map(() => rnd() * 1e6);
    expect(relErr(Number(column('approx_count_distinct', T.float8, floats)), n)).toBeLessThan(0.02);
  });

  it('stays within 2% across cardinalities from tens to a million', () => {
    for (const n of [10, 100, 1_000, 10_000, 1_000_000]) {
      const b = bind('approx_count_distinct', [T.int8]);
      let s = b.acc.init();
      const row: Value[] = [0n];
      for (let i = 0; i < n; i++) {
        row[0] = BigInt(i) * 7919n;
        s = b.acc.add(s, row);
      }
      expect(relErr(Number(b.acc.result(s)), n), `n = ${n}`).toBeLessThan(0.02);
    }
  });

  it('ignores duplicates and NULLs, and counts 0 over no rows', () => {
    const vals: Value[] = [];
    for (let r = 0; r < 10; r++) for (let i = 0; i < 5000; i++) vals.push(i);
    vals.push(null);
    expect(relErr(Number(column('approx_count_distinct', T.int4, vals)), 5000)).toBeLessThan(0.02);
    expect(column('approx_count_distinct', T.int4, [])).toBe(0n);
    expect(column('approx_count_distinct', T.int4, [42, 42])).toBe(1n);
    expect(resultType('approx_count_distinct', [T.text])).toBe(T.int8);
  });

  it('merges by register-wise max, sparse or dense', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 2000, size: 'max' }),
        fc.nat(),
        (xs, cut) => {
          const b = bind('approx_count_distinct', [T.int4]);
          const rows = xs.map((x) => [x]);
          const k = cut % (rows.length + 1);
          const merged = b.acc.merge!(b.fold(rows.slice(0, k)), b.fold(rows.slice(k)));
          expect(b.acc.result(merged)).toBe(b.over(rows));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('has no remove', () => {
    expect(bind('approx_count_distinct', [T.int4]).acc.remove).toBeUndefined();
  });

  it('hashes equal SQL values equally', () => {
    const h = (v: Value): string => {
      hashValue(v);
      return lastHash().join(':');
    };
    expect(h(0)).toBe(h(-0));
    expect(h(NaN)).toBe(h(0 / 0));
    expect(h(5n)).toBe(h(5));
    expect(h(Decimal.parse('1.50'))).toBe(h(Decimal.parse('1.5')));
    expect(h(new Interval(1, 0, 0))).toBe(h(new Interval(0, 30, 0)));
    expect(h([Infinity])).not.toBe(h([NaN]));
    expect(h('ab')).not.toBe(h('ba'));
    expect(h(2n ** 64n + 1n)).not.toBe(h(1n));
  });

  it('HyperLogLog estimates 0 when empty', () => {
    expect(new HyperLogLog().estimate()).toBe(0);
  });
});

/** Exact quantile bounds: the sketch answers for rank q·(n−1), between floor and ceil. */
function exactBounds(sorted: number[], q: number): [number, number] {
  const r = q * (sorted.length - 1);
  return [sorted[Math.floor(r)]!, sorted[Math.ceil(r)]!];
}

function withinRelative(got: number, [lo, hi]: [number, number], acc: number): boolean {
  const a = Math.min(lo * (1 - acc), lo * (1 + acc));
  const b = Math.max(hi * (1 - acc), hi * (1 + acc));
  return got >= a - 1e-12 && got <= b + 1e-12;
}

const QUANTILES = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** approx_percentile(v, q) over `values`. */
function approx(values: readonly number[], q: number): Value {
  return aggregate(
    'approx_percentile',
    [T.float8, T.float8],
    values.map((v) => [v, q]),
  );
}

/** A standard normal deviate (Box–Muller). */
function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/** Values in every bin kind: wide positive and negative ranges, zeros, subnormals, duplicates. */
const sketchValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 5e-324, -1e-310, 0.1, 1.7e308, -1.7e308) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);

describe('approx_percentile', () => {
  const rnd = mulberry32(42);
  const n = 50_000;
  const distributions: Record<string, number[]> = {
    uniform: Array.from({ length: n }, () => rnd() * 1000),
    'log-normal': Array.from({ length: n }, () => Math.exp(2 * gaussian(rnd))),
    'six orders of magnitude': Array.from({ length: n }, () => Math.exp(rnd() * 14 - 2)),
    negative: Array.from({ length: n }, () => -Math.exp(3 * gaussian(rnd))),
    'mixed signs': Array.from({ length: n }, () => gaussian(rnd) * 100),
    'mixed signs and zeros': Array.from({ length: n }, (_, i) =>
      i % 10 === 0 ? -Math.exp(rnd() * 10) : i % 7 === 0 ? 0 : Math.exp(rnd() * 14 - 2),
    ),
    'few distinct integers': Array.from({ length: n }, () => Math.floor(rnd() * 20) - 5),
  };

  for (const [name, values] of Object.entries(distributions)) {
    it(`is within 1% relative error of the exact quantile: ${name}`, () => {
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of QUANTILES) {
        const got = approx(values, q) as number;
        const want = exactBounds(sorted, q);
        expect(withinRelative(got, want, 0.01), `q = ${q}: ${got} vs ${want}`).toBe(true);
      }
    });
  }

  it('returns a single value, or many copies of one, unchanged', () => {
    for (const v of [0.1, -0.3, 1, 7, 1e-300, 5e-324, 1.7e308, -1.7e308, Math.PI, 0]) {
      for (const q of [0, 0.5, 1]) {
        expect(approx([v], q)).toBe(v);
        expect(approx(Array<number>(1001).fill(v), q)).toBe(v);
      }
    }
  });

  it('answers with a value between the smallest and largest input', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (xs) => {
        for (const q of [0, 0.5, 1]) {
          const got = approx(xs, q) as number;
          expect(got).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(got).toBeLessThanOrEqual(Math.max(...xs));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives after any adds and removes exactly the result over the values still present', () => {
    for (const q of [0, 0.5, 0.9, 1]) {
      checkRemoveUndoesAdd({
        name: 'approx_percentile',
        argTypes: [T.float8, T.float8],
        row: fc.option(sketchValue, { freq: 10, nil: null }).map((v) => [v, q]),
        numRuns: 40,
      });
    }
  });

  it('does not depend on the order the values came in', () => {
    fc.assert(
      fc.property(fc.array(sketchValue, { maxLength: 200 }), fc.integer(), (xs, seed) => {
        const r = mulberry32(seed);
        const shuffled = [...xs];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        for (const q of [0.05, 0.5, 0.95]) expect(approx(shuffled, q)).toBe(approx(xs, q));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps large groups exact under removal in random order', () => {
    const b = bind('approx_percentile', [T.float8, T.float8]);
    const r = mulberry32(9);
    const values = Array.from({ length: 20_000 }, () => (r() < 0.5 ? -1 : 1) * Math.exp(r() * 40 - 20));
    let s = b.acc.init();
    for (const v of values) s = b.acc.add(s, [v, 0.3]);
    // Remove a random half, in an order unrelated to the insertion order.
    const gone = values.filter(() => r() < 0.5).reverse();
    for (const v of gone) s = b.acc.remove!(s, [v, 0.3]);
    const left = [...values];
    for (const v of gone) left.splice(left.indexOf(v), 1);
    expect(b.acc.result(s)).toBe(approx(left, 0.3));
  });

  it('merges exactly like adding all rows, negative values and zeros included', () => {
    checkMergeEqualsAddAll({
      name: 'approx_percentile',
      argTypes: [T.float8, T.float8],
      row: fc.tuple(sketchValue, fc.constantFrom(0, 0.25, 0.5, 1)).map(([v]) => [v, 0.25]),
    });
    const b = bind('approx_percentile', [T.float8, T.float8]);
    const values = distributions['mixed signs and zeros']!;
    for (const q of [0.02, 0.5, 0.97]) {
      const rows = values.slice(0, 20_000).map((v) => [v, q]);
      const merged = b.acc.merge!(b.fold(rows.slice(0, 7_000)), b.fold(rows.slice(7_000)));
      expect(b.acc.result(merged)).toBe(b.over(rows));
      // An empty side keeps the other's fraction.
      expect(b.acc.result(b.acc.merge!(b.acc.init(), b.fold(rows)))).toBe(b.over(rows));
    }
  });

  it('is NULL again once every value is removed, and fills again after', () => {
    const b = bind('approx_percentile', [T.float8, T.float8]);
    const rows = [3, -2, 0, 1e-320, 8e12, 8e12].map((v) => [v, 0.5]);
    let s = b.fold(rows);
    for (const r of rows) s = b.acc.remove!(s, r);
    expect(b.acc.result(s)).toBeNull();
    s = b.acc.add(s, [42, 0.5]);
    expect(b.acc.result(s)).toBe(42);
  });

  it('accepts every numeric input type', () => {
    expect(aggregate('approx_percentile', [T.int2, T.float8], [[-7, 0.5]])).toBe(-7);
    expect(aggregate('approx_percentile', [T.int4, T.float8], [[100, 0.5]])).toBe(100);
    expect(aggregate('approx_percentile', [T.int8, T.float8], [[100n, 0.5]])).toBe(100);
    expect(aggregate('approx_percentile', [T.float4, T.float8], [[Math.fround(0.1), 0.5]])).toBe(
      Math.fround(0.1),
    );
    expect(aggregate('approx_percentile', [T.numeric, T.float8], [[Decimal.parse('2.5'), 0.5]])).toBe(2.5);
    const b = bind('approx_percentile', [T.numeric, T.float8]);
    const s = b.acc.remove!(
      b.fold([
        [Decimal.parse('2.5'), 0.5],
        [Decimal.parse('4'), 0.5],
      ]),
      [Decimal.parse('2.5'), 0.5],
    );
    expect(b.acc.result(s)).toBe(4);
    expect(resultType('approx_percentile', [T.numeric, T.float8])).toBe(T.float8);
  });

  it('is NULL over no rows and skips NULL, NaN and infinite values when adding and removing', () => {
    expect(aggregate('approx_percentile', [T.float8, T.float8], [])).toBeNull();
    expect(aggregate('approx_percentile', [T.float8, T.float8], [[null, 0.5]])).toBeNull();
    expect(approx([NaN, Infinity, -Infinity], 0.5)).toBeNull();
    expect(approx([NaN, Infinity, 7, -Infinity], 0.5)).toBe(7);
    const b = bind('approx_percentile', [T.float8, T.float8]);
    let s = b.fold([
      [7, 0.5],
      [NaN, 0.5],
    ]);
    s = b.acc.remove!(s, [NaN, 0.5]);
    s = b.acc.remove!(s, [Infinity, 0.5]);
    expect(b.acc.result(s)).toBe(7);
    expect(aggregate('approx_percentile', [T.numeric, T.float8], [[Decimal.NaN, 0.5]])).toBeNull();
  });

  it('rejects fractions outside [0, 1] like percentile_cont', () => {
    expect(() => aggregate('approx_percentile', [T.float8, T.float8], [[1, 1.5]])).toThrow(
      expect.objectContaining({ code: '22003', message: 'percentile value 1.5 is not between 0 and 1' }),
    );
    expect(() => aggregate('approx_percentile', [T.float8, T.float8], [[1, NaN]])).toThrow(
      expect.objectContaining({ code: '22003' }),
    );
  });
});
