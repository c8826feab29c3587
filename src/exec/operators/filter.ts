import type { Expr } from '../../plan/expr.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** Keeps rows for which the predicate is true, by narrowing the selection vector. */
export class FilterOperator implements Operator {
  private readonly pred: CompiledExpr;
  constructor(
    private readonly input: Operator,
    predicate: Expr,
  ) {
    this.pred = new CompiledExpr(predicate);
  }

  next(ctx: ExecContext): NextResult {
    for (;;) {
      const b = this.input.next(ctx);
      if (b === null || b === YIELD) return b;
      const sel = this.pred.filterBatch(b, ctx);
      if (sel.length > 0) return { size: b.size, count: sel.length, sel, cols: b.cols };
    }
  }
}
