import { DatabaseError, SqlState } from '../../errors.js';
import { containsOuter, referencedColumns, type Expr } from '../../plan/expr.js';
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
  /** Arguments read another FROM item or an outer row (LATERAL), which this operator can't give them. */
  private readonly lateral: boolean;
  constructor(
    private readonly fn: TableFunction,
    args: readonly Expr[],
    private readonly argTypes: readonly SqlType[],
    private readonly ncols: number,
    private readonly ordinality: boolean,
  ) {
    this.args = args.map((a) => new CompiledExpr(a));
    this.lateral = args.some((a) => referencedColumns(a).size > 0 || containsOuter(a));
  }

  next(ctx: ExecContext): NextResult {
    if (!this.iter) {
      // Checked when the function first runs, not when bound: catalog queries (psql's \d) hold
      // such calls in subqueries that never run over empty catalogs.
      if (this.lateral)
        throw new DatabaseError(
          SqlState.featureNotSupported,
          `arguments of set-returning function ${this.fn.name} in FROM cannot reference columns (LATERAL is not supported yet)`,
        );
      const args = this.args.map((a) => a.evalRow([], ctx));
      this.iter =
        this.fn.strict !== false && args.some((a) => a === null)
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
