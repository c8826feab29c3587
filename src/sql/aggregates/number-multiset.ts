import type { Value } from '../../types/values.js';
import type { ValueMultiset } from './ordered-set.js';

// ---------------------------------------------------------------------------------------------
// NumberMultiset: a multiset of numbers with cheap batched changes and rank queries, for the
// ordered-set aggregates (percentiles, min, max) of maintained views. A counted B-tree (see
// OrderedMultiset) pays a cache miss or several per change once a group's values outgrow the
// caches: an UPDATE of 1,000 rows of a million-row median touches 2,000 random leaves. Here a
// multiset is a log-structured merge instead: the settled values as two arrays (the distinct
// values, sorted, and how many values come before each), plus a few sorted runs of recent changes
// (distinct values with signed weights and their prefix sums), sized in powers of two. A commit's
// changes become one new run, merged sequentially into the runs of a similar size; the runs are
// merged into the settled values once they hold a fraction of their number. Every change is thus
// copied O(log n) times, by sequential loops, and never looked up at random. A rank query
// binary-searches the settled values, counting at each probe the runs' values below it (a binary
// search and a prefix sum per run).
// ---------------------------------------------------------------------------------------------

/** Below this many distinct values the runs are merged in at once. */
const SMALL = 512;

/**
 * Sorted distinct values with signed weights (never 0), their sum, and prefix sums pre[i] =
 * Σ w[0..i) once a query needs them (a run merged again within its commit never does).
 */
interface Run {
  readonly v: Float64Array;
  readonly w: Float64Array;
  readonly len: number;
  readonly total: number;
  pre: Float64Array | null;
}

/** Index of the first of a[0..n) ≥ x (`strict`: > x). */
function search(a: Float64Array, n: number, x: number, strict: boolean): number {
  let lo = 0;
  let hi = n;
  if (strict)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
  else
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
  return lo;
}

// Arrays up to POOL_MAX numbers come from a pool of power-of-two sizes and go back to it when
// merged away: a view's multisets merge runs every commit, and fresh typed arrays each time (memory
// outside the heap) would bring on garbage collections that land in whatever commit comes next.
// Larger ones (the settled values of big groups, written again every few dozen commits) are made
// to size and left to the collector, so the pool never holds much.
const pool: Float64Array[][] = [];
const POOLED = 16;
const POOL_MAX = 1 << 16;

/** A Float64Array of at least `n` numbers (contents undefined). */
function take(n: number): Float64Array {
  if (n > POOL_MAX) return new Float64Array(n);
  const k = Math.max(4, 32 - Math.clz32(Math.max(1, n) - 1));
  return pool[k]?.pop() ?? new Float64Array(2 ** k);
}

function give(a: Float64Array): void {
  if (a.length > POOL_MAX) return;
  const k = 31 - Math.clz32(a.length);
  const list = (pool[k] ??= []);
  if (list.length < POOLED) list.push(a);
}

/** The cumulative counts of no values: [0]. */
function zeroCum(): Float64Array {
  const c = take(1);
  c[0] = 0;
  return c;
}

/** Returns a run's arrays to the pool. */
function release(r: Run): void {
  give(r.v);
  give(r.w);
  if (r.pre) give(r.pre);
}

/** The run's prefix sums, made on first use. */
function prefix(r: Run): Float64Array {
  if (r.pre) return r.pre;
  const pre = take(r.len + 1);
  pre[0] = 0;
  let s = 0;
  for (let i = 0; i < r.len; i++) pre[i + 1] = s += r.w[i]!;
  return (r.pre = pre);
}

/** Two runs as one: weights of equal values added, those cancelling out dropped. */
function mergeRuns(a: Run, b: Run): Run {
  const v = take(a.len + b.len);
  const w = take(a.len + b.len);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.len && j < b.len) {
    const x = a.v[i]!;
    const y = b.v[j]!;
    if (x < y) {
      v[n] = x;
      w[n++] = a.w[i++]!;
    } else if (y < x) {
      v[n] = y;
      w[n++] = b.w[j++]!;
    } else {
      const s = a.w[i++]! + b.w[j++]!;
      if (s !== 0) {
        v[n] = x;
        w[n++] = s;
      }
    }
  }
  for (; i < a.len; i++, n++) {
    v[n] = a.v[i]!;
    w[n] = a.w[i]!;
  }
  for (; j < b.len; j++, n++) {
    v[n] = b.v[j]!;
    w[n] = b.w[j]!;
  }
  return { v, w, len: n, total: a.total + b.total, pre: null };
}

/** Scratch space the pending additions and removals are sorted in (grown as needed). */
const scratch = { adds: new Float64Array(1024), removes: new Float64Array(1024) };

/** A numeric sort of `xs` (NaN last, as Float64Array sorts), in scratch space `into`. */
function sortedNumbers(xs: number[], into: keyof typeof scratch): Float64Array {
  if (scratch[into].length < xs.length) scratch[into] = new Float64Array(2 * xs.length);
  const a = scratch[into];
  for (let i = 0; i < xs.length; i++) a[i] = xs[i]!;
  return a.subarray(0, xs.length).sort();
}

