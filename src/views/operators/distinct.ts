import { addRow, emptyDelta, RowMap, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { Value } from '../../types/values.js';
import type { DeltaOperator } from './operator.js';

/**
 * DISTINCT (and UNION without ALL): counts each row's copies; a row appears in the output while its
 * count is positive, so it is added when the count leaves 0 and removed when it returns there.
 */
export class DeltaDistinct implements DeltaOperator {
  private readonly counts = new RowMap<{ row: Value[]; n: number }>();

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      let e = this.counts.get(row);
      const before = e?.n ?? 0;
      if (!e) {
        e = { row, n: 0 };
        this.counts.add(e);
      }
      e.n += w;
      const entry = e;
      round.onUndo(() => {
        if (entry.n === 0) this.counts.add(entry);
        entry.n -= w;
        if (entry.n === 0) this.counts.delete(entry);
      });
      if (e.n === 0) this.counts.delete(e);
      if (before <= 0 && e.n > 0) addRow(out, e.row, 1);
      else if (before > 0 && e.n <= 0) addRow(out, e.row, -1);
    }
    return out;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.counts.size * 96;
  }
}
