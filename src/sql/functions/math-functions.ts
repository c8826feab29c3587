import { DatabaseError, SqlState } from '../../errors.js';
import { Decimal } from '../../types/decimal.js';
import { T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { ScalarFunction } from './registry.js';

const INT2_MIN = -32768;
const INT2_MAX = 32767;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(1n << 63n);
const INT8_MAX = (1n << 63n) - 1n;
/** PostgreSQL's NUMERIC_MIN_SIG_DIGITS, NUMERIC_MAX_DISPLAY_SCALE and NUMERIC_MAX_RESULT_SCALE. */
const MIN_SIG_DIGITS = 16;
const MAX_DISPLAY_SCALE = 1000;
const MAX_RESULT_SCALE = 2000;
const RADIANS_PER_DEGREE = 0.017453292519943295;
const INVALID_ARGUMENT_FOR_WIDTH_BUCKET = SqlState.invalidArgumentForWidthBucket;

function outOfRange(what: 'smallint' | 'integer' | 'bigint'): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, `${what} out of range`);
}
function floatOverflow(): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}
function floatUnderflow(): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}
function numericOverflow(): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}
function inputOutOfRange(): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, 'input is out of range');
}
function logError(x: number): never {
  throw new DatabaseError(
    SqlState.invalidArgumentForLog,
    x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number',
  );
}
function sqrtOfNegative(): never {
  throw new DatabaseError(SqlState.invalidArgumentForPower, 'cannot take square root of a negative number');
}
function zeroToNegativePower(): never {
  throw new DatabaseError(SqlState.invalidArgumentForPower, 'zero raised to a negative power is undefined');
}
function complexPower(): never {
  throw new DatabaseError(
    SqlState.invalidArgumentForPower,
    'a negative number raised to a non-integer power yields a complex result',
  );
}
function divisionByZero(): never {
  throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
}

// ---------------------------------------------------------------------------------------------
// Arbitrary-precision numeric kernels. Values are bigints scaled by 10^scale; every kernel works
// with guard digits and rounds once at the end, so results match PostgreSQL's numeric.c digits.

const POW10: bigint[] = [1n];
function p10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}
function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}
function digitCount(x: bigint): number {
  return x === 0n ? 1 : absBig(x).toString().length;
}
/** n / d rounded half away from zero. */
function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n || absBig(r) * 2n < absBig(d)) return q;
  return n < 0n !== d < 0n ? q - 1n : q + 1n;
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
function decimalOne(scale: number): Decimal {
  return new Decimal(p10(scale), scale);
}

/** PostgreSQL's base-10000 view of a numeric: weight and the first two (normalised) digits. */
function baseDigits(d: Decimal): { weight: number; d0: number; d1: number; ndigits: number } {
  const a = absBig(d.coef);
  if (a === 0n) return { weight: 0, d0: 0, d1: 0, ndigits: 0 };
  const s4 = Math.ceil(d.scale / 4) * 4;
  let str = (a * p10(s4 - d.scale)).toString();
  str = '0'.repeat((4 - (str.length % 4)) % 4) + str;
  let groups = str.length / 4;
  const weight = groups - 1 - s4 / 4;
  while (groups > 1 && str.endsWith('0000', groups * 4)) groups--;
  return {
    weight,
    d0: Number(str.slice(0, 4)),
    d1: groups > 1 ? Number(str.slice(4, 8)) : 0,
    ndigits: groups,
  };
}

/** Decimal exponent of the leading digit of a non-zero value (floor(log10|x|)). */
function decimalWeight(d: Decimal): number {
  return digitCount(d.coef) - 1 - d.scale;
}

/** log10|x| in double precision, for values far outside the double range too. */
function log10Approx(d: Decimal): number {
  const digits = absBig(d.coef).toString();
  const lead = digits.length > 17 ? digits.slice(0, 17) : digits;
  return Math.log10(Number(lead)) + digits.length - lead.length - d.scale;
}

const ZERO_POINT_NINE = Decimal.parse('0.9');
const ONE_POINT_ONE = Decimal.parse('1.1');
const ONE = Decimal.fromInt(1);