let instances = 0;

/**
 * A multiset of numbers in compareNumbers order (NaN above everything, equal to itself) with
 * batched add and remove (applied at the next read) and O(log² n) rank queries. Removing a value
 * that is not there is the caller's error, and is ignored when it meets the values.
 *
 * @example
 * const s = new NumberMultiset(); s.add(3); s.add(1); s.add(3); s.remove(1); s.at(0); // 3
 */
export class NumberMultiset implements ValueMultiset {
  /**
   * The settled values but NaN: distinct, sorted, vals[0..distinct), and how many values come
   * before each, cum[0..distinct] (cum[distinct] is their number). It changes only when the runs
   * are merged in, so a sum per value is never kept up to date.
   */
  private vals = take(0);
  private cum = zeroCum();
  private distinct = 0;
  /** Where the last rank query ended among the settled values (a starting point for the next). */
  private hint = 0;
  /** Unmerged runs, oldest (largest) first; their entries, and their weights' sum. */
  private runs: Run[] = [];
  private runEntries = 0;
  private runWeight = 0;
  private nan = 0;
  private adds: number[] = [];
  private removes: number[] = [];
  /**
   * The runs merge into the settled values when they hold 1/mergeRatio as many entries. It differs
   * between instances (2 to 4) so the groups of one view, growing alike, do not all merge in one
   * commit.
   */
  private readonly mergeRatio = 2 + ((instances++ * 0.618034) % 1) * 2;

  /** Number of values, counting duplicates. */
  get size(): number {
    this.settle();
    return this.cum[this.distinct]! + this.runWeight + this.nan;
  }

  /** Adds `n` copies of `key` (a number). */
  add(key: Value, n = 1): void {
    for (let k = 0; k < n; k++) this.adds.push(key as number);
  }

  /** Removes one copy of `key`; always true (the removal is checked when it is applied). */
  remove(key: Value): boolean {
    this.removes.push(key as number);
    return true;
  }

  /**
   * Approximate bytes held, for memory accounting: 16 a distinct value, 8 a value more for the runs
   * and spare room. It counts as of the changes made so far, pending or not (an addition a value
   * and a distinct value more, a removal one less of each), so a batch undone leaves it where it was.
   */
  bytes(): number {
    const net = this.adds.length - this.removes.length;
    const values = this.cum[this.distinct]! + this.runWeight + this.nan + net;
    return 64 + Math.max(0, this.distinct + net) * 16 + Math.max(0, values) * 8;
  }

  min(): Value | undefined {
    return this.size === 0 ? undefined : this.at(0);
  }

  max(): Value | undefined {
    const n = this.size;
    return n === 0 ? undefined : this.at(n - 1);
  }

