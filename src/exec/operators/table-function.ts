import type { Expr } from '../../plan/expr.js';
import type { TableFunction } from '../../sql/functions/registry.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import { BATCH_ROWS, batchFromRows } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** A set-returning function in FROM (generate_series, unnest), streamed in batches. */
export class TableFunctionOperator implements Operator {
  private iter: Iterator<Value[]> | null = null;
  private ordinal = 0;
  private readonly args: CompiledExpr[];
  constructor(
    private readonly fn: TableFunction,
    args: readonly Expr[],
    private readonly argTypes: readonly SqlType[],
    private readonly ncols: number,
    private readonly ordinality: boolean,
  ) {
    this.args = args.map((a) => new CompiledExpr(a));
  }

  next(ctx: ExecContext): NextResult {
    if (!this.iter) {
      const args = this.args.map((a) => a.evalRow([], ctx));
      this.iter = args.some((a) => a === null)
        ? [][Symbol.iterator]()
        : this.fn.impl(args, ctx.fn, this.argTypes)[Symbol.iterator]();
    }
    const rows: Value[][] = [];
    while (rows.length < BATCH_ROWS) {
      const r = this.iter.next();
      if (r.done) break;
      rows.push(this.ordinality ? [...r.value, BigInt(++this.ordinal)] : r.value);
    }
    if (rows.length === 0) return null;
    return batchFromRows(rows, this.ncols);
  }
}
