import { DatabaseError, SqlState } from '../../errors.js';
import { Interval } from '../../types/interval.js';
import { arrayOf, T } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import { compareValues, isNumberRepr } from '../../types/values.js';
import type { Value } from '../../types/values.js';
import type { Accumulator, AggregateFunction } from './aggregate.js';
import { percentileKernel } from './grouped.js';
import {
  checkFraction,
  lerpFloat,
  mapFractions,
  percentileCont,
  percentileDisc,
  toFraction,
  type Lerp,
  type Ranked,
} from './percentile.js';
import { NumberMultiset } from './number-multiset.js';

// ---------------------------------------------------------------------------------------------
// OrderedMultiset: a counted B+-tree. Leaves hold distinct keys with their multiplicities; every
// node knows its total weight (for k-th element lookups) and its largest multiplicity (for mode).
// min/max, percentiles and mode all need order plus retraction, so they share this structure.
// ---------------------------------------------------------------------------------------------

/** Node fan-out. 64 keeps a leaf's binary search and shifts within a few cache lines. */
const MAX_ENTRIES = 64;
/** Below this a non-root node is merged with (or refilled from) a neighbour. */
const MIN_ENTRIES = 16;

class Leaf {
  readonly leaf = true as const;
  keys: Value[] = [];
  counts: number[] = [];
  total = 0;
  maxCount = 0;
  size(): number {
    return this.keys.length;
  }
  first(): Value {
    return this.keys[0]!;
  }
  recompute(): void {
    let t = 0;
    let m = 0;
    for (const c of this.counts) {
      t += c;
      if (c > m) m = c;
    }
    this.total = t;
    this.maxCount = m;
  }
}

class Inner {
  readonly leaf = false as const;
  children: Node[] = [];
  /** lows[i] ≤ every key of children[i] and > every key of children[i-1] (may be stale-low). */
  lows: Value[] = [];
  total = 0;
  maxCount = 0;
  size(): number {
    return this.children.length;
  }
  first(): Value {
    return this.lows[0]!;
  }
  recompute(): void {
    let t = 0;
    let m = 0;
    for (const c of this.children) {
      t += c.total;
      if (c.maxCount > m) m = c.maxCount;
    }
    this.total = t;
    this.maxCount = m;
  }
}

type Node = Leaf | Inner;

// Leaf updates shift in place rather than splice (which allocates its result array). Keys and
// counts get separate functions so each loop sees one array shape and stays monomorphic.
function insertKey(a: Value[], i: number, v: Value): void {
  let j = a.length;
  a.push(v);
  for (; j > i; j--) a[j] = a[j - 1]!;
  a[i] = v;
}

function insertCount(a: number[], i: number, v: number): void {
  let j = a.length;
  a.push(v);
  for (; j > i; j--) a[j] = a[j - 1]!;
  a[i] = v;
}

function removeKey(a: Value[], i: number): void {
  const last = a.length - 1;
  for (let j = i; j < last; j++) a[j] = a[j + 1]!;
  a.pop();
}

function removeCount(a: number[], i: number): void {
  const last = a.length - 1;
  for (let j = i; j < last; j++) a[j] = a[j + 1]!;
  a.pop();
}

/** Moves the upper half of `node` into a new right sibling and returns it. */
function splitNode(node: Node): Node {
  const half = node.size() >> 1;
  if (node.leaf) {
    const right = new Leaf();
    right.keys = node.keys.splice(half);
    right.counts = node.counts.splice(half);
    node.recompute();
    right.recompute();
    return right;
  }
  const right = new Inner();
  right.children = node.children.splice(half);
  right.lows = node.lows.splice(half);
  node.recompute();
  right.recompute();
  return right;
}

