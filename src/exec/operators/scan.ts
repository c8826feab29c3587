import type { Chunk } from '../../storage/chunk.js';
import type { TableSnapshot } from '../../storage/table.js';
import type { Value } from '../../types/values.js';
import { compareValues } from '../../types/values.js';
import type { Expr } from '../../plan/expr.js';
import { BATCH_ROWS, type Batch, type Vector } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import { YIELD, type ExecContext } from '../context.js';
import type { NextResult, Operator } from './operator.js';

/** A column-vs-constant range test a zone map can decide for a whole chunk. */
interface ZoneTest {
  readonly col: number;
  readonly op: '=' | '<' | '<=' | '>' | '>=';
  readonly value: Value;
}

function flip(op: ZoneTest['op']): ZoneTest['op'] {
  return op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : op === '>=' ? '<=' : op;
}

/** Extracts `col op const` tests from scan filters (both operand orders, and BETWEEN's halves). */
export function zoneTests(filters: readonly Expr[]): ZoneTest[] {
  const out: ZoneTest[] = [];
  for (const f of filters) {
    if (f.kind !== 'op' || !['=', '<', '<=', '>', '>='].includes(f.op)) continue;
    const [a, b] = f.args;
    const op = f.op as ZoneTest['op'];
    if (a?.kind === 'col' && b?.kind === 'const' && b.value !== null)
      out.push({ col: a.index, op, value: b.value });
    else if (b?.kind === 'col' && a?.kind === 'const' && a.value !== null)
      out.push({ col: b.index, op: flip(op), value: a.value });
  }
  return out;
}

/** Could a chunk whose column lies in [min, max] hold a row passing the test? */
function mayMatch(t: ZoneTest, min: Value, max: Value): boolean {
  if (min === null || max === null) return false; // all NULL: no comparison is true
  if (typeof min !== typeof t.value) return true; // different representation: don't guess
  switch (t.op) {
    case '=':
      return compareValues(min, t.value) <= 0 && compareValues(max, t.value) >= 0;
    case '<':
      return compareValues(min, t.value) < 0;
    case '<=':
      return compareValues(min, t.value) <= 0;
    case '>':
      return compareValues(max, t.value) > 0;
    case '>=':
      return compareValues(max, t.value) >= 0;
  }
}

/**
 * Reads a table snapshot (plus the transaction's own appended rows) in batches that are views over
 * the chunk arrays: no copying. Chunks whose zone maps exclude the filters are skipped; deleted rows
 * are left out of the selection vector.
 */
export class ScanOperator implements Operator {
  private chunkIdx = 0;
  private rowPos = 0;
  private readonly chunks: Chunk[];
  private readonly rowCounts: number[];
  private readonly filters: CompiledExpr[];
  /** Filters of the form `column op number` (no NaN possible), run as tight typed-array loops. */
  private readonly ranges: RangeFilter[];
  private readonly tests: ZoneTest[];
  /** Number of committed chunks; the local chunk (if any) comes after. */
  private readonly committed: number;
  /**
   * Where the last batch came from: its rows are rows `start + i` of `chunk` (UPDATE and DELETE
   * find their target rows with a scan and need the positions).
   */
  origin: { chunk: Chunk; start: number; local: boolean } | null = null;

  constructor(
    private readonly snap: TableSnapshot,
    local: Chunk | undefined,
    private readonly columns: readonly number[],
    filters: readonly Expr[],
  ) {
    this.chunks = snap.chunks.slice();
    this.rowCounts = snap.rowCounts.slice();
    this.committed = this.chunks.length;
    if (local && local.rowCount > 0) {
      this.chunks.push(local);
      this.rowCounts.push(local.rowCount);
    }
    this.tests = zoneTests(filters);
    const { ranges, rest } = rangeFilters(filters);
    this.ranges = ranges;
    this.filters = rest.map((f) => new CompiledExpr(f));
  }

  private chunkMayMatch(chunk: Chunk): boolean {
    for (const t of this.tests) {
      const colIdx = this.columns[t.col];
      if (colIdx === undefined) continue;
      const col = chunk.columns[colIdx]!;
      // Columns of objects (unconstrained numeric, interval, arrays…) keep no min/max.
      if (col.kind === 'obj') continue;
      if (!mayMatch(t, col.zone.min, col.zone.max)) return false;
    }
    return true;
  }

