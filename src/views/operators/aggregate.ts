import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import { compareKeys } from '../../exec/operators/sort.js';
import { columnOf, planShape, type Expr } from '../../plan/expr.js';
import type { AggCall } from '../../plan/logical.js';
import type { Accumulator } from '../../sql/aggregates/aggregate.js';
import { withDistinct } from '../../sql/aggregates/distinct.js';
import { tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import { exactFloatAccumulator } from '../exact-float-sum.js';
import type { DeltaOperator } from './operator.js';

/** How one aggregate call is maintained. */
interface Slot {
  /** Its position among the slots (and in a group's states and buffers). */
  readonly index: number;
  readonly call: AggCall;
  readonly args: CompiledExpr[];
  /** Per argument, the input column it reads when it is a plain column reference, else -1. */
  readonly argCols: number[];
  /**
   * Where the slot's state is: OWN (its own accumulator), ROWS (count(*): the group's number of
   * rows) or the index of an earlier slot whose state it reads (a float sum and an average of the
   * same argument keep one exact pair sum).
   */
  readonly source: number;
  readonly filter: CompiledExpr | null;
  readonly orderKeys: CompiledExpr[];
  readonly strict: boolean;
  readonly acc: Accumulator;
  /**
   * Kept as the multiset of its inputs and folded again when the group changes: aggregates whose
   * input order matters (ORDER BY inside the call) or that cannot retract a row
   * (approx_count_distinct's HyperLogLog). O(group size) per change; every other aggregate is O(1)
   * or O(log n).
   */
  readonly buffered: boolean;
  /** Reused for each row's arguments. */
  readonly scratch: Value[];
  /** The current row's ORDER BY key and whether the row is skipped (filtered out or NULL). */
  key: Value[];
  skip: boolean;
}

interface BufferedInput {
  readonly args: Value[];
  readonly key: Value[];
  n: number;
}

/**
 * What one push changed, to undo it: the rows folded so far (folded again with negated weights,
 * their expressions succeeded before), the groups it made and dropped, and the output rows the
 * groups it touched had. No object per row.
 */
interface PushUndo {
  readonly delta: Delta;
  /** The accumulators' bytes before the push. */
  readonly accBytes: number;
  folded: number;
  readonly created: Group[];
  readonly touched: Group[];
  readonly outs: (Value[] | null)[];
  readonly deleted: Group[];
}

const NO_KEY: Value[] = [];
/** Slot.source: the slot folds its own state; the slot is count(*), the group's number of rows. */
const OWN = -1;
const ROWS = -2;

interface Group {
  readonly keys: Value[];
  /** Input rows in the group (sum of weights). */
  n: number;
  readonly states: unknown[];
  readonly buffers: (Map<unknown, BufferedInput> | null)[];
  /** The output row now in the view, or null. */
  out: Value[] | null;
  /** The last push that touched the group (DeltaAggregate.pushes). */
  push: number;
}

/**
 * GROUP BY with aggregates, maintained per group: an input row's weight is added to (or, negative,
 * retracted from) its group's accumulators with their add/remove, so sums, counts and averages cost
 * O(1) per change (float sums and averages are summed exactly, see exact-float-sum.ts), min/max/percentiles O(log n) (ordered multisets) and count(DISTINCT) keeps
 * reference counts. Each changed group retracts its old output row and adds the new one; a group
 * whose rows are all gone disappears, except the one group of an aggregate without GROUP BY.
 */
export class DeltaAggregate implements DeltaOperator {
  private readonly keys: CompiledExpr[];
  /** Per GROUP BY key, the input column it is when a plain column reference, else -1. */
  private readonly keyCols: number[];
  private readonly slots: Slot[];
  /** The slots that fold their own input (the others read another's state or the row count). */
  private readonly own: Slot[];
  private readonly groups: GroupIndex<Group>;
  private readonly global: boolean;
  private bufferedRows = 0;
  /** Bytes the accumulators that grow report (Accumulator.bytes), over every group. */
  private accBytes = 0;
  /** Whether some slot's accumulator reports its size (Accumulator.bytes). */
  private readonly sized: boolean;

  /**
   * `multiplicity`: an input column holding how many rows each input row stands for (the partial
   * rows of eager aggregation); a group exists while its rows stand for any.
   */
  constructor(
    groupBy: readonly Expr[],
    aggs: readonly AggCall[],
    ctx: ExecContext,
    private readonly multiplicity: number | null = null,
  ) {
    this.keys = groupBy.map((e) => new CompiledExpr(e));
    this.keyCols = groupBy.map(columnOf);
    this.groups = new GroupIndex(groupBy.length);
    this.global = groupBy.length === 0;
    // Exact float sums and averages by their argument: the first slot of each keeps the state.
    const shared = new Map<string, number>();
    this.slots = aggs.map((call, index) => {
      const direct = call.directArgs.map((d) => new CompiledExpr(d).evalRow([], ctx));
      const argType = call.args[0]?.type.id;
      const exactFloat =
        (call.fn.name === 'sum' || call.fn.name === 'avg') && (argType === 'float8' || argType === 'float4');
      let acc = exactFloat
        ? exactFloatAccumulator(call.fn.name as 'sum' | 'avg', argType === 'float4' && call.fn.name === 'sum')
        : call.fn.make(
            call.args.map((a) => a.type),
            direct,
          );
      if (call.distinct) acc = withDistinct(acc);
      const plain = !call.distinct && call.filter === null && call.orderBy.length === 0;
      let source = OWN;
      if (plain && call.fn.name === 'count' && call.args.length === 0 && multiplicity === null) source = ROWS;
      else if (plain && exactFloat) {
        const key = planShape(call.args);
        source = shared.get(key) ?? OWN;
        if (source === OWN) shared.set(key, index);
      }
      return {
        index,
        call,
        args: call.args.map((a) => new CompiledExpr(a)),
        argCols: call.args.map(columnOf),
        source,
        filter: call.filter ? new CompiledExpr(call.filter) : null,
        orderKeys: call.orderBy.map((k) => new CompiledExpr(k.expr)),
        strict: call.fn.strict !== false,
        acc,
        buffered: (call.orderBy.length > 0 && call.fn.orderedSet !== true) || acc.remove === undefined,
        scratch: new Array<Value>(call.args.length).fill(null),
        key: NO_KEY,
        skip: false,
      };
    });
    this.own = this.slots.filter((s) => s.source === OWN);
    this.sized = this.own.some((s) => s.acc.bytes !== undefined && !s.buffered);
  }

  private newGroup(keys: Value[]): Group {
    return {
      keys,
      n: 0,
      states: this.slots.map((s) => (s.buffered || s.source !== OWN ? null : s.acc.init())),
      buffers: this.slots.map((s) => (s.buffered ? new Map() : null)),
      out: null,
      push: 0,
    };
  }

  private result(g: Group): Value[] | null {
    if (g.n <= 0 && !this.global) return null;
    const row = [...g.keys];
    this.slots.forEach((s, i) => {
      if (!s.buffered) {
        row.push(s.acc.result(s.source === OWN ? g.states[i] : s.source === ROWS ? g.n : g.states[s.source]));
        return;
      }
      const inputs = [...g.buffers[i]!.values()];
      if (s.orderKeys.length > 0) inputs.sort((x, y) => compareKeys(x.key, y.key, s.call.orderBy));
      let state = s.acc.init();
      for (const e of inputs) for (let k = 0; k < e.n; k++) state = s.acc.add(state, e.args);
      row.push(s.acc.result(state));
    });
    return row;
  }

  /** Folds `w` copies of one slot's input into the group (negative: retracts them). */
  private fold(g: Group, s: Slot, args: Value[], key: Value[], w: number): void {
    const i = s.index;
    if (s.buffered) {
      const buf = g.buffers[i]!;
      const k = tupleKey([...args, ...key], true);
      const e = buf.get(k);
      if (e) {
        e.n += w;
        if (e.n === 0) buf.delete(k);
      } else buf.set(k, { args: args.slice(), key, n: w });
      this.bufferedRows += w;
      return;
    }
    let state = g.states[i];
    if (w > 0) for (let k = w; k > 0; k--) state = s.acc.add(state, args);
    else for (let k = -w; k > 0; k--) state = s.acc.remove!(state, args);
    g.states[i] = state;
  }

  private evalKeys(row: Value[], ctx: ExecContext, into: Value[]): void {
    for (let j = 0; j < this.keys.length; j++) {
      const col = this.keyCols[j]!;
      into[j] = col >= 0 ? row[col]! : this.keys[j]!.evalRow(row, ctx);
    }
  }

  /** Bytes the growing accumulators of group `g` report. */
  private groupBytes(g: Group): number {
    let b = 0;
    for (const s of this.own) if (s.acc.bytes && !s.buffered) b += s.acc.bytes(g.states[s.index]);
    return b;
  }

  /** Pushes so far: a group's `push` tells whether this one touched it already. */
  private pushes = 0;

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const push = ++this.pushes;
    const ctx = round.ctx;
    const undo: PushUndo | null = round.undoable
      ? { delta, accBytes: this.accBytes, folded: 0, created: [], touched: [], outs: [], deleted: [] }
      : null;
    const touched: Group[] = undo ? undo.touched : [];
    // Registered first: a row failing part-way through still has the rows before it undone.
    if (undo) round.onUndo(() => this.undo(undo, ctx));
    const keyVals: Value[] = new Array<Value>(this.keys.length);
    for (let r = 0; r < delta.rows.length; r++) {
      const row = delta.rows[r]!;
      const w = delta.weights[r]!;
      this.evalKeys(row, ctx, keyVals);
      let g = this.groups.get(keyVals);
      if (!g) {
        g = this.newGroup(keyVals.slice());
        this.groups.set(g.keys, g);
        undo?.created.push(g);
      }
      if (g.push !== push) {
        g.push = push;
        touched.push(g);
        undo?.outs.push(g.out);
        // Sizes are counted per group a push touches: out before its first row, in after its result.
        if (this.sized) this.accBytes -= this.groupBytes(g);
      }
      this.foldRow(g, row, w, ctx);
      g.n += this.multiplicity === null ? w : w * Number(row[this.multiplicity]);
      if (undo) undo.folded = r + 1;
    }
    const out = emptyDelta();
    for (const g of touched) {
      // After the result: reading it may settle an accumulator's pending changes (batched ordered
      // multisets), which changes the size it reports.
      const next = this.result(g);
      if (this.sized) this.accBytes += this.groupBytes(g);
      const prev = g.out;
      if (prev && next && sameRow(prev, next)) continue;
      if (prev) addRow(out, prev, -1);
      if (next) addRow(out, next, 1);
      g.out = next;
      if (!next && g.n === 0) {
        this.groups.delete(g.keys);
        undo?.deleted.push(g);
      }
    }
    return out;
  }

  /**
   * Folds `w` copies of input row `row` into every aggregate of group `g`. Every argument is
   * evaluated before anything is folded, so a failing expression leaves the group as it was.
   */
  private foldRow(g: Group, row: Value[], w: number, ctx: ExecContext): void {
    const slots = this.own;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      s.skip = s.filter !== null && s.filter.evalRow(row, ctx) !== true;
      if (s.skip) continue;
      // Accumulators may keep only values, not the args array (withDistinct copies it), so one
      // scratch array per slot serves every row; buffered slots copy what they keep.
      for (let a = 0; a < s.args.length; a++) {
        const col = s.argCols[a]!;
        const v = col >= 0 ? row[col]! : s.args[a]!.evalRow(row, ctx);
        if (v === null && s.strict) s.skip = true;
        s.scratch[a] = v;
      }
      // Only a buffered slot keeps the ORDER BY key (an ordered-set aggregate sorts its argument).
      s.key = !s.buffered || s.orderKeys.length === 0 ? NO_KEY : s.orderKeys.map((k) => k.evalRow(row, ctx));
    }
    for (let i = 0; i < slots.length; i++)
      if (!slots[i]!.skip) this.fold(g, slots[i]!, slots[i]!.scratch, slots[i]!.key, w);
  }

  /** Puts back what a push changed (see PushUndo). */
  private undo(u: PushUndo, ctx: ExecContext): void {
    for (const g of u.deleted) this.groups.set(g.keys, g);
    for (let i = 0; i < u.touched.length; i++) u.touched[i]!.out = u.outs[i]!;
    const keyVals: Value[] = new Array<Value>(this.keys.length);
    for (let r = u.folded - 1; r >= 0; r--) {
      const row = u.delta.rows[r]!;
      const w = u.delta.weights[r]!;
      this.evalKeys(row, ctx, keyVals);
      const g = this.groups.get(keyVals)!;
      g.n -= this.multiplicity === null ? w : w * Number(row[this.multiplicity]);
      this.foldRow(g, row, -w, ctx);
    }
    for (const g of u.created) this.groups.delete(g.keys);
    this.accBytes = u.accBytes;
  }

  initial(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    if (!this.global) return out;
    const g = this.newGroup([]);
    this.groups.set([], g);
    g.out = this.result(g);
    round.onUndo(() => this.groups.delete([]));
    addRow(out, g.out!, 1);
    return out;
  }

  stateBytes(): number {
    return this.groups.size * (96 + 48 * this.slots.length) + this.bufferedRows * 64 + this.accBytes;
  }
}

