import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { Chunk, CHUNK_ROWS } from './chunk.js';

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** DEFAULT expression as SQL text (bound when an INSERT needs it). */
  readonly defaultSql?: string;
}

/** The chunks and row counts a reader sees: fixed when its statement starts. */
export interface TableSnapshot {
  readonly table: Table;
  readonly chunks: readonly Chunk[];
  readonly rowCounts: readonly number[];
  /** Commit sequence of the snapshot: rows deleted by later commits are still visible. */
  readonly seq: number;
}

let nextOid = 16_384;
export function allocateOid(): number {
  return nextOid++;
}

/** Keeps later OIDs above `oid` (after recovery restores objects with their stored OIDs). */
export function reserveOidsThrough(oid: number): void {
  if (nextOid <= oid) nextOid = oid + 1;
}

/** A base table: a list of chunks; appends go to the last one. */
export class Table {
  readonly oid: number;
  schema: string;
  name: string;
  columns: ColumnDef[];
  chunks: Chunk[] = [];
  /** Bumped by every commit that changes the table (for caches and live queries). */
  version = 0;
  /**
   * Set when the table holds a materialized view's rows: its defining query (as PostgreSQL prints
   * it). Only view maintenance writes such a table.
   */
  matview: { readonly definition: string; populated: boolean } | null = null;

  constructor(schema: string, name: string, columns: ColumnDef[], oid = allocateOid()) {
    this.oid = oid;
    this.schema = schema;
    this.name = name;
    this.columns = columns;
  }

  get types(): SqlType[] {
    return this.columns.map((c) => c.type);
  }

  columnIndex(name: string): number {
    return this.columns.findIndex((c) => c.name === name);
  }

  private tail(): Chunk {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || last.isFull()) {
      last?.seal();
      last = new Chunk(this.types);
      this.chunks.push(last);
    }
    return last;
  }

  /** Appends one row; returns where it went (views keep an index of their rows' positions). */
  appendRowAt(row: readonly Value[]): { chunk: Chunk; row: number } {
    const chunk = this.tail();
    return { chunk, row: chunk.appendRow(row) };
  }

  /** Appends rows (already coerced to the column types). Called at commit. */
  appendRows(rows: readonly (readonly Value[])[]): void {
    for (const r of rows) this.tail().appendRow(r);
    if (rows.length > 0) this.version++;
  }

  /** Appends `count` rows given column-wise (values already of the column types). */
  appendColumns(cols: readonly ArrayLike<Value>[], count: number): void {
    let off = 0;
    while (off < count) {
      const dst = this.tail();
      const n = Math.min(CHUNK_ROWS - dst.rowCount, count - off);
      dst.appendColumns(cols, off, n);
      off += n;
    }
    if (count > 0) this.version++;
  }

  /** Appends all live rows of a transaction-local chunk. */
  appendChunk(src: Chunk): void {
    const stamps = src.deletedAt;
    let live = src.rowCount;
    if (stamps) for (let r = 0; r < src.rowCount; r++) if (stamps[r] !== 0) live--;
    if (live === 0) return;
    if (live === src.rowCount) {
      let off = 0;
      while (off < src.rowCount) {
        const dst = this.tail();
        const n = Math.min(CHUNK_ROWS - dst.rowCount, src.rowCount - off);
        dst.appendFrom(src, off, n);
        off += n;
      }
    } else {
      for (let r = 0; r < src.rowCount; r++) if (stamps![r] === 0) this.tail().appendRow(src.getRow(r));
    }
    this.version++;
  }

  snapshot(seq: number): TableSnapshot {
    return { table: this, chunks: this.chunks.slice(), rowCounts: this.chunks.map((c) => c.rowCount), seq };
  }

  /** Live rows right now (for statistics and monitoring, not for queries). */
  liveRowCount(): number {
    let n = 0;
    for (const c of this.chunks) n += c.rowCount - c.deletedCount;
    return n;
  }

  byteSize(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteSize();
    return n;
  }

  /** Replaces the column list and every chunk's columns (ALTER TABLE). */
  rebuildColumns(columns: ColumnDef[], mapRow: (row: Value[]) => Value[]): void {
    const old = this.chunks;
    this.columns = columns;
    this.chunks = [];
    const types = this.types;
    for (const c of old) {
      const n = new Chunk(types);
      for (let r = 0; r < c.rowCount; r++) n.appendRow(mapRow(c.getRow(r)));
      if (c.deletedAt)
        for (let r = 0; r < c.rowCount; r++) if (c.deletedAt[r] !== 0) n.markDeleted(r, c.deletedAt[r]!);
      if (c.sealed) n.seal();
      this.chunks.push(n);
    }
    this.version++;
  }
}
