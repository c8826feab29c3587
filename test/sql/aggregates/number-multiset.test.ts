/**
 * NumberMultiset, the log-structured multiset of numbers behind maintained percentiles, min and max.
 * Invariants: under any sequence of batched adds and removes of present values, read at any point,
 * it agrees with a sorted array (size, every rank, min, max, forEach); NaN sorts above everything
 * and -0 equals 0; it stays correct while growing well past the in-place size into many merged
 * runs and shrinking back; the view accumulators pick it for ascending numbers only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberMultiset } from '../../../src/sql/aggregates/number-multiset.js';
import {
  compareNumbers,
  multisetAccumulator,
  OrderedMultiset,
} from '../../../src/sql/aggregates/ordered-set.js';
import { compareValues } from '../../../src/types/values.js';

/** The reference: a sorted array, NaN last. */
function sortedRef(values: number[]): number[] {
  return [...values].sort((a, b) => compareNumbers(a, b));
}

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (a === 0 && b === 0);
}

/** Every read of `s` against `ref` (which holds the same values). */
function checkAgainst(s: NumberMultiset, ref: number[], probes: readonly number[]): void {
  const sorted = sortedRef(ref);
  expect(s.size).toBe(sorted.length);
  for (const p of probes) {
    if (sorted.length === 0) break;
    const k = p % sorted.length;
    const got = s.at(k);
    if (!same(got, sorted[k])) expect([k, got]).toEqual([k, sorted[k]]);
  }
  expect(s.at(-1)).toBeUndefined();
  expect(s.at(sorted.length)).toBeUndefined();
  if (sorted.length > 0) {
    expect(same(s.min(), sorted[0])).toBe(true);
    expect(same(s.max(), sorted[sorted.length - 1])).toBe(true);
  } else expect([s.min(), s.max()]).toEqual([undefined, undefined]);
}

function entries(s: { forEach(fn: (k: unknown, c: number) => void): void }): [unknown, number][] {
  const out: [unknown, number][] = [];
  s.forEach((k, c) => out.push([k, c]));
  return out;
}

describe('NumberMultiset', () => {
  it('agrees with a sorted array under random batches of adds and removes, read at any point', () => {
    const value = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 0, max: 300 }) },
      { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: false }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, -0, 0, Infinity, -Infinity) },
    );
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.record({ add: value, n: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 4, arbitrary: fc.record({ remove: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ read: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }) }) },
      // A long stretch of additions: the multiset grows past its in-place size into runs.
      { weight: 1, arbitrary: fc.record({ bulk: fc.integer({ min: 100, max: 900 }), seed: fc.nat() }) },
    );
    fc.assert(
      // Windows of 1 to 16 distinct values: reads land in them, miss them, evict and trim them.
      fc.property(
        fc.constantFrom(1, 2, 3, 16, 1024),
        fc.array(op, { minLength: 20, maxLength: 400 }),
        (window, ops) => {
          const s = new NumberMultiset(window);
          const ref: number[] = [];
          for (const o of ops) {
            if ('add' in o) {
              s.add(o.add, o.n);
              for (let i = 0; i < o.n; i++) ref.push(o.add);
            } else if ('remove' in o) {
              if (ref.length === 0) continue;
              const i = o.remove % ref.length;
              expect(s.remove(ref[i]!)).toBe(true);
              ref[i] = ref[ref.length - 1]!;
              ref.pop();
            } else if ('bulk' in o) {
              for (let i = 0; i < o.bulk; i++) {
                const v = (o.seed * 7919 + i * 104729) % 1000;
                s.add(v);
                ref.push(v);
              }
            } else checkAgainst(s, ref, o.read);
          }
          checkAgainst(s, ref, [0, 1, 7, 101, 4099]);
          const expected: [unknown, number][] = [];
          for (const v of sortedRef(ref)) {
            const last = expected[expected.length - 1];
            if (last && (same(last[0], v) || (Number.isNaN(v) && Number.isNaN(last[0])))) last[1]++;
            else expected.push([v, 1]);
          }
          expect(entries(s).map(([k, c]) => [Number.isNaN(k) ? 'NaN' : k === 0 ? 0 : k, c])).toEqual(
            expected.map(([k, c]) => [Number.isNaN(k) ? 'NaN' : k === 0 ? 0 : k, c]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([1024, 8])(
    'stays correct while an UPDATE-like stream moves values through windows, runs and merges (window %i)',
    (window) => {
      // 20,000 values, then batches that each remove 300 values and add them back shifted by one.
      const s = new NumberMultiset(window);
      const ref: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const v = (i * 7919) % 10_007;
        s.add(v);
        ref.push(v);
      }
      for (let b = 0; b < 200; b++) {
        for (let i = 0; i < 300; i++) {
          const j = (b * 300 + i * 13) % ref.length;
          s.remove(ref[j]!);
          ref[j] = ref[j]! + 1;
          s.add(ref[j]!);
        }
        if (b % 7 === 0) checkAgainst(s, ref, [0, 1, 9_999, 10_000, 19_999, b * 97]);
      }
      // Shrinking back to nothing through the runs.
      for (let b = 0; ref.length > 0; b++) {
        for (let i = 0; i < 700 && ref.length > 0; i++) s.remove(ref.pop()!);
        checkAgainst(s, ref, [0, 3, 5_000, b]);
      }
      expect(s.size).toBe(0);
    },
  );

  it('the view accumulators keep ascending numbers in it, and descending order, other types and mode in the B-tree', () => {
    const numbers = multisetAccumulator((s) => s.size, compareNumbers);
    const descending = multisetAccumulator(
      (s) => s.size,
      (a, b) => compareNumbers(b, a),
    );
    const texts = multisetAccumulator((s) => s.size, compareValues);
    const mode = multisetAccumulator((s) => s.size, compareNumbers, true);
    expect(numbers.init()).toBeInstanceOf(NumberMultiset);
    expect(descending.init()).toBeInstanceOf(OrderedMultiset);
    expect(texts.init()).toBeInstanceOf(OrderedMultiset);
    expect(mode.init()).toBeInstanceOf(OrderedMultiset);
    // Merging states of either kind adds the values.
    const a = numbers.init();
    const b = numbers.init();
    for (let i = 0; i < 1000; i++) (i % 2 ? a : b).add(i);
    const m = numbers.merge!(a, b);
    expect([m.size, m.at(0), m.at(999), m.at(500)]).toEqual([1000, 0, 999, 500]);
    expect(numbers.bytes!(m)).toBeGreaterThan(8 * 1000);
  });
});
