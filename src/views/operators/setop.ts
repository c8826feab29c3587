import { addRow, emptyDelta, RowMap, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { Value } from '../../types/values.js';
import type { DeltaOperator } from './operator.js';

/** A row's copies on each side. */
interface Counts {
  readonly row: Value[];
  l: number;
  r: number;
}

/**
 * INTERSECT and EXCEPT, with or without ALL: counts each row's copies on both sides; the output
 * holds a row as many times as the set operation gives for those counts (INTERSECT ALL: the
 * smaller count; EXCEPT ALL: the left count less the right one; without ALL: once or not at all),
 * so a change passes on as the difference of that number before and after it.
 *
 * @example
 * // SELECT k FROM a EXCEPT ALL SELECT k FROM b, with k = 1 twice in a and once in b: one row 1;
 * // deleting it from b adds a second.
 */
export class DeltaSetOp implements DeltaOperator {
  private readonly counts = new RowMap<Counts>();

  constructor(
    private readonly op: 'intersect' | 'except',
    private readonly all: boolean,
  ) {}

  /** Copies of a row in the output for its counts on each side. */
  private copies(l: number, r: number): number {
    if (this.op === 'intersect') return this.all ? Math.min(l, r) : l > 0 && r > 0 ? 1 : 0;
    return this.all ? Math.max(l - r, 0) : l > 0 && r === 0 ? 1 : 0;
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    const changed: { e: Counts; w: number }[] = [];
    round.onUndo(() => {
      for (let i = changed.length - 1; i >= 0; i--) this.count(changed[i]!.e, port, -changed[i]!.w);
    });
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      let e = this.counts.get(row);
      if (!e) e = { row, l: 0, r: 0 };
      const before = this.copies(e.l, e.r);
      this.count(e, port, w);
      changed.push({ e, w });
      const after = this.copies(e.l, e.r);
      if (after !== before) addRow(out, e.row, after - before);
    }
    return out;
  }

  /** Adds w copies of the entry's row on side `port`, keeping the entry indexed while it has any. */
  private count(e: Counts, port: number, w: number): void {
    const had = e.l !== 0 || e.r !== 0;
    if (port === 0) e.l += w;
    else e.r += w;
    const has = e.l !== 0 || e.r !== 0;
    if (!had && has) this.counts.add(e);
    else if (had && !has) this.counts.delete(e);
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.counts.size * 104;
  }
}
