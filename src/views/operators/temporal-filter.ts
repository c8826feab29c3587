import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import type { Expr } from '../../plan/expr.js';
import type { Value } from '../../types/values.js';
import { addRow, emptyDelta, RowMap, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Held {
  readonly row: Value[];
  n: number;
  /** Whether the row passed at its last evaluation (so it is in the output now). */
  passing: boolean;
}

/** The view clock's reading, written into the function context now() and friends read. */
export function setViewClock(ctx: ExecContext, micros: number): void {
  const fn = ctx.fn as { transactionStart: number; statementStart?: number; clock: () => number };
  fn.transactionStart = micros;
  fn.statementStart = micros;
  fn.clock = () => micros;
}

/**
 * A filter that reads the clock (`WHERE ts > now() - interval '24 hours'`): it keeps every input row
 * and whether it passes, so that as time advances (`tick`) rows that stop passing are retracted
 * and rows that start passing are added. New rows are judged at the time of their commit.
 */
export class DeltaTemporalFilter implements DeltaOperator {
  private readonly predicates: CompiledExpr[];
  private readonly held = new RowMap<Held>();
  private rows = 0;

  constructor(predicates: readonly Expr[]) {
    this.predicates = predicates.map((p) => new CompiledExpr(p));
  }

  private passes(row: Value[], ctx: ExecContext): boolean {
    return this.predicates.every((p) => p.evalRow(row, ctx) === true);
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      let h = this.held.get(row);
      if (!h) {
        h = { row, n: 0, passing: this.passes(row, round.ctx) };
        this.held.add(h);
      }
      const entry = h;
      entry.n += w;
      this.rows += w;
      round.onUndo(() => {
        if (entry.n === 0) this.held.add(entry);
        entry.n -= w;
        this.rows -= w;
        if (entry.n === 0) this.held.delete(entry);
      });
      if (entry.passing) addRow(out, entry.row, w);
      if (entry.n === 0) this.held.delete(entry);
    }
    return out;
  }

  /** Judges every held row again at the clock in `round.ctx`; returns the change. */
  tick(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (const h of this.held.values()) {
      const now = this.passes(h.row, round.ctx);
      if (now === h.passing) continue;
      addRow(out, h.row, now ? h.n : -h.n);
      h.passing = now;
      round.onUndo(() => (h.passing = !now));
    }
    return out;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.rows * 120;
  }
}
