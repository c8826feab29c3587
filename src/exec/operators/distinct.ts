import type { Expr } from '../../plan/expr.js';
import type { Value } from '../../types/values.js';
import { vectorGet } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import type { NextResult, Operator } from './operator.js';

/** DISTINCT (all columns) or DISTINCT ON (keys): keeps the first row of each key, streaming. */
export class DistinctOperator implements Operator {
  private readonly seen = new Set<unknown>();
  private readonly on: CompiledExpr[] | null;
  constructor(
    private readonly input: Operator,
    on: readonly Expr[] | null,
  ) {
    this.on = on ? on.map((e) => new CompiledExpr(e)) : null;
  }

  next(ctx: ExecContext): NextResult {
    for (;;) {
      const b = this.input.next(ctx);
      if (b === null || b === YIELD) return b;
      const vecs = this.on ? this.on.map((e) => e.evalBatch(b, ctx)) : b.cols;
      const sel = new Int32Array(b.count);
      let m = 0;
      for (let k = 0; k < b.count; k++) {
        const i = b.sel === null ? k : b.sel[k]!;
        const key = groupKey(vecs.map((v) => vectorGet(v, i)) as Value[]);
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        ctx.reserve(48);
        sel[m++] = i;
      }
      if (m > 0) return { size: b.size, count: m, sel: sel.subarray(0, m), cols: b.cols };
    }
  }
}
