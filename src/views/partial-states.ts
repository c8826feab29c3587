import type { Accumulator } from '../sql/aggregates/aggregate.js';
import type { Value } from '../types/values.js';
import { PairSum, pairOut, sumPair } from './exact-float-sum.js';

/**
 * How a fused join keeps one linear slot of its partial groups: a count (a number), an exact float
 * sum (a PairSum's fields) or, for integer and numeric sums, the accumulator's own state object.
 */
export type SlotRepr = 'count' | 'pair' | 'object';

/** Where a slot's numbers sit in a partial's block (see PartialStates). */
interface SlotLayout {
  readonly repr: SlotRepr;
  readonly acc: Accumulator;
  /** count: the count, then its change; pair: hi, lo, values, then the same three for the change. */
  readonly at: number;
  /** pair: NaN, +Infinity and -Infinity counts, then the same for the change. */
  readonly specialAt: number;
  /** object: the slot's index among the object slots. */
  readonly object: number;
}

const N = 0;
const DN = 1;
/** Offsets of a pair's change from its state. */
const CHANGE = 3;

/** Adds (sign 1) or removes one value to the pair sum at `at` (hi, lo, values) and `sp` (specials). */
function pairStep(d: Float64Array, at: number, sp: number, v: number, sign: 1 | -1): void {
  d[at + 2] = d[at + 2]! + sign;
  if (Number.isFinite(v)) {
    sumPair(d[at]!, d[at + 1]!, sign * v);
    d[at] = pairOut.hi;
    d[at + 1] = pairOut.lo;
  } else {
    const k = sp + (v !== v ? 0 : v > 0 ? 1 : 2);
    d[k] = d[k]! + sign;
  }
}

/** The pair sum at `at`/`sp` as a PairSum object (what the combining accumulators take). */
function pairAt(d: Float64Array, at: number, sp: number): PairSum {
  const s = new PairSum();
  s.hi = d[at]!;
  s.lo = d[at + 1]!;
  s.n = d[at + 2]!;
  s.nan = d[sp]!;
  s.pinf = d[sp + 1]!;
  s.ninf = d[sp + 2]!;
  return s;
}

/**
 * The partial states of a fused join's partial groups, by id (0, 1, 2, …, reused once freed): each
 * partial's number of facts, each slot's state, and the change of both in the current batch. The
 * numbers of a partial sit together in one block of a Float64Array — its facts, then each slot's
 * state next to its change, the rarely touched NaN/Infinity counts last — so folding a fact touches
 * a cache line or two, not the scattered objects of thousands of partials. Integer and numeric
 * sums keep their accumulator objects beside it.
 *
 * @example
 * const ps = new PartialStates([{ repr: 'count', acc: countCombine }]);
 * const id = ps.allocate();
 * ps.startBatch(id);
 * ps.fold(id, [1], 1); // one fact, counted
 * ps.value(id, 0); // 1
 */
export class PartialStates {
  private data = new Float64Array(0);
  private readonly stride: number;
  private readonly slots: SlotLayout[];
  /** Object slots' states and changes, by object slot then id (changes: null until folded). */
  private readonly objects: unknown[][];
  private readonly dobjects: unknown[][];
  private cap = 0;
  private next = 0;
  private readonly free: number[] = [];
  /** The one argument an object slot folds. */
  private readonly args: Value[] = [null];

  constructor(slots: readonly { readonly repr: SlotRepr; readonly acc: Accumulator }[]) {
    let at = 2;
    let objects = 0;
    const layout = slots.map((s) => {
      const l = { repr: s.repr, acc: s.acc, at, specialAt: 0, object: s.repr === 'object' ? objects++ : -1 };
      at += s.repr === 'count' ? 2 : s.repr === 'pair' ? 2 * CHANGE : 0;
      return l;
    });
    for (const l of layout)
      if (l.repr === 'pair') {
        l.specialAt = at;
        at += 2 * CHANGE;
      }
    this.slots = layout;
    this.stride = at;
    this.objects = Array.from({ length: objects }, () => []);
    this.dobjects = Array.from({ length: objects }, () => []);
  }

  /** Ids in use. */
  get size(): number {
    return this.next - this.free.length;
  }

