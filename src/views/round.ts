import type { ExecContext } from '../exec/context.js';

/**
 * One pass of view maintenance (the views a commit touches). Operators change their state as deltas
 * pass and register the inverse of each change here; if any view fails (an expression error, a
 * memory limit), `undo` puts every state back so the commit can fail with nothing changed.
 */
export class MaintenanceRound {
  private readonly undos: (() => void)[] = [];

  constructor(readonly ctx: ExecContext) {}

  /** Registers the inverse of a state change just made. */
  onUndo(fn: () => void): void {
    this.undos.push(fn);
  }

  /** Reverts every registered change, newest first. */
  undo(): void {
    while (this.undos.length > 0) this.undos.pop()!();
  }

  /** Forgets the inverses (the round succeeded). */
  commit(): void {
    this.undos.length = 0;
  }
}
