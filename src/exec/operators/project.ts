import type { Expr } from '../../plan/expr.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** Computes output columns; column references pass the input vectors through untouched. */
export class ProjectOperator implements Operator {
  private readonly exprs: CompiledExpr[];
  constructor(
    private readonly input: Operator,
    exprs: readonly Expr[],
  ) {
    this.exprs = exprs.map((e) => new CompiledExpr(e));
  }

  next(ctx: ExecContext): NextResult {
    const b = this.input.next(ctx);
    if (b === null || b === YIELD) return b;
    return { size: b.size, count: b.count, sel: b.sel, cols: this.exprs.map((e) => e.evalBatch(b, ctx)) };
  }
}
