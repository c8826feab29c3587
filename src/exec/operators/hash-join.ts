import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import { BATCH_ROWS, type Batch, type Vector } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import { growInt32 } from '../hash-tables.js';
import { TupleCoder } from '../key-coder.js';
import type { NextResult, Operator } from './operator.js';
import { ColumnBuffer, gather, hasNullAt, mayHoldNull, nullVector } from './vectors.js';

/** A left batch being probed: its key tuple ids, match flags and where pair generation stopped. */
interface Probe {
  readonly batch: Batch;
  readonly ids: Int32Array;
  readonly matched: Uint8Array;
  /** Next live row k to probe, and the next right row of its chain (-1: start of the chain). */
  k: number;
  r: number;
}

/**
 * Hash join (nested loop when there are no equi-keys: every right row is a candidate). The right
 * input is buffered column-wise and its key tuples get dense ids; rows with the same id are chained
 * (head/next arrays). Left batches probe by id and produce (left row, right row) pairs, gathered
 * into output vectors BATCH_ROWS pairs at a time; the residual condition filters those batches. A
 * NULL key never matches. Right and full joins emit unmatched right rows at the end; semi and anti
 * joins emit left rows only, as a selection over the probed batch.
 */
export class HashJoinOperator implements Operator {
  private readonly leftKeys: CompiledExpr[];
  private readonly rightKeys: CompiledExpr[];
  private readonly cond: CompiledExpr | null;
  private readonly coder: TupleCoder;
  private built = false;
  /** The build side while it is being read. */
  private building: { cols: ColumnBuffer[]; ids: Int32Array; n: number } | null = null;
  private right: Vector[] = [];
  private rightCount = 0;
  /** Tuple id → first right row; right row → next row with the same id (-1 ends). */
  private head = new Int32Array(0);
  private chain = new Int32Array(0);
  private rightMatched: Uint8Array | null = null;
  /** Output positions nobody above reads: emitted as NULL, not copied. */
  private readonly skip: Uint8Array;
  /** Every right key tuple occurs once (a dimension table): see probeUnique. */
  private unique = false;
  /** Unique keys that are small non-negative integers: key → right row (-1 = none). */
  private rowOfKey: Int32Array | null = null;
  private probe: Probe | null = null;
  private readonly out: Batch[] = [];
  private leftDone = false;
  private tailPos = 0;
  private pl = new Int32Array(BATCH_ROWS);
  private pr = new Int32Array(BATCH_ROWS);
  private pk = new Int32Array(BATCH_ROWS);

  constructor(
    private readonly left: Operator,
    private readonly rightInput: Operator,
    private readonly joinType: JoinType,
    leftKeys: readonly Expr[],
    rightKeys: readonly Expr[],
    condition: Expr | null,
    private readonly leftWidth: number,
    private readonly rightTypes: readonly SqlType[],
    unused: readonly number[] = [],
  ) {
    this.skip = new Uint8Array(leftWidth + rightTypes.length);
    for (const u of unused) this.skip[u] = 1;
    this.leftKeys = leftKeys.map((e) => new CompiledExpr(e));
    this.rightKeys = rightKeys.map((e) => new CompiledExpr(e));
    this.cond = condition ? new CompiledExpr(condition) : null;
    this.coder = new TupleCoder(rightKeys.length);
  }

  /**
   * Buffers the right input batch by batch and chains rows by key tuple; gives the slice back
   * (false) when the input yields, so a large build does not hold the event loop.
   */
  private build(ctx: ExecContext): boolean {
    const st = (this.building ??= {
      cols: this.rightTypes.map((t) => new ColumnBuffer(t)),
      ids: new Int32Array(BATCH_ROWS),
      n: 0,
    });
    for (;;) {
      const b = this.rightInput.next(ctx);
      if (b === null) break;
      if (b === YIELD) return false;
      if (b.count === 0) continue;
      st.cols.forEach((c, j) => c.append(b.cols[j]!, b.sel, b.count, ctx));
      const keyVecs = this.rightKeys.map((k) => k.evalBatch(b, ctx));
      st.ids = growInt32(st.ids, st.n + b.count);
      const part = st.ids.subarray(st.n, st.n + b.count);
      this.coder.encode(keyVecs, b.sel, b.count, part);
      // NULL keys never match: such rows stay out of the chains.
      if (keyVecs.some(mayHoldNull))
        for (let k = 0; k < b.count; k++)
          if (hasNullAt(keyVecs, b.sel === null ? k : b.sel[k]!)) part[k] = -1;
      st.n += b.count;
      if (ctx.shouldYield()) return false;
    }
    this.built = true;
    const { cols, ids, n } = st;
    this.building = null;
    this.right = cols.map((c) => c.finish());
    this.rightCount = n;
    // Key ids, chains and heads: about 12 bytes a build row.
    ctx.reserve(n * 12);
    const keyed = this.rightKeys.length > 0;
    this.head = new Int32Array(keyed ? this.coder.size : 1).fill(-1);
    this.chain = new Int32Array(n).fill(-1);
    // Chains in reverse so each lists its rows in input order.
    for (let r = n - 1; r >= 0; r--) {
      const id = keyed ? ids[r]! : 0;
      if (id < 0) continue;
      this.chain[r] = this.head[id]!;
      this.head[id] = r;
    }
    if (this.joinType === 'right' || this.joinType === 'full') this.rightMatched = new Uint8Array(n);
    this.unique = keyed && this.chain.every((r) => r < 0);
    if (this.unique && this.rightKeys.length === 1)
      this.rowOfKey = directIndex(this.coder.coders[0]!.values, ids, n);
    return true;
  }

