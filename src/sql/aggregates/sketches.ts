import { DDSketch } from '@datadog/sketches-js';
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
// approx_percentile: DDSketch with 1% relative accuracy.
// ---------------------------------------------------------------------------------------------

const RELATIVE_ACCURACY = 0.01;

class PercentileSketch {
  sketch: DDSketch | null = null;
  fraction = 0;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return (v as Decimal).toNumber();
}

function mergeSketches(a: DDSketch, b: DDSketch): void {
  const bothFilled = a.count > 0 && b.count > 0;
  a.merge(b);
  // sketches-js 2.1 merges only the positive store of two non-empty sketches; add the negatives.
  if (bothFilled) a.negativeStore.merge(b.negativeStore);
}

const approxPercentile: Accumulator<PercentileSketch> = {
  init: () => new PercentileSketch(),
  add(s, args) {
    const v = toNumber(args[0]!);
    if (s.sketch === null) {
      const p = args[1] as number;
      checkFraction(p);
      s.fraction = p;
      s.sketch = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
    }
    // The sketch cannot place NaN or infinities; they are skipped like NULLs.
    if (Number.isFinite(v)) s.sketch.accept(v);
    return s;
  },
  merge(a, b) {
    if (b.sketch === null) return a;
    if (a.sketch === null) return b;
    mergeSketches(a.sketch, b.sketch);
    return a;
  },
  result(s) {
    const sk = s.sketch;
    if (sk === null || sk.count === 0) return null;
    const v = sk.getValueAtQuantile(s.fraction);
    // The bucket midpoint can fall just outside the data; the exact extremes are known.
    return Math.min(Math.max(v, sk.min), sk.max);
  },
};

const NUMERIC_INPUTS: readonly SqlType[] = [T.int2, T.int4, T.int8, T.float4, T.float8, T.numeric];

/** approx_count_distinct (HyperLogLog) and approx_percentile (DDSketch); mergeable, no remove. */
export const sketchAggregates: AggregateFunction[] = [
  { name: 'approx_count_distinct', args: [T.any], ret: T.int8, make: () => approxCountDistinct },
  ...NUMERIC_INPUTS.map((t): AggregateFunction => ({
    name: 'approx_percentile',
    args: [t, T.float8],
    ret: T.float8,
    make: () => approxPercentile,
  })),
];
