import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import type { Value } from '../../types/values.js';
import { BATCH_ROWS, batchFromRows, vectorGet, type Batch } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import { drain, rowBytes, type NextResult, type Operator } from './operator.js';

/**
 * Hash join (nested loop when there are no equi-keys: every right row is a candidate). The right
 * input is built into a hash table keyed by its join keys; left batches probe it. A NULL key never
 * matches. The residual condition sees the left row followed by the right row. Right and full
 * joins emit unmatched right rows at the end; semi and anti joins emit left rows only.
 */
export class HashJoinOperator implements Operator {
  private table: Map<unknown, number[]> | null = null;
  private rightRows: Value[][] = [];
  private rightMatched: Uint8Array | null = null;
  private readonly leftKeys: CompiledExpr[];
  private readonly rightKeys: CompiledExpr[];
  private readonly cond: CompiledExpr | null;
  private pending: Value[][] = [];
  private leftDone = false;
  private tailDone = false;

  constructor(
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly joinType: JoinType,
    leftKeys: readonly Expr[],
    rightKeys: readonly Expr[],
    condition: Expr | null,
    private readonly leftWidth: number,
    private readonly rightWidth: number,
  ) {
    this.leftKeys = leftKeys.map((e) => new CompiledExpr(e));
    this.rightKeys = rightKeys.map((e) => new CompiledExpr(e));
    this.cond = condition ? new CompiledExpr(condition) : null;
  }

  private build(ctx: ExecContext): void {
    const rows = drain(this.right, ctx);
    this.rightRows = rows;
    const table = new Map<unknown, number[]>();
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      ctx.reserve(rowBytes(row) + 16);
      const keys = this.rightKeys.map((k) => k.evalRow(row, ctx));
      if (keys.some((k) => k === null)) continue;
      const hk = keys.length === 0 ? 0 : groupKey(keys);
      const list = table.get(hk);
      if (list) list.push(r);
      else table.set(hk, [r]);
    }
    this.table = table;
    if (this.joinType === 'right' || this.joinType === 'full')
      this.rightMatched = new Uint8Array(rows.length);
  }

  private probe(b: Batch, ctx: ExecContext): void {
    const keyVecs = this.leftKeys.map((k) => k.evalBatch(b, ctx));
    const ncols = b.cols.length;
    const jt = this.joinType;
    const nullRight: Value[] = new Array(this.rightWidth).fill(null);
    for (let k = 0; k < b.count; k++) {
      const i = b.sel === null ? k : b.sel[k]!;
      const keys = keyVecs.map((v) => vectorGet(v, i));
      const left: Value[] = new Array(ncols);
      for (let c = 0; c < ncols; c++) left[c] = vectorGet(b.cols[c]!, i);
      let matched = false;
      if (!keys.some((x) => x === null)) {
        const cands = this.table!.get(keys.length === 0 ? 0 : groupKey(keys));
        if (cands) {
          for (const r of cands) {
            const right = this.rightRows[r]!;
            const joined = left.concat(right);
            if (this.cond && this.cond.evalRow(joined, ctx) !== true) continue;
            matched = true;
            if (jt === 'semi' || jt === 'anti') break;
            if (this.rightMatched) this.rightMatched[r] = 1;
            this.pending.push(joined);
          }
        }
      }
      if (jt === 'semi' && matched) this.pending.push(left);
      else if (jt === 'anti' && !matched) this.pending.push(left);
      else if (!matched && (jt === 'left' || jt === 'full')) this.pending.push(left.concat(nullRight));
    }
  }

  next(ctx: ExecContext): NextResult {
    if (!this.table) this.build(ctx);
    while (this.pending.length < BATCH_ROWS && !this.leftDone) {
      const b = this.left.next(ctx);
      if (b === YIELD) {
        if (this.pending.length > 0) break;
        return YIELD;
      }
      if (b === null) {
        this.leftDone = true;
        break;
      }
      this.probe(b, ctx);
      if (ctx.shouldYield() && this.pending.length === 0) return YIELD;
    }
    if (this.leftDone && !this.tailDone) {
      this.tailDone = true;
      if (this.rightMatched) {
        const nullLeft: Value[] = new Array(this.leftWidth).fill(null);
        for (let r = 0; r < this.rightRows.length; r++)
          if (!this.rightMatched[r]) this.pending.push(nullLeft.concat(this.rightRows[r]!));
      }
    }
    if (this.pending.length === 0) return null;
    const width =
      this.joinType === 'semi' || this.joinType === 'anti'
        ? this.leftWidth
        : this.leftWidth + this.rightWidth;
    const out = this.pending.splice(0, BATCH_ROWS);
    return batchFromRows(out, width);
  }
}
