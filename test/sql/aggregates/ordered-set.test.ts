/**
 * OrderedMultiset, percentile_cont, percentile_disc and mode.
 * Invariants: the multiset agrees with a sorted array under any sequence of adds and removes
 * (min, max, k-th, mode, size); percentile and mode results and types equal PostgreSQL 15's;
 * fractions outside [0, 1] raise 22003 with PostgreSQL's wording; remove undoes add; merge equals
 * adding all rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareNumbers, OrderedMultiset, scaleInterval } from '../../../src/sql/aggregates/ordered-set.js';
import { checkFraction, formatG } from '../../../src/sql/aggregates/percentile.js';
import { Interval } from '../../../src/types/interval.js';
import { arrayOf, T, varcharType } from '../../../src/types/types.js';
import { compareValues } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';
import {
  arb,
  checkMergeEqualsAddAll,
  checkRemoveUndoesAdd,
  column,
  equalValue,
  nullable,
  resultType,
} from './aggregate-harness.js';

function expectError(f: () => unknown, code: string, message: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toMatchObject({ code, message });
    return;
  }
  throw new Error('expected an error');
}

/** Reference mode: most frequent value, smallest on ties. */
function refMode(sorted: number[]): number | undefined {
  let best: number | undefined;
  let bestN = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestN) {
      bestN = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return best;
}

describe('OrderedMultiset', () => {
  it('agrees with a sorted array under random adds and removes', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 400 }).map((v) => ({ add: v })) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 400 }).map((v) => ({ remove: v })) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 3000 }), fc.nat(), (ops, probe) => {
        const s = new OrderedMultiset(compareValues, true);
        const ref: number[] = [];
        for (const o of ops) {
          if ('add' in o) {
            s.add(o.add);
            ref.splice(
              ref.findIndex((x) => x >= o.add) === -1 ? ref.length : ref.findIndex((x) => x >= o.add),
              0,
              o.add,
            );
          } else {
            const i = ref.indexOf(o.remove);
            expect(s.remove(o.remove)).toBe(i !== -1);
            if (i !== -1) ref.splice(i, 1);
          }
        }
        expect(s.size).toBe(ref.length);
        expect(s.min()).toBe(ref[0]);
        expect(s.max()).toBe(ref[ref.length - 1]);
        expect(s.mode()).toBe(refMode(ref));
        if (ref.length > 0) {
          const k = probe % ref.length;
          expect(s.at(k)).toBe(ref[k]);
        }
        const flat: number[] = [];
        s.forEach((v, c) => {
          for (let i = 0; i < c; i++) flat.push(v as number);
        });
        expect(flat).toEqual(ref);
      }),
      { numRuns: 60 },
    );
  });

  it('batched, applies the changes made since the last read at the next one, as made one by one', () => {
    // Removes only of values present when made (as a view's retractions are); reads at random points.
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -50, max: 300 }).map((v) => ({ add: v })) },
      { weight: 2, arbitrary: fc.nat().map((i) => ({ remove: i })) },
      { weight: 1, arbitrary: fc.nat().map((k) => ({ read: k })) },
    );
    for (const [name, cmp] of [
      ['numbers', compareNumbers],
      ['descending', (a: Value, b: Value) => compareValues(b, a)],
    ] as const)
      fc.assert(
        fc.property(fc.array(op, { minLength: 50, maxLength: 2000 }), (ops) => {
          const batched = new OrderedMultiset(cmp, true, true);
          const plain = new OrderedMultiset(cmp, true);
          const live: number[] = [];
          for (const o of ops) {
            if ('add' in o) {
              batched.add(o.add);
              plain.add(o.add);
              live.push(o.add);
            } else if ('remove' in o) {
              if (live.length === 0) continue;
              const v = live.splice(o.remove % live.length, 1)[0]!;
              expect(batched.remove(v)).toBe(true);
              expect(plain.remove(v)).toBe(true);
            } else {
              expect(batched.size, name).toBe(plain.size);
              expect(batched.distinctEstimate).toBeGreaterThanOrEqual(0);
              if (plain.size > 0) expect(batched.at(o.read % plain.size)).toBe(plain.at(o.read % plain.size));
              expect([batched.min(), batched.max(), batched.mode()]).toEqual([
                plain.min(),
                plain.max(),
                plain.mode(),
              ]);
              expect(batched.distinct).toBe(plain.distinct);
            }
          }
          const all = (s: OrderedMultiset): [Value, number][] => {
            const out: [Value, number][] = [];
            s.forEach((v, c) => out.push([v, c]));
            return out;
          };
          expect(all(batched)).toEqual(all(plain));
          expect(batched.distinctEstimate).toBe(plain.distinct);
        }),
        { numRuns: 40 },
      );
  });

  it('stays correct while growing to many thousands of distinct values and shrinking back', () => {
    const s = new OrderedMultiset();
    const n = 50_000;
    for (let i = 0; i < n; i++) s.add((i * 7919) % n);
    expect(s.at(12345)).toBe(12345);
    for (let i = 0; i < n - 10; i++) expect(s.remove((i * 7919) % n)).toBe(true);
    const rest: Value[] = [];
    s.forEach((v) => rest.push(v));
    const want = Array.from({ length: 10 }, (_, i) => ((n - 10 + i) * 7919) % n).sort((a, b) => a - b);
    expect(rest).toEqual(want);
    expect(s.min()).toBe(want[0]);
    expect(s.max()).toBe(want[9]);
  });

  it('orders by compareValues, NaN above every float', () => {
    const s = new OrderedMultiset();
    for (const v of [NaN, 1, -Infinity, Infinity]) s.add(v);
    expect(s.max()).toBeNaN();
    expect(s.min()).toBe(-Infinity);
    const t = new OrderedMultiset();
    for (const v of ['b', 'a', 'c']) t.add(v);
    expect(t.at(1)).toBe('b');
    expect(compareValues(t.min()!, 'a')).toBe(0);
  });
});

