import { runPlanSync } from '../../exec/build.js';
import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import type { LogicalPlan, WindowNode } from '../../plan/logical.js';
import { tupleKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, rowKey, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';
import { sameShape } from './window-bounded.js';

/** The work-table id a partition's rows are read from (ids of the view's own plan are positive). */
const WINDOW_INPUT = -1;

interface Partition {
  /** Input rows in arrival order (a Map keeps it), with their multiplicity. */
  readonly rows: Map<unknown, { row: Value[]; n: number }>;
  /** The partition's output rows now in the view. */
  out: Value[][];
}

/**
 * Window functions (ROW_NUMBER, RANK, LAG, LEAD, aggregates over frames, …), maintained by
 * partition: a change recomputes only the partitions it touches, with the executor's own window
 * operator, and the output changes by the difference between the partition's old and new rows.
 * Rows equal in the window's ORDER BY keep their arrival order, as a table scan would give them.
 */
export class DeltaWindow implements DeltaOperator {
  private readonly partitionKeys: CompiledExpr[];
  private readonly partitions = new Map<unknown, Partition>();
  private rowsHeld = 0;

  /** The window over the partition's rows, handed to the executor as a work table. */
  private readonly plan: LogicalPlan;

  constructor(private readonly node: WindowNode) {
    this.plan = { ...node, input: { kind: 'worktable', fields: node.input.fields, id: WINDOW_INPUT } };
    // One partitioning shared by every call, else the whole input is one partition.
    const first = node.calls[0]?.partitionBy ?? [];
    const shared = node.calls.every((c) => sameShape(c.partitionBy, first));
    this.partitionKeys = (shared ? first : []).map((e) => new CompiledExpr(e));
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const touched = new Map<unknown, Partition>();
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const pk = tupleKey(this.partitionKeys.map((k) => k.evalRow(row, round.ctx)));
      let p = this.partitions.get(pk);
      if (!p) {
        p = { rows: new Map(), out: [] };
        this.partitions.set(pk, p);
        round.onUndo(() => this.partitions.delete(pk));
      }
      if (!touched.has(pk)) {
        touched.set(pk, p);
        const part = p;
        const snapshot = new Map([...p.rows].map(([k, e]) => [k, { ...e }]));
        const out = p.out;
        round.onUndo(() => {
          part.rows.clear();
          for (const [k, e] of snapshot) part.rows.set(k, e);
          part.out = out;
        });
      }
      const k = rowKey(row);
      const e = p.rows.get(k);
      if (e) {
        e.n += w;
        if (e.n <= 0) p.rows.delete(k);
      } else if (w > 0) p.rows.set(k, { row, n: w });
      this.rowsHeld += w;
    }
    const out = emptyDelta();
    for (const [pk, p] of touched) {
      const next = this.compute(p, round.ctx);
      changedRows(p.out, next, out);
      p.out = next;
      if (p.rows.size === 0) this.partitions.delete(pk);
    }
    return out;
  }

  /** The window's output for one partition's rows, computed by the executor. */
  private compute(p: Partition, ctx: ExecContext): Value[][] {
    if (p.rows.size === 0) return [];
    const input: Value[][] = [];
    for (const e of p.rows.values()) for (let n = 0; n < e.n; n++) input.push(e.row);
    return runPlanSync(this.plan, ctx, new Map([[WINDOW_INPUT, input]]));
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.rowsHeld * 160 + this.partitions.size * 64;
  }
}

/**
 * The rows that differ between a partition's old and new output (both in window order): the common
 * leading and trailing rows are skipped, so a change mid-partition emits only the rows around it
 * (for frames and offsets) rather than the whole partition.
 */
function changedRows(before: Value[][], after: Value[][], out: Delta): void {
  let a = 0;
  while (a < before.length && a < after.length && sameRow(before[a]!, after[a]!)) a++;
  let b = 0;
  while (
    b < before.length - a &&
    b < after.length - a &&
    sameRow(before[before.length - 1 - b]!, after[after.length - 1 - b]!)
  )
    b++;
  for (let i = a; i < before.length - b; i++) addRow(out, before[i]!, -1);
  for (let i = a; i < after.length - b; i++) addRow(out, after[i]!, 1);
}
