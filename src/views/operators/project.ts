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

/**
 * Picks table columns by index (a scan's projection), without compiling expressions. With `keep`,
 * a scan whose consumer reads the table's columns by their own positions (see compile.ts, column
 * picks inlined into an aggregate): rows pass through untouched, only ones too short for the
 * columns read are padded with NULLs.
 */
export class DeltaColumns extends RowOperator {
  private readonly need: number;

  constructor(
    readonly columns: readonly number[],
    private readonly keep = false,
  ) {
    super();
    this.need = columns.length === 0 ? 0 : Math.max(...columns) + 1;
  }

  private identity(delta: Delta): boolean {
    const width = delta.rows[0]?.length ?? 0;
    return width === this.columns.length && this.columns.every((c, i) => c === i);
  }

  push(_port: number, delta: Delta): Delta {
    if (this.keep) return this.padded(delta);
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

  /** The delta itself when every row holds the columns read; else with short rows NULL-padded. */
  private padded(delta: Delta): Delta {
    const need = this.need;
    const rows = delta.rows;
    let i = 0;
    while (i < rows.length && rows[i]!.length >= need) i++;
    if (i === rows.length) return delta;
    const out = rows.map((r) =>
      r.length >= need ? r : [...r, ...new Array<Value>(need - r.length).fill(null)],
    );
    return { rows: out, weights: delta.weights };
  }
}
