import { DatabaseError, SqlState } from '../errors.js';
import type { Accumulator } from '../sql/aggregates/aggregate.js';
import type { Value } from '../types/values.js';

/**
 * sum and avg of float4/float8 for maintained views, in double-double precision. A float sum
 * maintained by adding and subtracting drifts: add 1e20, add 1, remove 1e20 leaves 0 where
 * recomputation gives 1. Keeping the sum as an unevaluated pair hi + lo (TwoSum, error-free
 * transformations) carries about 106 bits, so values added and later removed cancel exactly unless
 * the sums involved span more than 2^106 — and it costs a few additions per row, where an exact
 * BigInt sum cost a conversion. Infinities and NaNs are counted, as PostgreSQL's float sums do.
 */
export class PairSum {
  hi = 0;
  lo = 0;
  n = 0;
  nan = 0;
  pinf = 0;
  ninf = 0;
}

/** Where sumPair leaves its result (a pair of numbers without allocating). */
export const pairOut = { hi: 0, lo: 0 };

/** hi + lo + x exactly (up to the pair's 106 bits), renormalised, into pairOut. */
export function sumPair(hi: number, lo: number, x: number): void {
  // TwoSum(hi, x): t + e equals hi + x exactly.
  const t = hi + x;
  const bp = t - hi;
  const e = hi - (t - bp) + (x - bp);
  const l = lo + e;
  // Renormalise so that |lo| stays below an ulp of hi.
  const h = t + l;
  pairOut.lo = l - (h - t);
  pairOut.hi = h;
}

/** Adds x to the pair exactly (up to the pair's 106 bits). */
function addPair(s: PairSum, x: number): void {
  sumPair(s.hi, s.lo, x);
  s.hi = pairOut.hi;
  s.lo = pairOut.lo;
}

/** Adds (sign 1) or removes (sign -1) one value: finite ones exactly, infinities and NaNs as counts. */
export function step(s: PairSum, v: number, sign: 1 | -1): PairSum {
  s.n += sign;
  if (Number.isFinite(v)) addPair(s, sign * v);
  else if (v !== v) s.nan += sign;
  else if (v > 0) s.pinf += sign;
  else s.ninf += sign;
  return s;
}

/** Adds (sign 1) or subtracts another pair's sum and counts: exact, as adding its values one by one. */
export function addPairSum(s: PairSum, o: PairSum, sign: 1 | -1): PairSum {
  s.n += sign * o.n;
  addPair(s, sign * o.hi);
  addPair(s, sign * o.lo);
  s.nan += sign * o.nan;
  s.pinf += sign * o.pinf;
  s.ninf += sign * o.ninf;
  return s;
}

/** The pair's sum as a float (rounded to float4 when asked); 22003 when it overflows. */
export function total(s: PairSum, float4: boolean): number {
  if (s.nan > 0 || (s.pinf > 0 && s.ninf > 0)) return NaN;
  if (s.pinf > 0) return Infinity;
  if (s.ninf > 0) return -Infinity;
  const v = s.hi + s.lo;
  if (!Number.isFinite(v))
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  return float4 ? Math.fround(v) : v;
}

/**
 * The accumulator replacing sum(float4/float8) or avg(float4/float8) in a maintained view.
 * @example
 * const acc = exactFloatAccumulator('sum', false);
 * acc.result(acc.remove!(acc.add(acc.add(acc.init(), [1e20]), [1]), [1e20])); // 1
 */
export function exactFloatAccumulator(fn: 'sum' | 'avg', float4: boolean): Accumulator<PairSum> {
  return {
    init: () => new PairSum(),
    add: (s, args) => step(s, args[0] as number, 1),
    remove: (s, args) => step(s, args[0] as number, -1),
    result(s): Value {
      if (s.n === 0) return null;
      return fn === 'sum' ? total(s, float4) : total(s, false) / s.n;
    },
  };
}