/** numeric.c estimate_ln_dweight: the decimal weight of ln(x). */
function estimateLnDweight(x: Decimal): number {
  if (x.sign() <= 0) return 0;
  if (x.cmp(ZERO_POINT_NINE) >= 0 && x.cmp(ONE_POINT_ONE) <= 0) {
    const d = x.sub(ONE);
    return d.isZero() ? 0 : decimalWeight(d);
  }
  const b = baseDigits(x);
  let digits = b.d0;
  let dweight = b.weight * 4;
  if (b.ndigits > 1) {
    digits = digits * 10000 + b.d1;
    dweight -= 4;
  }
  const lnVar = Math.log(digits) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

/** ln(y / one) * one for y/one in [0.1, 10]: square roots bring y near 1, then the atanh series. */
function lnNear(y: bigint, one: bigint): bigint {
  let r = 0;
  const tol = one / 100n;
  while (absBig(y - one) > tol) {
    y = isqrt(y * one);
    r++;
  }
  const z = ((y - one) * one) / (y + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = z;
  for (let n = 3n; ; n += 2n) {
    term = (term * z2) / one;
    if (term === 0n) break;
    sum += term / n;
  }
  return (sum * 2n) << BigInt(r);
}

let ln10Cache: { scale: number; value: bigint } = { scale: 0, value: 2n };
function ln10(scale: number): bigint {
  if (ln10Cache.scale < scale) {
    const s = scale + 10;
    const one = p10(s);
    ln10Cache = { scale: s, value: lnNear(10n * one, one) };
  }
  return roundDiv(ln10Cache.value, p10(ln10Cache.scale - scale));
}

/** ln(x) scaled by 10^w, for x > 0, accurate to a unit or so in the last place. */
function lnScaled(x: Decimal, w: number): bigint {
  let k = digitCount(x.coef) - x.scale;
  if (k === 0 || k === 1) k = 0;
  const g = w + 10 + String(Math.abs(k)).length;
  const one = p10(g);
  const e = g - x.scale - k;
  const y = e >= 0 ? x.coef * p10(e) : x.coef / p10(-e);
  let ln = lnNear(y, one);
  if (k !== 0) ln += BigInt(k) * ln10(g);
  return roundDiv(ln, p10(g - w));
}

/** exp(xv / 10^xs) rounded to rscale digits; the caller has checked the range. */
function expScaled(xv: bigint, xs: number, rscale: number): Decimal {
  const approx = new Decimal(xv, xs).toNumber();
  const ax = Math.abs(approx);
  const r = ax < 0.0625 ? 0 : Math.ceil(Math.log2(ax / 0.0625));
  const g = rscale + Math.max(0, Math.ceil(approx * 0.4343)) + Math.ceil(r * 0.302) + 10;
  const one = p10(g);
  let z = g >= xs ? xv * p10(g - xs) : xv / p10(xs - g);
  z /= 1n << BigInt(r);
  let term = one;
  let sum = one;
  for (let n = 1n; ; n++) {
    term = (term * z) / one / n;
    if (term === 0n) break;
    sum += term;
  }
  for (let i = 0; i < r; i++) sum = (sum * sum) / one;
  return new Decimal(roundDiv(sum, p10(g - rscale)), rscale);
}

function clampScale(rscale: number): number {
  return Math.min(Math.max(rscale, 0), MAX_DISPLAY_SCALE);
}

function numericSqrt(x: Decimal): Decimal {
  if (x.nan) return x;
  if (x.sign() < 0) sqrtOfNegative();
  const sweight = ((baseDigits(x).weight + 1) * 4) / 2 - 1;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - sweight, x.scale));
  const q = isqrt(x.coef * p10(2 * (rscale + 1) - x.scale));
  return new Decimal(q % 10n >= 5n ? q / 10n + 1n : q / 10n, rscale);
}

function numericExp(x: Decimal): Decimal {
  if (x.nan) return x;
  const v = x.toNumber();
  const val = Math.min(Math.max(v * 0.434294481903252, -MAX_RESULT_SCALE), MAX_RESULT_SCALE);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(val), x.scale));
  if (Math.abs(v) >= MAX_RESULT_SCALE * 3) {
    if (v > 0) numericOverflow();
    return new Decimal(0n, rscale);
  }
  return expScaled(x.coef, x.scale, rscale);
}

function checkLogArg(x: Decimal): void {
  const s = x.sign();
  if (s <= 0) logError(s);
}

function numericLn(x: Decimal): Decimal {
  if (x.nan) return x;
  checkLogArg(x);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - estimateLnDweight(x), x.scale));
  return new Decimal(roundDiv(lnScaled(x, rscale + 8), p10(8)), rscale);
}

