import { Decimal } from '../../types/decimal.js';
import { Interval } from '../../types/interval.js';
import { T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { Accumulator, AggregateFunction } from './aggregate.js';
import { tupleKey } from './distinct.js';
import { checkFraction } from './percentile.js';

// ---------------------------------------------------------------------------------------------
// 64-bit value hash: two MurmurHash3-style 32-bit lanes with different seeds over a canonical
// encoding (equal SQL values encode equally). Results land in module variables so hashing a row
// allocates nothing.
// ---------------------------------------------------------------------------------------------

let hashHi = 0;
let hashLo = 0;

const SEED_HI = 0x9747b28c;
const SEED_LO = 0x1b873593;

function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashWords(a: number, b: number, tag: number): void {
  hashHi = finalMix(mixWord(mixWord(SEED_HI, a), b) ^ tag);
  hashLo = finalMix(mixWord(mixWord(SEED_LO, a), b) ^ tag);
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

function hashNumber(v: number): void {
  // -0 equals 0 and every NaN equals every other NaN in SQL.
  f64[0] = v === 0 ? 0 : v !== v ? NaN : v;
  hashWords(f64Words[0]!, f64Words[1]!, 8);
}

function hashString(s: string): void {
  let h = SEED_HI;
  let l = SEED_LO;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    h = mixWord(h, k);
    l = mixWord(l, k);
  }
  if (i < n) {
    const k = s.charCodeAt(i);
    h = mixWord(h, k);
    l = mixWord(l, k);
  }
  hashHi = finalMix(h ^ n);
  hashLo = finalMix(l ^ n);
}

function hashBytes(b: Uint8Array): void {
  let h = SEED_HI;
  let l = SEED_LO;
  for (let i = 0; i < b.length; i += 4) {
    const k = b[i]! | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
    h = mixWord(h, k);
    l = mixWord(l, k);
  }
  hashHi = finalMix(h ^ b.length);
  hashLo = finalMix(l ^ b.length);
}

const BIG_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Hashes a non-null value into 64 bits; read them with {@link lastHash}. */
export function hashValue(v: Value): void {
  if (typeof v === 'number') hashNumber(v);
  else if (typeof v === 'string') hashString(v);
  else if (typeof v === 'bigint') {
    if (v <= BIG_SAFE && v >= -BIG_SAFE) hashNumber(Number(v));
    else {
      const u = BigInt.asUintN(64, v);
      hashWords(Number(u & 0xffffffffn), Number(u >> 32n), 9);
    }
  } else if (typeof v === 'boolean') hashWords(v ? 1 : 0, 0, 1);
  else if (v instanceof Interval) hashNumber(v.sortKey());
  else if (v instanceof Uint8Array) hashBytes(v);
  else if (v instanceof Decimal) hashString(v.trimScale().toString());
  else hashString(tupleKey(v as Value[]));
}

/** The 64-bit hash of the last {@link hashValue} call as [high word, low word]. */
export function lastHash(): [number, number] {
  return [hashHi, hashLo];
}

// ---------------------------------------------------------------------------------------------
// HyperLogLog (precision 14) with Ertl's improved estimator, which needs no bias tables and is
// accurate from a handful of values up to billions.
// ---------------------------------------------------------------------------------------------

const P = 14;
const M = 1 << P;
/** Hash bits left for the rank after the register index. */
const Q = 64 - P;
/** Up to this many registers are kept in a Map, so small groups stay small. */
const SPARSE_LIMIT = 256;

/**
 * A HyperLogLog sketch over 64-bit hashes: 2^14 registers, about 0.8% standard error.
 *
 * @example
 * const h = new HyperLogLog(); for (let i = 0; i < 1000; i++) { hashValue(i); h.addHash(...lastHash()); } h.estimate(); // ≈ 1000
 */
export class HyperLogLog {
  private dense: Uint8Array | null = null;
  private sparse: Map<number, number> | null = new Map();

  /** Adds one hash given as two unsigned 32-bit words. */
  addHash(hi: number, lo: number): void {
    const idx = hi >>> (32 - P);
    const rest = hi & ((1 << (32 - P)) - 1);
    // Rank = position of the first 1 bit in the 50 bits after the index (Q + 1 when all zero).
    const rank = rest !== 0 ? Math.clz32(rest) - P + 1 : lo !== 0 ? 32 - P + Math.clz32(lo) + 1 : Q + 1;
    this.set(idx, rank);
  }

  private set(idx: number, rank: number): void {
    if (this.dense !== null) {
      if (rank > this.dense[idx]!) this.dense[idx] = rank;
      return;
    }
    const sparse = this.sparse!;
    if (rank > (sparse.get(idx) ?? 0)) {
      sparse.set(idx, rank);
      if (sparse.size > SPARSE_LIMIT) {
        this.dense = new Uint8Array(M);
        for (const [i, r] of sparse) this.dense[i] = r;
        this.sparse = null;
      }
    }
  }

  /** Register-wise max with another sketch. */
  mergeFrom(o: HyperLogLog): void {
    if (o.dense !== null) {
      if (this.dense === null) {
        const d = new Uint8Array(o.dense);
        for (const [i, r] of this.sparse!) if (r > d[i]!) d[i] = r;
        this.dense = d;
        this.sparse = null;
      } else {
        for (let i = 0; i < M; i++) if (o.dense[i]! > this.dense[i]!) this.dense[i] = o.dense[i]!;
      }
    } else {
      for (const [i, r] of o.sparse!) this.set(i, r);
    }
  }

  /** Estimated number of distinct hashes added. */
  estimate(): number {
    const c = new Float64Array(Q + 2);
    if (this.dense !== null) for (let i = 0; i < M; i++) c[this.dense[i]!]!++;
    else {
      c[0] = M - this.sparse!.size;
      for (const r of this.sparse!.values()) c[r]!++;
    }
    let z = M * tau(1 - c[Q + 1]! / M);
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + c[k]!);
    z += M * sigma(c[0]! / M);
    return z === Infinity ? 0 : (M * M) / (2 * Math.LN2 * z);
  }
}