  next(ctx: ExecContext): NextResult {
    for (;;) {
      if (this.chunkIdx >= this.chunks.length) return null;
      if (ctx.shouldYield()) return YIELD;
      const chunk = this.chunks[this.chunkIdx]!;
      const rows = this.rowCounts[this.chunkIdx]!;
      if (this.rowPos === 0 && !this.chunkMayMatch(chunk)) {
        this.chunkIdx++;
        continue;
      }
      if (this.rowPos >= rows) {
        this.chunkIdx++;
        this.rowPos = 0;
        continue;
      }
      const start = this.rowPos;
      const end = Math.min(rows, start + BATCH_ROWS);
      this.rowPos = end;
      this.origin = { chunk, start, local: this.chunkIdx >= this.committed };
      const batch = this.makeBatch(chunk, start, end, this.chunkIdx >= this.committed, ctx);
      if (batch.count === 0) continue;
      let out = batch;
      for (const r of this.ranges) {
        const sel = applyRange(r, out);
        out = { size: out.size, count: sel.length, sel, cols: out.cols };
        if (out.count === 0) break;
      }
      if (out.count === 0) continue;
      for (const f of this.filters) {
        const sel = f.filterBatch(out, ctx);
        out = { size: out.size, count: sel.length, sel, cols: out.cols };
        if (out.count === 0) break;
      }
      if (out.count > 0) return out;
    }
  }

  private makeBatch(chunk: Chunk, start: number, end: number, local: boolean, ctx: ExecContext): Batch {
    const size = end - start;
    const cols: Vector[] = this.columns.map((ci) => {
      const c = chunk.columns[ci]!;
      if (c.kind === 'obj')
        return { kind: 'obj', data: (c.data as Value[]).slice(start, end), validity: null, dict: null };
      return {
        kind: c.kind,
        // start is a multiple of BATCH_ROWS (so of 8): the validity bitmap slices on a byte boundary.
        data: (c.data as Float64Array).subarray(start, end),
        validity: c.validity ? c.validity.subarray(start >> 3, (end + 7) >> 3) : null,
        dict: c.dict,
      };
    });
    const deleted = chunk.deletedAt;
    const seq = this.snap.seq;
    const mine = local ? undefined : ctx.data.locallyDeletedRows(chunk);
    let sel: Int32Array | null = null;
    let count = size;
    if (deleted !== null || mine !== undefined) {
      let m = 0;
      const s = new Int32Array(size);
      for (let r = start; r < end; r++) {
        if (deleted !== null) {
          const d = deleted[r]!;
          // Rows deleted by a commit at or before the snapshot are gone; local-chunk deletes are immediate.
          if (d !== 0 && (local || d <= seq)) continue;
        }
        if (mine !== undefined && mine.has(r)) continue;
        s[m++] = r - start;
      }
      if (m < size) {
        sel = s.subarray(0, m);
        count = m;
      }
    }
    return { size, count, sel, cols };
  }
}

/** Rows whose column lies between lo and hi (each bound inclusive or not); NULLs fail. */
interface RangeFilter {
  readonly col: number;
  lo: number;
  loInc: boolean;
  hi: number;
  hiInc: boolean;
}

/** Types whose values are plain numbers that never hold NaN (floats may: PostgreSQL sorts NaN high). */
const RANGE_TYPES = new Set(['int2', 'int4', 'date', 'time', 'timestamp', 'timestamptz']);

/** Splits `col op number` comparisons (merged per column into ranges) from the other filters. */
function rangeFilters(filters: readonly Expr[]): { ranges: RangeFilter[]; rest: Expr[] } {
  const byCol = new Map<number, RangeFilter>();
  const rest: Expr[] = [];
  for (const f of filters) {
    const t = f.kind === 'op' ? zoneTests([f])[0] : undefined;
    const colType = f.kind === 'op' ? f.args.find((a) => a.kind === 'col')?.type : undefined;
    if (
      !t ||
      typeof t.value !== 'number' ||
      t.value !== t.value ||
      !colType ||
      !RANGE_TYPES.has(colType.id)
    ) {
      rest.push(f);
      continue;
    }
    let r = byCol.get(t.col);
    if (!r) byCol.set(t.col, (r = { col: t.col, lo: -Infinity, loInc: true, hi: Infinity, hiInc: true }));
    const v = t.value;
    if (t.op === '=' || t.op === '>' || t.op === '>=') {
      const inc = t.op !== '>';
      if (v > r.lo || (v === r.lo && !inc)) [r.lo, r.loInc] = [v, inc];
    }
    if (t.op === '=' || t.op === '<' || t.op === '<=') {
      const inc = t.op !== '<';
      if (v < r.hi || (v === r.hi && !inc)) [r.hi, r.hiInc] = [v, inc];
    }
  }
  return { ranges: [...byCol.values()], rest };
}

function applyRange(r: RangeFilter, b: Batch): Int32Array {
  const v = b.cols[r.col]!;
  const d = v.data as Float64Array;
  const valid = v.validity;
  const { lo, hi, loInc, hiInc } = r;
  const sel = b.sel;
  const out = new Int32Array(b.count);
  let m = 0;
  for (let k = 0; k < b.count; k++) {
    const i = sel === null ? k : sel[k]!;
    const x = d[i]!;
    if (x < lo || x > hi || (x === lo && !loInc) || (x === hi && !hiInc)) continue;
    if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) continue;
    out[m++] = i;
  }
  return m === out.length ? out : out.subarray(0, m);
}
