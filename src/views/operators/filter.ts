import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import { addRow, emptyDelta, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import { RowOperator } from './operator.js';

/** Keeps the rows for which every predicate is true, with their weights (WHERE, HAVING, scan filters). */
export class DeltaFilter extends RowOperator {
  private readonly predicates: CompiledExpr[];

  constructor(predicates: readonly Expr[]) {
    super();
    this.predicates = predicates.map((p) => new CompiledExpr(p));
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      if (this.predicates.every((p) => p.evalRow(row, round.ctx) === true))
        addRow(out, row, delta.weights[i]!);
    }
    return out;
  }
}
