import { CompiledExpr } from '../../exec/compile.js';
import { compareKeys } from '../../exec/operators/sort.js';
import type { ExecContext } from '../../exec/context.js';
import type { Expr } from '../../plan/expr.js';
import type { SortKey } from '../../plan/logical.js';
import { OrderedMultiset } from '../../sql/aggregates/ordered-set.js';
import { compareValues, tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, consolidate, emptyDelta, rowKey, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

/** An input row with its sort key values and partition key: what an ordered multiset holds. */
interface Entry {
  readonly k: Value[];
  readonly row: Value[];
  readonly part: unknown;
}

/** One partition's rows in order, and the rows of it in the output now (one entry per copy). */
interface Partition {
  readonly rows: OrderedMultiset;
  window: Entry[];
}

/**
 * What one push did, to undo it: each change and the copies it added (negative: removed), the
 * windows of the partitions it touched, the partitions it made and the ones it dropped.
 */
interface TopUndo {
  readonly entries: Entry[];
  readonly applied: number[];
  readonly windows: Map<Partition, Entry[]>;
  readonly created: unknown[];
  readonly dropped: [unknown, Partition][];
}

/**
 * ORDER BY … LIMIT n [OFFSET m] (top-N) and, per partition, DISTINCT ON (top-1 of each partition):
 * every input row is kept in its partition's ordered multiset by the sort keys, and the output is
 * each partition's rows at positions m … m+n-1. Rows that tie on the sort keys are taken in the
 * order of their values, so the view is always one of the answers the query may give. A batch
 * whose changes to a partition all sort after its last output row (of a full window) changes
 * nothing there; otherwise the partition's window is read again (O(log rows + n)) and the rows
 * that differ are passed on.
 *
 * @example
 * // SELECT region, total FROM sales_by_region ORDER BY total DESC LIMIT 3: a region moving into
 * // the top three passes on as its row added and the one it displaced removed.
 * // SELECT DISTINCT ON (sensor) * FROM readings ORDER BY sensor, ts DESC: a sensor's newer
 * // reading replaces its row; an older one late to arrive changes nothing.
 */
export class DeltaTopN implements DeltaOperator {
  private readonly keys: CompiledExpr[];
  private readonly partitionBy: CompiledExpr[];
  private readonly parts = new Map<unknown, Partition>();
  private readonly end: number;
  private readonly cmp = (a: Value, b: Value): number =>
    this.compare(a as unknown as Entry, b as unknown as Entry);

  constructor(
    private readonly sort: readonly SortKey[],
    private readonly offset: number,
    limit: number,
    partitionBy: readonly Expr[] = [],
  ) {
    this.keys = sort.map((k) => new CompiledExpr(k.expr));
    this.partitionBy = partitionBy.map((e) => new CompiledExpr(e));
    this.end = offset + limit;
  }

  /** Sort-key order (direction and NULL placement as the ORDER BY says), then the rows' values. */
  private compare(a: Entry, b: Entry): number {
    const k = compareKeys(a.k, b.k, this.sort);
    if (k !== 0) return k;
    const c = compareValues(a.row, b.row);
    if (c !== 0 || sameRow(a.row, b.row)) return c;
    // Equal values in other representations (1.0 and 1.00) are other rows.
    const ka = String(rowKey(a.row));
    const kb = String(rowKey(b.row));
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const ctx = round.ctx;
    // Every sort and partition key first: a failing expression leaves the state as it was.
    const entries = delta.rows.map((row) => this.entry(row, ctx));
    const undo: TopUndo = { entries, applied: [], windows: new Map(), created: [], dropped: [] };
    round.onUndo(() => this.undo(undo));
    /** Touched partitions: whether a change reached their window. */
    const reached = new Map<Partition, boolean>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const w = delta.weights[i]!;
      let part = this.parts.get(e.part);
      if (!part) {
        part = { rows: new OrderedMultiset(this.cmp), window: [] };
        this.parts.set(e.part, part);
        undo.created.push(e.part);
      }
      if (!reached.has(part)) {
        undo.windows.set(part, part.window);
        reached.set(part, false);
      }
      let applied = 0;
      if (w > 0) {
        part.rows.add(e as unknown as Value, w);
        applied = w;
      } else for (let n = w; n < 0 && part.rows.remove(e as unknown as Value); n++) applied--;
      undo.applied.push(applied);
      if (!reached.get(part)!) {
        const win = undo.windows.get(part)!;
        const last = win.length === this.end - this.offset ? win[win.length - 1] : undefined;
        if (last === undefined || this.compare(e, last) <= 0) reached.set(part, true);
      }
    }
    const out = emptyDelta();
    for (const [part, reaches] of reached) {
      if (!reaches) continue;
      const next: Entry[] = [];
      part.rows.forRange(this.offset, this.end, (key, count) => {
        for (let n = 0; n < count; n++) next.push(key as unknown as Entry);
      });
      for (const e of part.window) addRow(out, e.row, -1);
      for (const e of next) addRow(out, e.row, 1);
      part.window = next;
    }
    for (const e of entries) {
      const part = this.parts.get(e.part);
      if (part && part.rows.size === 0) {
        this.parts.delete(e.part);
        undo.dropped.push([e.part, part]);
      }
    }
    return consolidate(out);
  }

  private entry(row: Value[], ctx: ExecContext): Entry {
    const k = this.keys.map((e) => e.evalRow(row, ctx));
    const pb = this.partitionBy;
    const part =
      pb.length === 0
        ? null
        : pb.length === 1
          ? valueKey(pb[0]!.evalRow(row, ctx))
          : tupleKey(pb.map((e) => e.evalRow(row, ctx)));
    return { k, row, part };
  }

  private undo(u: TopUndo): void {
    for (const [key, part] of u.dropped) this.parts.set(key, part);
    for (let i = u.entries.length - 1; i >= 0; i--) {
      const e = u.entries[i]!;
      const rows = this.parts.get(e.part)!.rows;
      const n = u.applied[i]!;
      for (let k = n; k > 0; k--) rows.remove(e as unknown as Value);
      if (n < 0) rows.add(e as unknown as Value, -n);
    }
    for (const [part, window] of u.windows) part.window = window;
    for (const key of u.created) this.parts.delete(key);
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    let bytes = 64;
    for (const p of this.parts.values()) bytes += 96 + p.rows.distinct * 120 + p.window.length * 8;
    return bytes;
  }
}