  next(ctx: ExecContext): NextResult {
    if (!this.built && !this.build(ctx)) return YIELD;
    for (;;) {
      const ready = this.out.shift();
      if (ready) return ready;
      if (this.probe) {
        this.step(ctx);
        continue;
      }
      if (this.leftDone) return this.tail();
      const b = this.left.next(ctx);
      if (b === YIELD) return YIELD;
      if (b === null) this.leftDone = true;
      else if (b.count > 0) this.startProbe(b, ctx);
    }
  }

  private startProbe(b: Batch, ctx: ExecContext): void {
    const ids = new Int32Array(b.count);
    const jt = this.joinType;
    const uniqueProbe = this.unique && this.cond === null && (jt === 'inner' || jt === 'left');
    if (this.leftKeys.length > 0) {
      const keyVecs = this.leftKeys.map((k) => k.evalBatch(b, ctx));
      const kv = keyVecs[0]!;
      if (uniqueProbe && this.rowOfKey !== null && (kv.kind === 'f64' || kv.kind === 'i32')) {
        this.probeUnique(b, directPartners(b, kv, this.rowOfKey));
        return;
      }
      // Probing codes NULL as -1: it matches nothing.
      this.coder.encode(keyVecs, b.sel, b.count, ids, true);
    }
    if (uniqueProbe) this.probeUnique(b, this.partners(b, ids));
    else this.probe = { batch: b, ids, matched: new Uint8Array(b.count), k: 0, r: -1 };
  }

  /** Right row of each physical left row (-1: none, or not live) from the probe's key ids. */
  private partners(b: Batch, ids: Int32Array): Int32Array {
    const bsel = b.sel;
    // Rows outside the selection must read as "no partner"; without one, the loop sets every row.
    const partner = new Int32Array(b.size);
    if (bsel !== null) partner.fill(-1);
    const head = this.head;
    for (let k = 0; k < b.count; k++) {
      const id = ids[k]!;
      partner[bsel === null ? k : bsel[k]!] = id < 0 ? -1 : head[id]!;
    }
    return partner;
  }

  /**
   * Inner and left joins against unique right keys without a residual condition: each left row
   * has at most one partner, so the left vectors pass through untouched (a selection picks the
   * matched rows) and only the right columns are gathered, aligned to the left's physical rows.
   */
  private probeUnique(b: Batch, partner: Int32Array): void {
    const bsel = b.sel;
    const sel = new Int32Array(b.count);
    let n = 0;
    const inner = this.joinType === 'inner';
    for (let k = 0; k < b.count; k++) {
      const i = bsel === null ? k : bsel[k]!;
      if (!inner || partner[i]! >= 0) sel[n++] = i;
    }
    if (n === 0) return;
    const cols: Vector[] = [...b.cols];
    this.right.forEach((v, j) => cols.push(this.column(this.leftWidth + j, v, partner, b.size)));
    this.out.push({ size: b.size, count: n, sel: n === b.size ? null : sel.subarray(0, n), cols });
  }

  /** Produces up to BATCH_ROWS candidate pairs of the current probe, then finishes the batch. */
  private step(ctx: ExecContext): void {
    const p = this.probe!;
    const { batch, ids } = p;
    const jt = this.joinType;
    // Semi and anti joins without a residual condition only need to know a chain is non-empty.
    const existsOnly = (jt === 'semi' || jt === 'anti') && this.cond === null;
    let m = 0;
    while (p.k < batch.count && m < BATCH_ROWS) {
      const id = ids[p.k]!;
      let r = p.r < 0 ? (id < 0 ? -1 : this.head[id]!) : p.r;
      if (existsOnly) {
        if (r >= 0) p.matched[p.k] = 1;
        r = -1;
      }
      while (r >= 0 && m < BATCH_ROWS) {
        this.pl[m] = batch.sel === null ? p.k : batch.sel[p.k]!;
        this.pr[m] = r;
        this.pk[m++] = p.k;
        r = this.chain[r]!;
      }
      if (r >= 0) p.r = r;
      else {
        p.k++;
        p.r = -1;
      }
    }
    if (m > 0) this.emitPairs(batch, m, ctx);
    if (p.k >= batch.count) {
      this.finishProbe(p);
      this.probe = null;
    }
  }

