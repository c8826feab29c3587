import type { Chunk } from '../storage/chunk.js';
import { Chunk as ChunkClass } from '../storage/chunk.js';
import type { Table, TableSnapshot } from '../storage/table.js';
import type { DataSource } from '../exec/context.js';
import type { Value } from '../types/values.js';

/**
 * A DDL statement as the write-ahead log keeps it: its parse tree and the search_path it ran
 * under; recovery runs it again in commit order.
 */
export interface DdlLogEntry {
  readonly stmt: unknown;
  /** The statement's text, when known (a view keeps its query's text from it). */
  readonly sql?: string;
  readonly searchPath: readonly string[];
}

/** One undoable step of a transaction, so a failed statement or ROLLBACK TO leaves no trace. */
type UndoEntry =
  | { readonly kind: 'insert'; readonly chunk: Chunk; readonly rowsBefore: number }
  | { readonly kind: 'delete'; readonly chunk: Chunk; readonly row: number; readonly local: boolean }
  | { readonly kind: 'ddl'; readonly undo: () => void };

/**
 * A transaction's uncommitted changes: appended rows live in one private chunk per table, deletes of
 * committed rows in per-chunk sets. Nothing is visible to other sessions until commit() applies it
 * in one synchronous step (so it is atomic: the event loop cannot interleave another reader).
 */
export class Transaction {
  readonly local = new Map<Table, Chunk>();
  readonly deletes = new Map<Chunk, Set<number>>();
  private readonly deleteTables = new Map<Chunk, Table>();
  private readonly undo: UndoEntry[] = [];
  readonly startedAt: number;
  /** In an explicit BEGIN block (vs. a single autocommit statement). */
  readonly explicit: boolean;
  failed = false;
  readonly savepoints: { name: string; mark: number }[] = [];
  /** DDL run by the transaction (for the write-ahead log), in order. */
  readonly ddl: DdlLogEntry[] = [];
  /** Whether a role statement ran (the commit logs the role store). */
  rolesChanged = false;
  /** NOTIFYs to send when the transaction commits. */
  readonly notifies: { channel: string; payload: string; pid: number }[] = [];
  /** REPEATABLE READ / SERIALIZABLE: every table's snapshot, taken at the first statement. */
  private frozen: Map<Table, TableSnapshot> | null = null;

  constructor(explicit: boolean, startedAt: number) {
    this.explicit = explicit;
    this.startedAt = startedAt;
  }

  localChunk(table: Table): Chunk {
    let c = this.local.get(table);
    if (!c) {
      // Unbounded: one transaction may write more than a table chunk holds; commit splits it.
      c = new ChunkClass(table.types, Infinity);
      this.local.set(table, c);
    }
    return c;
  }

  /**
   * Under REPEATABLE READ / SERIALIZABLE: the table as of the transaction's first snapshot (all
   * tables are taken then, by `takeAll`). A table that did not exist then reads as empty (its rows
   * came later); one rebuilt since (ALTER, TRUNCATE) is read as it is now, as PostgreSQL's
   * TRUNCATE is not MVCC-safe either.
   */
  frozenSnapshot(table: Table, takeAll: () => Map<Table, TableSnapshot>): TableSnapshot {
    this.frozen ??= takeAll();
    const s = this.frozen.get(table);
    if (s === undefined) return { table, chunks: [], rowCounts: [], seq: 0 };
    // ALTER and TRUNCATE replace the chunks: read the table as it is now.
    if (s.chunks.length > 0 && !table.chunks.includes(s.chunks[0]!)) return table.snapshot(s.seq);
    return s;
  }

  insert(table: Table, row: readonly Value[]): void {
    const c = this.localChunk(table);
    this.undo.push({ kind: 'insert', chunk: c, rowsBefore: c.rowCount });
    c.appendRow(row);
  }

  /** Appends `count` rows given column-wise (one undo entry for the whole batch). */
  insertColumns(table: Table, cols: readonly (ArrayLike<Value> | readonly Value[])[], count: number): void {
    const c = this.localChunk(table);
    this.undo.push({ kind: 'insert', chunk: c, rowsBefore: c.rowCount });
    c.appendColumns(cols, 0, count);
  }

  deleteCommitted(table: Table, chunk: Chunk, row: number): void {
    let s = this.deletes.get(chunk);
    if (!s) {
      s = new Set();
      this.deletes.set(chunk, s);
      this.deleteTables.set(chunk, table);
    }
    if (s.has(row)) return;
    s.add(row);
    this.undo.push({ kind: 'delete', chunk, row, local: false });
  }

  deleteLocal(chunk: Chunk, row: number): void {
    chunk.markDeleted(row, -1);
    this.undo.push({ kind: 'delete', chunk, row, local: true });
  }

  /** Records a DDL statement that succeeded; a rollback past it forgets it. */
  logDdl(entry: DdlLogEntry): void {
    this.ddl.push(entry);
    this.onRollback(() => void this.ddl.pop());
  }