/**
 * Groups by their key values, one Map level per GROUP BY column keyed by valueKey (SQL equality:
 * 1.0 = 1.00, NaN = NaN), so finding a row's group builds no key string.
 */
class GroupIndex<G> {
  private readonly root = new Map<unknown, unknown>();
  size = 0;

  constructor(private readonly arity: number) {}

  get(keys: readonly Value[]): G | undefined {
    if (this.arity === 1) return this.root.get(valueKey(keys[0]!)) as G | undefined;
    if (this.arity === 0) return this.root.get(NO_GROUP_KEY) as G | undefined;
    let m = this.root;
    for (let i = 0; i < this.arity - 1; i++) {
      const next = m.get(valueKey(keys[i]!)) as Map<unknown, unknown> | undefined;
      if (next === undefined) return undefined;
      m = next;
    }
    return m.get(valueKey(keys[this.arity - 1]!)) as G | undefined;
  }

  set(keys: readonly Value[], g: G): void {
    let m = this.root;
    for (let i = 0; i < this.arity - 1; i++) {
      const k = valueKey(keys[i]!);
      let next = m.get(k) as Map<unknown, unknown> | undefined;
      if (next === undefined) m.set(k, (next = new Map()));
      m = next;
    }
    const k = this.arity === 0 ? NO_GROUP_KEY : valueKey(keys[this.arity - 1]!);
    if (!m.has(k)) this.size++;
    m.set(k, g);
  }

  delete(keys: readonly Value[]): void {
    if (this.arity === 0) {
      if (this.root.delete(NO_GROUP_KEY)) this.size--;
      return;
    }
    const path: [Map<unknown, unknown>, unknown][] = [];
    let m = this.root;
    for (let i = 0; i < this.arity - 1; i++) {
      const k = valueKey(keys[i]!);
      const next = m.get(k) as Map<unknown, unknown> | undefined;
      if (next === undefined) return;
      path.push([m, k]);
      m = next;
    }
    if (!m.delete(valueKey(keys[this.arity - 1]!))) return;
    this.size--;
    // Drop the levels left empty.
    for (let i = path.length - 1; i >= 0 && m.size === 0; i--) {
      const [parent, k] = path[i]!;
      parent.delete(k);
      m = parent;
    }
  }
}

const NO_GROUP_KEY = '';
