import { YIELD, type ExecContext, type OperatorStats } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/**
 * Wraps an operator for EXPLAIN ANALYZE: counts the rows it returns and the time spent in its
 * next() (children included, as PostgreSQL reports it). Only built when ctx.profile is set, so
 * plain queries pay nothing.
 */
export class ProfiledOperator implements Operator {
  private started = false;
  private elapsed = 0;

  constructor(
    private readonly input: Operator,
    private readonly stats: OperatorStats,
  ) {
    stats.loops++;
  }

  next(ctx: ExecContext): NextResult {
    const t0 = performance.now();
    const b = this.input.next(ctx);
    const dt = performance.now() - t0;
    this.elapsed += dt;
    this.stats.totalMs += dt;
    if (b === YIELD) return b;
    if (!this.started) {
      this.started = true;
      this.stats.startupMs += this.elapsed;
    }
    if (b !== null) this.stats.rows += b.count;
    return b;
  }
}