function numericLog(base: Decimal, x: Decimal): Decimal {
  if (base.nan || x.nan) return Decimal.NaN;
  checkLogArg(base);
  checkLogArg(x);
  const lnBaseW = estimateLnDweight(base);
  const lnNumW = estimateLnDweight(x);
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - (lnNumW - lnBaseW), base.scale, x.scale));
  const w = rscale + Math.abs(lnNumW) + Math.abs(lnBaseW) + 10;
  const lb = lnScaled(base, w);
  if (lb === 0n) divisionByZero();
  return new Decimal(lnScaled(x, w), w).div(new Decimal(lb, w), rscale);
}

function isIntegral(d: Decimal): boolean {
  return d.scale === 0 || d.coef % p10(d.scale) === 0n;
}

/** numeric.c power_var_int: repeated squaring, keeping only the digits the result needs. */
function numericPowerInt(base: Decimal, n: number, rscale: number): Decimal {
  if (n === 0) return decimalOne(rscale);
  if (n === 1) return base.round(rscale);
  if (n === -1) return ONE.div(base, rscale);
  if (n === 2) return base.mul(base).round(rscale);
  if (base.isZero()) return new Decimal(0n, rscale);
  const f = n * log10Approx(base);
  if (f > 3 * 32767 * 4) numericOverflow();
  if (f + 1 < -rscale || f + 1 < -MAX_DISPLAY_SCALE) return new Decimal(0n, rscale);
  const keep = Math.max(1 + rscale + Math.trunc(f), 1) + Math.trunc(Math.log(Math.abs(n))) + 8;
  let rc = 1n;
  let rs = 0;
  let bc = absBig(base.coef);
  let bs = base.scale;
  const trim = (c: bigint, s: number): [bigint, number] => {
    const extra = digitCount(c) - keep;
    return extra > 0 ? [c / p10(extra), s - extra] : [c, s];
  };
  for (let m = Math.abs(n); ;) {
    if (m & 1) [rc, rs] = trim(rc * bc, rs + bs);
    m = Math.floor(m / 2);
    if (m === 0) break;
    [bc, bs] = trim(bc * bc, bs + bs);
  }
  if (rs < 0) {
    rc *= p10(-rs);
    rs = 0;
  }
  if (base.coef < 0n && n % 2 !== 0) rc = -rc;
  const p = new Decimal(rc, rs);
  return n < 0 ? ONE.div(p, rscale) : p.round(rscale);
}

function numericPower(base: Decimal, exp: Decimal): Decimal {
  if (base.nan) return exp.isZero() ? ONE : Decimal.NaN;
  if (exp.nan) return base.eq(ONE) ? ONE : Decimal.NaN;
  if (base.isZero() && exp.sign() < 0) zeroToNegativePower();
  const integral = isIntegral(exp);
  if (base.sign() < 0 && !integral) complexPower();
  if (integral) {
    const n = exp.trunc(0).coef;
    if (n >= BigInt(INT4_MIN) && n <= BigInt(INT4_MAX)) {
      return numericPowerInt(base, Number(n), clampScale(Math.max(MIN_SIG_DIGITS, base.scale)));
    }
  }
  if (base.isZero()) return new Decimal(0n, MIN_SIG_DIGITS);
  // Negative bases reach here only with huge integral exponents: |base|^exp with the parity sign.
  const val = log10Approx(base) * 2.302585092994046 * exp.toNumber();
  if (val >= MAX_RESULT_SCALE * 3) numericOverflow();
  const dweight = val * 0.434294481903252;
  const rscale = clampScale(Math.max(MIN_SIG_DIGITS - Math.trunc(dweight), base.scale, exp.scale));
  if (val <= -MAX_RESULT_SCALE * 3) return new Decimal(0n, rscale);
  const intDigits = digitCount(exp.trunc(0).coef);
  const w = rscale + Math.max(0, Math.ceil(dweight)) + intDigits + 12;
  const lnb = lnScaled(base.abs(), w);
  const r = expScaled(lnb * exp.coef, w + exp.scale, rscale);
  return base.sign() < 0 && exp.trunc(0).coef % 2n !== 0n ? r.neg() : r;
}

