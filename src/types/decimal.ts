import { DatabaseError, SqlState } from '../errors.js';

const TEN = 10n;
const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * TEN);
  return POW10[n]!;
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Divides and rounds half away from zero, as PostgreSQL rounds numerics. */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  if (absBig(r) * 2n >= absBig(d)) return n < 0n !== d < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Exact decimal: `coef / 10^scale`, where scale is PostgreSQL's display scale (trailing zeros kept,
 * so `1.50` prints as `1.50`). NaN is supported as PostgreSQL's numeric NaN.
 *
 * @example
 * const price = Decimal.parse('19.90');
 * price.add(Decimal.parse('0.10')).toString(); // '20.00'
 */
export class Decimal {
  readonly coef: bigint;
  readonly scale: number;
  readonly nan: boolean;

  constructor(coef: bigint, scale: number, nan = false) {
    this.coef = coef;
    this.scale = scale;
    this.nan = nan;
  }

  static readonly NaN = new Decimal(0n, 0, true);
  static readonly ZERO = new Decimal(0n, 0);

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  static fromInt(v: number): Decimal {
    return new Decimal(BigInt(v), 0);
  }

  /** float8 → numeric as PostgreSQL does it: via 15 significant digits. */
  static fromFloat(v: number): Decimal {
    if (Number.isNaN(v)) return Decimal.NaN;
    if (!Number.isFinite(v)) {
      throw new DatabaseError(SqlState.featureNotSupported, 'cannot convert infinity to numeric');
    }
    return Decimal.parse(v.toPrecision(15));
  }

  /** Parses PostgreSQL numeric input: `12`, `-1.50`, `1e5`, `.5`, `NaN`. Throws 22P02 on bad input. */
  static parse(text: string): Decimal {
    const s = text.trim();
    const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      if (/^nan$/i.test(s)) return Decimal.NaN;
      throw new DatabaseError(
        SqlState.invalidTextRepresentation,
        `invalid input syntax for type numeric: "${text}"`,
      );
    }
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const exp = m[4] !== undefined ? Number(m[4]) : 0;
    let coef = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
    if (m[1] === '-') coef = -coef;
    let scale = frac.length - exp;
    if (scale < 0) {
      coef *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(coef, scale);
  }

  isZero(): boolean {
    return !this.nan && this.coef === 0n;
  }

  sign(): number {
    return this.coef > 0n ? 1 : this.coef < 0n ? -1 : 0;
  }

  /** Coefficient at a larger scale. */
  private at(scale: number): bigint {
    return scale === this.scale ? this.coef : this.coef * pow10(scale - this.scale);
  }