  onRollback(undo: () => void): void {
    this.undo.push({ kind: 'ddl', undo });
  }

  mark(): number {
    return this.undo.length;
  }

  /** Undoes everything after `mark` (a failed statement, ROLLBACK TO SAVEPOINT, ROLLBACK). */
  rollbackTo(mark: number): void {
    while (this.undo.length > mark) {
      const u = this.undo.pop()!;
      if (u.kind === 'insert') u.chunk.truncate(u.rowsBefore);
      else if (u.kind === 'delete') {
        if (u.local) u.chunk.unmarkDeleted(u.row);
        else this.deletes.get(u.chunk)?.delete(u.row);
      } else u.undo();
    }
  }

  /**
   * Follows ALTER TABLE's rebuild of `table`: chunk i of `before` became chunk i of `table.chunks`
   * with rows in place, so pending deletes and the undo log move over as they are; the local chunk
   * is rebuilt row by row with `mapRow`. Returns the step that moves everything back (for the
   * ALTER's own undo, which restores `before`).
   */
  reshaped(table: Table, before: readonly Chunk[], mapRow: (row: Value[]) => Value[]): () => void {
    const forward = new Map<Chunk, Chunk>();
    before.forEach((c, i) => forward.set(c, table.chunks[i]!));
    const oldLocal = this.local.get(table);
    if (oldLocal) {
      const next = new ChunkClass(table.types, Infinity);
      for (let r = 0; r < oldLocal.rowCount; r++) {
        next.appendRow(mapRow(oldLocal.getRow(r)));
        if (oldLocal.deletedAt && oldLocal.deletedAt[r] !== 0) next.markDeleted(r, oldLocal.deletedAt[r]!);
      }
      forward.set(oldLocal, next);
    }
    this.moveChunks(table, forward);
    const backward = new Map<Chunk, Chunk>();
    for (const [from, to] of forward) backward.set(to, from);
    return () => this.moveChunks(table, backward);
  }

  private moveChunks(table: Table, moves: ReadonlyMap<Chunk, Chunk>): void {
    for (const [from, to] of moves) {
      const rows = this.deletes.get(from);
      if (rows) {
        this.deletes.delete(from);
        this.deleteTables.delete(from);
        this.deletes.set(to, rows);
        this.deleteTables.set(to, table);
      }
    }
    const local = this.local.get(table);
    const movedLocal = local && moves.get(local);
    if (movedLocal) this.local.set(table, movedLocal);
    for (let i = 0; i < this.undo.length; i++) {
      const u = this.undo[i]!;
      if (u.kind === 'ddl') continue;
      const to = moves.get(u.chunk);
      if (to) this.undo[i] = { ...u, chunk: to };
    }
  }

  get hasWrites(): boolean {
    return this.undo.some((u) => u.kind !== 'ddl');
  }

  /** Whether the commit has anything for the write-ahead log: rows, DDL or roles. */
  get needsLog(): boolean {
    return this.ddl.length > 0 || this.rolesChanged || this.hasWrites;
  }

  /** The tables whose committed rows this transaction deletes, with those rows per chunk. */
  pendingDeletes(): Map<Table, Map<Chunk, ReadonlySet<number>>> {
    const out = new Map<Table, Map<Chunk, ReadonlySet<number>>>();
    for (const [chunk, rows] of this.deletes) {
      if (rows.size === 0) continue;
      const t = this.deleteTables.get(chunk)!;
      let m = out.get(t);
      if (!m) out.set(t, (m = new Map()));
      m.set(chunk, rows);
    }
    return out;
  }

  /** Tables this transaction changed rows of. */
  touchedTables(): Set<Table> {
    const s = new Set<Table>();
    for (const [t, c] of this.local) if (c.rowCount > 0) s.add(t);
    for (const [c, rows] of this.deletes) if (rows.size > 0) s.add(this.deleteTables.get(c)!);
    return s;
  }

  /** Conflicting deletes: rows this transaction deleted that a commit after `since` already deleted. */
  conflicts(): boolean {
    for (const [chunk, rows] of this.deletes) {
      if (!chunk.deletedAt) continue;
      for (const r of rows) if (chunk.deletedAt[r] !== 0) return true;
    }
    return false;
  }

  /** Applies the changes as commit `seq`. */
  apply(seq: number): void {
    for (const [chunk, rows] of this.deletes) {
      for (const r of rows) chunk.markDeleted(r, seq);
      if (rows.size > 0) this.deleteTables.get(chunk)!.version++;
    }
    for (const [table, chunk] of this.local) table.appendChunk(chunk);
  }

  /** The view of data this transaction's statements read. */
  dataSource(snapshot: (t: Table) => TableSnapshot): DataSource {
    return {
      snapshot,
      localChunk: (t) => this.local.get(t),
      locallyDeletedRows: (c) => {
        const s = this.deletes.get(c);
        return s && s.size > 0 ? s : undefined;
      },
    };
  }
}