function factorial(n: bigint): Decimal {
  if (n < 0n) {
    throw new DatabaseError(SqlState.invalidParameterValue, 'factorial of a negative number is undefined');
  }
  if (n > 32177n) numericOverflow();
  const product = (lo: bigint, hi: bigint): bigint => {
    if (hi - lo < 8n) {
      let p = 1n;
      for (let i = lo; i <= hi; i++) p *= i;
      return p;
    }
    const mid = (lo + hi) / 2n;
    return product(lo, mid) * product(mid + 1n, hi);
  };
  return new Decimal(n < 2n ? 1n : product(2n, n), 0);
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = absBig(a);
  b = absBig(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function numericGcd(a: Decimal, b: Decimal): Decimal {
  if (a.nan || b.nan) return Decimal.NaN;
  const s = Math.max(a.scale, b.scale);
  return new Decimal(gcdBig(a.coef * p10(s - a.scale), b.coef * p10(s - b.scale)), s);
}

function numericLcm(a: Decimal, b: Decimal): Decimal {
  if (a.nan || b.nan) return Decimal.NaN;
  const s = Math.max(a.scale, b.scale);
  const x = a.coef * p10(s - a.scale);
  const y = b.coef * p10(s - b.scale);
  if (x === 0n || y === 0n) return new Decimal(0n, s);
  return new Decimal(absBig((x / gcdBig(x, y)) * y), s);
}

// ---------------------------------------------------------------------------------------------
// float8 helpers, following PostgreSQL's float.c edge cases.

/** C rint(): round half to even, keeping the sign of zero. */
function rint(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 4503599627370496) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r === 0 && x < 0 ? -0 : r;
}

/** float.c's check for a result derived from finite, non-zero input. */
function checkFloat(r: number, x: number): number {
  if (!Number.isFinite(r) && Number.isFinite(x)) floatOverflow();
  if (r === 0 && x !== 0) floatUnderflow();
  return r;
}

/** C printf's %g, for messages that quote a float8. */
function formatG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mant, expText] = x.toExponential(5).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6)
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(x.toFixed(5 - exp));
}

function fpow(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? NaN : 1;
  if (Number.isNaN(y)) return x !== 1 ? NaN : 1;
  if (x === 0 && y < 0) zeroToNegativePower();
  if (x < 0 && Math.floor(y) !== y) complexPower();
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    if (y > 0) return ax > 1 ? y : 0;
    return ax > 1 ? 0 : -y;
  }
  if (!Number.isFinite(x)) {
    if (y === 0) return 1;
    if (x > 0) return y > 0 ? x : 0;
    const oddInteger = Math.floor(y / 2) !== y / 2;
    if (y > 0) return oddInteger ? x : -x;
    return oddInteger ? -0 : 0;
  }
  const r = Math.pow(x, y);
  if (!Number.isFinite(r)) floatOverflow();
  if (r === 0 && x !== 0) floatUnderflow();
  return r;
}

function fexp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x > 0 ? x : 0;
  const r = Math.exp(x);
  if (!Number.isFinite(r)) floatOverflow();
  if (r === 0) floatUnderflow();
  return r;
}

function flog(x: number, log: (v: number) => number): number {
  if (x === 0 || x < 0) logError(x);
  const r = log(x);
  if (!Number.isFinite(r) && Number.isFinite(x)) floatOverflow();
  if (r === 0 && x !== 1) floatUnderflow();
  return r;
}

/** sin/cos/tan/cot: NaN passes through, infinities are rejected. */
function periodic(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (!Number.isFinite(x)) inputOutOfRange();
    return f(x);
  };
}
function unitDomain(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (x < -1 || x > 1) inputOutOfRange();
    return f(x);
  };
}

function widthBucketFloat(op: number, b1: number, b2: number, count: number): number {
  if (count <= 0) {
    throw new DatabaseError(INVALID_ARGUMENT_FOR_WIDTH_BUCKET, 'count must be greater than zero');
  }
  if (Number.isNaN(op) || Number.isNaN(b1) || Number.isNaN(b2)) {
    throw new DatabaseError(
      INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
      'operand, lower bound, and upper bound cannot be NaN',
    );
  }
  if (!Number.isFinite(b1) || !Number.isFinite(b2)) {
    throw new DatabaseError(INVALID_ARGUMENT_FOR_WIDTH_BUCKET, 'lower and upper bounds must be finite');
  }
  if (b1 === b2) {
    throw new DatabaseError(INVALID_ARGUMENT_FOR_WIDTH_BUCKET, 'lower bound cannot equal upper bound');
  }
  const asc = b1 < b2;
  if (asc ? op < b1 : op > b1) return 0;
  if (asc ? op >= b2 : op <= b2) {
    if (count === INT4_MAX) outOfRange('integer');
    return count + 1;
  }
  const width = asc ? b2 - b1 : b1 - b2;
  const offset = asc ? op - b1 : b1 - op;
  let r = Number.isFinite(width) ? count * (offset / width) : count * (offset / 2 / (width / 2));
  r = Math.trunc(r);
  if (r >= count) r = count - 1;
  return r + 1;
}

