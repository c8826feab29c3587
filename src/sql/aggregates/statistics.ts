import { Decimal, selectDivScale } from '../../types/decimal.js';
import { T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { Accumulator, AggregateFunction } from './aggregate.js';
import { ExactIntSum, floatOverflow, pow10n, ScaleCounts } from './basic.js';

// ---------------------------------------------------------------------------------------------
// Exact variance for integer and numeric inputs (PostgreSQL's numeric_stddev_internal):
// var = (N·Σx² − (Σx)²) / (N·(N−1)), divided at select_div_scale and square-rooted at that scale.
// ---------------------------------------------------------------------------------------------

/** floor(√n) for n ≥ 0 by Newton's method on bigints. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1); // ≥ √n, so Newton descends monotonically
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √d rounded half up to `rscale` digits, as PostgreSQL's sqrt_var rounds. */
export function decimalSqrt(d: Decimal, rscale: number): Decimal {
  if (d.nan) return d;
  // floor(√d · 10^t) for some t > rscale, then round the extra digits away: rounding the floor
  // half-up gives the same digits as rounding the exact root.
  const t = Math.max(rscale + 1, Math.ceil(d.scale / 2));
  const root = isqrt(d.coef * pow10n(2 * t - d.scale));
  const k = pow10n(t - rscale);
  return new Decimal((root + k / 2n) / k, rscale);
}

/** Variance or standard deviation from exact sums; `sx` is at `scale`, `sxx` at 2·scale. */
function exactVariance(n: bigint, sx: bigint, sxx: bigint, scale: number, kind: VarKind): Decimal {
  const num = n * sxx - sx * sx;
  if (num <= 0n) return Decimal.ZERO;
  const den = kind.sample ? n * (n - 1n) : n * n;
  const numD = new Decimal(num, 2 * scale);
  const denD = new Decimal(den, 0);
  const rscale = selectDivScale(numD, denD);
  const v = numD.div(denD, rscale);
  return kind.stddev ? decimalSqrt(v, rscale) : v;
}

interface VarKind {
  readonly sample: boolean;
  readonly stddev: boolean;
}

const SQUARE_SAFE = 2 ** 26; // |x| ≤ 2^26 keeps x² ≤ 2^52, exact in a double
const BIG_SQUARE_SAFE = 2n ** 26n;

class IntMoments {
  n = 0;
  readonly sx = new ExactIntSum();
  readonly sxx = new ExactIntSum();
}

function intMomentsStep(s: IntMoments, v: Value, sign: 1 | -1): IntMoments {
  s.n += sign;
  let x: number;
  if (typeof v === 'number') x = v;
  else {
    const b = v as bigint;
    if (b > BIG_SQUARE_SAFE || b < -BIG_SQUARE_SAFE) {
      s.sx.addBigInt(sign === 1 ? b : -b);
      s.sxx.addBigInt(sign === 1 ? b * b : -(b * b));
      return s;
    }
    x = Number(b);
  }
  s.sx.addNumber(sign * x);
  if (x <= SQUARE_SAFE && x >= -SQUARE_SAFE) s.sxx.addNumber(sign * x * x);
  else s.sxx.addBigInt(BigInt(sign) * BigInt(x) ** 2n);
  return s;
}

function intVariance(kind: VarKind): Accumulator<IntMoments> {
  return {
    init: () => new IntMoments(),
    add: (s, args) => intMomentsStep(s, args[0]!, 1),
    remove: (s, args) => intMomentsStep(s, args[0]!, -1),
    merge(a, b) {
      a.n += b.n;
      a.sx.mergeFrom(b.sx);
      a.sxx.mergeFrom(b.sxx);
      return a;
    },
    result(s) {
      if (s.n === 0 || (kind.sample && s.n === 1)) return null;
      return exactVariance(BigInt(s.n), s.sx.value(), s.sxx.value(), 0, kind);
    },
  };
}

/** Σx at `scale` and Σx² at 2·scale, raised together when a value with a larger scale arrives. */
class DecimalMoments {
  n = 0;
  nan = 0;
  sx = 0n;
  sxx = 0n;
  scale = 0;
  readonly scales = new ScaleCounts();

  rescale(scale: number): void {
    if (scale <= this.scale) return;
    const d = scale - this.scale;
    this.sx *= pow10n(d);
    this.sxx *= pow10n(2 * d);
    this.scale = scale;
  }

  step(d: Decimal, sign: 1 | -1): this {
    this.n += sign;
    if (d.nan) {
      this.nan += sign;
      return this;
    }
    if (sign === 1) this.scales.add(d.scale);
    else this.scales.remove(d.scale);
    this.rescale(d.scale);
    const c = d.scale === this.scale ? d.coef : d.coef * pow10n(this.scale - d.scale);
    if (sign === 1) {
      this.sx += c;
      this.sxx += c * c;
    } else {
      this.sx -= c;
      this.sxx -= c * c;
    }
    return this;
  }
}

function numericVariance(kind: VarKind): Accumulator<DecimalMoments> {
  return {
    init: () => new DecimalMoments(),
    add: (s, args) => s.step(args[0] as Decimal, 1),
    remove: (s, args) => s.step(args[0] as Decimal, -1),
    merge(a, b) {
      a.rescale(b.scale);
      const d = a.scale - b.scale;
      a.sx += b.sx * pow10n(d);
      a.sxx += b.sxx * pow10n(2 * d);
      a.n += b.n;
      a.nan += b.nan;
      a.scales.mergeFrom(b.scales);
      return a;
    },
    result(s) {
      if (s.n === 0 || (kind.sample && s.n === 1)) return null;
      if (s.nan > 0) return Decimal.NaN;
      // PostgreSQL's display scale is that of the live inputs, which may be below the running scale.
      const m = s.scales.max;
      const d = s.scale - m;
      return exactVariance(BigInt(s.n), s.sx / pow10n(d), s.sxx / pow10n(2 * d), m, kind);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Float variance: Youngs-Cramer (PostgreSQL's float8_accum), with an exact algebraic inverse.
// ---------------------------------------------------------------------------------------------

/** Youngs-Cramer moments over the finite inputs; `bad` counts NaN and ±Infinity inputs. */
class FloatMoments {
  n = 0;
  sx = 0;
  sxx = 0;
  bad = 0;
}

function floatMomentsAdd(s: FloatMoments, x: number): FloatMoments {
  if (!Number.isFinite(x)) {
    s.bad++;
    return s;
  }
  const n0 = s.n;
  const n = n0 + 1;
  const sx = s.sx + x;
  if (n0 > 0) {
    const tmp = x * n - sx;
    s.sxx += (tmp * tmp) / (n * n0);
  }
  s.n = n;
  s.sx = sx;
  if (!Number.isFinite(sx) || !Number.isFinite(s.sxx)) throw floatOverflow();
  return s;
}

function floatMomentsRemove(s: FloatMoments, x: number): FloatMoments {
  if (!Number.isFinite(x)) {
    s.bad--;
    return s;
  }
  const n = s.n;
  const n0 = n - 1;
  if (n0 === 0) {
    s.n = 0;
    s.sx = 0;
    s.sxx = 0;
    return s;
  }
  const tmp = x * n - s.sx;
  // One value left has no spread; otherwise rounding can undershoot a true zero.
  s.sxx = n0 === 1 ? 0 : Math.max(0, s.sxx - (tmp * tmp) / (n * n0));
  s.sx -= x;
  s.n = n0;
  return s;
}

function floatVariance(kind: VarKind): Accumulator<FloatMoments> {
  return {
    init: () => new FloatMoments(),
    add: (s, args) => floatMomentsAdd(s, args[0] as number),
    remove: (s, args) => floatMomentsRemove(s, args[0] as number),
    merge(a, b) {
      a.bad += b.bad;
      if (b.n === 0) return a;
      if (a.n === 0) {
        a.n = b.n;
        a.sx = b.sx;
        a.sxx = b.sxx;
        return a;
      }
      const n = a.n + b.n;
      const tmp = a.sx / a.n - b.sx / b.n;
      a.sxx = a.sxx + b.sxx + (a.n * b.n * tmp * tmp) / n;
      a.sx += b.sx;
      a.n = n;
      return a;
    },
    result(s) {
      const n = s.n + s.bad;
      if (n === 0 || (kind.sample && n === 1)) return null;
      if (s.bad > 0) return NaN;
      const v = s.sxx / (kind.sample ? n - 1 : n);
      return kind.stddev ? Math.sqrt(v) : v;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Two-variable statistics (PostgreSQL's float8_regr_accum). Arguments are (Y, X).
// ---------------------------------------------------------------------------------------------

/** Joint Youngs-Cramer moments over rows with both values finite; other rows wait in `special`. */
class RegrState {
  n = 0;
  sx = 0;
  sy = 0;
  sxx = 0;
  syy = 0;
  sxy = 0;
  /** (y, x) pairs with a NaN or infinity; folded in at result time so removing them is exact. */
  special: number[] = [];
}

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

/** One float8_regr_accum step, including its NaN forcing and overflow checks. */
function regrAccum(s: RegrState, y: number, x: number): void {
  const n0 = s.n;
  const n = n0 + 1;
  const sx = s.sx + x;
  const sy = s.sy + y;
  let sxx = s.sxx;
  let syy = s.syy;
  let sxy = s.sxy;
  if (n0 > 0) {
    const tx = x * n - sx;
    const ty = y * n - sy;
    const scale = 1 / (n * n0);
    sxx += tx * tx * scale;
    syy += ty * ty * scale;
    sxy += tx * ty * scale;
    // Finite inputs that overflow raise; sums fed an infinity become NaN, never infinite.
    if (isInf(sx) || isInf(sxx)) {
      if (!isInf(s.sx) && !isInf(x)) throw floatOverflow();
      sxx = NaN;
    }
    if (isInf(sy) || isInf(syy)) {
      if (!isInf(s.sy) && !isInf(y)) throw floatOverflow();
      syy = NaN;
    }
    if (isInf(sxy)) {
      if (!isInf(s.sx) && !isInf(x) && !isInf(s.sy) && !isInf(y)) throw floatOverflow();
      sxy = NaN;
    }
  } else {
    if (!Number.isFinite(x)) sxx = sxy = NaN;
    if (!Number.isFinite(y)) syy = sxy = NaN;
  }
  s.n = n;
  s.sx = sx;
  s.sy = sy;
  s.sxx = sxx;
  s.syy = syy;
  s.sxy = sxy;
}

function regrRetract(s: RegrState, y: number, x: number): void {
  const n = s.n;
  const n0 = n - 1;
  if (n0 === 0) {
    s.n = s.sx = s.sy = s.sxx = s.syy = s.sxy = 0;
    return;
  }
  const tx = x * n - s.sx;
  const ty = y * n - s.sy;
  const scale = 1 / (n * n0);
  if (n0 === 1) {
    // One row left has no spread; snapping keeps corr/slope NULL instead of dividing rounding noise.
    s.sxx = s.syy = s.sxy = 0;
  } else {
    s.sxx = Math.max(0, s.sxx - tx * tx * scale);
    s.syy = Math.max(0, s.syy - ty * ty * scale);
    s.sxy -= tx * ty * scale;
  }
  s.sx -= x;
  s.sy -= y;
  s.n = n0;
}

/** The state PostgreSQL would hold: the finite moments with the NaN/infinity rows folded in. */
function effective(s: RegrState): RegrState {
  if (s.special.length === 0) return s;
  const e = new RegrState();
  Object.assign(e, s);
  for (let i = 0; i < s.special.length; i += 2) regrAccum(e, s.special[i]!, s.special[i + 1]!);
  return e;
}

const sameFloat = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

function regr(final: (s: RegrState) => number | null): Accumulator<RegrState> {
  return {
    init: () => new RegrState(),
    add(s, args) {
      const y = args[0] as number;
      const x = args[1] as number;
      if (Number.isFinite(x) && Number.isFinite(y)) regrAccum(s, y, x);
      else s.special.push(y, x);
      return s;
    },
    remove(s, args) {
      const y = args[0] as number;
      const x = args[1] as number;
      if (Number.isFinite(x) && Number.isFinite(y)) {
        regrRetract(s, y, x);
        return s;
      }
      for (let i = 0; i < s.special.length; i += 2) {
        if (sameFloat(s.special[i]!, y) && sameFloat(s.special[i + 1]!, x)) {
          s.special.splice(i, 2);
          break;
        }
      }
      return s;
    },
    merge(a, b) {
      a.special.push(...b.special);
      if (b.n === 0) return a;
      if (a.n === 0) {
        Object.assign(a, { n: b.n, sx: b.sx, sy: b.sy, sxx: b.sxx, syy: b.syy, sxy: b.sxy });
        return a;
      }
      const n = a.n + b.n;
      const dx = a.sx / a.n - b.sx / b.n;
      const dy = a.sy / a.n - b.sy / b.n;
      const w = (a.n * b.n) / n;
      a.sxx += b.sxx + w * dx * dx;
      a.syy += b.syy + w * dy * dy;
      a.sxy += b.sxy + w * dx * dy;
      a.sx += b.sx;
      a.sy += b.sy;
      a.n = n;
      return a;
    },
    result: (s) => final(effective(s)),
  };
}

const regrFinals: Record<string, (s: RegrState) => number | null> = {
  covar_pop: (s) => (s.n < 1 ? null : s.sxy / s.n),
  covar_samp: (s) => (s.n < 2 ? null : s.sxy / (s.n - 1)),
  // PostgreSQL returns NULL for horizontal and vertical lines.
  corr: (s) => (s.n < 1 || s.sxx === 0 || s.syy === 0 ? null : s.sxy / Math.sqrt(s.sxx * s.syy)),
  regr_slope: (s) => (s.n < 1 || s.sxx === 0 ? null : s.sxy / s.sxx),
  regr_intercept: (s) => (s.n < 1 || s.sxx === 0 ? null : (s.sy - (s.sx * s.sxy) / s.sxx) / s.n),
  regr_r2: (s) => (s.n < 1 || s.sxx === 0 ? null : s.syy === 0 ? 1 : (s.sxy * s.sxy) / (s.sxx * s.syy)),
  regr_avgx: (s) => (s.n < 1 ? null : s.sx / s.n),
  regr_avgy: (s) => (s.n < 1 ? null : s.sy / s.n),
  regr_sxx: (s) => (s.n < 1 ? null : s.sxx),
  regr_syy: (s) => (s.n < 1 ? null : s.syy),
  regr_sxy: (s) => (s.n < 1 ? null : s.sxy),
};

const VARIANCE_KINDS: Record<string, VarKind> = {
  stddev: { sample: true, stddev: true },
  stddev_samp: { sample: true, stddev: true },
  stddev_pop: { sample: false, stddev: true },
  variance: { sample: true, stddev: false },
  var_samp: { sample: true, stddev: false },
  var_pop: { sample: false, stddev: false },
};

function varianceOverloads(name: string, kind: VarKind): AggregateFunction[] {
  const exact = (t: SqlType): AggregateFunction => ({
    name,
    args: [t],
    ret: T.numeric,
    make: () => intVariance(kind),
  });
  const float = (t: SqlType): AggregateFunction => ({
    name,
    args: [t],
    ret: T.float8,
    make: () => floatVariance(kind),
  });
  return [
    exact(T.int2),
    exact(T.int4),
    exact(T.int8),
    { name, args: [T.numeric], ret: T.numeric, make: () => numericVariance(kind) },
    float(T.float4),
    float(T.float8),
  ];
}

/** stddev/variance families, covariance, correlation and the regr_* linear-regression aggregates. */
export const statisticsAggregates: AggregateFunction[] = [
  ...Object.entries(VARIANCE_KINDS).flatMap(([name, kind]) => varianceOverloads(name, kind)),
  ...Object.entries(regrFinals).map(([name, final]): AggregateFunction => ({
    name,
    args: [T.float8, T.float8],
    ret: T.float8,
    make: () => regr(final),
  })),
  {
    name: 'regr_count',
    args: [T.float8, T.float8],
    ret: T.int8,
    // A plain counter: PostgreSQL's regr_count never overflows or looks at the values.
    make: (): Accumulator<number> => ({
      init: () => 0,
      add: (n) => n + 1,
      remove: (n) => n - 1,
      merge: (a, b) => a + b,
      result: (n) => BigInt(n),
    }),
  },
];