/** What the ordered-set accumulators read and change of their multiset (see NumberMultiset too). */
export interface ValueMultiset extends Ranked {
  add(key: Value, n?: number): void;
  remove(key: Value): boolean;
  min(): Value | undefined;
  max(): Value | undefined;
  /** Each distinct value in order with its multiplicity. */
  forEach(fn: (key: Value, count: number) => void): void;
  addAll(other: Pick<ValueMultiset, 'forEach'>): void;
  /** Approximate bytes held, for memory accounting. */
  bytes(): number;
}

/**
 * A multiset of values in `compareValues` order with O(log n) add, remove, min, max, k-th and mode.
 * Values that compare equal share one entry (the first one added is the representative).
 *
 * @example
 * const s = new OrderedMultiset(); s.add(3); s.add(1); s.add(3); s.remove(1); s.min(); // 3
 */
export class OrderedMultiset implements ValueMultiset {
  private root: Node = new Leaf();
  private readonly cmp: (a: Value, b: Value) => number;
  /** Keep maxCount exact on removes (only mode() needs it; it costs a node scan per level). */
  private readonly trackMode: boolean;
  /** Multiplicity of the key before the last remove (lets ancestors skip recomputing maxCount). */
  private removedCount = 0;
  /** Number of distinct values (once the pending changes are applied). */
  distinct = 0;
  /**
   * Batched mode: values added and removed wait here until the next read, which applies them in
   * sorted order — so a commit's changes to a large multiset walk the tree in key order, and an
   * UPDATE's removal of v and addition of v + 1 reach the same leaf one after the other, while it
   * is in cache, instead of a thousand changes apart.
   */
  private readonly batched: boolean;
  private pendingAdds: Value[] = [];
  private pendingRemoves: Value[] = [];

  constructor(cmp: (a: Value, b: Value) => number = compareValues, trackMode = false, batched = false) {
    this.cmp = cmp;
    this.trackMode = trackMode;
    this.batched = batched;
  }

  /** Number of values, counting duplicates. */
  get size(): number {
    this.settle();
    return this.root.total;
  }

  /** Adds `n` copies of `key`. */
  add(key: Value, n = 1): void {
    if (this.batched) {
      for (let k = 0; k < n; k++) this.pendingAdds.push(key);
      return;
    }
    this.addNow(key, n);
  }

  /**
   * Distinct values as of the changes made so far, estimated without applying pending ones (each
   * addition counted as a new value, each removal as one gone): what memory accounting reads.
   */
  get distinctEstimate(): number {
    return Math.max(0, this.distinct + this.pendingAdds.length - this.pendingRemoves.length);
  }

  /** Applies the pending changes (batched mode), in key order; an addition and a removal of one key cancel. */
  private settle(): void {
    if (this.pendingAdds.length === 0 && this.pendingRemoves.length === 0) return;
    const adds = this.sorted(this.pendingAdds);
    const removes = this.sorted(this.pendingRemoves);
    this.pendingAdds = [];
    this.pendingRemoves = [];
    let i = 0;
    let j = 0;
    while (i < adds.length || j < removes.length) {
      const c = i === adds.length ? 1 : j === removes.length ? -1 : this.cmp(adds[i]!, removes[j]!);
      if (c < 0) this.addNow(adds[i++]!, 1);
      else if (c > 0) this.removeNow(removes[j++]!);
      else {
        i++;
        j++;
      }
    }
  }

  /** `values` in this multiset's order (numbers through a typed array's native sort). */
  private sorted(values: Value[]): readonly Value[] {
    if (values.length < 2) return values;
    if (this.cmp === compareNumbers)
      return Float64Array.from(values as number[]).sort() as unknown as Value[];
    return values.sort(this.cmp);
  }

  private addNow(key: Value, n: number): void {
    const right = this.insert(this.root, key, n);
    if (right !== null) {
      const root = new Inner();
      root.children = [this.root, right];
      root.lows = [this.root.first(), right.first()];
      root.recompute();
      this.root = root;
    }
  }

  /** Removes one copy of `key`; returns false when it is not present (batched mode: true, checked later). */
  remove(key: Value): boolean {
    if (this.batched) {
      this.pendingRemoves.push(key);
      return true;
    }
    return this.removeNow(key);
  }

