import type { Value } from '../../types/values.js';
import type { ValueMultiset } from './ordered-set.js';
import { sortNumbers } from './sort-numbers.js';

// ---------------------------------------------------------------------------------------------
// NumberMultiset: a multiset of numbers with cheap batched changes and rank queries, for the
// ordered-set aggregates (percentiles, min, max) of maintained views. A counted B-tree (see
// OrderedMultiset) pays a cache miss or several per change once a group's values outgrow the
// caches: an UPDATE of 1,000 rows of a million-row median touches 2,000 random leaves. Here:
// - the settled values are two arrays (the distinct values, sorted, and how many values come
//   before each), plus a few sorted runs (distinct values with signed weights and their prefix
//   sums), merged sequentially, the runs into the settled values once they hold a fraction of
//   their number; a rank query over them binary-searches the settled values, counting at each
//   probe the runs' values below it;
// - changes wait unsorted in two lists, and are sorted (radix-sorted, in linear time, see
//   sort-numbers.ts) and merged in batches of thousands: the lists settle once they hold a
//   quarter to a half as many entries as there are settled values;
// - meanwhile a query is answered from a window: the exact values between two bounds near the rank
//   last asked for, with how many lie below, kept current by each change (two comparisons for a
//   change outside it). A median moves little between commits, so its reads almost never miss.
// Each change is copied a few times by sequential loops and never looked up at random.
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

/** A Float64Array twice as long, the first `n` numbers copied (growing a pending list). */
function grown(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(Math.max(16, 2 * a.length));
  b.set(a.subarray(0, n));
  return b;
}

const NO_NUMBERS: Float64Array = new Float64Array(0);

/**
 * Distinct values a window is first built with, around the rank it was built for. A window grown to
 * four times as many is trimmed back around its focus; multisets with fewer than twice as many
 * distinct values settle at each read instead of keeping windows. A window missed within
 * GROW_WITHIN reads of its opening (the ranks read move fast, or the values are all distinct) makes
 * the next one twice as wide, up to MAX_SPAN: small windows cost less per change that lands in
 * them, wide ones miss less.
 */
const WINDOW = 128;
const GROW_WITHIN = 64;
const MAX_SPAN = 4096;
/** Windows a multiset keeps (percentile_cont(ARRAY[…]) reads several ranks each commit). */
const MAX_WINDOWS = 4;

/**
 * The values of a multiset within [lo, hi], kept exact as changes arrive (a sorted array of distinct
 * values and their counts), and how many values lie below lo: a rank query that lands in it needs
 * none of the pending changes applied. lo is -Infinity (hi Infinity) when it was built from the
 * multiset's lowest (highest) value, so min and max stay in it as values beyond them arrive. The
 * focus is where the last query landed: fv, and how many of the window's values lie below it.
 */
class Window {
  v: Float64Array;
  c: Float64Array;
  n: number;
  count: number;
  lo: number;
  hi: number;
  below: number;
  fv: number;
  fBelow: number;
  used = 0;
  /** The distinct values it is trimmed back to. */
  private readonly size: number;

  constructor(
    size: number,
    v: Float64Array,
    c: Float64Array,
    n: number,
    lo: number,
    hi: number,
    below: number,
    fv: number,
  ) {
    this.size = size;
    this.v = v;
    this.c = c;
    this.n = n;
    this.lo = lo;
    this.hi = hi;
    this.below = below;
    let count = 0;
    let fBelow = 0;
    for (let i = 0; i < n; i++) {
      if (v[i]! < fv) fBelow += c[i]!;
      count += c[i]!;
    }
    this.count = count;
    this.fv = fv;
    this.fBelow = fBelow;
  }

  /**
   * Applies `d` (1 or -1) copies of `x` (not NaN). False when a removal finds no copy to remove
   * (the caller's error): the window can no longer be trusted.
   */
  change(x: number, d: number): boolean {
    if (x < this.lo) {
      this.below += d;
      return true;
    }
    if (x > this.hi) return true;
    const v = this.v;
    const c = this.c;
    const n = this.n;
    const i = search(v, n, x, false);
    if (i < n && v[i] === x) {
      const k = c[i]! + d;
      if (k > 0) c[i] = k;
      else {
        if (k < 0) return false;
        v.copyWithin(i, i + 1, n);
        c.copyWithin(i, i + 1, n);
        this.n = n - 1;
      }
    } else {
      if (d < 0) return false;
      if (n === v.length) {
        this.v = v.length < 4 * this.size ? grown(v, n) : v;
        this.c = v.length < 4 * this.size ? grown(c, n) : c;
        if (n === this.v.length) {
          // Full: trimmed first, then x is placed (it may now lie outside).
          this.trim();
          return this.change(x, d);
        }
      }
      this.v.copyWithin(i + 1, i, n);
      this.c.copyWithin(i + 1, i, n);
      this.v[i] = x;
      this.c[i] = 1;
      this.n = n + 1;
    }
    this.count += d;
    if (x < this.fv) this.fBelow += d;
    return true;
  }

