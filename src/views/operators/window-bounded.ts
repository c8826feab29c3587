import { runPlanSync } from '../../exec/build.js';
import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import { compareKeys } from '../../exec/operators/sort.js';
import { planShape, type Expr } from '../../plan/expr.js';
import type { LogicalPlan, SortKey, WindowCall, WindowNode } from '../../plan/logical.js';
import { tupleKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';
import { directWindow, lagLeadOffset, rowsFrame } from './window-direct.js';

/** The work-table id the rows of a recomputed range are read from. */
const RANGE_INPUT = -2;

interface Partition {
  /** Input rows in window order (ties in arrival order), one entry per copy. */
  rows: Value[][];
  /** Each row's ORDER BY values. */
  keys: Value[][];
  /** Each row's output row now in the view (aligned with `rows`). */
  out: (Value[] | null)[];
}

/**
 * The rows of a partition whose outputs a push must recompute (row → its ORDER BY values), and,
 * while no row has been inserted or deleted there (only replaced in place), their positions too,
 * so they need not be searched for again.
 */
interface Dirty {
  readonly rows: Map<Value[], Value[]>;
  at: Set<number> | null;
}

/** One step of a push, to undo it: a partition made or dropped, a row inserted, deleted or replaced, an output replaced. */
type WindowUndo =
  | { readonly op: 'created'; readonly pk: unknown }
  | { readonly op: 'dropped'; readonly pk: unknown; readonly p: Partition }
  | { readonly op: 'insert'; readonly p: Partition; readonly at: number }
  | {
      readonly op: 'delete';
      readonly p: Partition;
      readonly at: number;
      readonly row: Value[];
      readonly key: Value[];
      readonly out: Value[] | null;
    }
  | { readonly op: 'output'; readonly p: Partition; readonly at: number; readonly prev: Value[] | null }
  | {
      readonly op: 'replace';
      readonly p: Partition;
      readonly at: number;
      readonly row: Value[];
      readonly key: Value[];
    };

/** The rows (relative to the current one) a call reads: [from, to], or null when unbounded. */
function reach(c: WindowCall): [number, number] | null {
  if (c.name === 'lag' || c.name === 'lead') {
    const k = lagLeadOffset(c);
    return k === null ? null : c.name === 'lag' ? [-k, -k] : [k, k];
  }
  return rowsFrame(c);
}

/** Whether two plan fragments (expressions, sort keys) are the same. */
export function sameShape(a: unknown, b: unknown): boolean {
  return planShape(a) === planShape(b);
}

/**
 * The rows a window with only bounded reach (LAG/LEAD with constant offsets, aggregates over
 * `ROWS BETWEEN n PRECEDING AND m FOLLOWING`) needs recomputed: a change at position p of its
 * partition affects only the outputs whose frames contain p. Returns null when some call reaches
 * without bound (ROW_NUMBER, RANK, unbounded or RANGE frames) or the calls order differently.
 */
export function boundedReach(node: WindowNode): { lo: number; hi: number } | null {
  const first = node.calls[0];
  if (!first) return null;
  let lo = 0;
  let hi = 0;
  for (const c of node.calls) {
    if (!sameShape(c.partitionBy, first.partitionBy) || !sameShape(c.orderBy, first.orderBy)) return null;
    const r = reach(c);
    if (!r) return null;
    lo = Math.min(lo, r[0]);
    hi = Math.max(hi, r[1]);
  }
  return { lo, hi };
}

/**
 * Window functions of bounded reach, maintained by frame: each partition keeps its rows in window
 * order, and a change recomputes, over just the rows those frames read, only the outputs whose
 * frames the change falls in — for a 7-day moving average, seven rows, however long the partition.
 * LAG/LEAD and aggregates over ROWS frames are evaluated directly (window-direct.ts); other calls
 * of bounded reach run the executor's window operator over those rows.
 */
export class DeltaBoundedWindow implements DeltaOperator {
  private readonly partitionKeys: CompiledExpr[];
  private readonly orderKeys: CompiledExpr[];
  private readonly sortKeys: readonly SortKey[];
  private readonly partitions = new Map<unknown, Partition>();
  private readonly plan: LogicalPlan;
  private rowsHeld = 0;

  constructor(
    node: WindowNode,
    private readonly lo: number,
    private readonly hi: number,
  ) {
    const first = node.calls[0]!;
    this.partitionKeys = first.partitionBy.map((e: Expr) => new CompiledExpr(e));
    this.sortKeys = first.orderBy;
    this.orderKeys = first.orderBy.map((k) => new CompiledExpr(k.expr));
    this.plan = { ...node, input: { kind: 'worktable', fields: node.input.fields, id: RANGE_INPUT } };
    this.direct = directWindow(node);
  }

  /** The calls evaluated without the executor (LAG/LEAD, aggregates over ROWS frames), or null. */
  private readonly direct: ((rows: Value[][], ctx: ExecContext) => Value[][]) | null;

  /** First index whose key sorts after `key` (ties keep arrival order: a new row goes last). */
  private upperBound(p: Partition, key: Value[]): number {
    let a = 0;
    let b = p.keys.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (compareKeys(p.keys[m]!, key, this.sortKeys) <= 0) a = m + 1;
      else b = m;
    }
    return a;
  }

  private lowerBound(p: Partition, key: Value[]): number {
    let a = 0;
    let b = p.keys.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (compareKeys(p.keys[m]!, key, this.sortKeys) < 0) a = m + 1;
      else b = m;
    }
    return a;
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const ctx = round.ctx;
    const out = emptyDelta();
    /** Touched partitions, with the rows whose outputs need recomputing (row → its ORDER BY values). */
    const touched = new Map<unknown, { p: Partition; dirty: Dirty }>();
    const log: WindowUndo[] = [];
    // What the push did, undone newest first: O(rows changed), not a copy of each partition.
    round.onUndo(() => this.undo(log));
    const n = delta.rows.length;
    const pks = new Array<string>(n);
    const keys = new Array<Value[]>(n);
    for (let i = 0; i < n; i++) {
      const row = delta.rows[i]!;
      pks[i] = tupleKey(this.partitionKeys.map((k) => k.evalRow(row, ctx)));
      keys[i] = this.orderKeys.map((k) => k.evalRow(row, ctx));
    }
    const partner = this.pairs(delta, pks, keys);
    for (let i = 0; i < n; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const pk = pks[i]!;
      let p = this.partitions.get(pk);
      if (!p) {
        p = { rows: [], keys: [], out: [] };
        this.partitions.set(pk, p);
        log.push({ op: 'created', pk });
      }
      let t = touched.get(pk);
      if (!t) touched.set(pk, (t = { p, dirty: { rows: new Map(), at: new Set() } }));
      const key = keys[i]!;
      const j = partner[i]!;
      if (j >= 0) {
        // One of a pair: the retraction replaced by the insertion where it stands (once, at the
        // first of the two); a retraction of a row that is not there leaves a plain insertion.
        if (j < i) continue;
        const [gone, added] = w < 0 ? [row, delta.rows[j]!] : [delta.rows[j]!, row];
        const at = this.find(p, gone, key);
        if (at >= 0) {
          log.push({ op: 'replace', p, at, row: gone, key: p.keys[at]! });
          p.rows[at] = added;
          p.keys[at] = key;
          this.mark(p, t.dirty, at - this.hi, at - this.lo);
        } else this.insert(p, t.dirty, added, key, log);
        continue;
      }
      for (let c = w; c > 0; c--) this.insert(p, t.dirty, row, key, log);
      for (let c = -w; c > 0; c--) {
        const at = this.find(p, row, key);
        if (at < 0) break;
        const gone = p.out[at]!;
        if (gone) addRow(out, gone, -1);
        log.push({ op: 'delete', p, at, row: p.rows[at]!, key: p.keys[at]!, out: gone });
        t.dirty.at = null;
        p.rows.splice(at, 1);
        p.keys.splice(at, 1);
        p.out.splice(at, 1);
        this.mark(p, t.dirty, at - this.hi, at - this.lo - 1);
        this.rowsHeld--;
      }
    }
    for (const [pk, { p, dirty }] of touched) {
      this.recompute(p, dirty, ctx, out, log);
      if (p.rows.length === 0) {
        this.partitions.delete(pk);
        log.push({ op: 'dropped', pk, p });
      }
    }
    return out;
  }

  private undo(log: readonly WindowUndo[]): void {
    for (let j = log.length - 1; j >= 0; j--) {
      const u = log[j]!;
      if (u.op === 'created') this.partitions.delete(u.pk);
      else if (u.op === 'dropped') this.partitions.set(u.pk, u.p);
      else if (u.op === 'output') u.p.out[u.at] = u.prev;
      else if (u.op === 'replace') {
        u.p.rows[u.at] = u.row;
        u.p.keys[u.at] = u.key;
      } else if (u.op === 'insert') {
        u.p.rows.splice(u.at, 1);
        u.p.keys.splice(u.at, 1);
        u.p.out.splice(u.at, 1);
        this.rowsHeld--;
      } else {
        u.p.rows.splice(u.at, 0, u.row);
        u.p.keys.splice(u.at, 0, u.key);
        u.p.out.splice(u.at, 0, u.out);
        this.rowsHeld++;
      }
    }
  }

  /**
   * Pairs each retraction of one copy of a row with an insertion of one copy of a row of the same
   * partition and ORDER BY values (what an aggregate below passes for a changed group): partner[i]
   * is the other of i's pair, -1 for an unpaired change. The insertion then takes the retracted
   * row's place among its ties instead of the last one — an order of ties as valid as any, and the
   * partition's arrays are not spliced twice.
   */
  private pairs(delta: Delta, pks: readonly string[], keys: readonly Value[][]): Int32Array {
    const partner = new Int32Array(delta.rows.length).fill(-1);
    const retracted = new Map<string, number[]>();
    const at = (i: number): string => tupleKey([pks[i]!, tupleKey(keys[i]!)]);
    delta.weights.forEach((w, i) => {
      if (w !== -1) return;
      const k = at(i);
      const list = retracted.get(k);
      if (list) list.push(i);
      else retracted.set(k, [i]);
    });
    if (retracted.size === 0) return partner;
    delta.weights.forEach((w, i) => {
      const j = w === 1 ? retracted.get(at(i))?.pop() : undefined;
      if (j === undefined) return;
      partner[i] = j;
      partner[j] = i;
    });
    return partner;
  }

  /** Inserts one copy of `row` after its ties. */
  private insert(p: Partition, dirty: Dirty, row: Value[], key: Value[], log: WindowUndo[]): void {
    const at = this.upperBound(p, key);
    dirty.at = null;
    p.rows.splice(at, 0, row);
    p.keys.splice(at, 0, key);
    p.out.splice(at, 0, null);
    log.push({ op: 'insert', p, at });
    this.mark(p, dirty, at - this.hi, at - this.lo);
    this.rowsHeld++;
  }

  /** The position of a copy of `row` (ORDER BY values `key`), or -1. */
  private find(p: Partition, row: Value[], key: Value[]): number {
    for (let j = this.lowerBound(p, key); j < p.rows.length; j++) {
      if (compareKeys(p.keys[j]!, key, this.sortKeys) !== 0) break;
      if (sameRow(p.rows[j]!, row)) return j;
    }
    return -1;
  }

  /** Marks the rows at positions [a, b] as needing their output recomputed. */
  private mark(p: Partition, dirty: Dirty, a: number, b: number): void {
    for (let i = Math.max(0, a); i <= Math.min(p.rows.length - 1, b); i++) {
      dirty.rows.set(p.rows[i]!, p.keys[i]!);
      dirty.at?.add(i);
    }
  }

  /**
   * Recomputes the outputs of the dirty rows, range by range, and emits those that changed. Rows
   * only replaced in place are where they were marked; otherwise they are found by their ORDER BY
   * values (binary search). Either way the cost does not grow with the partition.
   */
  private recompute(p: Partition, dirty: Dirty, ctx: ExecContext, out: Delta, log: WindowUndo[]): void {
    if (dirty.rows.size === 0) return;
    let found = dirty.at;
    if (!found) {
      found = new Set<number>();
      for (const [row, key] of dirty.rows)
        // Every copy of the row (the same array) among its ties; a row removed since it was marked is gone.
        for (let j = this.lowerBound(p, key); j < p.rows.length; j++) {
          if (compareKeys(p.keys[j]!, key, this.sortKeys) !== 0) break;
          if (p.rows[j] === row) found.add(j);
        }
    }
    const positions = [...found].sort((a, b) => a - b);
    const span = this.hi - this.lo;
    for (let k = 0; k < positions.length;) {
      const a = positions[k]!;
      let b = a;
      // Ranges closer than a frame apart share one run of the executor.
      while (k + 1 < positions.length && positions[k + 1]! - b <= span + 1) b = positions[++k]!;
      k++;
      const from = Math.max(0, a + this.lo);
      const to = Math.min(p.rows.length - 1, b + this.hi);
      const result = this.run(p.rows.slice(from, to + 1), ctx);
      for (let i = a; i <= b; i++) {
        const next = result[i - from]!;
        const prev = p.out[i]!;
        if (prev && sameRow(prev, next)) continue;
        if (prev) addRow(out, prev, -1);
        addRow(out, next, 1);
        log.push({ op: 'output', p, at: i, prev });
        p.out[i] = next;
      }
    }
  }

  private run(rows: Value[][], ctx: ExecContext): Value[][] {
    if (this.direct) return this.direct(rows, ctx);
    return runPlanSync(this.plan, ctx, new Map([[RANGE_INPUT, rows]]));
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.rowsHeld * 200 + this.partitions.size * 64;
  }
}
