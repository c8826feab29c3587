/**
 * withDistinct: agg(DISTINCT x).
 * Invariants: each distinct argument tuple reaches the inner accumulator once; reference counts make
 * remove exact (the inner remove runs when the last copy goes); merge does not count values seen on
 * both sides twice; equal SQL values (1.5 = 1.50, NaN = NaN, 0 = -0) are one value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Accumulator } from '../../../src/sql/aggregates/aggregate.js';
import { tupleKey, valueKey, withDistinct } from '../../../src/sql/aggregates/distinct.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import { T } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import { bind } from './aggregate-harness.js';

const distinct = (name: string, types = [T.int4]) => withDistinct(bind(name, types).acc);

function fold<S>(acc: Accumulator<S>, rows: Value[][]): S {
  let s = acc.init();
  for (const r of rows) s = acc.add(s, r);
  return s;
}

describe('withDistinct', () => {
  it('feeds each distinct value once', () => {
    const count = distinct('count');
    expect(count.result(fold(count, [[1], [1], [2], [3], [2]]))).toBe(3n);
    const sum = distinct('sum');
    expect(sum.result(fold(sum, [[1], [1], [2]]))).toBe(3n);
  });

  it('treats equal SQL values as one', () => {
    const count = distinct('count', [T.numeric]);
    expect(count.result(fold(count, [[Decimal.parse('1.5')], [Decimal.parse('1.50')]]))).toBe(1n);
    const f = distinct('count', [T.float8]);
    expect(f.result(fold(f, [[NaN], [NaN], [0], [-0], [Infinity]]))).toBe(3n);
  });

  it('keeps the value until its last copy is removed', () => {
    const count = distinct('count');
    let s = fold(count, [[1], [1], [2]]);
    s = count.remove!(s, [1]);
    expect(count.result(s)).toBe(2n);
    s = count.remove!(s, [1]);
    expect(count.result(s)).toBe(1n);
    s = count.remove!(s, [7]);
    expect(count.result(s)).toBe(1n);
  });

  it('copies the arguments, since callers reuse the row array', () => {
    const agg = distinct('array_agg');
    const row: Value[] = [1];
    let s = agg.add(agg.init(), row);
    row[0] = 2;
    s = agg.add(s, row);
    expect(agg.result(s)).toEqual([1, 2]);
  });

  it('distinguishes multi-argument tuples', () => {
    const agg = distinct('string_agg', [T.text, T.text]);
    const s = fold(agg, [
      ['a', ','],
      ['a', ','],
      ['a', ';'],
      ['b', ','],
    ]);
    expect(agg.result(s)).toBe('a;a,b');
  });

  it('matches a fresh accumulator over the distinct live values after adds and removes', () => {
    const op = fc.oneof(
      fc.integer({ min: 0, max: 8 }).map((add) => ({ add })),
      fc.nat().map((remove) => ({ remove })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80, size: 'max' }), (ops) => {
        const acc = distinct('sum');
        let s = acc.init();
        const live: number[] = [];
        for (const o of ops) {
          if ('add' in o) {
            live.push(o.add);
            s = acc.add(s, [o.add]);
          } else if (live.length > 0) {
            const [v] = live.splice(o.remove % live.length, 1);
            s = acc.remove!(s, [v!]);
          }
          const set = [...new Set(live)];
          expect(acc.result(s)).toBe(set.length === 0 ? null : BigInt(set.reduce((a, b) => a + b, 0)));
        }
      }),
    );
  });

  it('merges without counting shared values twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 40, size: 'max' }),
        fc.nat(),
        (xs, cut) => {
          const acc = distinct('count');
          const rows = xs.map((x) => [x]);
          const k = cut % (rows.length + 1);
          const merged = acc.merge!(fold(acc, rows.slice(0, k)), fold(acc, rows.slice(k)));
          expect(acc.result(merged)).toBe(BigInt(new Set(xs).size));
          // Reference counts survive the merge: removing every row empties the state.
          let s = merged;
          for (const r of rows) s = acc.remove!(s, r);
          expect(acc.result(s)).toBe(0n);
        },
      ),
    );
  });

  it('has no remove or merge when the inner accumulator lacks them', () => {
    const hll = withDistinct(bind('approx_count_distinct', [T.int4]).acc);
    expect(hll.remove).toBeUndefined();
    expect(hll.merge).toBeDefined();
  });
});

describe('tuple keys', () => {
  it('keep NaN, infinities and NULL apart inside arrays', () => {
    const keys = [[Infinity], [-Infinity], [NaN], [null], [0]].map((a) => tupleKey(a));
    expect(new Set(keys).size).toBe(5);
    expect(tupleKey(['a,b'])).not.toBe(tupleKey(['a', 'b']));
  });

  it('follow SQL equality, or representation when exact', () => {
    expect(valueKey(Decimal.parse('1.0'))).toBe(valueKey(Decimal.parse('1.00')));
    expect(valueKey(Decimal.parse('1.0'), true)).not.toBe(valueKey(Decimal.parse('1.00'), true));
    expect(valueKey(new Interval(1, 0, 0))).toBe(valueKey(new Interval(0, 30, 0)));
    expect(valueKey(new Interval(1, 0, 0), true)).not.toBe(valueKey(new Interval(0, 30, 0), true));
    // Keys are compared as Map keys (SameValueZero).
    expect(new Set([valueKey(-0), valueKey(0)]).size).toBe(1);
    expect(new Set([valueKey(-0, true), valueKey(0, true)]).size).toBe(2);
  });
});
