import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { ChunkColumn } from './column.js';

/** Rows per chunk (row group). */
export const CHUNK_ROWS = 65_536;
const INITIAL_CAPACITY = 16;

/**
 * A row group: one ChunkColumn per table column. Rows are only appended, in commit order; the last
 * chunk of a table takes appends, earlier ones are sealed. A delete stamps the deleting commit's
 * sequence number in `deletedAt`, so a snapshot taken before that commit still sees the row.
 */
export class Chunk {
  columns: ChunkColumn[];
  rowCount = 0;
  /** Commit sequence that deleted each row, 0 while live; allocated at the first delete. */
  deletedAt: Float64Array | null = null;
  deletedCount = 0;
  sealed = false;
  /** Rows this chunk may grow to: CHUNK_ROWS for table chunks; a transaction's private chunk is unbounded (it is split at commit). */
  readonly maxRows: number;

  constructor(types: readonly SqlType[], maxRows: number = CHUNK_ROWS) {
    this.columns = types.map((t) => new ChunkColumn(t, INITIAL_CAPACITY));
    this.maxRows = maxRows;
  }

  /** A chunk rebuilt from stored columns (checkpoint load, WAL replay). */
  static restore(
    columns: ChunkColumn[],
    rowCount: number,
    sealed: boolean,
    maxRows: number = CHUNK_ROWS,
  ): Chunk {
    const c = new Chunk([], maxRows);
    c.columns = columns;
    c.rowCount = rowCount;
    c.sealed = sealed;
    return c;
  }

  get capacity(): number {
    return this.columns[0]?.capacity ?? CHUNK_ROWS;
  }

  isFull(): boolean {
    return this.rowCount >= CHUNK_ROWS;
  }

  private ensureCapacity(rows: number): void {
    const cap = this.columns[0]?.capacity ?? INITIAL_CAPACITY;
    if (rows <= cap) return;
    let next = cap;
    while (next < rows) next *= 2;
    if (rows > this.maxRows) throw new RangeError(`chunk holds at most ${this.maxRows} rows`);
    next = Math.min(Math.max(next, rows), this.maxRows);
    for (const c of this.columns) c.grow(next, this.rowCount);
    if (this.deletedAt) {
      const d = new Float64Array(new SharedArrayBuffer(next * 8));
      d.set(this.deletedAt.subarray(0, this.rowCount));
      this.deletedAt = d;
    }
  }

  /** Appends one row of values (already of the column types). Returns the row index. */
  appendRow(values: readonly Value[]): number {
    this.ensureCapacity(this.rowCount + 1);
    const row = this.rowCount;
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.set(row, values[c] ?? null);
    this.rowCount = row + 1;
    return row;
  }

  /** Appends `count` rows from column arrays starting at `offset`. */
  appendColumns(cols: readonly (ArrayLike<Value> | readonly Value[])[], offset: number, count: number): void {
    this.ensureCapacity(this.rowCount + count);
    const base = this.rowCount;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      const src = cols[c]!;
      if (
        (col.kind === 'f64' || col.kind === 'i32') &&
        (src instanceof Float64Array || src instanceof Int32Array)
      )
        col.setNumbers(base, src, offset, count);
      else for (let r = 0; r < count; r++) col.set(base + r, (src[offset + r] as Value) ?? null);
    }
    this.rowCount = base + count;
  }

  /** Appends `count` rows of another chunk starting at `offset`, column by column. */
  appendFrom(src: Chunk, offset: number, count: number): void {
    this.ensureCapacity(this.rowCount + count);
    const base = this.rowCount;
    for (let c = 0; c < this.columns.length; c++) {
      this.columns[c]!.copyRows(src.columns[c]!, offset, base, count);
    }
    this.rowCount = base + count;
  }

  markDeleted(row: number, seq: number): void {
    if (!this.deletedAt) this.deletedAt = new Float64Array(new SharedArrayBuffer(this.capacity * 8));
    if (this.deletedAt[row] === 0) this.deletedCount++;
    this.deletedAt[row] = seq;
  }

  /** Clears a delete stamp (used when a transaction-local chunk rolls back to a savepoint). */
  unmarkDeleted(row: number): void {
    if (this.deletedAt && this.deletedAt[row] !== 0) {
      this.deletedAt[row] = 0;
      this.deletedCount--;
    }
  }

  /** Drops rows past `rows` (transaction-local chunks only, when rolling back). */
  truncate(rows: number): void {
    if (rows < this.rowCount) {
      for (let r = rows; r < this.rowCount; r++) this.unmarkDeleted(r);
      this.rowCount = rows;
    }
  }

  getRow(row: number): Value[] {
    return this.columns.map((c) => c.get(row));
  }

  seal(): void {
    this.sealed = true;
    for (const c of this.columns) c.seal();
  }

  byteSize(): number {
    let n = this.deletedAt ? this.deletedAt.byteLength : 0;
    for (const c of this.columns) n += c.byteSize(this.rowCount);
    return n;
  }
}