/** Ertl's σ(x) = x + Σ x^(2^k)·2^(k−1). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

/** Ertl's τ(x) = (1 − x − Σ (1 − x^(2^−k))²·2^−k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}

const approxCountDistinct: Accumulator<HyperLogLog> = {
  init: () => new HyperLogLog(),
  add(s, args) {
    hashValue(args[0]!);
    s.addHash(hashHi, hashLo);
    return s;
  },
  merge(a, b) {
    a.mergeFrom(b);
    return a;
  },
  result: (s) => BigInt(Math.round(s.estimate())),
};

// ---------------------------------------------------------------------------------------------
// approx_percentile: a retractable, mergeable quantile sketch. Values go to DDSketch's
// logarithmic bins; each bin keeps its count and the exact sum of its values, and a quantile is
// answered with the mean of the values in its bin.
// ---------------------------------------------------------------------------------------------

/**
 * Ratio between a bin's bounds: bin k holds the magnitudes in (GAMMA^(k-1), GAMMA^k]. DDSketch
 * answers with a point in the middle of the bin, so 1% accuracy allows bins twice as wide; the mean
 * of a bin's values can lie anywhere in the bin, and so can the true quantile (it is one of the
 * bin's values), so their ratio is below GAMMA. GAMMA = 1.01 (DDSketch relative accuracy
 * 1/201 ≈ 0.005) keeps every answer within 1% of the exact quantile.
 */
const GAMMA = 1.01;
/** key(v) = ceil(log(v) / log(GAMMA)), DDSketch's logarithmic mapping. */
const KEY_MULTIPLIER = 1 / Math.log(GAMMA);
const LOG2_GAMMA = Math.log2(GAMMA);
/** Magnitudes below this (subnormals and zeros) share the zero bin, as in DDSketch. */
const MIN_INDEXABLE = 2 ** -1022;
/** Powers of two 2^m for m in [-1022, 1022], at POW2[m + 1022]; built by doubling, so exact. */
const POW2 = new Float64Array(2045);
POW2[1022] = 1;
for (let m = 1; m <= 1022; m++) {
  POW2[1022 + m] = POW2[1021 + m]! * 2;
  POW2[1022 - m] = POW2[1023 - m]! / 2;
}

/**
 * Bins sum their values scaled by 2^-scaleExp(k), which brings them near 1 whatever the bin: the
 * sums never overflow or go subnormal, and scaling by a power of two is exact both ways.
 */
function scaleExp(key: number): number {
  return Math.min(1022, Math.max(-1022, Math.floor((key - 1) * LOG2_GAMMA)));
}
const ZERO_BIN_EXP = -1022;

