import type { Expr } from '../../plan/expr.js';
import type { Value } from '../../types/values.js';
import { batchFromRows } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** VALUES lists (and the single empty row of a SELECT without FROM). */
export class ValuesOperator implements Operator {
  private done = false;
  private readonly rows: CompiledExpr[][];
  constructor(
    rows: readonly (readonly Expr[])[],
    private readonly ncols: number,
  ) {
    this.rows = rows.map((r) => r.map((e) => new CompiledExpr(e)));
  }

  next(ctx: ExecContext): NextResult {
    if (this.done) return null;
    this.done = true;
    const empty: Value[] = [];
    const rows = this.rows.map((r) => r.map((e) => e.evalRow(empty, ctx)));
    if (this.ncols === 0) return { size: rows.length, count: rows.length, sel: null, cols: [] };
    return batchFromRows(rows, this.ncols);
  }
}
