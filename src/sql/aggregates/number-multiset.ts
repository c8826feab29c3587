import type { Value } from '../../types/values.js';
import type { ValueMultiset } from './ordered-set.js';

// ---------------------------------------------------------------------------------------------
// NumberMultiset: a multiset of numbers with cheap batched changes and rank queries, for the
// ordered-set aggregates (percentiles, min, max) of maintained views. A counted B-tree (see
// OrderedMultiset) pays a cache miss or several per change once a group's values outgrow the
// caches: an UPDATE of 1,000 rows of a million-row median touches 2,000 random leaves. Here a
// large multiset is a log-structured merge instead: one sorted array of every value (`main`),
// plus a few sorted runs of recent changes (`runs`: distinct values with signed weights and
// their prefix sums), sized in powers of two. A commit's changes become one new run, merged
// sequentially into the runs of a similar size; the runs are merged into `main` once they hold a
// fraction of its size. Every change is thus copied O(log n) times, by sequential loops, and never
// looked up at random. A rank query binary-searches `main`, counting at each probe the runs'
// values below it (a binary search and a prefix sum per run).
// ---------------------------------------------------------------------------------------------

/** Below this many values the multiset is one sorted array, changed in place. */
const SMALL = 512;

/** Sorted distinct values with signed weights (never 0) and prefix sums: pre[i] = Σ w[0..i). */
interface Run {
  readonly v: Float64Array;
  readonly w: Float64Array;
  readonly pre: Float64Array;
  readonly len: number;
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

// Run arrays come from a pool of power-of-two sizes and go back to it when merged away: a view's
// multisets merge runs every commit, and fresh typed arrays each time (memory outside the heap)
// would bring on garbage collections that land in whatever commit comes next.
const pool: Float64Array[][] = [];
const POOLED = 4;

/** A Float64Array of at least `n` numbers (contents undefined). */
function take(n: number): Float64Array {
  const k = Math.max(4, 32 - Math.clz32(Math.max(1, n) - 1));
  return pool[k]?.pop() ?? new Float64Array(2 ** k);
}

function give(a: Float64Array): void {
  const k = 31 - Math.clz32(a.length);
  const list = (pool[k] ??= []);
  if (list.length < POOLED) list.push(a);
}

/** Returns a run's arrays to the pool. */
function release(r: Run): void {
  give(r.v);
  give(r.w);
  give(r.pre);
}

function makeRun(v: Float64Array, w: Float64Array, len: number): Run {
  const pre = take(len + 1);
  pre[0] = 0;
  let s = 0;
  for (let i = 0; i < len; i++) pre[i + 1] = s += w[i]!;
  return { v, w, pre, len };
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
  return makeRun(v, w, n);
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
  /** Every settled value but NaN, sorted, repeated by multiplicity: main[0..mainLen). */
  private main = new Float64Array(4);
  private mainLen = 0;
  /** Unmerged runs, oldest (largest) first; their entries, and their weights' sum. */
  private runs: Run[] = [];
  private runEntries = 0;
  private runWeight = 0;
  private nan = 0;
  private adds: number[] = [];
  private removes: number[] = [];
  /**
   * The runs merge into `main` when they hold 1/mergeRatio of its values. It differs between
   * instances (4 to 8) so the groups of one view, growing alike, do not all merge in one commit.
   */
  private readonly mergeRatio = 4 + ((instances++ * 0.618034) % 1) * 4;

  /** Number of values, counting duplicates. */
  get size(): number {
    this.settle();
    return this.mainLen + this.runWeight + this.nan;
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
   * Approximate bytes held, for memory accounting: 8 a value, and half as much again for the runs
   * and the array's spare room. It counts the values as of the changes made so far (an addition one
   * more, a removal one less, pending or not), so a batch undone leaves it where it was.
   */
  bytes(): number {
    const values = this.mainLen + this.runWeight + this.nan + this.adds.length - this.removes.length;
    return 64 + Math.max(0, values) * 12;
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
    if (this.runs.length === 0) return this.main[k]!;
    // i: the last position of main whose value has at most k values below it.
    const main = this.main;
    let lo = 0;
    let hi = this.mainLen;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.countBelow(main[mid]!, false) <= k) lo = mid + 1;
      else hi = mid;
    }
    let from: number | null = null;
    let count = 0;
    if (lo > 0) {
      from = main[lo - 1]!;
      count = this.countBelow(from, true);
      if (count > k) return from;
    }
    // The answer lies between main[lo - 1] and main[lo]: one of the runs' values.
    return this.walkRuns(from, count, k);
  }

  /** Number of values below `x` (`orEqual`: at most `x`). */
  private countBelow(x: number, orEqual: boolean): number {
    let c = search(this.main, this.mainLen, x, orEqual);
    const runs = this.runs;
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      c += run.pre[search(run.v, run.len, x, orEqual)]!;
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
    const main = this.main;
    for (let i = 0; i < this.mainLen;) {
      let j = i + 1;
      while (j < this.mainLen && main[j] === main[i]) j++;
      fn(main[i]!, j - i);
      i = j;
    }
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
    if (run.len === 0 || (this.runs.length === 0 && this.mainLen + run.len < SMALL)) {
      this.applySmall(run);
      release(run);
      return;
    }
    const runs = this.runs;
    runs.push(run);
    this.runEntries += run.len;
    this.runWeight += run.pre[run.len]!;
    while (runs.length >= 2 && runs[runs.length - 2]!.len <= 2 * runs[runs.length - 1]!.len) {
      const b = runs.pop()!;
      const a = runs.pop()!;
      const m = mergeRuns(a, b);
      release(a);
      release(b);
      this.runEntries += m.len - a.len - b.len;
      runs.push(m);
    }
    if (this.runEntries * this.mergeRatio > this.mainLen) this.mergeIntoMain();
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
      }
    }
    return makeRun(v, w, n);
  }

  /** A small multiset: the run's changes made in place in `main`. */
  private applySmall(run: Run): void {
    for (let i = 0; i < run.len; i++) {
      const x = run.v[i]!;
      const c = run.w[i]!;
      if (c > 0) {
        this.reserve(this.mainLen + c);
        const at = search(this.main, this.mainLen, x, true);
        this.main.copyWithin(at + c, at, this.mainLen);
        this.main.fill(x, at, at + c);
        this.mainLen += c;
      } else {
        const lo = search(this.main, this.mainLen, x, false);
        const hi = Math.min(search(this.main, this.mainLen, x, true), lo - c);
        this.main.copyWithin(lo, hi, this.mainLen);
        this.mainLen -= hi - lo;
      }
    }
  }

  private reserve(n: number): void {
    if (n <= this.main.length) return;
    const m = new Float64Array(Math.max(n, this.main.length + (this.main.length >> 2), 8));
    m.set(this.main.subarray(0, this.mainLen));
    this.main = m;
  }

  /**
   * Merges every run into `main`, in place: a forward pass takes out the removed copies (it only
   * moves values down), then a backward pass puts in the added ones (it only moves values up).
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
    // Removals, ascending: copies of each removed value dropped, the values between moved down.
    let main = this.main;
    let n = this.mainLen;
    let j = 0;
    while (j < len && w[j]! > 0) j++;
    if (j < len) {
      let i = search(main, n, v[j]!, false);
      let o = i;
      for (; j < len; j++) {
        let c = w[j]!;
        if (c > 0) continue;
        const x = v[j]!;
        while (i < n && main[i]! < x) main[o++] = main[i++]!;
        while (c < 0 && i < n && main[i] === x) {
          i++;
          c++;
        }
      }
      while (i < n) main[o++] = main[i++]!;
      n = o;
    }
    // Additions, descending from the top: each value's copies after its equals.
    let added = 0;
    let first = -1;
    for (let k = 0; k < len; k++)
      if (w[k]! > 0) {
        added += w[k]!;
        if (first < 0) first = k;
      }
    if (added > 0) {
      this.mainLen = n;
      this.reserve(n + added);
      main = this.main;
      let i = n - 1;
      let o = n + added - 1;
      const stop = search(main, n, v[first]!, true);
      for (let k = len - 1; k >= first; k--) {
        let c = w[k]!;
        if (c < 0) continue;
        const x = v[k]!;
        while (i >= stop && main[i]! > x) main[o--] = main[i--]!;
        for (; c > 0; c--) main[o--] = x;
      }
      n += added;
    }
    this.mainLen = n;
    release(run);
  }
}
