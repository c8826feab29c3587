import type { Accumulator } from '../sql/aggregates/aggregate.js';
import type { Value } from '../types/values.js';
import { PairSum, pairOut, sumPair } from './exact-float-sum.js';

/**
 * How a fused join keeps one linear slot of its partial groups: a count (a number), an exact float
 * sum (a PairSum's fields) or, for integer and numeric sums, the accumulator's own state object.
 */
export type SlotRepr = 'count' | 'pair' | 'object';

/** Where a slot's numbers sit in a partial's blocks (see PartialStates). */
interface SlotLayout {
  readonly repr: SlotRepr;
  readonly acc: Accumulator;
  /** In the state and change blocks: count: the count; pair: hi, lo and the number of values. */
  readonly at: number;
  /** pair: in the specials block, NaN, +Infinity and -Infinity counts, then their changes. */
  readonly specialAt: number;
  /** object: the slot's index among the object slots. */
  readonly object: number;
}

/** Offset of the number of facts in a state block, and of its change in a change block. */
const N = 0;
/** Offset of a pair's special counts' changes from the counts. */
const SPECIAL_CHANGE = 3;

/**
 * Adds (sign 1) or removes one value to the pair sum at d[at] (hi, lo, values), infinities and
 * NaN counted in sp[k] (NaN, +Infinity, -Infinity).
 */
function pairStep(d: Float64Array, at: number, sp: Float64Array, k: number, v: number, sign: 1 | -1): void {
  d[at + 2] = d[at + 2]! + sign;
  if (Number.isFinite(v)) {
    sumPair(d[at]!, d[at + 1]!, sign * v);
    d[at] = pairOut.hi;
    d[at + 1] = pairOut.lo;
  } else {
    const i = k + (v !== v ? 0 : v > 0 ? 1 : 2);
    sp[i] = sp[i]! + sign;
  }
}

/** The pair sum at d[at] with its special counts at sp[k] as a PairSum (what the combining accumulators take). */
function pairAt(d: Float64Array, at: number, sp: Float64Array, k: number): PairSum {
  const s = new PairSum();
  s.hi = d[at]!;
  s.lo = d[at + 1]!;
  s.n = d[at + 2]!;
  s.nan = sp[k]!;
  s.pinf = sp[k + 1]!;
  s.ninf = sp[k + 2]!;
  return s;
}

/**
 * The partial states of a fused join's partial groups, by id (0, 1, 2, …, reused once freed): each
 * partial's number of facts, each slot's state, and the change of both in the current batch. The
 * numbers sit in blocks of Float64Arrays by id: the states (the number of facts, then each slot's
 * count or pair sum) in one array, their changes in the batch in another laid out alike, and the
 * rarely touched NaN/Infinity counts in a third. Folding a fact thus touches one small block —
 * 48 bytes for a count and a float sum with its count, so 10,000 partials fit in a core's cache —
 * not the scattered objects of thousands of partials; a fold that keeps no change (see the fused
 * join's combining) touches nothing else. Integer and numeric sums keep their accumulator objects
 * beside them.
 *
 * @example
 * const ps = new PartialStates([{ repr: 'count', acc: countCombine }]);
 * const id = ps.allocate();
 * ps.startBatch(id);
 * ps.fold(id, [1], 1); // one fact, counted
 * ps.value(id, 0); // 1
 */