  /** The value at 0-based position `k` of the sorted multiset (duplicates counted). */
  at(k: number): Value | undefined {
    const n = this.size;
    if (k < 0 || k >= n) return undefined;
    if (k >= n - this.nan) return NaN;
    const vals = this.vals;
    const cum = this.cum;
    let lo = 0;
    let hi = this.distinct;
    if (this.runs.length === 0) {
      // The last value with at most k values before it.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid + 1]! <= k) lo = mid + 1;
        else hi = mid;
      }
      return vals[lo]!;
    }
    // lo: the first settled value with more than k values (settled or in runs) below it. Searched
    // from where the last query ended, in growing steps: a percentile reads two neighbouring
    // positions, and the next commit's answer is usually near this one's.
    const below = (i: number): boolean => this.countBelow(vals[i]!, false) <= k;
    const h = Math.min(this.hint, hi - 1);
    if (h >= 0 && below(h)) {
      lo = h + 1;
      for (let step = 1; lo < hi; step *= 2) {
        const probe = Math.min(hi - 1, h + step);
        if (!below(probe)) {
          hi = probe;
          break;
        }
        lo = probe + 1;
      }
    } else if (h >= 0) {
      hi = h;
      for (let step = 1; hi > 0; step *= 2) {
        const probe = Math.max(0, h - step);
        if (below(probe)) {
          lo = probe + 1;
          break;
        }
        hi = probe;
      }
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(mid)) lo = mid + 1;
      else hi = mid;
    }
    this.hint = lo;
    let from: number | null = null;
    let count = 0;
    if (lo > 0) {
      from = vals[lo - 1]!;
      count = this.countBelow(from, true);
      if (count > k) return from;
    }
    // The answer lies between vals[lo - 1] and vals[lo]: one of the runs' values.
    return this.walkRuns(from, count, k);
  }

  /** Number of values below `x` (`orEqual`: at most `x`). */
  private countBelow(x: number, orEqual: boolean): number {
    let c = this.cum[search(this.vals, this.distinct, x, orEqual)]!;
    const runs = this.runs;
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      c += prefix(run)[search(run.v, run.len, x, orEqual)]!;
    }
    return c;
  }

  /** The runs' values above `from` (null: all) in order, counted on from `count`, until position `k`. */
  private walkRuns(from: number | null, count: number, k: number): Value | undefined {
    const runs = this.runs;
    const at = runs.map((r) => (from === null ? 0 : search(r.v, r.len, from, true)));
    for (;;) {
      let x = Infinity;
      let any = false;
      for (let r = 0; r < runs.length; r++)
        if (at[r]! < runs[r]!.len) {
          const v = runs[r]!.v[at[r]!]!;
          if (!any || v < x) x = v;
          any = true;
        }
      if (!any) return undefined;
      for (let r = 0; r < runs.length; r++) {
        const run = runs[r]!;
        if (at[r]! < run.len && run.v[at[r]!] === x) count += run.w[at[r]!++]!;
      }
      if (count > k) return x;
    }
  }

  /** Calls `fn` for each distinct value in order with its multiplicity. */
  forEach(fn: (key: Value, count: number) => void): void {
    this.settle();
    this.mergeIntoMain();
    for (let i = 0; i < this.distinct; i++) fn(this.vals[i]!, this.cum[i + 1]! - this.cum[i]!);
    if (this.nan > 0) fn(NaN, this.nan);
  }

  /** Adds every value of `other` (with multiplicity) to this multiset. */
  addAll(other: Pick<ValueMultiset, 'forEach'>): void {
    other.forEach((k, c) => this.add(k, c));
  }

  /** Applies the pending changes: one new run, merged into those of a similar size. */
  private settle(): void {
    if (this.adds.length === 0 && this.removes.length === 0) return;
    const run = this.pendingRun();
    if (run.len === 0) {
      release(run);
      return;
    }
    const runs = this.runs;
    runs.push(run);
    this.runEntries += run.len;
    this.runWeight += run.total;
    while (runs.length >= 2 && runs[runs.length - 2]!.len <= 2 * runs[runs.length - 1]!.len) {
      const b = runs.pop()!;
      const a = runs.pop()!;
      const m = mergeRuns(a, b);
      release(a);
      release(b);
      this.runEntries += m.len - a.len - b.len;
      runs.push(m);
    }
    // Small multisets merge at once: their settled values are cheap to write again.
    if (this.distinct < SMALL || this.runEntries * this.mergeRatio > this.distinct) this.mergeIntoMain();
  }

  /** The pending additions and removals as a run (NaNs counted apart). */
  private pendingRun(): Run {
    const adds = sortedNumbers(this.adds, 'adds');
    const removes = sortedNumbers(this.removes, 'removes');
    this.adds = [];
    this.removes = [];
    let na = adds.length;
    let nr = removes.length;
    while (na > 0 && adds[na - 1] !== adds[na - 1]) na--;
    while (nr > 0 && removes[nr - 1] !== removes[nr - 1]) nr--;
    this.nan += adds.length - na - (removes.length - nr);
    const v = take(na + nr);
    const w = take(na + nr);
    let i = 0;
    let j = 0;
    let n = 0;
    let total = 0;
    while (i < na || j < nr) {
      const x = i < na ? adds[i]! : Infinity;
      const y = j < nr ? removes[j]! : Infinity;
      const value = i < na && (j >= nr || x <= y) ? x : y;
      let s = 0;
      while (i < na && adds[i] === value) {
        s++;
        i++;
      }
      while (j < nr && removes[j] === value) {
        s--;
        j++;
      }
      if (s !== 0) {
        v[n] = value;
        w[n++] = s;
        total += s;
      }
    }
    return { v, w, len: n, total, pre: null };
  }

  /**
   * Merges every run into the settled values: one sequential pass writing new arrays, each value's
   * count changed by its weight (a removal past its copies is ignored), those left at 0 dropped.
   */
  private mergeIntoMain(): void {
    const runs = this.runs;
    if (runs.length === 0) return;
    let run = runs[0]!;
    for (let r = 1; r < runs.length; r++) {
      const m = mergeRuns(run, runs[r]!);
      release(run);
      release(runs[r]!);
      run = m;
    }
    this.runs = [];
    this.runEntries = 0;
    this.runWeight = 0;
    const { v, w, len } = run;
    const vals = this.vals;
    const cum = this.cum;
    const d = this.distinct;
    const nv = take(d + len);
    const nc = take(d + len + 1);
    let i = 0;
    let o = 0;
    let total = 0;
    for (let j = 0; j < len; j++) {
      const x = v[j]!;
      for (; i < d && vals[i]! < x; i++, o++) {
        nv[o] = vals[i]!;
        nc[o] = total;
        total += cum[i + 1]! - cum[i]!;
      }
      let c = w[j]!;
      if (i < d && vals[i] === x) {
        c += cum[i + 1]! - cum[i]!;
        i++;
      }
      if (c > 0) {
        nv[o] = x;
        nc[o++] = total;
        total += c;
      }
    }
    for (; i < d; i++, o++) {
      nv[o] = vals[i]!;
      nc[o] = total;
      total += cum[i + 1]! - cum[i]!;
    }
    nc[o] = total;
    release(run);
    give(vals);
    give(cum);
    this.vals = nv;
    this.cum = nc;
    this.distinct = o;
  }
}