  /** Keeps `size` distinct values around the focus; the rest count as below or lie above hi. */
  private trim(): void {
    const v = this.v;
    const c = this.c;
    const n = this.n;
    const f = search(v, n, this.fv, false);
    const start = Math.max(0, Math.min(f - (this.size >> 1), n - this.size));
    const end = Math.min(n, start + this.size);
    let dropped = 0;
    for (let i = 0; i < start; i++) dropped += c[i]!;
    let above = 0;
    for (let i = end; i < n; i++) above += c[i]!;
    this.below += dropped;
    this.fBelow -= dropped;
    this.count -= dropped + above;
    if (start > 0) this.lo = v[start]!;
    if (end < n) this.hi = v[end - 1]!;
    v.copyWithin(0, start, end);
    c.copyWithin(0, start, end);
    this.n = end - start;
  }

  /** The value at rank r of the window's values (0 ≤ r < count), walked to from the focus. */
  at(r: number): number {
    const v = this.v;
    const c = this.c;
    let i = search(v, this.n, this.fv, false);
    let acc = this.fBelow;
    if (acc <= r) {
      while (acc + c[i]! <= r) acc += c[i++]!;
    } else {
      do acc -= c[--i]!;
      while (acc > r);
    }
    this.fv = v[i]!;
    this.fBelow = acc;
    return v[i]!;
  }
}

let instances = 0;