/**
 * Adds x to the double-double sum at bins[i] (high) and bins[i + 1] (low), as exact-float-sum.ts
 * does: TwoSum keeps the rounding error of each addition. A bin's scaled values are within a
 * factor GAMMA of each other (the zero bin's are multiples of 2^-52 below 1), so any sum of fewer
 * than 2^50 of them fits the pair's 106 bits: every partial sum is exact, adding then removing a
 * value cancels exactly, and the pair (hi = the sum rounded, lo = the rest) depends only on the
 * multiset added.
 */
function addToPair(bins: Float64Array, i: number, x: number): void {
  const hi = bins[i]!;
  const t = hi + x;
  const bp = t - hi;
  const e = hi - (t - bp) + (x - bp);
  const lo = bins[i + 1]! + e;
  const h = t + lo;
  bins[i + 1] = lo - (h - t);
  bins[i] = h;
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split

/** The rounding error of p = a * b (Dekker's TwoProduct): a * b = p + error exactly. */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return al * bl - (p - ah * bh - al * bh - ah * bl);
}

/**
 * (hi + lo) / n rounded as near as makes no difference to correctly: one Newton correction of
 * hi / n. So the mean of n equal values is that value, and a mean stays between its bin's
 * smallest and largest values.
 */
function pairMean(hi: number, lo: number, n: number): number {
  const q = hi / n;
  const p = q * n;
  return q + (hi - p - productError(q, n, p) + lo) / n;
}

/** Slots per bin in {@link BinStore.bins}: count, sum high, sum low. */
const STRIDE = 3;
const EMPTY_BINS = new Float64Array(0);

/**
 * The bins of one sign, stored densely from key `offset` (typed array, so the quantile walk is one
 * linear scan). Grows by doubling toward the key that did not fit: O(1) amortised per value.
 */
class BinStore {
  bins = EMPTY_BINS;
  /** Key of the first bin. */
  offset = 0;
  /** Keys ever used lie in [minKey, maxKey]; the walk scans only those. */
  minKey = Infinity;
  maxKey = -Infinity;

  /** Adds `w` (±1 or a merged count) values whose scaled sum is `hi + lo` to bin `key`. */
  add(key: number, w: number, hi: number, lo: number): void {
    const i = this.slot(key);
    const b = this.bins;
    b[i] = b[i]! + w;
    addToPair(b, i + 1, hi);
    if (lo !== 0) addToPair(b, i + 1, lo);
  }

  /** Index of bin `key` in `bins`, growing the array when the key is outside it. */
  private slot(key: number): number {
    if (key < this.minKey) this.minKey = key;
    if (key > this.maxKey) this.maxKey = key;
    const cap = this.bins.length / STRIDE;
    if (key >= this.offset && key < this.offset + cap) return (key - this.offset) * STRIDE;
    if (cap === 0) {
      this.bins = new Float64Array(32 * STRIDE);
      this.offset = key - 16;
    } else {
      const lo = Math.min(key, this.offset);
      const hi = Math.max(key, this.offset + cap - 1);
      const size = Math.max(hi - lo + 1, 2 * cap);
      // Values tend to drift further the same way: leave the spare room on the side that grew.
      const offset = key < this.offset ? hi - size + 1 : lo;
      const bins = new Float64Array(size * STRIDE);
      bins.set(this.bins, (this.offset - offset) * STRIDE);
      this.bins = bins;
      this.offset = offset;
    }
    return (key - this.offset) * STRIDE;
  }

  mergeFrom(o: BinStore): void {
    for (let k = o.minKey; k <= o.maxKey; k++) {
      const i = (k - o.offset) * STRIDE;
      const n = o.bins[i]!;
      if (n !== 0) this.add(k, n, o.bins[i + 1]!, o.bins[i + 2]!);
    }
  }
}

/**
 * The state of approx_percentile: negative values binned by magnitude, a zero bin, positive values.
 * Every bin is a count and an exact sum, so add, remove and merge commute and the result depends
 * only on the multiset of values present.
 *
 * @example
 * const s = new PercentileSketch(); s.fraction = 0.5;
 * for (const v of [1, 2, 3, 1000]) s.update(v, 1);
 * s.update(1000, -1); s.quantile(); // 2
 */