describe('percentile_cont', () => {
  it('interpolates linearly between neighbouring rows and skips NULLs', () => {
    expect(column('percentile_cont', T.float8, [1, null, 3], [0.5])).toBe(2);
    expect(column('percentile_cont', T.float8, [1, 2, 7], [0.0000123])).toBe(1.0000246);
    expect(column('percentile_cont', T.float8, [NaN, 1, 2, 3], [0.5])).toBe(2.5);
    expect(resultType('percentile_cont', [T.float8], [0.5])).toBe(T.float8);
  });

  it('takes an array of fractions, any shape, NULL fractions giving NULL', () => {
    expect(column('percentile_cont', T.float8, [1, 2, 7], [[0.5, null, 0.25]])).toEqual([2, null, 1.5]);
    expect(
      column(
        'percentile_cont',
        T.float8,
        [1, 3],
        [
          [
            [0.1, 0.2],
            [0.5, 1],
          ],
        ],
      ),
    ).toEqual([
      [1.2, 1.4],
      [2, 3],
    ]);
    expect(column('percentile_cont', T.float8, [], [[0.5]])).toBeNull();
  });

  it('interpolates intervals with PostgreSQL interval arithmetic', () => {
    const vals = [new Interval(1, 1, 0), new Interval(0, 2, 3 * 3600e6), new Interval(3, 0, 300e6)];
    // PostgreSQL: 20 days -13:12:00
    expect(column('percentile_cont', T.interval, vals, [0.3])).toEqual(new Interval(0, 20, -13.2 * 3600e6));
    expect(resultType('percentile_cont', [T.interval], [0.5])).toBe(T.interval);
  });

  it('rejects fractions outside [0, 1] with PostgreSQL wording, even over no rows', () => {
    expectError(
      () => column('percentile_cont', T.float8, [1], [1.5]),
      '22003',
      'percentile value 1.5 is not between 0 and 1',
    );
    expectError(
      () => column('percentile_cont', T.float8, [], [1.5]),
      '22003',
      'percentile value 1.5 is not between 0 and 1',
    );
    expectError(
      () => column('percentile_cont', T.float8, [1], [-1234567]),
      '22003',
      'percentile value -1.23457e+06 is not between 0 and 1',
    );
    expectError(
      () => column('percentile_cont', T.float8, [1], [NaN]),
      '22003',
      'percentile value NaN is not between 0 and 1',
    );
    expectError(
      () => column('percentile_cont', T.float8, [1, 3], [[0.1, 2]]),
      '22003',
      'percentile value 2 is not between 0 and 1',
    );
  });

  it('is NULL for a NULL fraction or no rows', () => {
    expect(column('percentile_cont', T.float8, [1, 3], [null])).toBeNull();
    expect(column('percentile_cont', T.float8, [null], [0.5])).toBeNull();
  });
});

