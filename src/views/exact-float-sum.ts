import { DatabaseError, SqlState } from '../errors.js';
import type { Accumulator } from '../sql/aggregates/aggregate.js';
import type { Value } from '../types/values.js';

/**
 * sum and avg of float4/float8 for maintained views, summed exactly. A float sum maintained by
 * adding and subtracting drifts: add 1e20, add 1, remove 1e20 leaves 0 where recomputation gives 1.
 * Every finite double is an integer multiple of 2^-1074, so the sum is kept as that integer (a
 * BigInt): adds and removes are exact and the result is the true sum rounded once. Infinities and
 * NaNs are counted, as PostgreSQL's float sums treat them.
 */
class ExactSum {
  scaled = 0n;
  n = 0;
  nan = 0;
  pinf = 0;
  ninf = 0;
}

const view = new DataView(new ArrayBuffer(8));

/** x as an integer count of 2^-1074 (exact for every finite double). */
function scaled(x: number): bigint {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & 0xfffffffffffffn;
  const mag = exp === 0 ? mant : (mant | 0x10000000000000n) << BigInt(exp - 1);
  return bits >> 63n === 1n ? -mag : mag;
}

/** The double nearest to s × 2^-1074. */
function unscaled(s: bigint): number {
  if (s === 0n) return 0;
  const neg = s < 0n;
  let m = neg ? -s : s;
  // Keep Number(m) finite: drop low bits beyond what a double can hold (relative error < 2^-900).
  let shift = 0;
  const bits = m.toString(2).length;
  if (bits > 1000) {
    shift = bits - 1000;
    m >>= BigInt(shift);
  }
  let v = Number(m);
  // Multiplying by powers of two is exact until the result is subnormal.
  for (let e = shift - 1074; e !== 0;) {
    const step = Math.max(-1000, Math.min(1000, e));
    v *= 2 ** step;
    e -= step;
  }
  return neg ? -v : v;
}

function step(s: ExactSum, v: number, sign: 1 | -1): ExactSum {
  s.n += sign;
  if (Number.isFinite(v)) s.scaled += sign === 1 ? scaled(v) : -scaled(v);
  else if (v !== v) s.nan += sign;
  else if (v > 0) s.pinf += sign;
  else s.ninf += sign;
  return s;
}

function total(s: ExactSum, float4: boolean): number {
  if (s.nan > 0 || (s.pinf > 0 && s.ninf > 0)) return NaN;
  if (s.pinf > 0) return Infinity;
  if (s.ninf > 0) return -Infinity;
  const v = float4 ? Math.fround(unscaled(s.scaled)) : unscaled(s.scaled);
  if (!Number.isFinite(v))
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  return v;
}

/**
 * The exact accumulator replacing sum(float4/float8) or avg(float4/float8) in a maintained view.
 * @example
 * const acc = exactFloatAccumulator('sum', false);
 * acc.result(acc.remove!(acc.add(acc.add(acc.init(), [1e20]), [1]), [1e20])); // 1
 */
export function exactFloatAccumulator(fn: 'sum' | 'avg', float4: boolean): Accumulator<ExactSum> {
  return {
    init: () => new ExactSum(),
    add: (s, args) => step(s, args[0] as number, 1),
    remove: (s, args) => step(s, args[0] as number, -1),
    result(s): Value {
      if (s.n === 0) return null;
      return fn === 'sum' ? total(s, float4) : total(s, false) / s.n;
    },
  };
}
