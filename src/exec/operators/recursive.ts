import { DatabaseError, SqlState } from '../../errors.js';
import type { Value } from '../../types/values.js';
import type { ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import { RowEmitter, drain, rowBytes, type NextResult, type Operator } from './operator.js';

/**
 * WITH RECURSIVE: the anchor's rows seed the work table; the recursive term runs over the work
 * table until it produces no rows (UNION drops rows already produced).
 */
export class RecursiveOperator implements Operator {
  private out: RowEmitter | null = null;
  constructor(
    private readonly id: number,
    private readonly anchor: Operator,
    private readonly makeRecursive: () => Operator,
    private readonly unionAll: boolean,
    private readonly ncols: number,
  ) {}

  private compute(ctx: ExecContext): Value[][] {
    const seen = new Set<unknown>();
    const keep = (rows: Value[][]): Value[][] => {
      if (this.unionAll) return rows;
      const fresh: Value[][] = [];
      for (const r of rows) {
        const k = groupKey(r);
        if (!seen.has(k)) {
          seen.add(k);
          fresh.push(r);
        }
      }
      return fresh;
    };
    let work = keep(drain(this.anchor, ctx));
    const all = work.slice();
    for (let iter = 0; work.length > 0; iter++) {
      if (iter > 10_000_000)
        throw new DatabaseError(SqlState.programLimitExceeded, 'recursive query did not terminate');
      ctx.shared.set(this.id, work);
      work = keep(drain(this.makeRecursive(), ctx));
      for (const r of work) {
        ctx.reserve(rowBytes(r));
        all.push(r);
      }
      ctx.shouldYield(); // checks cancellation
    }
    return all;
  }

  next(ctx: ExecContext): NextResult {
    if (!this.out) this.out = new RowEmitter(this.compute(ctx), this.ncols);
    return this.out.next();
  }
}

/** Reads rows shared by id: a recursive work table or a materialized CTE. */
export class SharedRowsOperator implements Operator {
  private out: RowEmitter | null = null;
  constructor(
    private readonly id: number,
    private readonly ncols: number,
    private readonly compute?: () => Operator,
  ) {}

  next(ctx: ExecContext): NextResult {
    if (!this.out) {
      let rows = ctx.shared.get(this.id);
      if (!rows) {
        rows = this.compute ? drain(this.compute(), ctx) : [];
        ctx.shared.set(this.id, rows);
      }
      this.out = new RowEmitter(rows, this.ncols);
    }
    return this.out.next();
  }
}
