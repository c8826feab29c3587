import type { AggCall } from '../../plan/logical.js';
import type { Expr } from '../../plan/expr.js';
import type { Accumulator, GroupedStates } from '../../sql/aggregates/aggregate.js';
import { withDistinct } from '../../sql/aggregates/distinct.js';
import { T } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import { BATCH_ROWS, vectorGet, vectorOf, type Batch, type Vector } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import { coderColumns, TupleCoder } from '../key-coder.js';
import type { NextResult, Operator } from './operator.js';
import { compareKeys } from './sort.js';

/** Per-aggregate state of one grouping set: a columnar kernel, or Accumulator states by group id. */
interface SetStates {
  readonly kernel: GroupedStates | null;
  readonly states: unknown[];
  /** Buffered (args, sort keys) per group for aggregates with ORDER BY, fed in order at the end. */
  readonly ordered: { args: Value[]; key: Value[] }[][] | null;
}

interface AggSlot {
  readonly call: AggCall;
  readonly args: CompiledExpr[];
  readonly filter: CompiledExpr | null;
  readonly orderKeys: CompiledExpr[];
  readonly strict: boolean;
  acc: Accumulator;
  perSet: SetStates[];
}

/** Bytes charged per new group and aggregate (typed slots, or a small state object). */
const GROUP_BYTES = 16;
const STATE_BYTES = 48;

/**
 * The GROUPING() bitmask of the rows of grouping set `set` (indexes of the `nkeys` GROUP BY keys it
 * groups by): the first key is the highest bit, a bit is set when the set does not group by the key.
 */
export function groupingMask(set: readonly number[], nkeys: number): number {
  let mask = 0;
  for (let j = 0; j < nkeys; j++) if (!set.includes(j)) mask |= 1 << (nkeys - 1 - j);
  return mask;
}

/**
 * Hash aggregation with GROUPING SETS (ROLLUP and CUBE expand to sets). Key tuples get dense group
 * ids per batch (typed hash tables, dictionary codes); aggregates with a columnar kernel update
 * typed arrays by group id, the rest fold Accumulator states. Output per group: the group-by values
 * (NULL where the set omits a key), the aggregate results, and with several sets the grouping
 * bitmask (bit set = key not grouped, as GROUPING() reports it).
 */
export class HashAggregateOperator implements Operator {
  private readonly keys: CompiledExpr[];
  private readonly slots: AggSlot[];
  private readonly sets: readonly (readonly number[])[];
  private readonly coders: TupleCoder[];
  /** Groups with allocated state, per set. */
  private readonly groups: number[];
  private ready = false;
  private gids = new Int32Array(0);
  private fgids = new Int32Array(0);
  private frows = new Int32Array(0);
  private done = false;
  /** Explicit grouping sets add the GROUPING() bitmask column. */
  private readonly withMask: boolean;
  /** Output position: grouping set and next group id. */
  private outSet = 0;
  private outGroup = 0;

  constructor(
    private readonly input: Operator,
    groupBy: readonly Expr[],
    sets: readonly (readonly number[])[] | null,
    aggs: readonly AggCall[],
  ) {
    this.keys = groupBy.map((e) => new CompiledExpr(e));
    this.sets = sets ?? [groupBy.map((_e, i) => i)];
    this.withMask = sets !== null && sets.length > 0;
    this.coders = this.sets.map((s) => new TupleCoder(s.length));
    this.groups = this.sets.map(() => 0);
    this.slots = aggs.map((call) => ({
      call,
      args: call.args.map((a) => new CompiledExpr(a)),
      filter: call.filter ? new CompiledExpr(call.filter) : null,
      orderKeys: call.orderBy.map((k) => new CompiledExpr(k.expr)),
      strict: call.fn.strict !== false,
      acc: null as unknown as Accumulator,
      perSet: [],
    }));
  }

  private init(ctx: ExecContext): void {
    if (this.ready) return;
    this.ready = true;
    for (const s of this.slots) {
      const direct = s.call.directArgs.map((d) => new CompiledExpr(d).evalRow([], ctx));
      const argTypes = s.call.args.map((a) => a.type);
      s.acc = s.call.fn.make(argTypes, direct);
      if (s.call.distinct) s.acc = withDistinct(s.acc);
      const plain = s.call.orderBy.length === 0 || s.call.fn.orderedSet === true;
      const buffered = s.call.orderBy.length > 0 && !s.call.fn.orderedSet;
      s.perSet = this.sets.map(() => ({
        kernel: plain ? (s.call.fn.grouped?.(argTypes, direct, s.call.distinct) ?? null) : null,
        states: [],
        ordered: buffered ? [] : null,
      }));
    }
  }

  /** Allocates state for groups up to `n` of set `set`. */
  private ensureGroups(set: number, n: number, ctx: ExecContext): void {
    const have = this.groups[set]!;
    if (n <= have) return;
    ctx.reserve((n - have) * (GROUP_BYTES * (this.sets[set]!.length + 1) + STATE_BYTES * this.slots.length));
    for (const s of this.slots) {
      const st = s.perSet[set]!;
      if (st.kernel) st.kernel.resize(n);
      else for (let g = have; g < n; g++) st.states.push(s.acc.init());
      if (st.ordered) for (let g = have; g < n; g++) st.ordered.push([]);
    }
    this.groups[set] = n;
  }