function widthBucketNumeric(op: Decimal, b1: Decimal, b2: Decimal, count: number): number {
  if (count <= 0) {
    throw new DatabaseError(INVALID_ARGUMENT_FOR_WIDTH_BUCKET, 'count must be greater than zero');
  }
  if (op.nan || b1.nan || b2.nan) {
    throw new DatabaseError(
      INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
      'operand, lower bound, and upper bound cannot be NaN',
    );
  }
  const c = b1.cmp(b2);
  if (c === 0) {
    throw new DatabaseError(INVALID_ARGUMENT_FOR_WIDTH_BUCKET, 'lower bound cannot equal upper bound');
  }
  const asc = c < 0;
  if (asc ? op.cmp(b1) < 0 : op.cmp(b1) > 0) return 0;
  if (asc ? op.cmp(b2) >= 0 : op.cmp(b2) <= 0) {
    if (count === INT4_MAX) outOfRange('integer');
    return count + 1;
  }
  const offset = asc ? op.sub(b1) : b1.sub(op);
  const width = asc ? b2.sub(b1) : b1.sub(b2);
  const s = Math.max(offset.scale, width.scale);
  const num = offset.coef * p10(s - offset.scale) * BigInt(count);
  return Number(num / (width.coef * p10(s - width.scale))) + 1;
}

// ---------------------------------------------------------------------------------------------
// random() and setseed(): PostgreSQL's pg_prng (xoroshiro128**), so seeded sequences match.

const MASK64 = (1n << 64n) - 1n;
let prngState: { s0: bigint; s1: bigint } | null = null;

function rotl64(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (64n - k))) & MASK64;
}

