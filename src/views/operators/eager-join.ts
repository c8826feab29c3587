import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import { tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, sameRow, type Delta } from '../delta.js';
import type { LinearSlot } from '../eager-aggregate.js';
import type { MaintenanceRound } from '../round.js';
import { KeyMap } from '../key-map.js';
import type { DeltaOperator } from './operator.js';

/**
 * The facts of one partial group: its key values and the slots' partial states (in one array, as
 * touching a partial is mostly waiting for memory), how many facts, and its dimension rows.
 */
interface Partial {
  /** The key values, then each slot's partial state. */
  readonly cells: unknown[];
  /** The join key the group's facts have. */
  readonly jk: unknown;
  n: number;
  /** The dimension rows of `jk` (the array this.dims holds), null while there are none. */
  dims: Value[][] | null;
  /**
   * The batch of facts that last changed it, its change in facts in that batch, and where that
   * batch keeps its slots' changes (in `changes`, see pushFacts).
   */
  batch: number;
  dn: number;
  at: number;
}

/** What a batch of facts changed, to undo it: the facts folded so far and the groups made or dropped. */
interface FactUndo {
  readonly delta: Delta;
  folded: number;
  readonly created: Partial[];
  readonly deleted: Partial[];
}

type UndoEntry = FactUndo | { readonly jk: unknown; readonly row: Value[]; readonly w: number };