/**
 * A multiset of numbers in compareNumbers order (NaN above everything, equal to itself) with
 * batched add and remove and rank queries. Removing a value that is not there is the caller's
 * error, and is ignored when it meets the values.
 *
 * Changes wait in two unsorted lists (additions, removals) and are applied to the windows at once;
 * a rank query that lands in a window is answered there. The lists are settled (sorted into one run
 * and merged into the runs, see settle) when they grow long, or when a query misses every window
 * (which then gets a new window around its rank). A median read each commit thus costs a few
 * comparisons per change, and each change is sorted and merged in larger, cheaper batches.
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
  /** Where the last settled rank query ended among the settled values (a starting point for the next). */
  private hint = 0;
  /** Unmerged runs, oldest (largest) first; their entries, and their weights' sum. */
  private runs: Run[] = [];
  private runEntries = 0;
  private runWeight = 0;
  private nan = 0;
  /** Pending changes (NaN never: counted in `nan` at once), unsorted. */
  private adds: Float64Array = NO_NUMBERS;
  private nAdds = 0;
  private removes: Float64Array = NO_NUMBERS;
  private nRemoves = 0;
  private windows: Window[] = [];
  private clock = 0;
  /**
   * The runs merge into the settled values when they hold 1/mergeRatio as many entries. It differs
   * between instances (2 to 4) so the groups of one view, growing alike, do not all merge in one
   * commit; the pending lists settle at mergeRatio/4 of the settled values' number, for the same
   * reason.
   */
  private readonly mergeRatio = 2 + ((instances++ * 0.618034) % 1) * 2;

  /** Distinct values the next window is built with (see WINDOW), and when the last one opened. */
  private span: number;
  private openedAt = 0;

  /** `window`: the distinct values a window is first built with (smaller in tests, to exercise them). */
  constructor(private readonly window = WINDOW) {
    this.span = window;
  }

  /** Number of values, counting duplicates. */
  get size(): number {
    return this.cum[this.distinct]! + this.runWeight + this.nAdds - this.nRemoves + this.nan;
  }

  /** Adds `n` copies of `key` (a number). */
  add(key: Value, n = 1): void {
    const x = key as number;
    if (x !== x) {
      this.nan += n;
      return;
    }
    for (let k = 0; k < n; k++) {
      if (this.nAdds === this.adds.length) this.adds = grown(this.adds, this.nAdds);
      this.adds[this.nAdds++] = x;
      this.toWindows(x, 1);
    }
    this.settleIfLong();
  }

  /** Removes one copy of `key`; always true (the removal is checked when it is applied). */
  remove(key: Value): boolean {
    const x = key as number;
    if (x !== x) {
      this.nan--;
      return true;
    }
    if (this.nRemoves === this.removes.length) this.removes = grown(this.removes, this.nRemoves);
    this.removes[this.nRemoves++] = x;
    this.toWindows(x, -1);
    this.settleIfLong();
    return true;
  }

  private toWindows(x: number, d: number): void {
    const ws = this.windows;
    for (let i = 0; i < ws.length; i++)
      if (!ws[i]!.change(x, d)) {
        ws.splice(i--, 1);
      }
  }

  /** Settles the pending lists once they hold a fraction of the settled values' number. */
  private settleIfLong(): void {
    const pending = this.nAdds + this.nRemoves;
    if (pending >= this.window && pending * 4 > this.distinct * this.mergeRatio) {
      this.settle();
      this.mergeIntoMain();
    }
  }

  /**
   * Approximate bytes held, for memory accounting: 16 a distinct value, 8 a value more for the runs,
   * pending changes and spare room, and a window twice its built size. It counts as of the changes
   * made so far (an addition a value and a distinct value more, a removal one less of each) and the
   * windows opened (by reads only), so a batch undone leaves it where it was.
   */
  bytes(): number {
    const net = this.nAdds - this.nRemoves;
    const windows = this.windows.length * this.span * 32;
    return 64 + Math.max(0, this.distinct + net) * 16 + Math.max(0, this.size) * 8 + windows;
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
    const ws = this.windows;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (k >= w.below && k < w.below + w.count) {
        w.used = ++this.clock;
        return w.at(k - w.below);
      }
    }
    this.settle();
    const x = this.settledAt(k);
    if (this.distinct + this.runEntries >= 2 * this.window) {
      if (ws.length > 0 && this.clock - this.openedAt < GROW_WITHIN)
        this.span = Math.min(2 * this.span, MAX_SPAN);
      this.openWindow(k, x);
    }
    return x;
  }

  /**
   * A new window around rank k (holding value x), replacing the least recently used one: the
   * settled values and runs' values between the ranks span/2 distinct values below and above.
   */
  private openWindow(k: number, x: number): void {
    const n = this.size - this.nan;
    const perValue = n / Math.max(1, this.distinct + this.runEntries);
    const reach = Math.ceil((this.span / 2) * perValue);
    const lo = k - reach <= 0 ? -Infinity : this.settledAt(k - reach);
    const hi = k + reach >= n - 1 ? Infinity : this.settledAt(k + reach);
    const below = lo === -Infinity ? 0 : this.countBelow(lo, false);
    // Every distinct value in [lo, hi] with its count: the settled ones and the runs' merged.
    const from = lo === -Infinity ? 0 : search(this.vals, this.distinct, lo, false);
    const to = hi === Infinity ? this.distinct : search(this.vals, this.distinct, hi, true);
    let acc: Run = {
      v: this.vals.subarray(from, to),
      w: take(to - from),
      len: to - from,
      total: 0,
      pre: null,
    };
    for (let i = from; i < to; i++) acc.w[i - from] = this.cum[i + 1]! - this.cum[i]!;
    const ownW = acc.w;
    for (const r of this.runs) {
      const a = lo === -Infinity ? 0 : search(r.v, r.len, lo, false);
      const b = hi === Infinity ? r.len : search(r.v, r.len, hi, true);
      const part: Run = { v: r.v.subarray(a, b), w: r.w.subarray(a, b), len: b - a, total: 0, pre: null };
      const m = mergeRuns(acc, part);
      if (acc.w !== ownW) release(acc);
      acc = m;
    }
    let len = 0;
    const size = Math.max(16, 2 ** Math.ceil(Math.log2(acc.len + 1)));
    const v = new Float64Array(Math.min(Math.max(size, acc.len), Math.max(4 * this.span, acc.len)));
    const c = new Float64Array(v.length);
    // Entries a removal past its copies left at 0 or below are not values.
    for (let i = 0; i < acc.len; i++)
      if (acc.w[i]! > 0) {
        v[len] = acc.v[i]!;
        c[len++] = acc.w[i]!;
      }
    if (acc.w !== ownW) release(acc);
    give(ownW);
    const w = new Window(this.span, v, c, len, lo, hi, below, x);
    w.used = ++this.clock;
    this.openedAt = this.clock;
    if (this.windows.length < MAX_WINDOWS) this.windows.push(w);
    else {
      let lru = 0;
      for (let i = 1; i < this.windows.length; i++)
        if (this.windows[i]!.used < this.windows[lru]!.used) lru = i;
      this.windows[lru] = w;
    }
  }

  /** The value at rank k of the settled values and runs (the pending lists empty). */
  private settledAt(k: number): number {
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
    // positions, and the next query is usually near this one.
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

  /** Number of settled and run values below `x` (`orEqual`: at most `x`). */
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
  private walkRuns(from: number | null, count: number, k: number): number {
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
      if (!any) return NaN;
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

  /** Applies the pending changes: one new run (sorted), merged into those of a similar size. */
  private settle(): void {
    if (this.nAdds === 0 && this.nRemoves === 0) return;
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

  /** The pending additions and removals as a run. */
  private pendingRun(): Run {
    const na = this.nAdds;
    const nr = this.nRemoves;
    const adds = this.adds;
    const removes = this.removes;
    sortNumbers(adds, na);
    sortNumbers(removes, nr);
    this.nAdds = 0;
    this.nRemoves = 0;
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
