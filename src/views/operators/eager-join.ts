import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import { columnOf, type Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import { tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, sameRow, type Delta } from '../delta.js';
import type { LinearSlot } from '../eager-aggregate.js';
import type { MaintenanceRound } from '../round.js';
import { KeyMap } from '../key-map.js';
import { PartialStates } from '../partial-states.js';
import { PairSum, step } from '../exact-float-sum.js';
import type { DeltaOperator } from './operator.js';

/**
 * One partial group: its key values, the join key its facts have, and that key's dimension rows.
 * Its number of facts and slot states live in the operator's PartialStates under `id`.
 */
interface Partial {
  readonly keys: Value[];
  readonly jk: unknown;
  readonly id: number;
  /** The dimension rows of `jk` (the array this.dims holds), null while there are none. */
  dims: Value[][] | null;
}

/**
 * What a batch of facts changed, to undo it: the facts folded so far (folded again negated; an
 * emptied partial's cleared states then come back to what they were, up to the pair sums' 106
 * bits) and the partials it made.
 */
interface FactUndo {
  readonly delta: Delta;
  folded: number;
  readonly created: Partial[];
}

type UndoEntry = FactUndo | { readonly jk: unknown; readonly row: Value[]; readonly w: number };

const NULL_KEY = Symbol('null key');
/** A partial whose facts are not combined straight into one upper group (see directUpper). */
const NOT_DIRECT = -2;

function concat(l: readonly Value[], r: readonly Value[]): Value[] {
  const row = new Array<Value>(l.length + r.length);
  for (let i = 0; i < l.length; i++) row[i] = l[i]!;
  for (let i = 0; i < r.length; i++) row[l.length + i] = r[i]!;
  return row;
}

/** What the fused join needs to know (see eager-aggregate.ts). */
export interface EagerJoinSpec {
  readonly joinType: JoinType;
  /** Which input holds the facts (0 left, 1 right); the other is the dimension. */
  readonly side: 0 | 1;
  /** Join keys over the fact row and over the dimension row. */
  readonly factKeys: readonly Expr[];
  readonly dimKeys: readonly Expr[];
  /** What the partial groups are keyed by, over the fact row. */
  readonly keys: readonly Expr[];
  readonly slots: readonly LinearSlot[];
  readonly dimWidth: number;
  /** Residual condition over the joined output row. */
  readonly condition: Expr | null;
  /**
   * The aggregate above (its group keys, and the filters between, over the joined row): when
   * given and every slot is a count or a float sum, a batch's changes are combined per upper group
   * before they are passed on (see pushFacts).
   */
  readonly upper?: { readonly groupBy: readonly Expr[]; readonly filters: readonly Expr[] };
}

/**
 * Eager aggregation fused with its join, for linear aggregates (count, sum, avg) over the fact
 * side: the facts are kept only as partial states per partial group (its key columns), not as rows.
 * A fact change passes on as one contribution row — the partial group's keys, each slot's share of
 * the row (1 or 0 for a count, the value for a sum) and a multiplicity of 1 — joined with the
 * dimension rows of its key; the upper aggregate adds contributions, so it never needs the old
 * partial retracted. A dimension change joins the partial rows of its key (keys, partial values,
 * multiplicity n): moving a product to another category moves one row per partial group, not its
 * facts. Only inner joins and outer joins preserving the fact side are fused (the facts are never
 * null-extended).
 */
export class DeltaEagerJoin implements DeltaOperator {
  private readonly factKeys: CompiledExpr[];
  private readonly keys: CompiledExpr[];
  private readonly dimKeys: CompiledExpr[];
  private readonly slotArgs: (CompiledExpr | null)[];
  /** Per partial key and slot argument, the fact column it is when a plain column reference, else -1. */
  private readonly keyCols: number[];
  private readonly argCols: number[];
  private readonly slotFilters: (CompiledExpr | null)[];
  private readonly condition: CompiledExpr | null;
  /** Partial ids by key (a fact finds its states without reading the partial's object), partials by id. */
  private readonly ids = new KeyMap<number>();
  private readonly byId: (Partial | undefined)[] = [];
  private readonly states: PartialStates;
  private readonly byJoinKey = new Map<unknown, Set<Partial>>();
  private readonly dims = new Map<unknown, Value[][]>();
  private dimRows = 0;
  /** Whether facts without a dimension row appear null-extended (LEFT/RIGHT join keeping them). */
  private readonly keepsFacts: boolean;
  /**
   * Partials a batch left without facts. They stay (emptied) until the next round starts, when no
   * undo can need them any more, and are dropped then unless facts came back (see pushFacts).
   */
  private emptied: Partial[] = [];
  private lastRound: MaintenanceRound | null = null;
  /** The upper aggregate's group keys and the filters between (null: changes not combined). */
  private readonly upperKeys: CompiledExpr[] | null;
  private readonly upperFilters: CompiledExpr[];
  /**
   * Per partial id, the number of its one joined row's upper group (upperNumbers), -1 when that
   * row fails the filters, NOT_DIRECT when it has several joined rows or none, undefined until
   * known; kept like the templates, which it is computed from.
   */
  private uppers: (number | undefined)[] = [];
  private readonly upperNumbers = new KeyMap<number>();
  /** Per upper group number, its combined change row in the batch `combinedIn` says. */
  private combined: Value[][] = [];
  private combinedIn = new Int32Array(0);

  constructor(private readonly spec: EagerJoinSpec) {
    this.factKeys = spec.factKeys.map((e) => new CompiledExpr(e));
    this.keys = spec.keys.map((e) => new CompiledExpr(e));
    this.dimKeys = spec.dimKeys.map((e) => new CompiledExpr(e));
    this.slotArgs = spec.slots.map((s) => (s.arg ? new CompiledExpr(s.arg) : null));
    this.keyCols = spec.keys.map(columnOf);
    this.argCols = spec.slots.map((s) => (s.arg ? columnOf(s.arg) : -1));
    this.slotFilters = spec.slots.map((s) => (s.filter ? new CompiledExpr(s.filter) : null));
    this.condition = spec.condition ? new CompiledExpr(spec.condition) : null;
    this.keepsFacts = spec.joinType !== 'inner';
    this.states = new PartialStates(spec.slots);
    const combines = spec.upper !== undefined && this.states.numeric;
    this.upperKeys = combines ? spec.upper!.groupBy.map((e) => new CompiledExpr(e)) : null;
    this.upperFilters = combines ? spec.upper!.filters.map((e) => new CompiledExpr(e)) : [];
  }

  private joinKey(keys: CompiledExpr[], row: Value[], round: MaintenanceRound): unknown {
    if (keys.length === 1) {
      const v = keys[0]!.evalRow(row, round.ctx);
      return v === null ? NULL_KEY : valueKey(v);
    }
    const vals = keys.map((k) => k.evalRow(row, round.ctx));
    return vals.some((v) => v === null) ? NULL_KEY : tupleKey(vals);
  }

  private emitJoined(out: Delta, fact: Value[], dim: Value[], w: number, round: MaintenanceRound): void {
    const row = this.spec.side === 0 ? concat(fact, dim) : concat(dim, fact);
    if (this.passes(row, round)) addRow(out, row, w);
  }

  /** Whether a joined row meets the join's residual condition. */
  private passes(row: Value[], round: MaintenanceRound): boolean {
    return !this.condition || this.condition.evalRow(row, round.ctx) === true;
  }

  private nullExtended(fact: Value[]): Value[] {
    const nulls = new Array<Value>(this.spec.dimWidth).fill(null);
    return this.spec.side === 0 ? [...fact, ...nulls] : [...nulls, ...fact];
  }

  /** A partial as a row: its keys, each slot's result and its number of facts. */
  private partialRow(p: Partial): Value[] {
    const row = p.keys.slice();
    this.spec.slots.forEach((s, i) => row.push(s.acc.result(this.states.value(p.id, i))));
    row.push(this.states.facts(p.id));
    return row;
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    if (round !== this.lastRound) {
      // A new round: the last one is committed or undone, so emptied partials can go.
      this.lastRound = round;
      this.dropEmptied();
    }
    const log: UndoEntry[] | null = round.undoable ? [] : null;
    // Registered first: a row failing part-way through still has the rows before it undone.
    if (log) round.onUndo(() => this.undo(log, round.ctx));
    return port === this.spec.side ? this.pushFacts(delta, round, log) : this.pushDims(delta, round, log);
  }

  private dropEmptied(): void {
    for (const p of this.emptied) if (this.byId[p.id] === p && this.states.facts(p.id) === 0) this.remove(p);
    this.emptied = [];
  }

  /** A new partial for the fact `row` with key values `keys`. */
  private create(keys: Value[], row: Value[], round: MaintenanceRound): Partial {
    const p: Partial = {
      keys,
      jk: this.joinKey(this.factKeys, row, round),
      id: this.states.allocate(),
      dims: null,
    };
    this.byId[p.id] = p;
    this.ids.set(this.partialKey(keys), p.id);
    this.link(p);
    return p;
  }

  private remove(p: Partial): void {
    this.ids.delete(this.partialKey(p.keys));
    this.unlink(p);
    this.byId[p.id] = undefined;
    this.forget(p.id);
    this.states.release(p.id);
  }

  private batches = 0;
  /** The batch each partial id was last touched by (see pushFacts). */
  private stamps = new Int32Array(0);

  /**
   * Folds a batch of fact changes into their partial groups, then passes on one contribution row
   * per partial group the batch changed — its keys, each slot's change in the batch (a count, or the
   * batch's own sum state: PairSum for floats, MixedSum for integers and numerics, which the
   * combining accumulators add exactly, display scales included) and the change in its number of
   * facts — so a batch touching a product a thousand times joins and combines once, and an UPDATE's
   * retraction and insertion of the same group meet here instead of upstream. The states are
   * columns of numbers by partial id (PartialStates): a fact reads a partial's id and folds into
   * arrays; the partial's object is read once per batch, to join its change.
   *
   * With the upper aggregate known (spec.upper, counts and float sums only), the changes go one
   * step further: the partials' joined rows that pass the filters between are combined per upper
   * group (its key values, computed once per partial and dimension row), so a batch touching 1,000
   * products of 20 categories passes on 20 rows, not 1,000. A combined row is the first partial's
   * joined row with the summed changes; the aggregate above reads only its group keys and the
   * changes, and the filters give it the same verdict as each partial's row. A partial with one
   * dimension row (the usual case) keeps no change of its own then: its facts are folded into its
   * state and straight into its upper group's combined row.
   */
  private pushFacts(delta: Delta, round: MaintenanceRound, log: UndoEntry[] | null): Delta {
    const nk = this.keys.length;
    const ctx = round.ctx;
    const states = this.states;
    const batch = ++this.batches;
    const touched: number[] = [];
    const order: number[] = [];
    const undo: FactUndo | null = log ? { delta, folded: 0, created: [] } : null;
    if (undo) log!.push(undo);
    const keyVals = this.keyScratch;
    const vals = this.valScratch;
    for (let r = 0; r < delta.rows.length; r++) {
      const row = delta.rows[r]!;
      const w = delta.weights[r]!;
      // Every expression before any state changes: a failing one leaves the partials as they were.
      const key = this.evalFact(row, ctx, keyVals, vals);
      let id = this.ids.get(key);
      if (id === undefined) {
        const p = this.create(keyVals.slice(0, nk), row, round);
        undo?.created.push(p);
        id = p.id;
      }
      if (id >= this.stamps.length) {
        const s = new Int32Array(Math.max(64, this.stamps.length * 2, id + 1));
        s.set(this.stamps);
        this.stamps = s;
      }
      // Combining with one dimension row: the fact goes straight into its upper group's change.
      const u = this.upperKeys ? this.directUpper(id, round) : NOT_DIRECT;
      if (this.stamps[id] !== batch) {
        this.stamps[id] = batch;
        if (u === NOT_DIRECT) states.startBatch(id);
        touched.push(id);
      }
      if (u === NOT_DIRECT) states.fold(id, vals, w);
      else {
        states.fold(id, vals, w, false);
        if (u >= 0) this.addFact(this.combinedRow(u, this.templates[id]!, batch, order), vals, w);
      }
      if (undo) undo.folded = r + 1;
    }
    const out = emptyDelta();
    for (const id of touched) {
      if ((!this.upperKeys || this.uppers[id] === NOT_DIRECT) && states.changed(id)) {
        if (this.upperKeys) this.combineChange(id, round, batch, order);
        else this.emitChange(out, id, round);
      }
      if (states.facts(id) === 0) {
        // Emptied: cleared, so facts coming back start from nothing, as a new partial would.
        states.clear(id);
        this.emptied.push(this.byId[id]!);
      }
    }
    for (const u of order) {
      const row = this.combined[u]!;
      if (!this.isZeroChange(row)) addRow(out, row, 1);
    }
    return out;
  }

  /** Drops what was derived from a partial's dimension rows (they changed, or it is gone). */
  private forget(id: number): void {
    this.templates[id] = undefined;
    this.uppers[id] = undefined;
  }

  /**
   * The upper group a partial's facts go straight into: its one joined row's (-1 when that row
   * fails the condition or the filters), or NOT_DIRECT when it has several dimension rows or none.
   */
  private directUpper(id: number, round: MaintenanceRound): number {
    let u = this.uppers[id];
    if (u !== undefined) return u;
    let t = this.templates[id];
    if (t === undefined) {
      const p = this.byId[id]!;
      t = this.templates[id] = p.dims?.length === 1 ? this.changeRow(p, p.dims[0]!) : null;
    }
    u = t === null ? NOT_DIRECT : this.upperNumber(t, round);
    this.uppers[id] = u;
    return u;
  }

  /** Adds a partial's change in the batch to the combined rows of its joined rows' upper groups. */
  private combineChange(id: number, round: MaintenanceRound, batch: number, order: number[]): void {
    // Several dimension rows, or none (null-extended): each joined row on its own.
    const p = this.byId[id]!;
    const rows = p.dims
      ? p.dims.map((d) => this.changeRow(p, d))
      : this.keepsFacts
        ? [this.changeRow(p, null)]
        : [];
    for (const row of rows) {
      const u = this.upperNumber(row, round);
      if (u >= 0) this.addToCombined(u, row, id, batch, order);
    }
  }

  /** The number of a joined row's upper group, -1 when it fails the condition or the filters. */
  private upperNumber(row: Value[], round: MaintenanceRound): number {
    if (!this.passes(row, round)) return -1;
    for (const f of this.upperFilters) if (f.evalRow(row, round.ctx) !== true) return -1;
    const vals = this.upperKeys!.map((k) => k.evalRow(row, round.ctx));
    const key = vals.length === 1 ? valueKey(vals[0]!) : tupleKey(vals);
    let u = this.upperNumbers.get(key);
    if (u === undefined) this.upperNumbers.set(key, (u = this.upperNumbers.size));
    return u;
  }

  /** Adds partial `id`'s change to upper group `u`'s combined row (started from `row` in a new batch). */
  private addToCombined(u: number, row: Value[], id: number, batch: number, order: number[]): void {
    const c = this.combinedRow(u, row, batch, order);
    const ns = this.spec.slots.length;
    const f = this.slotsAt;
    for (let i = 0; i < ns; i++) c[f + i] = this.states.addChange(id, i, c[f + i]!);
    c[f + ns] = (c[f + ns] as number) + this.states.factsChange(id);
  }

  /** Adds one fact's slot shares (`vals`), `w` copies, to a combined row. */
  private addFact(c: Value[], vals: readonly Value[], w: number): void {
    const slots = this.spec.slots;
    const f = this.slotsAt;
    for (let i = 0; i < slots.length; i++) {
      const v = vals[i]!;
      if (v === null) continue;
      if (slots[i]!.repr === 'count') c[f + i] = (c[f + i] as number) + w * (v as number);
      else {
        const p = c[f + i] as unknown as PairSum;
        const sign = w > 0 ? 1 : -1;
        for (let k = Math.abs(w); k > 0; k--) step(p, v as number, sign);
      }
    }
    c[f + slots.length] = (c[f + slots.length] as number) + w;
  }

  /** Where a change row's slot columns start (after the partial keys, and the dimension's columns). */
  private get slotsAt(): number {
    return (this.spec.side === 0 ? 0 : this.spec.dimWidth) + this.keys.length;
  }

  /** Upper group `u`'s combined row in this batch, started from joined row `row` if it is the first. */
  private combinedRow(u: number, row: Value[], batch: number, order: number[]): Value[] {
    const ns = this.spec.slots.length;
    const f = this.slotsAt;
    if (u >= this.combinedIn.length) {
      const s = new Int32Array(Math.max(16, this.combinedIn.length * 2, u + 1));
      s.set(this.combinedIn);
      this.combinedIn = s;
    }
    let c = this.combined[u];
    if (this.combinedIn[u] !== batch) {
      this.combinedIn[u] = batch;
      order.push(u);
      c = this.combined[u] = row.slice();
      for (let i = 0; i < ns; i++)
        c[f + i] = this.spec.slots[i]!.repr === 'count' ? 0 : (new PairSum() as unknown as Value);
      c[f + ns] = 0;
    }
    return c!;
  }

  /** Whether a combined row changes nothing: no facts, counts or sums moved. */
  private isZeroChange(row: Value[]): boolean {
    const ns = this.spec.slots.length;
    const f = this.slotsAt;
    if (row[f + ns] !== 0) return false;
    for (let i = 0; i < ns; i++) {
      const v = row[f + i]!;
      if (typeof v === 'number') {
        if (v !== 0) return false;
        continue;
      }
      const p = v as unknown as PairSum;
      if (p.n !== 0 || p.hi !== 0 || p.lo !== 0 || p.nan !== 0 || p.pinf !== 0 || p.ninf !== 0) return false;
    }
    return true;
  }

  /**
   * Per partial id, its change row with the keys and its one dimension row filled in (undefined:
   * not made yet; null: it has no or several dimension rows). Joining a change then copies one
   * array instead of reading the partial, its dimension rows and the row.
   */
  private templates: (Value[] | null | undefined)[] = [];

  /** Passes on a partial's change in this batch: its keys, slot changes and change in facts, joined. */
  private emitChange(out: Delta, id: number, round: MaintenanceRound): void {
    let t = this.templates[id];
    if (t === undefined) {
      const p = this.byId[id]!;
      t = this.templates[id] = p.dims?.length === 1 ? this.changeRow(p, p.dims[0]!) : null;
    }
    if (t !== null) {
      const row = this.withChange(t.slice(), id);
      if (this.passes(row, round)) addRow(out, row, 1);
      return;
    }
    const p = this.byId[id]!;
    const dims = p.dims;
    if (dims) {
      for (let i = 0; i < dims.length; i++) {
        const row = this.withChange(this.changeRow(p, dims[i]!), id);
        if (this.passes(row, round)) addRow(out, row, 1);
      }
    } else if (this.keepsFacts) addRow(out, this.withChange(this.changeRow(p, null), id), 1);
  }

  /** A partial's keys joined with a dimension row (null: NULLs), its slot columns left empty. */
  private changeRow(p: Partial, dim: Value[] | null): Value[] {
    const nk = this.keys.length;
    const ns = this.spec.slots.length;
    const dw = this.spec.dimWidth;
    const row = new Array<Value>(nk + ns + 1 + dw).fill(null);
    // The fact columns start after the dimension's when the facts are the right input.
    const f = this.spec.side === 0 ? 0 : dw;
    const d = this.spec.side === 0 ? nk + ns + 1 : 0;
    for (let i = 0; i < nk; i++) row[f + i] = p.keys[i]!;
    if (dim !== null) for (let i = 0; i < dw; i++) row[d + i] = dim[i]!;
    return row;
  }

  /** Fills in a joined change row's slot changes and change in facts from the partial's batch. */
  private withChange(row: Value[], id: number): Value[] {
    const ns = this.spec.slots.length;
    const f = this.slotsAt;
    for (let i = 0; i < ns; i++) row[f + i] = this.states.change(id, i);
    row[f + ns] = this.states.factsChange(id);
    return row;
  }

  private readonly keyScratch: Value[] = [];
  private readonly valScratch: Value[] = [];

  /** A fact row's partial key values and slot shares (into the scratch arrays); returns its map key. */
  private evalFact(row: Value[], ctx: ExecContext, keyVals: Value[], vals: Value[]): unknown {
    const keys = this.keys;
    const slots = this.spec.slots;
    const keyCols = this.keyCols;
    for (let i = 0; i < keys.length; i++) {
      const col = keyCols[i]!;
      keyVals[i] = col >= 0 ? row[col]! : keys[i]!.evalRow(row, ctx);
    }
    for (let i = 0; i < slots.length; i++) {
      const f = this.slotFilters[i]!;
      const pass = f === null || f.evalRow(row, ctx) === true;
      const arg = this.slotArgs[i]!;
      const col = this.argCols[i]!;
      const v = arg === null || !pass ? null : col >= 0 ? row[col]! : arg.evalRow(row, ctx);
      vals[i] = slots[i]!.kind === 'count' ? (pass && (arg === null || v !== null) ? 1 : 0) : v;
    }
    return this.partialKey(keyVals);
  }

  /** The map key of a partial from its key values (the first nk of `values`). */
  private partialKey(values: readonly Value[]): unknown {
    const nk = this.keys.length;
    if (nk === 1) return valueKey(values[0]!);
    return tupleKey(values.length === nk ? values : values.slice(0, nk));
  }

  private pushDims(delta: Delta, round: MaintenanceRound, log: UndoEntry[] | null): Delta {
    const out = emptyDelta();
    const rowsOf = new Map<Partial, Value[]>();
    const partialRow = (p: Partial): Value[] => {
      let row = rowsOf.get(p);
      if (!row) rowsOf.set(p, (row = this.partialRow(p)));
      return row;
    };
    for (let r = 0; r < delta.rows.length; r++) {
      const d = delta.rows[r]!;
      const w = delta.weights[r]!;
      const jk = this.joinKey(this.dimKeys, d, round);
      // A dimension row with a NULL key matches nothing and is not kept.
      if (jk === NULL_KEY) continue;
      const ps = this.byJoinKey.get(jk);
      const before = this.dims.get(jk)?.length ?? 0;
      if (ps) {
        for (const p of ps)
          if (this.states.facts(p.id) !== 0) this.emitJoined(out, partialRow(p), d, w, round);
        if (this.keepsFacts) {
          // The key's facts lose (first dimension row) or regain (last one gone) their null-extended rows.
          const after = before + w;
          const sign = before === 0 && after > 0 ? -1 : before > 0 && after === 0 ? 1 : 0;
          if (sign !== 0)
            for (const p of ps)
              if (this.states.facts(p.id) !== 0) addRow(out, this.nullExtended(partialRow(p)), sign);
        }
      }
      this.changeDim(jk, d, w);
      log?.push({ jk, row: d, w });
    }
    return out;
  }

  /** Indexes a partial by its join key, and points it at that key's dimension rows. */
  private link(p: Partial): void {
    this.forget(p.id);
    if (p.jk === NULL_KEY) return;
    let set = this.byJoinKey.get(p.jk);
    if (!set) this.byJoinKey.set(p.jk, (set = new Set()));
    set.add(p);
    // Also when put back by an undo: the key's rows may be another array by now.
    p.dims = this.dims.get(p.jk) ?? null;
  }

  private unlink(p: Partial): void {
    const set = this.byJoinKey.get(p.jk);
    if (!set) return;
    set.delete(p);
    if (set.size === 0) this.byJoinKey.delete(p.jk);
  }

  private changeDim(jk: unknown, row: Value[], w: number): void {
    let rows = this.dims.get(jk);
    if (!rows) {
      this.dims.set(jk, (rows = []));
      this.pointDims(jk, rows);
    }
    for (let n = w; n > 0; n--) rows.push(row);
    for (let n = -w; n > 0; n--) {
      const i = rows.findIndex((x) => sameRow(x, row));
      if (i < 0) break;
      rows[i] = rows[rows.length - 1]!;
      rows.pop();
    }
    this.dimRows += w;
    if (rows.length === 0) {
      this.dims.delete(jk);
      this.pointDims(jk, null);
    } else for (const p of this.byJoinKey.get(jk) ?? []) this.forget(p.id);
  }

  /** Gives the partials of join key `jk` its dimension rows (the array, or null when it has none). */
  private pointDims(jk: unknown, rows: Value[][] | null): void {
    for (const p of this.byJoinKey.get(jk) ?? []) {
      p.dims = rows;
      this.forget(p.id);
    }
  }

  private undo(log: UndoEntry[], ctx: ExecContext): void {
    for (let j = log.length - 1; j >= 0; j--) {
      const e = log[j]!;
      if (!('delta' in e)) {
        this.changeDim(e.jk, e.row, -e.w);
        continue;
      }
      // The facts folded so far retracted newest first (their expressions succeeded before), then
      // the partials they made dropped.
      const keyVals = this.keyScratch;
      const vals = this.valScratch;
      for (let r = e.folded - 1; r >= 0; r--) {
        const id = this.ids.get(this.evalFact(e.delta.rows[r]!, ctx, keyVals, vals))!;
        this.states.fold(id, vals, -e.delta.weights[r]!, false);
      }
      for (let i = e.created.length - 1; i >= 0; i--) this.remove(e.created[i]!);
    }
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.states.size * (96 + 32 * this.spec.slots.length) + this.dimRows * 64 + this.dims.size * 48;
  }
}
