import { describe, expect, it } from 'vitest';
import { Decimal, hashKey, tupleKey } from '../../src/types/values.js';

describe('value keys', () => {
  it('keeps arrays holding NaN, Infinity, -Infinity, NULL and the string null apart', () => {
    const keys = [[NaN], [Infinity], [-Infinity], [null], ['null']].map((a) => hashKey(a));
    expect(new Set(keys).size).toBe(5);
  });

  it('gives equal keys to equal tuples, treating 1.0 and 1.00 as equal unless exact', () => {
    expect(tupleKey([1, 'a', Decimal.parse('1.0')])).toBe(tupleKey([1, 'a', Decimal.parse('1.00')]));
    expect(tupleKey([Decimal.parse('1.0')], true)).not.toBe(tupleKey([Decimal.parse('1.00')], true));
    expect(tupleKey(['a', 'bc'])).not.toBe(tupleKey(['ab', 'c']));
  });
});
