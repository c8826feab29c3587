import { DatabaseError, SqlState } from '../../errors.js';
import type { Value } from '../../types/values.js';

/**
 * percentile_cont and percentile_disc over values by rank, shared by the ordered-set Accumulators
 * (an ordered multiset) and the hash-aggregation kernels (selection over a typed array).
 */

/** C printf's %g (6 significant digits), as PostgreSQL's own snprintf prints a float8. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(5).split('e')[1]);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential(5).split('e') as [string, string];
    const n = Math.abs(Number(e));
    return `${strip(mant)}e${e.startsWith('-') ? '-' : '+'}${n < 10 ? '0' : ''}${n}`;
  }
  return strip(x.toFixed(5 - exp));
}

/** Raises PostgreSQL's error for a fraction outside [0, 1] (NaN included). */
export function checkFraction(p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new DatabaseError(
      SqlState.numericValueOutOfRange,
      `percentile value ${formatG(p)} is not between 0 and 1`,
    );
  }
}

export function toFraction(v: Value): number {
  return typeof v === 'number' ? v : Number(v);
}

export type Lerp = (lo: Value, hi: Value, t: number) => Value;

export const lerpFloat: Lerp = (lo, hi, t) => (lo as number) + ((hi as number) - (lo as number)) * t;

/** Values by rank: an OrderedMultiset, or a kernel's selection over a typed array. */
export interface Ranked {
  readonly size: number;
  at(rank: number): Value | undefined;
}

export function percentileCont(s: Ranked, p: number, lerp: Lerp): Value {
  const pos = p * (s.size - 1);
  const first = Math.floor(pos);
  const second = Math.ceil(pos);
  const lo = s.at(first)!;
  if (first === second) return lo;
  return lerp(lo, s.at(second)!, pos - first);
}

export function percentileDisc(s: Ranked, p: number): Value {
  const row = Math.max(Math.ceil(p * s.size), 1);
  return s.at(row - 1)!;
}

/**
 * percentile_cont over float8 or percentile_disc, for one fraction or an array of them (`direct`),
 * as the Accumulators compute it: the columnar kernels share it.
 */
export function numberPercentile(kind: 'cont' | 'disc', direct: Value, s: Ranked): Value {
  if (direct === null) return null;
  const pick = (p: number): Value =>
    kind === 'cont' ? percentileCont(s, p, lerpFloat) : percentileDisc(s, p);
  if (Array.isArray(direct)) return s.size === 0 ? null : mapFractions(direct, pick);
  // One fraction is checked even over no rows, as the Accumulators do.
  const p = toFraction(direct);
  checkFraction(p);
  return s.size === 0 ? null : pick(p);
}

/** Applies `pick` to every fraction of a (possibly nested) array, keeping NULLs as NULL. */
export function mapFractions(fractions: Value, pick: (p: number) => Value): Value {
  if (fractions === null) return null;
  if (Array.isArray(fractions)) return fractions.map((f) => mapFractions(f, pick));
  const p = toFraction(fractions);
  checkFraction(p);
  return pick(p);
}
