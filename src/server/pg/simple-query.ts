import { DatabaseError, SqlState, toDatabaseError } from '../../errors.js';
import type { Session } from '../../engine/session.js';
import { parseSql, type ParsedStatement } from '../../sql/parser.js';
import { copyIn, copyInTarget, copyOutLines, readServerFile, writeServerFile, type CopyIn } from './copy.js';
import { textContext } from './format.js';
import { sendResult } from './results.js';
import * as msg from './writer.js';

/** A query string being run: its statements, the next one, and whether it is an implicit transaction. */
interface Running {
  readonly stmts: ParsedStatement[];
  next: number;
  readonly implicit: boolean;
  /** COPY FROM STDIN waiting for CopyData up to CopyDone. */
  copy: { target: CopyIn; chunks: Buffer[] } | null;
}

const node = (s: ParsedStatement): Record<string, any> => s.stmt as Record<string, any>;
const kindOf = (s: ParsedStatement): string => Object.keys(node(s))[0]!;
const isCopyFrom = (s: ParsedStatement): boolean =>
  kindOf(s) === 'CopyStmt' && node(s).CopyStmt.is_from === true;

/**
 * The simple query protocol: each statement's result in turn, the first error ending the string.
 * A string of several statements outside a transaction block is one implicit transaction, as in
 * PostgreSQL (unless it has its own BEGIN/COMMIT). COPY FROM STDIN pauses the string until the
 * client's CopyDone or CopyFail.
 */
export class SimpleQuery {
  private running: Running | null = null;

  constructor(
    private readonly session: Session,
    private readonly send: (b: Buffer) => void,
    /** Sends ReadyForQuery once the string is done. */
    private readonly ready: () => void,
    /** Whether the user may read and write server files (COPY FROM/TO 'file'). */
    private readonly fileAccess: boolean,
  ) {}

  /** Whether a COPY FROM STDIN is waiting for data. */
  get copying(): boolean {
    return this.running?.copy != null;
  }

  async start(sql: string): Promise<void> {
    let stmts: ParsedStatement[];
    try {
      stmts = parseSql(sql);
    } catch (e) {
      this.send(msg.errorResponse(toDatabaseError(e)));
      return this.ready();
    }
    if (stmts.length === 0) {
      this.send(msg.emptyQueryResponse());
      return this.ready();
    }
    // COPY FROM runs in one too, so it holds its table's lock from before its data arrives to COMMIT.
    const implicit =
      (stmts.length > 1 || isCopyFrom(stmts[0]!)) &&
      this.session.transactionStatus === 'I' &&
      !stmts.some((s) => kindOf(s) === 'TransactionStmt');
    if (implicit) await this.session.execute('BEGIN');
    this.running = { stmts, next: 0, implicit, copy: null };
    return this.resume();
  }

  copyData(data: Buffer): void {
    this.running?.copy?.chunks.push(Buffer.from(data));
  }

  async copyDone(): Promise<void> {
    const r = this.running!;
    const { target, chunks } = r.copy!;
    r.copy = null;
    try {
      const result = copyIn(this.session, target, Buffer.concat(chunks).toString('utf8'));
      await this.session.durable();
      sendResult(result, textContext(this.session.settings), this.send);
    } catch (e) {
      return this.fail(e, r);
    }
    return this.resume();
  }

  copyFail(message: string): Promise<void> {
    return this.copyError(new DatabaseError(SqlState.queryCanceled, `COPY from stdin failed: ${message}`));
  }

  /** Ends a COPY FROM STDIN with an error (CopyFail, or a message that has no place in it). */
  copyError(e: DatabaseError): Promise<void> {
    const r = this.running!;
    r.copy = null;
    return this.fail(e, r);
  }

  private async resume(): Promise<void> {
    const r = this.running!;
    try {
      while (r.next < r.stmts.length) {
        const s = r.stmts[r.next++]!;
        try {
          if (kindOf(s) === 'CopyStmt') {
            if (await this.copy(node(s).CopyStmt, r)) return;
            continue;
          }
          const [result] = await this.session.execute(s.sql);
          if (result) sendResult(result, textContext(this.session.settings), this.send);
        } catch (e) {
          const err = toDatabaseError(e);
          // Positions are within the statement; the client counts from the start of the string.
          if (err.position !== undefined) err.position += s.offset;
          throw err;
        }
      }
      if (r.implicit) await this.session.execute('COMMIT');
    } catch (e) {
      return this.fail(e, r);
    }
    this.running = null;
    this.ready();
  }

  private async fail(e: unknown, r: Running): Promise<void> {
    this.running = null;
    // A failed COPY fails the transaction block like any failed statement (execute() marks the rest).
    this.session.failTransaction();
    if (r.implicit) await this.session.execute('ROLLBACK');
    this.send(msg.errorResponse(toDatabaseError(e)));
    this.ready();
  }

  /** Runs a COPY; true when it now waits for CopyData (FROM STDIN). */
  private async copy(s: any, r: Running): Promise<boolean> {
    if (s.filename !== undefined && !this.fileAccess)
      throw new DatabaseError(
        SqlState.insufficientPrivilege,
        `permission denied to COPY ${s.is_from ? 'from' : 'to'} a file`,
        { detail: 'Only the admin role may COPY to or from a file on the server.' },
      );
    if (s.is_from) {
      const target = await this.session.lockingTable(
        () => copyInTarget(this.session, s),
        (t) => t.table,
      );
      if (s.filename !== undefined) {
        const result = copyIn(this.session, target, readServerFile(s.filename));
        await this.session.durable();
        sendResult(result, textContext(this.session.settings), this.send);
        return false;
      }
      r.copy = { target, chunks: [] };
      this.send(msg.copyResponse('in', target.columns.length));
      return true;
    }
    const { lines, columns, rows } = await copyOutLines(this.session, s);
    if (s.filename !== undefined) writeServerFile(s.filename, lines.join(''));
    else {
      this.send(msg.copyResponse('out', columns));
      for (const l of lines) this.send(msg.copyData(l));
      this.send(msg.copyDone());
    }
    this.send(msg.commandComplete(msg.commandTag('COPY', rows)));
    return false;
  }
}
