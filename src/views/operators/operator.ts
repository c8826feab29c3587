import type { Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';

/**
 * A node of a view's dataflow: it takes the changes of its inputs and returns the change of its
 * output, keeping whatever state that needs (join indexes, per-group aggregate states).
 */
export interface DeltaOperator {
  /** The change to the output caused by `delta` arriving on input `port` (0, or 1 for a join's right side). */
  push(port: number, delta: Delta, round: MaintenanceRound): Delta;
  /** Output that exists before any input (a global aggregate's row, VALUES rows); empty for most. */
  initial(round: MaintenanceRound): Delta;
  /** Approximate bytes of state held. */
  stateBytes(): number;
}

/** A stateless operator: output rows depend only on each input row. */
export abstract class RowOperator implements DeltaOperator {
  abstract push(port: number, delta: Delta, round: MaintenanceRound): Delta;

  initial(_round: MaintenanceRound): Delta {
    return { rows: [], weights: [] };
  }

  stateBytes(): number {
    return 0;
  }
}
