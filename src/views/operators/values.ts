import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import { addRow, emptyDelta, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import { RowOperator } from './operator.js';

/** VALUES: constant rows, present from the start and never changing. */
export class DeltaValues extends RowOperator {
  constructor(private readonly rows: readonly (readonly Expr[])[]) {
    super();
  }

  push(): Delta {
    return emptyDelta();
  }

  override initial(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (const r of this.rows)
      addRow(
        out,
        r.map((e) => new CompiledExpr(e).evalRow([], round.ctx)),
        1,
      );
    return out;
  }
}
