import type { Chunk } from '../storage/chunk.js';
import type { Table } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { consolidate, RowMap, type Delta } from './delta.js';

interface Position {
  readonly chunk: Chunk;
  readonly row: number;
}

/** One distinct row of the view and where its copies are stored. */
interface Entry {
  readonly row: Value[];
  readonly at: Position[];
}

/**
 * The rows of a materialized view: an ordinary table (so reading a view is a plain scan) plus an
 * index from each row's values to where its copies are, so a retraction finds the row to delete.
 * Deletes stamp the commit's sequence number like any delete, so readers see the view as of their
 * snapshot. When dead rows outnumber live ones the chunks are rebuilt (readers that hold the old
 * chunks keep them).
 */
export class ViewStorage {
  private index = new RowMap<Entry>();
  private live = 0;
  private dead = 0;
  /** Retractions of rows that were not there (a bug if ever non-zero; REFRESH repairs it). */
  inconsistencies = 0;

  constructor(readonly table: Table) {}

  get rowCount(): number {
    return this.live;
  }

  /** Stores `n` copies of `row`. */
  private insert(row: Value[], n: number): void {
    let entry = this.index.get(row);
    if (!entry) {
      entry = { row, at: [] };
      this.index.add(entry);
    }
    for (let k = 0; k < n; k++) {
      entry.at.push(this.table.appendRowAt(row));
      this.live++;
    }
  }

  /** Applies a change as commit `seq`. */
  apply(delta: Delta, seq: number): void {
    const d = consolidate(delta);
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      if (w >= 0) continue;
      const entry = this.index.get(d.rows[i]!);
      for (let n = -w; n > 0; n--) {
        const p = entry?.at.pop();
        if (!p) {
          this.inconsistencies++;
          break;
        }
        p.chunk.markDeleted(p.row, seq);
        this.live--;
        this.dead++;
      }
      if (entry && entry.at.length === 0) this.index.delete(entry);
    }
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      if (w > 0) this.insert(d.rows[i]!, w);
    }
    if (d.rows.length > 0) this.table.version++;
    if (this.dead > 4096 && this.dead > this.live) this.compact();
  }

  /** The live rows (for REFRESH's comparison and tests). */
  rows(): Value[][] {
    const out: Value[][] = [];
    for (const e of this.index.values()) for (let k = 0; k < e.at.length; k++) out.push(e.row);
    return out;
  }

  /** Replaces every row (a rebuild), as commit `seq`. */
  replace(rows: readonly Value[][], seq: number): void {
    const out: Delta = { rows: [], weights: [] };
    for (const e of this.index.values()) {
      out.rows.push(e.row);
      out.weights.push(-e.at.length);
    }
    for (const r of rows) {
      out.rows.push(r as Value[]);
      out.weights.push(1);
    }
    this.apply(out, seq);
  }

  /** Rewrites the table's chunks with the live rows only. */
  private compact(): void {
    const entries = [...this.index.values()];
    const t = this.table;
    t.chunks = [];
    this.index = new RowMap();
    this.live = 0;
    this.dead = 0;
    for (const e of entries) this.insert(e.row, e.at.length);
    t.version++;
  }
}