  /** Gathers m pairs into a joined batch, applies the condition and records the matches. */
  private emitPairs(batch: Batch, m: number, ctx: ExecContext): void {
    const joined = this.joinedBatch(batch, this.pl, this.pr, m);
    let sel: Int32Array | null = null;
    if (this.cond) sel = this.cond.filterBatch(joined, ctx);
    const count = sel === null ? m : sel.length;
    const matched = this.probe!.matched;
    for (let q = 0; q < count; q++) {
      const j = sel === null ? q : sel[q]!;
      matched[this.pk[j]!] = 1;
      if (this.rightMatched) this.rightMatched[this.pr[j]!] = 1;
    }
    const jt = this.joinType;
    if (jt === 'semi' || jt === 'anti' || count === 0) return;
    this.out.push({ size: m, count, sel: sel !== null && count < m ? sel : null, cols: joined.cols });
  }

  private joinedBatch(batch: Batch, pl: Int32Array, pr: Int32Array, m: number): Batch {
    const cols: Vector[] = [];
    batch.cols.forEach((v, j) => cols.push(this.column(j, v, pl, m)));
    this.right.forEach((v, j) => cols.push(this.column(this.leftWidth + j, v, pr, m)));
    return { size: m, count: m, sel: null, cols };
  }

  /** Output column `pos`: rows idx of v, or all NULL when nothing above reads it. */
  private column(pos: number, v: Vector, idx: Int32Array, n: number): Vector {
    return this.skip[pos] === 1 ? nullVector(n) : gather(v, idx, n);
  }

  /** After the last pair of a left batch: semi/anti rows, or left rows without a match. */
  private finishProbe(p: Probe): void {
    const { batch, matched } = p;
    const jt = this.joinType;
    if (jt === 'semi' || jt === 'anti') {
      const want = jt === 'semi' ? 1 : 0;
      const sel = new Int32Array(batch.count);
      let n = 0;
      for (let k = 0; k < batch.count; k++)
        if (matched[k] === want) sel[n++] = batch.sel === null ? k : batch.sel[k]!;
      if (n > 0) this.out.push({ size: batch.size, count: n, sel: sel.subarray(0, n), cols: batch.cols });
      return;
    }
    if (jt !== 'left' && jt !== 'full') return;
    let n = 0;
    for (let k = 0; k < batch.count; k++) {
      if (matched[k] === 1) continue;
      this.pl[n] = batch.sel === null ? k : batch.sel[k]!;
      this.pr[n++] = -1;
      if (n === BATCH_ROWS) {
        this.out.push(this.joinedBatch(batch, this.pl, this.pr, n));
        n = 0;
      }
    }
    if (n > 0) this.out.push(this.joinedBatch(batch, this.pl, this.pr, n));
  }

  /** Right and full joins: the right rows no left row matched, with NULL left columns. */
  private tail(): Batch | null {
    if (!this.rightMatched) return null;
    const rows = new Int32Array(BATCH_ROWS);
    const nulls = new Int32Array(BATCH_ROWS).fill(-1);
    let n = 0;
    while (this.tailPos < this.rightCount && n < BATCH_ROWS) {
      const r = this.tailPos++;
      if (this.rightMatched[r] === 0) rows[n++] = r;
    }
    if (n === 0) return null;
    const cols: Vector[] = [];
    const nullLeft: Vector = { kind: 'obj', data: [], validity: null, dict: null };
    for (let c = 0; c < this.leftWidth; c++) cols.push(gather(nullLeft, nulls, n));
    this.right.forEach((v, j) => cols.push(this.column(this.leftWidth + j, v, rows, n)));
    return { size: n, count: n, sel: null, cols };
  }
}

/**
 * key → row for unique keys that are all small non-negative integers (dense enough: at most 16
 * slots a row, 16M in all), else null.
 */
function directIndex(values: readonly Value[], ids: Int32Array, n: number): Int32Array | null {
  let max = -1;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== 'number' || v >>> 0 !== v) return null;
    if (v > max) max = v;
  }
  if (max >= 1 << 24 || max > 16 * n + 1024) return null;
  const rowOf = new Int32Array(max + 1).fill(-1);
  for (let r = 0; r < n; r++) {
    const id = ids[r]!;
    if (id >= 0) rowOf[values[id] as number] = r;
  }
  return rowOf;
}

/** Right row of each physical left row by direct index on a numeric key (NULL: none). */
function directPartners(b: Batch, kv: Vector, rowOf: Int32Array): Int32Array {
  const bsel = b.sel;
  const partner = new Int32Array(b.size);
  if (bsel !== null) partner.fill(-1);
  const d = kv.data as Float64Array;
  const valid = kv.validity;
  const len = rowOf.length;
  for (let k = 0; k < b.count; k++) {
    const i = bsel === null ? k : bsel[k]!;
    const x = d[i]!;
    partner[i] =
      x >>> 0 === x && x < len && (valid === null || ((valid[i >> 3]! >> (i & 7)) & 1) === 1)
        ? rowOf[x]!
        : -1;
  }
  return partner;
}