  private removeNow(key: Value): boolean {
    if (!this.delete(this.root, key)) return false;
    while (!this.root.leaf && this.root.children.length === 1) this.root = this.root.children[0]!;
    return true;
  }

  /** Smallest value, or undefined when empty. */
  min(): Value | undefined {
    this.settle();
    if (this.root.total === 0) return undefined;
    let n: Node = this.root;
    while (!n.leaf) n = n.children[0]!;
    return n.keys[0];
  }

  /** Largest value, or undefined when empty. */
  max(): Value | undefined {
    this.settle();
    if (this.root.total === 0) return undefined;
    let n: Node = this.root;
    while (!n.leaf) n = n.children[n.children.length - 1]!;
    return n.keys[n.keys.length - 1];
  }

  /** The value at 0-based position `k` of the sorted multiset (duplicates counted). */
  at(k: number): Value | undefined {
    this.settle();
    if (k < 0 || k >= this.root.total) return undefined;
    let n: Node = this.root;
    while (!n.leaf) {
      let i = 0;
      for (; i < n.children.length - 1; i++) {
        const t = n.children[i]!.total;
        if (k < t) break;
        k -= t;
      }
      n = n.children[i]!;
    }
    for (let i = 0; i < n.counts.length; i++) {
      const c = n.counts[i]!;
      if (k < c) return n.keys[i];
      k -= c;
    }
    return undefined;
  }

  /** The most frequent value; ties go to the smallest, as PostgreSQL's mode() does. Needs `trackMode`. */
  mode(): Value | undefined {
    this.settle();
    if (!this.trackMode) throw new Error('OrderedMultiset.mode() needs trackMode');
    const target = this.root.maxCount;
    if (target === 0) return undefined;
    let n: Node = this.root;
    while (!n.leaf) n = n.children.find((c) => c.maxCount === target)!;
    return n.keys[n.counts.indexOf(target)];
  }

  /** Calls `fn` for each distinct value in order with its multiplicity. */
  forEach(fn: (key: Value, count: number) => void): void {
    this.settle();
    const walk = (n: Node): void => {
      if (n.leaf) for (let i = 0; i < n.keys.length; i++) fn(n.keys[i]!, n.counts[i]!);
      else for (const c of n.children) walk(c);
    };
    walk(this.root);
  }

  /**
   * Calls `fn` in order for each distinct value with copies at 0-based positions [from, to) of the
   * sorted multiset, with the number of its copies there: O(log n + values visited).
   */
  forRange(from: number, to: number, fn: (key: Value, count: number) => void): void {
    this.settle();
    const walk = (n: Node, start: number): void => {
      // `start`: the position of n's first value.
      if (n.leaf) {
        let pos = start;
        for (let i = 0; i < n.keys.length && pos < to; i++) {
          const c = n.counts[i]!;
          const lo = Math.max(pos, from);
          const hi = Math.min(pos + c, to);
          if (hi > lo) fn(n.keys[i]!, hi - lo);
          pos += c;
        }
        return;
      }
      let pos = start;
      for (const child of n.children) {
        if (pos >= to) return;
        if (pos + child.total > from) walk(child, pos);
        pos += child.total;
      }
    };
    if (from < to) walk(this.root, 0);
  }

  /** Adds every value of `other` (with multiplicity) to this multiset. */
  addAll(other: Pick<ValueMultiset, 'forEach'>): void {
    other.forEach((k, c) => this.add(k, c));
  }

  /** A B-tree entry per distinct value: the key, its count, a share of the nodes. */
  bytes(): number {
    return 64 + this.distinctEstimate * 40;
  }

