import type { Chunk } from '../storage/chunk.js';
import type { Table } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { consolidate, rowKey, type Delta } from './delta.js';

interface Position {
  readonly chunk: Chunk;
  readonly row: number;
}

/**
 * The rows of a materialized view: an ordinary table (so reading a view is a plain scan) plus an
 * index from each row's values to where its copies are, so a retraction finds the row to delete.
 * Deletes stamp the commit's sequence number like any delete, so readers see the view as of their
 * snapshot. When dead rows outnumber live ones the chunks are rebuilt (readers that hold the old
 * chunks keep them).
 */
export class ViewStorage {
  private index = new Map<unknown, Position[]>();
  private live = 0;
  private dead = 0;
  /** Retractions of rows that were not there (a bug if ever non-zero; REFRESH repairs it). */
  inconsistencies = 0;

  constructor(readonly table: Table) {}

  get rowCount(): number {
    return this.live;
  }

  /** Applies a change as commit `seq`. */
  apply(delta: Delta, seq: number): void {
    const d = consolidate(delta);
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      if (w >= 0) continue;
      const k = rowKey(d.rows[i]!);
      const at = this.index.get(k);
      for (let n = -w; n > 0; n--) {
        const p = at?.pop();
        if (!p) {
          this.inconsistencies++;
          break;
        }
        p.chunk.markDeleted(p.row, seq);
        this.live--;
        this.dead++;
      }
      if (at && at.length === 0) this.index.delete(k);
    }
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      if (w <= 0) continue;
      const row = d.rows[i]!;
      const k = rowKey(row);
      let at = this.index.get(k);
      if (!at) this.index.set(k, (at = []));
      for (let n = 0; n < w; n++) {
        at.push(this.table.appendRowAt(row));
        this.live++;
      }
    }
    if (d.rows.length > 0) this.table.version++;
    if (this.dead > 4096 && this.dead > this.live) this.compact();
  }

  /** The live rows (for REFRESH's comparison and tests). */
  rows(): Value[][] {
    const out: Value[][] = [];
    for (const at of this.index.values()) for (const p of at) out.push(p.chunk.getRow(p.row));
    return out;
  }

  /** Replaces every row (a rebuild), as commit `seq`. */
  replace(rows: readonly Value[][], seq: number): void {
    const out: Delta = { rows: [], weights: [] };
    for (const at of this.index.values())
      for (const p of at) {
        out.rows.push(p.chunk.getRow(p.row));
        out.weights.push(-1);
      }
    for (const r of rows) {
      out.rows.push(r as Value[]);
      out.weights.push(1);
    }
    this.apply(out, seq);
  }

  /** Rewrites the table's chunks with the live rows only. */
  private compact(): void {
    const rows = this.rows();
    const t = this.table;
    t.chunks = [];
    this.index = new Map();
    this.live = 0;
    this.dead = 0;
    for (const r of rows) {
      const k = rowKey(r);
      let at = this.index.get(k);
      if (!at) this.index.set(k, (at = []));
      at.push(t.appendRowAt(r));
      this.live++;
    }
    t.version++;
  }
}
