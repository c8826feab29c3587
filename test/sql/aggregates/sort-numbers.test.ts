/**
 * sortNumbers, the radix sort of pending multiset changes. Invariant: it leaves exactly what
 * Float64Array.prototype.sort does (every element Object.is-equal, -0 before 0), for every size
 * across the switch from the comparison sort to the radix sort, for any doubles but NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortNumbers } from '../../../src/sql/aggregates/sort-numbers.js';

function check(values: Float64Array): void {
  const a = values.slice();
  sortNumbers(a, a.length);
  const b = values.slice().sort();
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

describe('sortNumbers', () => {
  it('sorts any doubles as the typed array sort does, at every size', () => {
    const special = fc.constantFrom(
      -0,
      0,
      Infinity,
      -Infinity,
      5e-324,
      -5e-324,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
    );
    const value = fc.oneof(
      { weight: 4, arbitrary: fc.double({ noNaN: true }) },
      { weight: 4, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map((i) => i / 100) },
      { weight: 1, arbitrary: special },
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 40 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.nat(),
        (pool, n, seed) => {
          // n values drawn from a small pool (duplicates, shared digits) or from a hash (spread).
          const a = new Float64Array(n);
          for (let i = 0; i < n; i++)
            a[i] =
              pool.length > 0 && i % 3 !== 0
                ? pool[(i * 7 + seed) % pool.length]!
                : Math.sin(i + seed) * 10 ** ((i % 40) - 20);
          check(a);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts only the first n numbers, leaving the rest', () => {
    const a = Float64Array.from({ length: 5000 }, (_x, i) => (i * 7919) % 4999);
    const tail = a.slice(4000);
    sortNumbers(a, 4000);
    expect(Array.from(a.subarray(0, 4000))).toEqual(Array.from(a.slice(0, 4000)).sort((x, y) => x - y));
    expect(a.slice(4000)).toEqual(tail);
  });
});