  /** Index of the first key ≥ `key` in a sorted array. */
  private lowerBound(keys: Value[], key: Value): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(keys[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the child whose range holds `key` (the last low ≤ key, else 0). */
  private route(node: Inner, key: Value): number {
    let lo = 1;
    let hi = node.lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(node.lows[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private insert(node: Node, key: Value, n: number): Node | null {
    if (node.leaf) {
      const i = this.lowerBound(node.keys, key);
      let c: number;
      if (i < node.keys.length && this.cmp(node.keys[i]!, key) === 0) {
        c = node.counts[i]! + n;
        node.counts[i] = c;
      } else {
        insertKey(node.keys, i, key);
        insertCount(node.counts, i, n);
        this.distinct++;
        c = n;
      }
      node.total += n;
      if (c > node.maxCount) node.maxCount = c;
      return node.keys.length > MAX_ENTRIES ? splitNode(node) : null;
    }
    const i = this.route(node, key);
    if (i === 0 && this.cmp(key, node.lows[0]!) < 0) node.lows[0] = key;
    const child = node.children[i]!;
    const right = this.insert(child, key, n);
    node.total += n;
    if (child.maxCount > node.maxCount) node.maxCount = child.maxCount;
    if (right === null) return null;
    // The split may have moved the key's (now largest) multiplicity into the new sibling.
    if (right.maxCount > node.maxCount) node.maxCount = right.maxCount;
    node.children.splice(i + 1, 0, right);
    node.lows.splice(i + 1, 0, right.first());
    return node.children.length > MAX_ENTRIES ? splitNode(node) : null;
  }

  private delete(node: Node, key: Value): boolean {
    if (node.leaf) {
      const i = this.lowerBound(node.keys, key);
      if (i >= node.keys.length || this.cmp(node.keys[i]!, key) !== 0) return false;
      const c = node.counts[i]!;
      this.removedCount = c;
      if (c === 1) {
        removeKey(node.keys, i);
        removeCount(node.counts, i);
        this.distinct--;
      } else {
        node.counts[i] = c - 1;
      }
      if (this.trackMode && c === node.maxCount) node.recompute();
      else node.total--;
      return true;
    }
    const i = this.route(node, key);
    const child = node.children[i]!;
    if (!this.delete(child, key)) return false;
    if (child.size() < MIN_ENTRIES && node.children.length > 1) this.rebalance(node, i);
    if (this.trackMode && this.removedCount === node.maxCount) node.recompute();
    else node.total--;
    return true;
  }

  /** Merges an underfull child with a neighbour, splitting again when the union is too big. */
  private rebalance(parent: Inner, i: number): void {
    const li = i > 0 ? i - 1 : i;
    const left = parent.children[li]!;
    const right = parent.children[li + 1]!;
    if (left.leaf && right.leaf) {
      left.keys.push(...right.keys);
      left.counts.push(...right.counts);
    } else if (!left.leaf && !right.leaf) {
      left.children.push(...right.children);
      left.lows.push(...right.lows);
    }
    left.recompute();
    parent.children.splice(li + 1, 1);
    parent.lows.splice(li + 1, 1);
    if (left.size() > MAX_ENTRIES) {
      const r = splitNode(left);
      parent.children.splice(li + 1, 0, r);
      parent.lows.splice(li + 1, 0, r.first());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Interval scaling with PostgreSQL's cascade of fractional months and days (interval_mul/div).
// ---------------------------------------------------------------------------------------------

/** C's rint(): round half to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** PostgreSQL's TSROUND: round to microsecond precision to absorb float noise. */
function tsRound(x: number): number {
  return rint(x * 1e6) / 1e6;
}

function intervalOutOfRange(): DatabaseError {
  return new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** interval * factor (divide = false) or interval / factor (divide = true), as PostgreSQL computes it. */
export function scaleInterval(iv: Interval, factor: number, divide: boolean): Interval {
  if (divide && factor === 0) throw new DatabaseError(SqlState.divisionByZero, 'division by zero');
  const monthD = divide ? iv.months / factor : iv.months * factor;
  const dayD = divide ? iv.days / factor : iv.days * factor;
  if (Number.isNaN(monthD) || monthD > INT32_MAX || monthD < INT32_MIN) throw intervalOutOfRange();
  if (Number.isNaN(dayD) || dayD > INT32_MAX || dayD < INT32_MIN) throw intervalOutOfRange();
  const months = Math.trunc(monthD);
  let days = Math.trunc(dayD);
  // Fractional months cascade into days and fractional days into seconds, never upwards.
  const monthRemDays = tsRound((monthD - months) * 30);
  let secRem = tsRound((dayD - days + monthRemDays - Math.trunc(monthRemDays)) * 86400);
  if (Math.abs(secRem) >= 86400) {
    const d = Math.trunc(secRem / 86400);
    days += d;
    secRem -= d * 86400;
  }
  days += Math.trunc(monthRemDays);
  const micros = rint((divide ? iv.micros / factor : iv.micros * factor) + secRem * 1e6);
  if (!Number.isFinite(micros)) throw intervalOutOfRange();
  return new Interval(months, days, micros);
}

// ---------------------------------------------------------------------------------------------
// percentile_cont, percentile_disc, mode
// ---------------------------------------------------------------------------------------------

const lerpInterval: Lerp = (lo, hi, t) =>
  (lo as Interval).add(scaleInterval((hi as Interval).sub(lo as Interval), t, false));

/** compareValues for two numbers, small enough to inline in the tree's binary searches. */
export function compareNumbers(a: Value, b: Value): number {
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  // NaN sorts above everything and equals itself, as in PostgreSQL.
  return x !== x ? (y !== y ? 0 : 1) : -1;
}

/** The fastest correct comparator for values of type `t`. */
export function comparatorFor(t: SqlType | undefined): (a: Value, b: Value) => number {
  return t !== undefined && isNumberRepr(t) ? compareNumbers : compareValues;
}

/**
 * The shared accumulator over a multiset of the values; `final` turns the sorted values into the
 * result. Numbers in ascending order get a NumberMultiset (cheaper batched changes at scale), other
 * values and mode() a counted B-tree (OrderedMultiset).
 */
export function multisetAccumulator(
  final: (s: ValueMultiset) => Value,
  cmp: (a: Value, b: Value) => number = compareValues,
  trackMode = false,
): Accumulator<ValueMultiset> {
  const numbers = cmp === compareNumbers && !trackMode;
  return {
    init: () => (numbers ? new NumberMultiset() : new OrderedMultiset(cmp, trackMode, true)),
    add(s, args) {
      s.add(args[0]!);
      return s;
    },
    remove(s, args) {
      s.remove(args[0]!);
      return s;
    },
    merge(a, b) {
      if (a.size < b.size) {
        b.addAll(a);
        return b;
      }
      a.addAll(b);
      return a;
    },
    result: final,
    bytes: (s) => s.bytes(),
  };
}

const lastType = (argTypes: readonly SqlType[]): SqlType => argTypes[argTypes.length - 1] ?? T.unknown;

type Comparator = (a: Value, b: Value) => number;

/** An ordered-set overload whose accumulator sorts with `cmp`: ascending or descending. */
interface OrderedSetOverload extends Omit<AggregateFunction, 'make'> {
  readonly make: (argTypes: readonly SqlType[], direct: readonly Value[], cmp: Comparator) => Accumulator;
}

function contSingle(lerp: Lerp): OrderedSetOverload['make'] {
  return (_argTypes, direct, cmp) =>
    multisetAccumulator((s) => {
      const f = direct[0] ?? null;
      if (f === null) return null;
      const p = toFraction(f);
      checkFraction(p);
      return s.size === 0 ? null : percentileCont(s, p, lerp);
    }, cmp);
}

function contMulti(lerp: Lerp): OrderedSetOverload['make'] {
  return (_argTypes, direct, cmp) =>
    multisetAccumulator(
      (s) => (s.size === 0 ? null : mapFractions(direct[0] ?? null, (p) => percentileCont(s, p, lerp))),
      cmp,
    );
}

const overloads: OrderedSetOverload[] = [
  {
    name: 'percentile_cont',
    orderedSet: true,
    directArgs: [T.float8],
    args: [T.float8],
    ret: T.float8,
    make: contSingle(lerpFloat),
    grouped: (argTypes, direct) => percentileKernel('cont', argTypes, direct),
  },
  {
    name: 'percentile_cont',
    orderedSet: true,
    directArgs: [T.float8],
    args: [T.interval],
    ret: T.interval,
    make: contSingle(lerpInterval),
  },
  {
    name: 'percentile_cont',
    orderedSet: true,
    directArgs: [arrayOf(T.float8)],
    args: [T.float8],
    ret: arrayOf(T.float8),
    make: contMulti(lerpFloat),
    grouped: (argTypes, direct) => percentileKernel('cont', argTypes, direct),
  },
  {
    name: 'percentile_cont',
    orderedSet: true,
    directArgs: [arrayOf(T.float8)],
    args: [T.interval],
    ret: arrayOf(T.interval),
    make: contMulti(lerpInterval),
  },
  {
    name: 'percentile_disc',
    orderedSet: true,
    directArgs: [T.float8],
    args: [T.anyelement],
    ret: lastType,
    make: (_argTypes, direct, cmp) =>
      multisetAccumulator((s) => {
        const f = direct[0] ?? null;
        if (f === null) return null;
        const p = toFraction(f);
        checkFraction(p);
        return s.size === 0 ? null : percentileDisc(s, p);
      }, cmp),
    grouped: (argTypes, direct) => percentileKernel('disc', argTypes, direct),
  },
  {
    name: 'percentile_disc',
    orderedSet: true,
    directArgs: [arrayOf(T.float8)],
    args: [T.anyelement],
    ret: (argTypes) => arrayOf(lastType(argTypes)),
    make: (_argTypes, direct, cmp) =>
      multisetAccumulator(
        (s) => (s.size === 0 ? null : mapFractions(direct[0] ?? null, (p) => percentileDisc(s, p))),
        cmp,
      ),
    grouped: (argTypes, direct) => percentileKernel('disc', argTypes, direct),
  },
  {
    name: 'mode',
    orderedSet: true,
    directArgs: [],
    args: [T.anyelement],
    ret: lastType,
    // Ties go to the first value in the sort order: the smallest, or the largest under DESC.
    make: (_argTypes, _direct, cmp) =>
      multisetAccumulator((s) => (s as OrderedMultiset).mode() ?? null, cmp, true),
  },
];

function withDirection(o: OrderedSetOverload, descending: boolean): AggregateFunction {
  return {
    ...o,
    // The columnar kernels rank ascending only.
    grouped: descending ? undefined : o.grouped,
    make: (argTypes, direct) => {
      const cmp = comparatorFor(lastType(argTypes));
      return o.make(argTypes, direct, descending ? (a, b) => cmp(b, a) : cmp);
    },
  };
}

/** percentile_cont, percentile_disc and mode (WITHIN GROUP); direct args are the fractions. */
export const orderedSetAggregates: AggregateFunction[] = overloads.map((o) => withDirection(o, false));

const descendingTwins = new Map<AggregateFunction, AggregateFunction>(
  orderedSetAggregates.map((f, i) => [f, withDirection(overloads[i]!, true)]),
);

/**
 * The same ordered-set overload sorting its input descending, for `WITHIN GROUP (ORDER BY x DESC)`;
 * `fn` itself when it is not an ordered-set aggregate. NULLs are skipped, so NULLS FIRST/LAST
 * does not matter.
 *
 * @example
 * // percentile_disc(0.25) WITHIN GROUP (ORDER BY v DESC) over {1, 2, 3, 4} is 4
 * const fn = sortedDescending(findAggregate('percentile_disc')[0]!);
 */
export function sortedDescending(fn: AggregateFunction): AggregateFunction {
  return descendingTwins.get(fn) ?? fn;
}