const NULL_KEY = Symbol('null key');

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
  private readonly slotFilters: (CompiledExpr | null)[];
  private readonly condition: CompiledExpr | null;
  private readonly partials = new KeyMap<Partial>();
  private readonly byJoinKey = new Map<unknown, Set<Partial>>();
  private readonly dims = new Map<unknown, Value[][]>();
  private dimRows = 0;
  /** Whether facts without a dimension row appear null-extended (LEFT/RIGHT join keeping them). */
  private readonly keepsFacts: boolean;

  constructor(private readonly spec: EagerJoinSpec) {
    this.factKeys = spec.factKeys.map((e) => new CompiledExpr(e));
    this.keys = spec.keys.map((e) => new CompiledExpr(e));
    this.dimKeys = spec.dimKeys.map((e) => new CompiledExpr(e));
    this.slotArgs = spec.slots.map((s) => (s.arg ? new CompiledExpr(s.arg) : null));
    this.slotFilters = spec.slots.map((s) => (s.filter ? new CompiledExpr(s.filter) : null));
    this.condition = spec.condition ? new CompiledExpr(spec.condition) : null;
    this.keepsFacts = spec.joinType !== 'inner';
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
    if (!this.condition || this.condition.evalRow(row, round.ctx) === true) addRow(out, row, w);
  }

  private nullExtended(fact: Value[]): Value[] {
    const nulls = new Array<Value>(this.spec.dimWidth).fill(null);
    return this.spec.side === 0 ? [...fact, ...nulls] : [...nulls, ...fact];
  }

  private partialRow(p: Partial): Value[] {
    const nk = this.keys.length;
    const row = p.cells.slice(0, nk) as Value[];
    this.spec.slots.forEach((s, i) => row.push(s.acc.result(p.cells[nk + i])));
    row.push(p.n);
    return row;
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const log: UndoEntry[] | null = round.undoable ? [] : null;
    // Registered first: a row failing part-way through still has the rows before it undone.
    if (log) round.onUndo(() => this.undo(log, round.ctx));
    return port === this.spec.side ? this.pushFacts(delta, round, log) : this.pushDims(delta, round, log);
  }

  private batches = 0;

  /**
   * Folds a batch of fact changes into their partial groups, then passes on one contribution row
   * per partial group the batch changed — its keys, each slot's change in the batch (a count, or the
   * batch's own sum state: PairSum for floats, MixedSum for integers and numerics, which the
   * combining accumulators add exactly, display scales included) and the change in its number of
   * facts — so a batch touching a product a thousand times joins and combines once, and an UPDATE's
   * retraction and insertion of the same group meet here instead of upstream.
   */
  private pushFacts(delta: Delta, round: MaintenanceRound, log: UndoEntry[] | null): Delta {
    const { slots } = this.spec;
    const keys = this.keys;
    const ctx = round.ctx;
    const nk = keys.length;
    const ns = slots.length;
    const batch = ++this.batches;
    const touched: Partial[] = [];
    const changes: unknown[] = [];
    const undo: FactUndo | null = log ? { delta, folded: 0, created: [], deleted: [] } : null;
    if (undo) log!.push(undo);
    const keyVals = this.keyScratch;
    const vals = this.valScratch;
    for (let r = 0; r < delta.rows.length; r++) {
      const row = delta.rows[r]!;
      const w = delta.weights[r]!;
      // Every expression before any state changes: a failing one leaves the partials as they were.
      const key = this.evalFact(row, ctx, keyVals, vals);
      let p = this.partials.get(key);
      if (!p) {
        const cells = new Array<unknown>(nk + ns);
        for (let i = 0; i < nk; i++) cells[i] = keyVals[i];
        for (let i = 0; i < ns; i++) cells[nk + i] = slots[i]!.acc.init();
        const jk = this.joinKey(this.factKeys, row, round);
        p = { cells, jk, n: 0, dims: null, batch: 0, dn: 0, at: 0 };
        this.partials.set(key, p);
        this.link(p);
        undo?.created.push(p);
      }
      if (p.batch !== batch) {
        p.batch = batch;
        p.dn = 0;
        // The batch's slot changes sit together in one array of its own, ns per partial.
        p.at = changes.length;
        for (let i = 0; i < ns; i++) changes.push(slots[i]!.kind === 'count' ? 0 : null);
        touched.push(p);
      }
      this.fold(p, vals, w);
      p.n += w;
      this.foldChange(changes, p, vals, w);
      p.dn += w;
      if (undo) undo.folded = r + 1;
    }
    const out = emptyDelta();
    for (const p of touched) {
      if (p.n === 0) {
        this.partials.delete(this.partialKey(p.cells));
        this.unlink(p);
        undo?.deleted.push(p);
      }
      if (this.changed(changes, p)) this.emitChange(out, changes, p, round);
    }
    return out;
  }

  /** Passes on a partial's change in this batch: its keys, slot changes and dn, joined. */
  private emitChange(out: Delta, changes: readonly unknown[], p: Partial, round: MaintenanceRound): void {
    const dims = p.dims;
    if (dims) {
      for (let i = 0; i < dims.length; i++) {
        const row = this.changeRow(changes, p, dims[i]!);
        if (!this.condition || this.condition.evalRow(row, round.ctx) === true) addRow(out, row, 1);
      }
    } else if (this.keepsFacts) addRow(out, this.changeRow(changes, p, null), 1);
  }

  /** The joined row of a partial's change and a dimension row (null: NULLs). */
  private changeRow(changes: readonly unknown[], p: Partial, dim: Value[] | null): Value[] {
    const nk = this.keys.length;
    const ns = this.spec.slots.length;
    const dw = this.spec.dimWidth;
    const row = new Array<Value>(nk + ns + 1 + dw);
    // The fact columns start after the dimension's when the facts are the right input.
    const f = this.spec.side === 0 ? 0 : dw;
    const d = this.spec.side === 0 ? nk + ns + 1 : 0;
    for (let i = 0; i < nk; i++) row[f + i] = p.cells[i] as Value;
    for (let i = 0; i < ns; i++) row[f + nk + i] = changes[p.at + i] as Value;
    row[f + nk + ns] = p.dn;
    for (let i = 0; i < dw; i++) row[d + i] = dim === null ? null : dim[i]!;
    return row;
  }

  private readonly keyScratch: Value[] = [];
  private readonly valScratch: Value[] = [];

  /** A fact row's partial key values and slot shares (into the scratch arrays); returns its map key. */
  private evalFact(row: Value[], ctx: ExecContext, keyVals: Value[], vals: Value[]): unknown {
    const keys = this.keys;
    const slots = this.spec.slots;
    for (let i = 0; i < keys.length; i++) keyVals[i] = keys[i]!.evalRow(row, ctx);
    for (let i = 0; i < slots.length; i++) {
      const f = this.slotFilters[i]!;
      const pass = f === null || f.evalRow(row, ctx) === true;
      const arg = this.slotArgs[i]!;
      const v = arg === null || !pass ? null : arg.evalRow(row, ctx);
      vals[i] = slots[i]!.kind === 'count' ? (pass && (arg === null || v !== null) ? 1 : 0) : v;
    }
    return this.partialKey(keyVals);
  }

  /** The map key of a partial from its key values (the first entries of `values`: keys or cells). */
  private partialKey(values: readonly unknown[]): unknown {
    const nk = this.keys.length;
    if (nk === 1) return valueKey(values[0] as Value);
    return tupleKey((values.length === nk ? values : values.slice(0, nk)) as Value[]);
  }

  /** Folds one fact's shares (w copies) into the partial's change in the current batch. */
  private foldChange(changes: unknown[], p: Partial, vals: Value[], w: number): void {
    const slots = this.spec.slots;
    const args = this.scratch;
    for (let i = 0; i < slots.length; i++) {
      const v = vals[i]!;
      if (v === null) continue;
      const at = p.at + i;
      if (slots[i]!.kind === 'count') {
        changes[at] = (changes[at] as number) + w * (v as number);
        continue;
      }
      const acc = slots[i]!.acc;
      let st = changes[at] ?? acc.init();
      args[0] = v;
      if (w > 0) for (let k = w; k > 0; k--) st = acc.add(st, args);
      else for (let k = -w; k > 0; k--) st = acc.remove!(st, args);
      changes[at] = st;
    }
  }

  /** Whether the batch changed the partial at all (a sum state counts as a change once folded). */
  private changed(changes: readonly unknown[], p: Partial): boolean {
    if (p.dn !== 0) return true;
    for (let i = 0; i < this.spec.slots.length; i++) {
      const c = changes[p.at + i];
      if (c !== null && c !== 0) return true;
    }
    return false;
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
        for (const p of ps) this.emitJoined(out, partialRow(p), d, w, round);
        if (this.keepsFacts) {
          // The key's facts lose (first dimension row) or regain (last one gone) their null-extended rows.
          const after = before + w;
          const sign = before === 0 && after > 0 ? -1 : before > 0 && after === 0 ? 1 : 0;
          if (sign !== 0) for (const p of ps) addRow(out, this.nullExtended(partialRow(p)), sign);
        }
      }
      this.changeDim(jk, d, w);
      log?.push({ jk, row: d, w });
    }
    return out;
  }

  /** The one argument a slot folds (accumulators read their arguments, they keep no reference). */
  private readonly scratch: Value[] = [null];

  /** Folds one fact's shares (w copies; negative retracts) into a partial's states. */
  private fold(p: Partial, vals: Value[], w: number): void {
    const cells = p.cells;
    const nk = this.keys.length;
    const slots = this.spec.slots;
    const args = this.scratch;
    for (let i = 0; i < slots.length; i++) {
      const v = vals[i]!;
      if (v === null) continue;
      const acc = slots[i]!.acc;
      let st = cells[nk + i];
      args[0] = v;
      if (w > 0) for (let k = w; k > 0; k--) st = acc.add(st, args);
      else for (let k = -w; k > 0; k--) st = acc.remove!(st, args);
      cells[nk + i] = st;
    }
  }

  /** Indexes a partial by its join key, and points it at that key's dimension rows. */
  private link(p: Partial): void {
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
    }
  }

  /** Gives the partials of join key `jk` its dimension rows (the array, or null when it has none). */
  private pointDims(jk: unknown, rows: Value[][] | null): void {
    for (const p of this.byJoinKey.get(jk) ?? []) p.dims = rows;
  }

  private undo(log: UndoEntry[], ctx: ExecContext): void {
    for (let j = log.length - 1; j >= 0; j--) {
      const e = log[j]!;
      if (!('delta' in e)) {
        this.changeDim(e.jk, e.row, -e.w);
        continue;
      }
      // The facts folded so far, retracted newest first (their expressions succeeded before), with
      // the groups they dropped put back first and the groups they made dropped last.
      for (const p of e.deleted) {
        this.partials.set(this.partialKey(p.cells), p);
        this.link(p);
      }
      const keyVals = this.keyScratch;
      const vals = this.valScratch;
      for (let r = e.folded - 1; r >= 0; r--) {
        const p = this.partials.get(this.evalFact(e.delta.rows[r]!, ctx, keyVals, vals))!;
        this.fold(p, vals, -e.delta.weights[r]!);
        p.n -= e.delta.weights[r]!;
      }
      for (const p of e.created) {
        this.partials.delete(this.partialKey(p.cells));
        this.unlink(p);
      }
    }
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.partials.size * (96 + 32 * this.spec.slots.length) + this.dimRows * 64 + this.dims.size * 48;
  }
}