  /** A new partial's id, its states empty. */
  allocate(): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (id >= this.cap) {
      this.cap = Math.max(64, this.cap * 2);
      const d = new Float64Array(this.cap * this.stride);
      d.set(this.data);
      this.data = d;
    }
    this.clear(id);
    return id;
  }

  /** Takes back `id` for reuse. */
  release(id: number): void {
    this.free.push(id);
  }

  /** The partial's number of facts, and its change in the batch. */
  facts(id: number): number {
    return this.data[id * this.stride + N]!;
  }

  factsChange(id: number): number {
    return this.data[id * this.stride + DN]!;
  }

  /** Sets the partial's states and count to zero (NULL sums). */
  clear(id: number): void {
    const b = id * this.stride;
    this.data.fill(0, b, b + this.stride);
    for (const s of this.slots)
      if (s.object >= 0) {
        this.objects[s.object]![id] = s.acc.init();
        this.dobjects[s.object]![id] = null;
      }
  }

  /** Starts the partial's change in a new batch: nothing yet. */
  startBatch(id: number): void {
    const d = this.data;
    const b = id * this.stride;
    d[b + DN] = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.repr === 'count') d[b + s.at + 1] = 0;
      else if (s.repr === 'pair') {
        // Plain stores: a typed array's fill() costs a call per range.
        const c = b + s.at + CHANGE;
        const sp = b + s.specialAt + CHANGE;
        d[c] = d[c + 1] = d[c + 2] = 0;
        d[sp] = d[sp + 1] = d[sp + 2] = 0;
      } else this.dobjects[s.object]![id] = null;
    }
  }

  /**
   * Folds one fact's slot shares (`vals`: 1 or 0 for counts, the value for sums, null for none),
   * `w` copies of it (negative: retracted), into the partial's states; `change` also into its
   * change in the batch (an undo folds back without it).
   */
  fold(id: number, vals: readonly Value[], w: number, change = true): void {
    const d = this.data;
    const b = id * this.stride;
    d[b + N] = d[b + N]! + w;
    if (change) d[b + DN] = d[b + DN]! + w;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const v = vals[i]!;
      if (v === null) continue;
      const s = slots[i]!;
      const at = b + s.at;
      if (s.repr === 'count') {
        const x = w * (v as number);
        d[at] = d[at]! + x;
        if (change) d[at + 1] = d[at + 1]! + x;
      } else if (s.repr === 'pair') {
        const sign = w > 0 ? 1 : -1;
        const sp = b + s.specialAt;
        for (let k = Math.abs(w); k > 0; k--) {
          pairStep(d, at, sp, v as number, sign);
          if (change) pairStep(d, at + CHANGE, sp + CHANGE, v as number, sign);
        }
      } else {
        const o = this.objects[s.object]!;
        o[id] = this.foldObject(s, o[id], v, w);
        if (change) {
          const c = this.dobjects[s.object]!;
          c[id] = this.foldObject(s, c[id] ?? s.acc.init(), v, w);
        }
      }
    }
  }

  private foldObject(s: SlotLayout, state: unknown, v: Value, w: number): unknown {
    const args = this.args;
    args[0] = v;
    if (w > 0) for (let k = w; k > 0; k--) state = s.acc.add(state, args);
    else for (let k = -w; k > 0; k--) state = s.acc.remove!(state, args);
    return state;
  }

  /** Whether every slot is a count or a float pair sum (no accumulator objects). */
  get numeric(): boolean {
    return this.slots.every((s) => s.repr !== 'object');
  }

  /**
   * Adds slot `i`'s change in the batch (a count or pair slot) to `into`: the count added to `into`
   * (returned), or the pair sum added to the PairSum `into` (returned).
   */
  addChange(id: number, i: number, into: Value): Value {
    const s = this.slots[i]!;
    const d = this.data;
    const b = id * this.stride;
    if (s.repr === 'count') return (into as number) + d[b + s.at + 1]!;
    const at = b + s.at + CHANGE;
    const sp = b + s.specialAt + CHANGE;
    const p = into as unknown as PairSum;
    p.n += d[at + 2]!;
    sumPair(p.hi, p.lo, d[at]!);
    sumPair(pairOut.hi, pairOut.lo, d[at + 1]!);
    p.hi = pairOut.hi;
    p.lo = pairOut.lo;
    p.nan += d[sp]!;
    p.pinf += d[sp + 1]!;
    p.ninf += d[sp + 2]!;
    return into;
  }

  /** Whether the batch changed the partial at all. */
  changed(id: number): boolean {
    if (this.factsChange(id) !== 0) return true;
    for (let i = 0; i < this.slots.length; i++) {
      const c = this.change(id, i);
      if (c !== null && c !== 0) return true;
    }
    return false;
  }

  /** Slot `i`'s state of the partial: a count, a PairSum or the accumulator's object. */
  value(id: number, i: number): unknown {
    const s = this.slots[i]!;
    const b = id * this.stride;
    if (s.repr === 'count') return this.data[b + s.at]!;
    if (s.repr === 'pair') return pairAt(this.data, b + s.at, b + s.specialAt);
    return this.objects[s.object]![id];
  }

  /**
   * Slot `i`'s change in the batch: a count change (a number), a PairSum of the batch's values, or
   * a state; a sum's is null when the batch folded nothing into it.
   */
  change(id: number, i: number): Value {
    const s = this.slots[i]!;
    const d = this.data;
    const b = id * this.stride;
    if (s.repr === 'count') return d[b + s.at + 1]!;
    if (s.repr === 'object') return this.dobjects[s.object]![id] as Value;
    const at = b + s.at + CHANGE;
    const sp = b + s.specialAt + CHANGE;
    if (d[at] === 0 && d[at + 1] === 0 && d[at + 2] === 0 && !d[sp] && !d[sp + 1] && !d[sp + 2]) return null;
    return pairAt(d, at, sp) as unknown as Value;
  }
}
