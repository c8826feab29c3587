import type { ExecContext } from '../exec/context.js';

/**
 * One pass of view maintenance (the views a commit touches). Operators change their state as deltas
 * pass and register the inverse of each change here; if any view fails (an expression error, a
 * memory limit), `undo` puts every state back so the commit can fail with nothing changed.
 */
export class MaintenanceRound {
  private readonly undos: (() => void)[] = [];

  /**
   * `undoable` false: nothing will be undone (filling a new view, whose state is thrown away on
   * failure), so operators skip recording inverses.
   */
  constructor(
    readonly ctx: ExecContext,
    readonly undoable = true,
  ) {}

  /** Registers the inverse of a state change just made. */
  onUndo(fn: () => void): void {
    if (this.undoable) this.undos.push(fn);
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
