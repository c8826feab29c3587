import { YIELD, type ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** OFFSET then LIMIT over the live rows; stops pulling once the limit is reached. */
export class LimitOperator implements Operator {
  private skipped = 0;
  private emitted = 0;
  constructor(
    private readonly input: Operator,
    private readonly limit: number | null,
    private readonly offset: number,
  ) {}

  next(ctx: ExecContext): NextResult {
    for (;;) {
      if (this.limit !== null && this.emitted >= this.limit) return null;
      const b = this.input.next(ctx);
      if (b === null || b === YIELD) return b;
      let from = 0;
      if (this.skipped < this.offset) {
        from = Math.min(b.count, this.offset - this.skipped);
        this.skipped += from;
      }
      let to = b.count;
      if (this.limit !== null) to = Math.min(to, from + (this.limit - this.emitted));
      if (to <= from) continue;
      this.emitted += to - from;
      if (from === 0 && to === b.count) return b;
      const sel = new Int32Array(to - from);
      for (let k = from; k < to; k++) sel[k - from] = b.sel === null ? k : b.sel[k]!;
      return { size: b.size, count: sel.length, sel, cols: b.cols };
    }
  }
}
