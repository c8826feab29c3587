import type { Value } from '../../types/values.js';
import { BATCH_ROWS, batchFromRows, batchRows, type Batch } from '../batch.js';
import { YIELD, type ExecContext, type Yield } from '../context.js';

export type NextResult = Batch | null | Yield;

/**
 * A physical operator pulls batches from its children. next() returns a batch, null at the end,
 * or YIELD when the time slice ran out (call again after giving the event loop back).
 */
export interface Operator {
  next(ctx: ExecContext): NextResult;
}

/** Emits stored rows in batches. */
export class RowEmitter {
  private pos = 0;
  constructor(
    private readonly rows: readonly (readonly Value[])[],
    private readonly ncols: number,
  ) {}

  next(): Batch | null {
    if (this.pos >= this.rows.length) return null;
    const end = Math.min(this.rows.length, this.pos + BATCH_ROWS);
    const b = batchFromRows(this.rows.slice(this.pos, end), this.ncols);
    this.pos = end;
    return b;
  }
}

/**
 * Base for operators that consume their whole input before producing output (sort, aggregate,
 * window, set operations). consume() sees every input batch; finish() returns the output rows.
 */
export abstract class BlockingOperator implements Operator {
  private out: RowEmitter | null = null;

  constructor(
    protected readonly input: Operator,
    protected readonly ncols: number,
  ) {}

  protected abstract consume(batch: Batch, ctx: ExecContext): void;
  protected abstract finish(ctx: ExecContext): Value[][];

  next(ctx: ExecContext): NextResult {
    while (this.out === null) {
      const b = this.input.next(ctx);
      if (b === YIELD) return YIELD;
      if (b === null) {
        this.out = new RowEmitter(this.finish(ctx), this.ncols);
        break;
      }
      if (b.count > 0) this.consume(b, ctx);
      if (ctx.shouldYield()) return YIELD;
    }
    return this.out.next();
  }
}

/** Runs an operator to completion synchronously (subqueries, CTEs), collecting its rows. */
export function drain(op: Operator, ctx: ExecContext): Value[][] {
  const rows: Value[][] = [];
  ctx.syncDepth++;
  try {
    for (;;) {
      const b = op.next(ctx);
      if (b === null) break;
      if (b === YIELD) continue;
      for (const r of batchRows(b)) rows.push(r);
    }
  } finally {
    ctx.syncDepth--;
  }
  return rows;
}

/** Rough bytes of a row array, for memory accounting. */
export function rowBytes(row: readonly Value[]): number {
  let n = 32 + row.length * 8;
  for (const v of row) if (typeof v === 'string') n += v.length * 2;
  return n;
}
