import { tooManyScalarRows } from '../../exec/compile.js';
import type { Value } from '../../types/values.js';
import { addRow, emptyDelta, RowMap, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Counted {
  readonly row: Value[];
  n: number;
}

/** A multiset of rows with its total count. */
class Rows {
  readonly map = new RowMap<Counted>();
  total = 0;

  change(row: Value[], w: number): void {
    let e = this.map.get(row);
    if (!e) this.map.add((e = { row, n: 0 }));
    e.n += w;
    this.total += w;
    if (e.n === 0) this.map.delete(e);
  }
}

/**
 * An uncorrelated scalar subquery in a view's expressions (`amount / (SELECT sum(amount) FROM
 * sales)`, `ts > (SELECT max(ts) FROM sales) - interval '1 day'`): each input row (port 0) passes
 * on with the subquery's value appended; the subquery's rows come in on port 1. When the value
 * changes, every input row kept is retracted with the old value and added with the new one, as a
 * recomputation would see them: the subquery's value is NULL without rows, and more than one row
 * fails the write with 21000, as the query fails.
 */
export class DeltaScalarJoin implements DeltaOperator {
  private readonly left = new Rows();
  private readonly right = new Rows();

  /** The subquery's value now (read only while there are input rows: an unused value never fails). */
  private value(): Value {
    const n = this.right.total;
    if (n > 1) throw tooManyScalarRows();
    return n === 0 ? null : (this.right.map.values().next().value!.row[0] ?? null);
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const side = port === 0 ? this.left : this.right;
    const log: [Value[], number][] = [];
    round.onUndo(() => {
      for (let i = log.length - 1; i >= 0; i--) side.change(log[i]![0], -log[i]![1]);
    });
    const out = emptyDelta();
    const before = port === 1 && this.left.total > 0 ? this.value() : null;
    for (let i = 0; i < delta.rows.length; i++) {
      side.change(delta.rows[i]!, delta.weights[i]!);
      log.push([delta.rows[i]!, delta.weights[i]!]);
    }
    if (port === 0) {
      if (delta.rows.length === 0) return out;
      const now = this.value();
      for (let i = 0; i < delta.rows.length; i++) addRow(out, [...delta.rows[i]!, now], delta.weights[i]!);
      return out;
    }
    if (this.left.total === 0) return out;
    const now = this.value();
    if (!sameRow([before], [now])) {
      for (const e of this.left.map.values()) {
        addRow(out, [...e.row, before], -e.n);
        addRow(out, [...e.row, now], e.n);
      }
    }
    return out;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return (this.left.map.size + this.right.map.size) * 96;
  }
}