  add(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.at(s) + o.at(s), s);
  }

  sub(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.at(s) - o.at(s), s);
  }

  mul(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    return new Decimal(this.coef * o.coef, this.scale + o.scale);
  }

  neg(): Decimal {
    return this.nan ? this : new Decimal(-this.coef, this.scale);
  }

  abs(): Decimal {
    return this.coef < 0n ? this.neg() : this;
  }

  /** Division with PostgreSQL's result scale (select_div_scale): at least 16 significant digits. */
  div(o: Decimal, rscale?: number): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    if (o.coef === 0n) throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
    const scale = rscale ?? selectDivScale(this, o);
    // this/o = (c1/10^s1) / (c2/10^s2); want q * 10^-scale.
    const shift = scale + o.scale - this.scale;
    const n = shift >= 0 ? this.coef * pow10(shift) : this.coef;
    const d = shift >= 0 ? o.coef : o.coef * pow10(-shift);
    return new Decimal(divRound(n, d), scale);
  }

  /** Truncating integer division, as numeric div() and the integer part of mod. */
  divTrunc(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    if (o.coef === 0n) throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.at(s) / o.at(s), 0);
  }

  mod(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    if (o.coef === 0n) throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.at(s) % o.at(s), s);
  }

  cmp(o: Decimal): number {
    // PostgreSQL sorts NaN above every other value and equal to itself.
    if (this.nan || o.nan) return this.nan === o.nan ? 0 : this.nan ? 1 : -1;
    const s = Math.max(this.scale, o.scale);
    const a = this.at(s);
    const b = o.at(s);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(o: Decimal): boolean {
    return this.cmp(o) === 0;
  }

  /** Rounds half away from zero to `scale` digits after the point (scale may be negative). */
  round(scale: number): Decimal {
    if (this.nan) return this;
    if (scale >= this.scale) return new Decimal(this.at(scale), scale);
    const q = divRound(this.coef, pow10(this.scale - scale));
    return scale >= 0 ? new Decimal(q, scale) : new Decimal(q * pow10(-scale), 0);
  }

  trunc(scale: number): Decimal {
    if (this.nan) return this;
    if (scale >= this.scale) return new Decimal(this.at(scale), scale);
    const q = this.coef / pow10(this.scale - scale);
    return scale >= 0 ? new Decimal(q, scale) : new Decimal(q * pow10(-scale), 0);
  }

  floor(): Decimal {
    if (this.nan || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.coef / p;
    if (this.coef < 0n && this.coef % p !== 0n) q -= 1n;
    return new Decimal(q, 0);
  }

  ceil(): Decimal {
    if (this.nan || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.coef / p;
    if (this.coef > 0n && this.coef % p !== 0n) q += 1n;
    return new Decimal(q, 0);
  }

  /** Removes trailing fractional zeros (PostgreSQL's trim_scale). */
  trimScale(): Decimal {
    if (this.nan) return this;
    let c = this.coef;
    let s = this.scale;
    while (s > 0 && c % TEN === 0n) {
      c /= TEN;
      s--;
    }
    return new Decimal(c, s);
  }

  /** Applies a numeric(p,s) type modifier: round to s, then check it fits p digits (22003). */
  coerce(precision: number, scale: number): Decimal {
    if (this.nan) return this;
    const r = this.round(scale);
    const maxAbs = pow10(precision);
    if (absBig(r.coef) >= maxAbs) {
      throw new DatabaseError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${
          precision - scale > 0 ? `10^${precision - scale}` : '1'
        }.`,
      });
    }
    return r;
  }

  /** Integer value, rounding half away from zero (numeric → int casts). */
  toBigIntRounded(): bigint {
    if (this.nan) throw new DatabaseError(SqlState.featureNotSupported, 'cannot convert NaN to bigint');
    return this.scale === 0 ? this.coef : divRound(this.coef, pow10(this.scale));
  }

  toNumber(): number {
    if (this.nan) return NaN;
    return Number(this.toString());
  }

  toString(): string {
    if (this.nan) return 'NaN';
    const neg = this.coef < 0n;
    let digits = absBig(this.coef).toString();
    if (this.scale === 0) return neg ? '-' + digits : digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    const out = digits.slice(0, cut) + '.' + digits.slice(cut);
    return neg ? '-' + out : out;
  }

  /** Decimal digits before the point minus one, on PostgreSQL's base-10000 grid (for select_div_scale). */
  baseWeightAndFirstDigit(): [number, number] {
    if (this.coef === 0n) return [0, 0];
    // Align to a scale that is a multiple of 4 so the coefficient splits into base-10000 groups.
    const s4 = Math.ceil(this.scale / 4) * 4;
    const digits = absBig(this.at(s4)).toString();
    const groups = Math.ceil(digits.length / 4);
    const firstLen = digits.length - (groups - 1) * 4;
    const first = Number(digits.slice(0, firstLen));
    const weight = groups - 1 - s4 / 4;
    return [weight, first];
  }
}

/** PostgreSQL's select_div_scale (numeric.c). */
export function selectDivScale(a: Decimal, b: Decimal): number {
  const [w1, f1] = a.baseWeightAndFirstDigit();
  const [w2, f2] = b.baseWeightAndFirstDigit();
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = 16 - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, 1000);
}