describe('percentile_disc', () => {
  it('returns the first row whose cumulative share reaches the fraction', () => {
    const vals = [3, 1, 2, 10];
    expect(column('percentile_disc', T.int4, vals, [0])).toBe(1);
    expect(column('percentile_disc', T.int4, vals, [0.5])).toBe(2);
    expect(column('percentile_disc', T.int4, vals, [1])).toBe(10);
    expect(column('percentile_disc', T.int4, vals, [[0.1, 0.9]])).toEqual([1, 10]);
    expect(column('percentile_disc', T.float8, [NaN, 1, 2, 3], [0.5])).toBe(2);
  });

  it('returns the ORDER BY type', () => {
    expect(resultType('percentile_disc', [varcharType(3)], [0.5])).toEqual(varcharType(3));
    expect(resultType('percentile_disc', [T.int4], [0.5])).toBe(T.int4);
  });
});

describe('mode', () => {
  it('returns the most frequent value, the smallest on ties, skipping NULLs', () => {
    expect(column('mode', T.int4, [2, 1, 2, 1])).toBe(1);
    expect(column('mode', T.text, ['b', 'a', 'b', null, null, null])).toBe('b');
    expect(column('mode', T.text, [])).toBeNull();
    expect(resultType('mode', [T.date])).toBe(T.date);
  });
});

describe('helpers', () => {
  it('formatG prints like C %g', () => {
    expect(formatG(1.5)).toBe('1.5');
    expect(formatG(2)).toBe('2');
    expect(formatG(-1234567)).toBe('-1.23457e+06');
    expect(formatG(123456)).toBe('123456');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(-Infinity)).toBe('-Infinity');
    expect(formatG(1e100)).toBe('1e+100');
  });

  it('checkFraction accepts the closed unit interval', () => {
    expect(() => checkFraction(0)).not.toThrow();
    expect(() => checkFraction(1)).not.toThrow();
    expect(() => checkFraction(1.0000001)).toThrow();
  });

  it('scaleInterval cascades fractional months and days downwards', () => {
    // PostgreSQL: interval '1 month 1 day' * 0.5 = 15 days 12:00:00; '1 month' / 7 = 4 days 06:51:25.6896
    expect(scaleInterval(new Interval(1, 1, 0), 0.5, false)).toEqual(new Interval(0, 15, 12 * 3600e6));
    expect(scaleInterval(new Interval(1, 0, 0), 7, true)).toEqual(new Interval(0, 4, 24685689600));
  });
});

const fraction = fc.constantFrom(0, 0.25, 0.5, 0.9, 1);

describe('incremental maintenance', () => {
  const specs = [
    { name: 'percentile_cont', argTypes: [T.float8], row: nullable(arb.float8), direct: [0.3] },
    { name: 'percentile_cont', argTypes: [T.float8], row: nullable(arb.float8), direct: [[0, 0.5, 1]] },
    // Intervals equal under 30-day months ('1 mon', '30 days') share a multiset entry.
    {
      name: 'percentile_cont',
      argTypes: [T.interval],
      row: nullable(arb.interval),
      direct: [0.75],
      eq: equalValue,
    },
    { name: 'percentile_disc', argTypes: [T.int4], row: nullable(arb.int4), direct: [0.6] },
    { name: 'percentile_disc', argTypes: [T.text], row: nullable(arb.text), direct: [[0.1, 0.5]] },
    { name: 'mode', argTypes: [T.int4], row: nullable(fc.integer({ min: 0, max: 5 })), direct: [] },
  ];
  for (const spec of specs) {
    it(`remove undoes add for ${spec.name}(${spec.argTypes[0]!.id}) at ${JSON.stringify(spec.direct)}`, () =>
      checkRemoveUndoesAdd(spec));
    it(`merge equals adding all rows for ${spec.name}(${spec.argTypes[0]!.id}) at ${JSON.stringify(spec.direct)}`, () =>
      checkMergeEqualsAddAll(spec));
  }

  it('agrees with a sort for any fraction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 50 }),
        fraction,
        (xs, p) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const pos = p * (sorted.length - 1);
          const lo = sorted[Math.floor(pos)]!;
          const hi = sorted[Math.ceil(pos)]!;
          expect(column('percentile_cont', T.float8, xs, [p])).toBe(lo + (hi - lo) * (pos - Math.floor(pos)));
          expect(column('percentile_disc', T.int4, xs, [p])).toBe(
            sorted[Math.max(Math.ceil(p * sorted.length), 1) - 1],
          );
        },
      ),
    );
  });

  it('gives array results for array fractions', () => {
    expect(resultType('percentile_cont', [T.float8], [[0.5]])).toEqual(arrayOf(T.float8));
    expect(resultType('percentile_cont', [T.interval], [[0.5]])).toEqual(arrayOf(T.interval));
    expect(resultType('percentile_disc', [T.text], [[0.5]])).toEqual(arrayOf(T.text));
  });
});