export class PercentileSketch {
  fraction: number | null = null;
  count = 0;
  readonly negative = new BinStore();
  readonly positive = new BinStore();
  /** Count, scaled sum high, scaled sum low of the values below MIN_INDEXABLE in magnitude. */
  readonly zero = new Float64Array(STRIDE);

  /** Adds (w = 1) or removes (w = -1) one finite value. */
  update(v: number, w: 1 | -1): void {
    this.count += w;
    const a = Math.abs(v);
    if (a < MIN_INDEXABLE) {
      this.zero[0] = this.zero[0]! + w;
      addToPair(this.zero, 1, w * v * POW2[1022 - ZERO_BIN_EXP]!);
      return;
    }
    const key = Math.ceil(Math.log(a) * KEY_MULTIPLIER);
    const scaled = w * a * POW2[1022 - scaleExp(key)]!;
    (v < 0 ? this.negative : this.positive).add(key, w, scaled, 0);
  }

  mergeFrom(o: PercentileSketch): void {
    if (this.fraction === null) this.fraction = o.fraction;
    this.count += o.count;
    this.zero[0] = this.zero[0]! + o.zero[0]!;
    addToPair(this.zero, 1, o.zero[1]!);
    addToPair(this.zero, 1, o.zero[2]!);
    this.negative.mergeFrom(o.negative);
    this.positive.mergeFrom(o.positive);
  }

  /**
   * The mean of the bin holding rank fraction * (count - 1) in value order (DDSketch's rank rule:
   * the first bin whose running count exceeds the rank), or null when empty.
   */
  quantile(): number | null {
    if (this.count <= 0 || this.fraction === null) return null;
    const rank = this.fraction * (this.count - 1);
    let seen = 0;
    const neg = this.negative;
    for (let k = neg.maxKey; k >= neg.minKey; k--) {
      const i = (k - neg.offset) * STRIDE;
      const n = neg.bins[i]!;
      seen += n;
      if (n > 0 && seen > rank) return -binMean(neg.bins, i, k);
    }
    const nz = this.zero[0]!;
    seen += nz;
    if (nz > 0 && seen > rank) return pairMean(this.zero[1]!, this.zero[2]!, nz) * POW2[1022 + ZERO_BIN_EXP]!;
    const pos = this.positive;
    for (let k = pos.minKey; k <= pos.maxKey; k++) {
      const i = (k - pos.offset) * STRIDE;
      const n = pos.bins[i]!;
      seen += n;
      if (n > 0 && seen > rank) return binMean(pos.bins, i, k);
    }
    return null; // not reached: the bins' counts add up to count, and rank < count
  }
}

function binMean(bins: Float64Array, i: number, key: number): number {
  return pairMean(bins[i + 1]!, bins[i + 2]!, bins[i]!) * POW2[1022 + scaleExp(key)]!;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return (v as Decimal).toNumber();
}

function step(s: PercentileSketch, args: readonly Value[], w: 1 | -1): PercentileSketch {
  if (s.fraction === null) {
    const p = args[1] as number;
    checkFraction(p);
    s.fraction = p;
  }
  const v = toNumber(args[0]!);
  // NaN and infinities have no bin; they are skipped like NULLs.
  if (Number.isFinite(v)) s.update(v, w);
  return s;
}

const approxPercentile: Accumulator<PercentileSketch> = {
  init: () => new PercentileSketch(),
  add: (s, args) => step(s, args, 1),
  remove: (s, args) => step(s, args, -1),
  merge(a, b) {
    a.mergeFrom(b);
    return a;
  },
  result: (s) => s.quantile(),
  bytes: (s) => 160 + s.negative.bins.byteLength + s.positive.bins.byteLength,
};

const NUMERIC_INPUTS: readonly SqlType[] = [T.int2, T.int4, T.int8, T.float4, T.float8, T.numeric];

/**
 * approx_count_distinct (HyperLogLog; mergeable, no remove) and approx_percentile (logarithmic bins
 * with exact sums; mergeable and retractable, so maintained views update it in O(1) per change).
 */
export const sketchAggregates: AggregateFunction[] = [
  { name: 'approx_count_distinct', args: [T.any], ret: T.int8, make: () => approxCountDistinct },
  ...NUMERIC_INPUTS.map((t): AggregateFunction => ({
    name: 'approx_percentile',
    args: [t, T.float8],
    ret: T.float8,
    make: () => approxPercentile,
  })),
];
