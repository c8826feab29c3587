// KeyMap: a Map for valueKey keys whose small non-negative integers live in an array. It must
// answer exactly as a Map does (SameValueZero: 0 and -0 one key, NaN one key).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyMap } from '../../src/views/key-map.js';

describe('KeyMap', () => {
  it('answers as a Map for dense, large, negative, fractional, NaN and string keys', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 65530, max: 65540 }),
      fc.integer({ min: -3, max: -1 }),
      fc.constantFrom(-0, 0.5, NaN, Infinity, '1', 'a', 2n ** 70n),
    );
    const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), key, fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const m = new Map<unknown, number>();
        const k = new KeyMap<number>();
        for (const [what, x, v] of ops) {
          if (what === 'set') {
            m.set(x, v);
            k.set(x, v);
          } else if (what === 'delete') expect(k.delete(x)).toBe(m.delete(x));
          expect(k.get(x)).toBe(m.get(x));
          expect(k.size).toBe(m.size);
        }
      }),
    );
  });
});