  protected consume(b: Batch, ctx: ExecContext): void {
    this.init(ctx);
    const n = b.count;
    if (this.gids.length < n) {
      this.gids = new Int32Array(Math.max(n, 2048));
      this.fgids = new Int32Array(this.gids.length);
      this.frows = new Int32Array(this.gids.length);
    }
    const keyVecs = this.keys.map((k) => k.evalBatch(b, ctx));
    const argVecs: Vector[][] = this.slots.map((s) => s.args.map((a) => a.evalBatch(b, ctx)));
    const filterVecs = this.slots.map((s) => (s.filter ? s.filter.evalBatch(b, ctx) : null));
    for (let set = 0; set < this.sets.length; set++) {
      const coder = this.coders[set]!;
      const gids = this.gids;
      coder.encode(
        this.sets[set]!.map((j) => keyVecs[j]!),
        b.sel,
        n,
        gids,
      );
      this.ensureGroups(set, coder.size, ctx);
      for (let a = 0; a < this.slots.length; a++) {
        const fv = filterVecs[a];
        if (fv) {
          const m = this.applyFilter(fv, b.sel, n);
          this.fold(a, set, b, this.fgids, this.frows, m, argVecs[a]!, ctx);
        } else {
          this.fold(a, set, b, gids, b.sel, n, argVecs[a]!, ctx);
        }
      }
    }
  }

  /** Compacts the rows whose FILTER is true into frows/fgids; returns how many. */
  private applyFilter(fv: Vector, sel: Int32Array | null, n: number): number {
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = sel === null ? k : sel[k]!;
      if (vectorGet(fv, i) === true) {
        this.frows[m] = i;
        this.fgids[m++] = this.gids[k]!;
      }
    }
    return m;
  }

  private fold(
    a: number,
    set: number,
    b: Batch,
    gids: Int32Array,
    rows: Int32Array | null,
    count: number,
    av: Vector[],
    ctx: ExecContext,
  ): void {
    const slot = this.slots[a]!;
    const st = slot.perSet[set]!;
    if (st.kernel) {
      st.kernel.update(gids, rows, count, av);
      return;
    }
    const orderVecs = st.ordered ? slot.orderKeys.map((k) => k.evalBatch(b, ctx)) : null;
    const states = st.states;
    for (let k = 0; k < count; k++) {
      const i = rows === null ? k : rows[k]!;
      const args = av.map((v) => vectorGet(v, i));
      if (slot.strict && args.some((x) => x === null)) continue;
      const g = gids[k]!;
      if (st.ordered) st.ordered[g]!.push({ args, key: orderVecs!.map((v) => vectorGet(v, i)) });
      else states[g] = slot.acc.add(states[g], args);
    }
  }

  next(ctx: ExecContext): NextResult {
    while (!this.done) {
      const b = this.input.next(ctx);
      if (b === YIELD) return YIELD;
      if (b === null) {
        this.done = true;
        this.init(ctx);
        break;
      }
      if (b.count > 0) this.consume(b, ctx);
      if (ctx.shouldYield()) return YIELD;
    }
    return this.emit(ctx);
  }

  /** The next batch of result rows, grouping set by grouping set. */
  private emit(ctx: ExecContext): Batch | null {
    for (; this.outSet < this.sets.length; this.outSet++, this.outGroup = 0) {
      const set = this.outSet;
      const coder = this.coders[set]!;
      // A set with no keys always yields one row, even over empty input.
      const ngroups = coder.size;
      this.ensureGroups(set, ngroups, ctx);
      if (this.outGroup >= ngroups) continue;
      const from = this.outGroup;
      const to = Math.min(ngroups, from + BATCH_ROWS);
      this.outGroup = to;
      return this.groupBatch(set, from, to);
    }
    return null;
  }

  private groupBatch(set: number, from: number, to: number): Batch {
    const keysOfSet = this.sets[set]!;
    const size = to - from;
    const cols: Vector[] = [];
    const keyCols = coderColumns(this.coders[set]!, from, to);
    for (let j = 0; j < this.keys.length; j++) {
      const p = keysOfSet.indexOf(j);
      const type = this.keys[j]!.expr.type;
      cols.push(vectorOf(type, p < 0 ? new Array<Value>(size).fill(null) : keyCols[p]!));
    }
    for (const slot of this.slots) {
      const vals: Value[] = new Array(size);
      for (let g = from; g < to; g++) vals[g - from] = this.result(slot, set, g);
      cols.push(vectorOf(slot.call.type, vals));
    }
    if (this.withMask) {
      const mask = groupingMask(keysOfSet, this.keys.length);
      cols.push(vectorOf(T.int4, new Array<Value>(size).fill(mask)));
    }
    return { size, count: size, sel: null, cols };
  }

  private result(slot: AggSlot, set: number, g: number): Value {
    const st = slot.perSet[set]!;
    if (st.kernel) return st.kernel.result(g);
    let state = st.states[g];
    if (st.ordered) {
      const rows = st.ordered[g]!;
      const sk = slot.call.orderBy;
      rows.sort((x, y) => compareKeys(x.key, y.key, sk));
      for (const r of rows) state = slot.acc.add(state, r.args);
    }
    return slot.acc.result(state);
  }
}