function seedPrng(fseed: number): void {
  let state = BigInt.asUintN(64, BigInt(Math.trunc((2 ** 52 - 1) * fseed)));
  const splitmix = (): bigint => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let v = state;
    v = ((v ^ (v >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    v = ((v ^ (v >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return v ^ (v >> 31n);
  };
  const s0 = splitmix();
  const s1 = splitmix();
  prngState = s0 === 0n && s1 === 0n ? { s0: 0x5851f42d4c957f2dn, s1: 0x14057b7ef767814fn } : { s0, s1 };
}

function nextRandom(): number {
  const st = prngState;
  if (st === null) return Math.random();
  const s0 = st.s0;
  const sx = st.s1 ^ s0;
  const val = (rotl64((s0 * 5n) & MASK64, 7n) * 9n) & MASK64;
  st.s0 = rotl64(s0, 24n) ^ sx ^ ((sx << 16n) & MASK64);
  st.s1 = rotl64(sx, 37n);
  return Number(val >> 12n) * 2 ** -52;
}

// ---------------------------------------------------------------------------------------------
// Catalog entries.

type Impl1<A, R> = (a: A) => R;

function unary<A, R extends Value>(name: string, arg: SqlType, ret: SqlType, f: Impl1<A, R>): ScalarFunction {
  return { name, args: [arg], ret, impl: (a) => f(a[0] as A) };
}
function binary<A, B, R extends Value>(
  name: string,
  args: [SqlType, SqlType],
  ret: SqlType,
  f: (a: A, b: B) => R,
): ScalarFunction {
  return { name, args, ret, impl: (a) => f(a[0] as A, a[1] as B) };
}
function float8Fn(names: string[], f: (x: number) => number): ScalarFunction[] {
  return names.map((n) => unary<number, number>(n, T.float8, T.float8, f));
}
function numericFn(names: string[], f: (x: Decimal) => Decimal): ScalarFunction[] {
  return names.map((n) => unary<Decimal, Decimal>(n, T.numeric, T.numeric, f));
}

function i2(x: number): number {
  if (x < INT2_MIN || x > INT2_MAX) outOfRange('smallint');
  return x;
}
function i4(x: number): number {
  if (x < INT4_MIN || x > INT4_MAX) outOfRange('integer');
  return x;
}
function i8(x: bigint): bigint {
  if (x < INT8_MIN || x > INT8_MAX) outOfRange('bigint');
  return x;
}

function intMod(a: number, b: number): number {
  if (b === 0) divisionByZero();
  const r = a % b;
  return r === 0 ? 0 : r;
}
function bigMod(a: bigint, b: bigint): bigint {
  if (b === 0n) divisionByZero();
  return a % b;
}

function intGcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
function int4Gcd(a: number, b: number): number {
  return i4(intGcd(a, b));
}
function int4Lcm(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return i4(Math.abs((a / intGcd(a, b)) * b));
}
function int8Gcd(a: bigint, b: bigint): bigint {
  return i8(gcdBig(a, b));
}
function int8Lcm(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  return i8(absBig((a / gcdBig(a, b)) * b));
}

function roundScale(s: number): number {
  return Math.min(Math.max(s, -MAX_RESULT_SCALE), MAX_RESULT_SCALE);
}

/** `setseed` returns PostgreSQL's void; there is no void type here, so it yields an empty text. */
function setseed(seed: number): string {
  if (!(seed >= -1 && seed <= 1)) {
    throw new DatabaseError(
      SqlState.invalidParameterValue,
      `setseed parameter ${formatG(seed)} is out of allowed range [-1,1]`,
    );
  }
  seedPrng(seed);
  return '';
}

/**
 * Math functions and the `^`, `|/`, `||/`, `@` operators, with PostgreSQL's overloads, scales and errors.
 * @example
 * mathFunctions.find((f) => f.name === 'round' && f.args[0]!.id === 'float8')!.impl([2.5], ctx, []); // 2
 */
export const mathFunctions: ScalarFunction[] = [
  unary<number, number>('abs', T.int2, T.int2, (x) => i2(Math.abs(x))),
  unary<number, number>('abs', T.int4, T.int4, (x) => i4(Math.abs(x))),
  unary<bigint, bigint>('abs', T.int8, T.int8, (x) => i8(x < 0n ? -x : x)),
  unary<number, number>('abs', T.float4, T.float4, Math.abs),
  ...float8Fn(['abs', '@'], Math.abs),
  ...numericFn(['abs', '@'], (x) => x.abs()),
  unary<number, number>('@', T.int2, T.int2, (x) => i2(Math.abs(x))),
  unary<number, number>('@', T.int4, T.int4, (x) => i4(Math.abs(x))),
  unary<bigint, bigint>('@', T.int8, T.int8, (x) => i8(x < 0n ? -x : x)),

  ...float8Fn(['sign'], (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  ...numericFn(['sign'], (x) => (x.nan ? x : Decimal.fromInt(x.sign()))),
  ...float8Fn(['ceil', 'ceiling'], Math.ceil),
  ...numericFn(['ceil', 'ceiling'], (x) => x.ceil()),
  ...float8Fn(['floor'], Math.floor),
  ...numericFn(['floor'], (x) => x.floor()),
  ...float8Fn(['round'], rint),
  ...numericFn(['round'], (x) => x.round(0)),
  binary<Decimal, number, Decimal>('round', [T.numeric, T.int4], T.numeric, (x, s) => x.round(roundScale(s))),
  ...float8Fn(['trunc'], Math.trunc),
  ...numericFn(['trunc'], (x) => x.trunc(0)),
  binary<Decimal, number, Decimal>('trunc', [T.numeric, T.int4], T.numeric, (x, s) => x.trunc(roundScale(s))),

  ...float8Fn(['sqrt', '|/'], (x) => (x < 0 ? sqrtOfNegative() : Math.sqrt(x))),
  ...numericFn(['sqrt', '|/'], numericSqrt),
  ...float8Fn(['cbrt', '||/'], Math.cbrt),
  ...float8Fn(['exp'], fexp),
  ...numericFn(['exp'], numericExp),
  ...float8Fn(['ln'], (x) => flog(x, Math.log)),
  ...numericFn(['ln'], numericLn),
  ...float8Fn(['log', 'log10'], (x) => flog(x, Math.log10)),
  ...numericFn(['log', 'log10'], (x) => numericLog(Decimal.fromInt(10), x)),
  binary<Decimal, Decimal, Decimal>('log', [T.numeric, T.numeric], T.numeric, numericLog),
  ...['power', 'pow', '^'].flatMap((n) => [
    binary<number, number, number>(n, [T.float8, T.float8], T.float8, fpow),
    binary<Decimal, Decimal, Decimal>(n, [T.numeric, T.numeric], T.numeric, numericPower),
  ]),

  binary<number, number, number>('mod', [T.int2, T.int2], T.int2, intMod),
  binary<number, number, number>('mod', [T.int4, T.int4], T.int4, intMod),
  binary<bigint, bigint, bigint>('mod', [T.int8, T.int8], T.int8, bigMod),
  binary<Decimal, Decimal, Decimal>('mod', [T.numeric, T.numeric], T.numeric, (a, b) => a.mod(b)),
  binary<Decimal, Decimal, Decimal>('div', [T.numeric, T.numeric], T.numeric, (a, b) => a.divTrunc(b)),
  binary<number, number, number>('gcd', [T.int4, T.int4], T.int4, int4Gcd),
  binary<bigint, bigint, bigint>('gcd', [T.int8, T.int8], T.int8, int8Gcd),
  binary<Decimal, Decimal, Decimal>('gcd', [T.numeric, T.numeric], T.numeric, numericGcd),
  binary<number, number, number>('lcm', [T.int4, T.int4], T.int4, int4Lcm),
  binary<bigint, bigint, bigint>('lcm', [T.int8, T.int8], T.int8, int8Lcm),
  binary<Decimal, Decimal, Decimal>('lcm', [T.numeric, T.numeric], T.numeric, numericLcm),
  unary<bigint, Decimal>('factorial', T.int8, T.numeric, factorial),

  { name: 'pi', args: [], ret: T.float8, impl: () => Math.PI },
  ...float8Fn(['degrees'], (x) => checkFloat(x / RADIANS_PER_DEGREE, x)),
  ...float8Fn(['radians'], (x) => checkFloat(x * RADIANS_PER_DEGREE, x)),
  ...float8Fn(['sin'], periodic(Math.sin)),
  ...float8Fn(['cos'], periodic(Math.cos)),
  ...float8Fn(['tan'], periodic(Math.tan)),
  ...float8Fn(
    ['cot'],
    periodic((x) => 1 / Math.tan(x)),
  ),
  ...float8Fn(['asin'], unitDomain(Math.asin)),
  ...float8Fn(['acos'], unitDomain(Math.acos)),
  ...float8Fn(['atan'], Math.atan),
  binary<number, number, number>('atan2', [T.float8, T.float8], T.float8, Math.atan2),
  ...float8Fn(['sinh'], Math.sinh),
  ...float8Fn(['cosh'], Math.cosh),
  ...float8Fn(['tanh'], Math.tanh),
  ...float8Fn(['asinh'], Math.asinh),
  ...float8Fn(['acosh'], (x) => (x < 1 ? inputOutOfRange() : Math.acosh(x))),
  ...float8Fn(['atanh'], unitDomain(Math.atanh)),

  { name: 'random', args: [], ret: T.float8, volatile: true, impl: nextRandom },
  { name: 'setseed', args: [T.float8], ret: T.text, volatile: true, impl: (a) => setseed(a[0] as number) },
  {
    name: 'width_bucket',
    args: [T.float8, T.float8, T.float8, T.int4],
    ret: T.int4,
    impl: (a) => widthBucketFloat(a[0] as number, a[1] as number, a[2] as number, a[3] as number),
  },
  {
    name: 'width_bucket',
    args: [T.numeric, T.numeric, T.numeric, T.int4],
    ret: T.int4,
    impl: (a) => widthBucketNumeric(a[0] as Decimal, a[1] as Decimal, a[2] as Decimal, a[3] as number),
  },
  {
    name: 'scale',
    args: [T.numeric],
    ret: T.int4,
    impl: (a) => ((a[0] as Decimal).nan ? null : (a[0] as Decimal).scale),
  },
  ...numericFn(['trim_scale'], (x) => x.trimScale()),
  {
    name: 'min_scale',
    args: [T.numeric],
    ret: T.int4,
    impl: (a) => ((a[0] as Decimal).nan ? null : (a[0] as Decimal).trimScale().scale),
  },
];
