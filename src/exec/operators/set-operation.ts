import type { Value } from '../../types/values.js';
import type { ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import { RowEmitter, drain, rowBytes, type NextResult, type Operator } from './operator.js';

/** UNION / INTERSECT / EXCEPT, with or without ALL, by counting rows per distinct key. */
export class SetOperationOperator implements Operator {
  private out: RowEmitter | null = null;
  constructor(
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly op: 'union' | 'intersect' | 'except',
    private readonly all: boolean,
    private readonly ncols: number,
  ) {}

  private compute(ctx: ExecContext): Value[][] {
    const l = drain(this.left, ctx);
    const r = drain(this.right, ctx);
    for (const row of l) ctx.reserve(rowBytes(row));
    for (const row of r) ctx.reserve(rowBytes(row));
    if (this.op === 'union') {
      if (this.all) return l.concat(r);
      const seen = new Set<unknown>();
      const out: Value[][] = [];
      for (const row of l.concat(r)) {
        const k = groupKey(row);
        if (!seen.has(k)) {
          seen.add(k);
          out.push(row);
        }
      }
      return out;
    }
    const rightCounts = new Map<unknown, number>();
    for (const row of r) {
      const k = groupKey(row);
      rightCounts.set(k, (rightCounts.get(k) ?? 0) + 1);
    }
    const out: Value[][] = [];
    const emitted = new Set<unknown>();
    for (const row of l) {
      const k = groupKey(row);
      const c = rightCounts.get(k) ?? 0;
      if (this.all) {
        if (this.op === 'intersect' && c > 0) {
          out.push(row);
          rightCounts.set(k, c - 1);
        } else if (this.op === 'except') {
          if (c > 0) rightCounts.set(k, c - 1);
          else out.push(row);
        }
      } else if (!emitted.has(k) && (this.op === 'intersect' ? c > 0 : c === 0)) {
        emitted.add(k);
        out.push(row);
      }
    }
    return out;
  }

  next(ctx: ExecContext): NextResult {
    if (!this.out) this.out = new RowEmitter(this.compute(ctx), this.ncols);
    return this.out.next();
  }
}
