import { DatabaseError, SqlState } from '../errors.js';
import type { Value } from '../types/values.js';
import type { ResultColumn, StatementResult } from './session.js';

type Node = any;

/** CURSOR_OPT_HOLD in PostgreSQL's parse tree (DeclareCursorStmt.options). */
const CURSOR_OPT_HOLD = 0x20;
/** FETCH ALL arrives as the largest int32 (FETCH_ALL). */
const FETCH_ALL = 2147483647;

/** A declared cursor: its rows (computed at DECLARE, as a snapshot) and how many were fetched. */
interface Cursor {
  readonly columns: ResultColumn[];
  readonly rows: Value[][];
  position: number;
  /** The transaction it lives in, or null for WITH HOLD (which lives until CLOSE or session end). */
  readonly txn: object | null;
}

const tag = (command: string, rowCount = 0): StatementResult => ({
  command,
  columns: [],
  rows: [],
  rowCount,
});

/**
 * A session's SQL cursors: DECLARE, FETCH / MOVE forward, CLOSE. A cursor reads the snapshot of
 * its DECLARE; one without WITH HOLD ends with its transaction.
 *
 * @example
 * await s.execute('BEGIN; DECLARE c CURSOR FOR SELECT * FROM t');
 * await s.execute('FETCH 100 FROM c'); // the first 100 rows
 */
export class Cursors {
  private readonly open = new Map<string, Cursor>();

  /**
   * DECLARE: `block` is the open transaction block (null outside one); `run` computes the query's
   * result inside the statement's transaction.
   */
  async declare(
    s: Node,
    block: object | null,
    run: (select: Node) => Promise<StatementResult>,
  ): Promise<StatementResult> {
    const name: string = s.portalname;
    const hold = ((s.options ?? 0) & CURSOR_OPT_HOLD) !== 0;
    if (!block && !hold)
      throw new DatabaseError(
        SqlState.noActiveSqlTransaction,
        'DECLARE CURSOR can only be used in transaction blocks',
      );
    if (this.get(name, block))
      throw new DatabaseError(SqlState.duplicateCursor, `cursor "${name}" already exists`);
    if (!s.query?.SelectStmt)
      throw new DatabaseError(SqlState.featureNotSupported, 'DECLARE CURSOR supports only SELECT queries');
    const r = await run(s.query);
    this.open.set(name, { columns: r.columns, rows: r.rows, position: 0, txn: hold ? null : block });
    return tag('DECLARE CURSOR');
  }

  /** FETCH [FORWARD] n / ALL, or MOVE, from a cursor. */
  fetch(s: Node, block: object | null): StatementResult {
    const c = this.existing(s.portalname, block);
    if (s.direction !== 'FETCH_FORWARD' || (s.howMany < 0 && s.howMany !== FETCH_ALL))
      throw new DatabaseError(SqlState.featureNotSupported, 'cursor can only scan forward', {
        hint: 'Declare it with SCROLL option to enable backward scan.',
      });
    const n = s.howMany === FETCH_ALL ? c.rows.length : Number(s.howMany);
    const rows = c.rows.slice(c.position, c.position + n);
    c.position += rows.length;
    if (s.ismove === true) return tag('MOVE', rows.length);
    return { command: 'FETCH', columns: c.columns, rows, rowCount: rows.length };
  }

  /** CLOSE name, or CLOSE ALL. */
  close(s: Node, block: object | null): StatementResult {
    if (s.portalname === undefined) this.open.clear();
    else {
      this.existing(s.portalname, block);
      this.open.delete(s.portalname);
    }
    return tag('CLOSE CURSOR');
  }

  /** The cursor open under `name` now, whatever its transaction (for forget). */
  current(name: string): object | undefined {
    return this.open.get(name);
  }

  /** Drops cursor `name` if it is still `cursor` (its declaring transaction rolled back). */
  forget(name: string, cursor: object | undefined): void {
    if (cursor !== undefined && this.open.get(name) === cursor) this.open.delete(name);
  }

  /** The result columns of a cursor still open (for Describe of a FETCH), if any. */
  columns(name: string, block: object | null): ResultColumn[] | undefined {
    return this.get(name, block)?.columns;
  }

  /** A cursor still open: one whose transaction ended is dropped on sight. */
  private get(name: string, block: object | null): Cursor | undefined {
    const c = this.open.get(name);
    if (c && c.txn !== null && c.txn !== block) {
      this.open.delete(name);
      return undefined;
    }
    return c;
  }

  private existing(name: string, block: object | null): Cursor {
    const c = this.get(name, block);
    if (!c) throw new DatabaseError(SqlState.invalidCursorName, `cursor "${name}" does not exist`);
    return c;
  }
}
