/**
 * approx_count_distinct (HyperLogLog) and approx_percentile (DDSketch).
 * Invariants: the HLL estimate is within 2% at 100K distinct values and unaffected by duplicates;
 * equal SQL values hash equally; merge equals adding all rows (exactly: register max and bucket sums
 * are order-free); DDSketch quantiles are within 1% relative error of the exact ones, negatives
 * included; neither sketch offers remove.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashValue, HyperLogLog, lastHash } from '../../../src/sql/aggregates/sketches.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import { T } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import { aggregate, bind, column, resultType } from './aggregate-harness.js';
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

describe('approx_percentile', () => {
  const rnd = mulberry32(42);
  // Log-normal-ish positive values across six orders of magnitude, plus negatives and zeros.
  const values = Array.from({ length: 100_000 }, (_, i) =>
    i % 10 === 0 ? -Math.exp(rnd() * 10) : i % 97 === 0 ? 0 : Math.exp(rnd() * 14 - 2),
  );
  const sorted = [...values].sort((a, b) => a - b);

  it('is within 1% relative error of the exact quantile', () => {
    for (const q of [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]) {
      const got = aggregate(
        'approx_percentile',
        [T.float8, T.float8],
        values.map((v) => [v, q]),
      ) as number;
      expect(
        withinRelative(got, exactBounds(sorted, q), 0.01),
        `q = ${q}: ${got} vs ${exactBounds(sorted, q)}`,
      ).toBe(true);
    }
  });

  it('merges exactly like adding all rows, negative values included', () => {
    const b = bind('approx_percentile', [T.float8, T.float8]);
    for (const q of [0.02, 0.5, 0.97]) {
      const rows = values.slice(0, 20_000).map((v) => [v, q]);
      const merged = b.acc.merge!(b.fold(rows.slice(0, 7_000)), b.fold(rows.slice(7_000)));
      expect(b.acc.result(merged)).toBe(b.over(rows));
    }
  });

  it('accepts every numeric input type', () => {
    expect(aggregate('approx_percentile', [T.int4, T.float8], [[100, 0.5]])).toBe(100);
    expect(aggregate('approx_percentile', [T.int8, T.float8], [[100n, 0.5]])).toBe(100);
    const d = aggregate('approx_percentile', [T.numeric, T.float8], [[Decimal.parse('2.5'), 0.5]]) as number;
    expect(relErr(d, 2.5)).toBeLessThan(0.01);
    expect(resultType('approx_percentile', [T.numeric, T.float8])).toBe(T.float8);
  });

  it('is NULL over no rows and skips NULL, NaN and infinite values', () => {
    expect(aggregate('approx_percentile', [T.float8, T.float8], [])).toBeNull();
    expect(aggregate('approx_percentile', [T.float8, T.float8], [[null, 0.5]])).toBeNull();
    expect(
      aggregate(
        'approx_percentile',
        [T.float8, T.float8],
        [
          [NaN, 0.5],
          [Infinity, 0.5],
          [7, 0.5],
        ],
      ),
    ).toBe(7);
  });

  it('rejects fractions outside [0, 1] like percentile_cont', () => {
    expect(() => aggregate('approx_percentile', [T.float8, T.float8], [[1, 1.5]])).toThrow(
      expect.objectContaining({ code: '22003', message: 'percentile value 1.5 is not between 0 and 1' }),
    );
  });

  it('has no remove', () => {
    expect(bind('approx_percentile', [T.float8, T.float8]).acc.remove).toBeUndefined();
  });
});
