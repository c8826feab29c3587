import { CompiledExpr } from '../../exec/compile.js';
import { compareKeys } from '../../exec/operators/sort.js';
import type { ExecContext } from '../../exec/context.js';
import type { SortKey } from '../../plan/logical.js';
import { OrderedMultiset } from '../../sql/aggregates/ordered-set.js';
import { compareValues, type Value } from '../../types/values.js';
import { addRow, consolidate, emptyDelta, rowKey, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

/** An input row with its sort key values: what the ordered multiset holds. */
interface Entry {
  readonly k: Value[];
  readonly row: Value[];
}

/** What one push did, to undo it: each change and the copies it added (negative: removed). */
interface TopUndo {
  readonly entries: Entry[];
  readonly applied: number[];
  readonly window: Entry[];
}

/**
 * ORDER BY … LIMIT n [OFFSET m] (top-N): every input row is kept in an ordered multiset by the
 * sort keys, and the output is the rows at positions m … m+n-1. Rows that tie on the sort keys are
 * taken in the order of their values, so the view is always one of the answers the query may give.
 * A batch whose changes all sort after the last output row (of a full window) changes nothing;
 * otherwise the window is read again (O(log rows + n)) and the rows that differ are passed on.
 *
 * @example
 * // SELECT region, total FROM sales_by_region ORDER BY total DESC LIMIT 3: a region moving into
 * // the top three passes on as its row added and the one it displaced removed.
 */
export class DeltaTopN implements DeltaOperator {
  private readonly keys: CompiledExpr[];
  private readonly rows: OrderedMultiset;
  /** The output now: its entries in order, one per copy. */
  private window: Entry[] = [];
  private readonly end: number;

  constructor(
    private readonly sort: readonly SortKey[],
    private readonly offset: number,
    limit: number,
  ) {
    this.keys = sort.map((k) => new CompiledExpr(k.expr));
    this.rows = new OrderedMultiset((a, b) => this.compare(a as unknown as Entry, b as unknown as Entry));
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
    // Every sort key first: a failing expression leaves the state as it was.
    const entries = delta.rows.map((row) => this.entry(row, ctx));
    const undo: TopUndo = { entries, applied: [], window: this.window };
    round.onUndo(() => this.undo(undo));
    const last =
      this.window.length === this.end - this.offset ? this.window[this.window.length - 1] : undefined;
    let reaches = last === undefined;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const w = delta.weights[i]!;
      let applied = 0;
      if (w > 0) {
        this.rows.add(e as unknown as Value, w);
        applied = w;
      } else for (let n = w; n < 0 && this.rows.remove(e as unknown as Value); n++) applied--;
      undo.applied.push(applied);
      if (!reaches && this.compare(e, last!) <= 0) reaches = true;
    }
    if (!reaches) return emptyDelta();
    const next: Entry[] = [];
    this.rows.forRange(this.offset, this.end, (key, count) => {
      for (let n = 0; n < count; n++) next.push(key as unknown as Entry);
    });
    const out = emptyDelta();
    for (const e of this.window) addRow(out, e.row, -1);
    for (const e of next) addRow(out, e.row, 1);
    this.window = next;
    return consolidate(out);
  }

  private entry(row: Value[], ctx: ExecContext): Entry {
    return { k: this.keys.map((k) => k.evalRow(row, ctx)), row };
  }

  private undo(u: TopUndo): void {
    for (let i = u.entries.length - 1; i >= 0; i--) {
      const e = u.entries[i]! as unknown as Value;
      const n = u.applied[i]!;
      for (let k = n; k > 0; k--) this.rows.remove(e);
      if (n < 0) this.rows.add(e, -n);
    }
    this.window = u.window;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return 64 + this.rows.distinct * 120 + this.window.length * 8;
  }
}
