import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import type { Value } from '../../types/values.js';
import type { Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import { RowOperator } from './operator.js';

/** Computes the output columns of each row; weights pass through (SELECT list, scan column picks). */
export class DeltaProject extends RowOperator {
  private readonly exprs: CompiledExpr[];

  constructor(exprs: readonly Expr[]) {
    super();
    this.exprs = exprs.map((e) => new CompiledExpr(e));
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const rows: Value[][] = new Array<Value[]>(delta.rows.length);
    const exprs = this.exprs;
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const out = new Array<Value>(exprs.length);
      for (let k = 0; k < exprs.length; k++) out[k] = exprs[k]!.evalRow(row, round.ctx);
      rows[i] = out;
    }
    return { rows, weights: delta.weights };
  }
}

/** Picks table columns by index (a scan's projection), without compiling expressions. */
export class DeltaColumns extends RowOperator {
  constructor(readonly columns: readonly number[]) {
    super();
  }

  private identity(delta: Delta): boolean {
    const width = delta.rows[0]?.length ?? 0;
    return width === this.columns.length && this.columns.every((c, i) => c === i);
  }

  push(_port: number, delta: Delta): Delta {
    const cols = this.columns;
    // A scan of every column in order (the usual bound plan) passes rows through untouched.
    if (this.identity(delta)) return delta;
    const n = delta.rows.length;
    const w = cols.length;
    const rows = new Array<Value[]>(n);
    for (let i = 0; i < n; i++) {
      const r = delta.rows[i]!;
      const out = new Array<Value>(w);
      for (let k = 0; k < w; k++) out[k] = r[cols[k]!] ?? null;
      rows[i] = out;
    }
    // The weights are only read downstream: shared, not copied.
    return { rows, weights: delta.weights };
  }
}
