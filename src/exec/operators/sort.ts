import type { SortKey } from '../../plan/logical.js';
import type { Value } from '../../types/values.js';
import { compareValues } from '../../types/values.js';
import { vectorGet, type Batch } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';
import { BlockingOperator, rowBytes, type Operator } from './operator.js';

/** Orders rows by key; NULLs last ascending and first descending unless NULLS FIRST/LAST says otherwise. */
export function compareKeys(a: readonly Value[], b: readonly Value[], keys: readonly SortKey[]): number {
  for (let k = 0; k < keys.length; k++) {
    const x = a[k] ?? null;
    const y = b[k] ?? null;
    if (x === y) continue;
    const key = keys[k]!;
    let c: number;
    if (x === null) c = key.nullsFirst ? -1 : 1;
    else if (y === null) c = key.nullsFirst ? 1 : -1;
    else {
      c = compareValues(x, y);
      if (key.desc) c = -c;
    }
    if (c !== 0) return c;
  }
  return 0;
}

/** Full sort, or top-N when a limit is known (keeps only the best N rows while consuming). */
export class SortOperator extends BlockingOperator {
  private readonly keys: CompiledExpr[];
  private rows: { row: Value[]; key: Value[] }[] = [];
  /** Top-N: the worst row still kept once `limit` rows are buffered; rows not better are skipped. */
  private cutoff: Value[] | null = null;

  constructor(
    input: Operator,
    ncols: number,
    private readonly sortKeys: readonly SortKey[],
    private readonly limit: number | null,
  ) {
    super(input, ncols);
    this.keys = sortKeys.map((k) => new CompiledExpr(k.expr));
  }

  protected consume(b: Batch, ctx: ExecContext): void {
    const keyVecs = this.keys.map((k) => k.evalBatch(b, ctx));
    const ncols = b.cols.length;
    const nkeys = keyVecs.length;
    const cutoff = this.cutoff;
    // With a cutoff and a numeric first key, one number comparison rejects most rows.
    const first = keyVecs[0];
    const fast =
      cutoff !== null && first !== undefined && typeof cutoff[0] === 'number' && first.kind !== 'obj';
    const c0 = fast ? (cutoff[0] as number) : 0;
    const desc = this.sortKeys[0]?.desc === true;
    const fd = fast ? (first.data as Float64Array) : null;
    for (let k = 0; k < b.count; k++) {
      const i = b.sel === null ? k : b.sel[k]!;
      if (fd !== null && (first!.validity === null || ((first!.validity[i >> 3]! >> (i & 7)) & 1) === 1)) {
        const x = fd[i]!;
        if (desc ? x < c0 : x > c0) continue;
      }
      const key: Value[] = new Array(nkeys);
      for (let c = 0; c < nkeys; c++) key[c] = vectorGet(keyVecs[c]!, i);
      if (cutoff !== null && compareKeys(key, cutoff, this.sortKeys) >= 0) continue;
      const row: Value[] = new Array(ncols);
      for (let c = 0; c < ncols; c++) row[c] = vectorGet(b.cols[c]!, i);
      this.rows.push({ row, key });
      ctx.reserve(rowBytes(row) + rowBytes(key));
    }
    // Top-N: prune to the best `limit` rows once the buffer is twice that.
    if (this.limit !== null && this.rows.length > Math.max(1024, this.limit * 2)) this.prune(ctx);
  }

  private prune(ctx: ExecContext): void {
    const before = this.rows.length;
    this.rows.sort((a, b) => compareKeys(a.key, b.key, this.sortKeys));
    this.rows.length = this.limit!;
    this.cutoff = this.limit! > 0 ? this.rows[this.limit! - 1]!.key : null;
    ctx.release(((before - this.rows.length) * 64) | 0);
  }
  protected finish(): Value[][] {
    this.rows.sort((a, b) => compareKeys(a.key, b.key, this.sortKeys));
    if (this.limit !== null && this.rows.length > this.limit) this.rows.length = this.limit;
    const out = this.rows.map((r) => r.row);
    this.rows = [];
    return out;
  }
}