export class PartialStates {
  /** State blocks, change blocks (`stride` numbers each) and special-count blocks (`specials`). */
  private st = new Float64Array(0);
  private ch = new Float64Array(0);
  private sp = new Float64Array(0);
  private readonly stride: number;
  private readonly specials: number;
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
    let at = 1;
    let special = 0;
    let objects = 0;
    this.slots = slots.map((s) => {
      const l = {
        repr: s.repr,
        acc: s.acc,
        at,
        specialAt: special,
        object: s.repr === 'object' ? objects++ : -1,
      };
      at += s.repr === 'count' ? 1 : s.repr === 'pair' ? 3 : 0;
      if (s.repr === 'pair') special += 2 * SPECIAL_CHANGE;
      return l;
    });
    this.stride = at;
    this.specials = special;
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
      const grow = (a: Float64Array, width: number): Float64Array<ArrayBuffer> => {
        const d = new Float64Array(this.cap * width);
        d.set(a);
        return d;
      };
      this.st = grow(this.st, this.stride);
      this.ch = grow(this.ch, this.stride);
      this.sp = grow(this.sp, this.specials);
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
    return this.st[id * this.stride + N]!;
  }

  factsChange(id: number): number {
    return this.ch[id * this.stride + N]!;
  }

  /** Sets the partial's states and count to zero (NULL sums). */
  clear(id: number): void {
    const b = id * this.stride;
    this.st.fill(0, b, b + this.stride);
    this.ch.fill(0, b, b + this.stride);
    this.sp.fill(0, id * this.specials, (id + 1) * this.specials);
    for (const s of this.slots)
      if (s.object >= 0) {
        this.objects[s.object]![id] = s.acc.init();
        this.dobjects[s.object]![id] = null;
      }
  }

  /** Starts the partial's change in a new batch: nothing yet. */
  startBatch(id: number): void {
    const ch = this.ch;
    const b = id * this.stride;
    // Plain stores: a typed array's fill() costs a call per range.
    for (let i = 0; i < this.stride; i++) ch[b + i] = 0;
    const sp = this.sp;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.repr === 'pair') {
        const k = id * this.specials + s.specialAt + SPECIAL_CHANGE;
        sp[k] = sp[k + 1] = sp[k + 2] = 0;
      } else if (s.repr === 'object') this.dobjects[s.object]![id] = null;
    }
  }

  /**
   * Folds one fact's slot shares (`vals`: 1 or 0 for counts, the value for sums, null for none),
   * `w` copies of it (negative: retracted), into the partial's states; `change` also into its
   * change in the batch (an undo, or a fact combined elsewhere, folds without it).
   */
  fold(id: number, vals: readonly Value[], w: number, change = true): void {
    const st = this.st;
    const ch = this.ch;
    const b = id * this.stride;
    st[b + N] = st[b + N]! + w;
    if (change) ch[b + N] = ch[b + N]! + w;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const v = vals[i]!;
      if (v === null) continue;
      const s = slots[i]!;
      const at = b + s.at;
      if (s.repr === 'count') {
        const x = w * (v as number);
        st[at] = st[at]! + x;
        if (change) ch[at] = ch[at]! + x;
      } else if (s.repr === 'pair') {
        const sign = w > 0 ? 1 : -1;
        const k = id * this.specials + s.specialAt;
        for (let n = Math.abs(w); n > 0; n--) {
          pairStep(st, at, this.sp, k, v as number, sign);
          if (change) pairStep(ch, at, this.sp, k + SPECIAL_CHANGE, v as number, sign);
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
    const ch = this.ch;
    const at = id * this.stride + s.at;
    if (s.repr === 'count') return (into as number) + ch[at]!;
    const sp = this.sp;
    const k = id * this.specials + s.specialAt + SPECIAL_CHANGE;
    const p = into as unknown as PairSum;
    p.n += ch[at + 2]!;
    sumPair(p.hi, p.lo, ch[at]!);
    sumPair(pairOut.hi, pairOut.lo, ch[at + 1]!);
    p.hi = pairOut.hi;
    p.lo = pairOut.lo;
    p.nan += sp[k]!;
    p.pinf += sp[k + 1]!;
    p.ninf += sp[k + 2]!;
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
    const at = id * this.stride + s.at;
    if (s.repr === 'count') return this.st[at]!;
    if (s.repr === 'pair') return pairAt(this.st, at, this.sp, id * this.specials + s.specialAt);
    return this.objects[s.object]![id];
  }

  /**
   * Slot `i`'s change in the batch: a count change (a number), a PairSum of the batch's values, or
   * a state; a sum's is null when the batch folded nothing into it.
   */
  change(id: number, i: number): Value {
    const s = this.slots[i]!;
    const ch = this.ch;
    const at = id * this.stride + s.at;
    if (s.repr === 'count') return ch[at]!;
    if (s.repr === 'object') return this.dobjects[s.object]![id] as Value;
    const sp = this.sp;
    const k = id * this.specials + s.specialAt + SPECIAL_CHANGE;
    if (ch[at] === 0 && ch[at + 1] === 0 && ch[at + 2] === 0 && !sp[k] && !sp[k + 1] && !sp[k + 2])
      return null;
    return pairAt(ch, at, sp, k) as unknown as Value;
  }
}
