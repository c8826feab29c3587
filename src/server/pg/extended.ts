import { DatabaseError, SqlState } from '../../errors.js';
import type { ParamValue } from '../../engine/params.js';
import { PreparedStatement } from '../../engine/prepared.js';
import type { Session, StatementResult } from '../../engine/session.js';
import { parseSql } from '../../sql/parser.js';
import { typeOid } from '../../types/types.js';
import { decodeParam, textContext, typeForOid } from './format.js';
import { formatCode, type FrontendMessage } from './messages.js';
import { dataRows, returnsRows } from './results.js';
import * as msg from './writer.js';

type Msg<K extends FrontendMessage['kind']> = Extract<FrontendMessage, { kind: K }>;

/** A Parse'd statement; `prepared` is null for an empty query string. */
interface Statement {
  readonly prepared: PreparedStatement | null;
}

/** A Bind'd statement; its result is computed by the first Execute and handed out in slices. */
interface Portal {
  readonly statement: Statement;
  readonly params: readonly ParamValue[];
  readonly resultFormats: readonly number[];
  result: StatementResult | null;
  /** Rows already sent by earlier Executes of a row-limited portal. */
  sent: number;
}

const label = (name: string, what: string): string => (name === '' ? `unnamed ${what}` : `${what} "${name}"`);

/**
 * The extended query protocol (Parse, Bind, Describe, Execute, Close) over one session: named and
 * unnamed statements and portals, kept until closed (portals also end with their transaction).
 */
export class ExtendedProtocol {
  /**
   * The unnamed statement, and named ones of an empty query string. Other named statements are
   * kept with the session's PREPAREd ones (one namespace, as in PostgreSQL: DEALLOCATE reaches them).
   */
  private readonly statements = new Map<string, Statement>();
  private readonly portals = new Map<string, Portal>();

  constructor(
    private readonly session: Session,
    private readonly send: (b: Buffer) => void,
  ) {}

  async handle(m: Msg<'parse' | 'bind' | 'describe' | 'execute' | 'close'>): Promise<void> {
    switch (m.kind) {
      case 'parse':
        return this.parse(m);
      case 'bind':
        return this.bind(m);
      case 'describe':
        return this.describe(m);
      case 'execute':
        return this.execute(m);
      case 'close':
        if (m.target === 'S') {
          this.statements.delete(m.name);
          if (m.name !== '') this.session.prepared.delete(m.name);
        } else this.portals.delete(m.name);
        this.send(msg.closeComplete());
    }
  }

  /** At Sync outside a transaction block the implicit transaction ends, and its portals with it. */
  sync(): void {
    if (this.session.transactionStatus === 'I') this.portals.clear();
  }

  private parse(m: Msg<'parse'>): void {
    if (m.name !== '' && (this.statements.has(m.name) || this.session.prepared.has(m.name)))
      throw new DatabaseError(
        SqlState.duplicatePreparedStatement,
        `prepared statement "${m.name}" already exists`,
      );
    const stmts = parseSql(m.sql);
    if (stmts.length > 1)
      throw new DatabaseError(
        SqlState.syntaxError,
        'cannot insert multiple commands into a prepared statement',
      );
    const declared = m.paramTypes.map(typeForOid);
    const prepared = stmts[0] ? new PreparedStatement(this.session, stmts[0].stmt, m.name, declared) : null;
    if (m.name !== '' && prepared) this.session.prepared.add(m.name, prepared);
    else this.statements.set(m.name, { prepared });
    this.send(msg.parseComplete());
  }

  private statement(name: string): Statement {
    const named = name === '' ? undefined : this.session.prepared.get(name);
    const s = named ? { prepared: named } : this.statements.get(name);
    if (!s)
      throw new DatabaseError(
        SqlState.invalidSqlStatementName,
        `${label(name, 'prepared statement')} does not exist`,
      );
    return s;
  }

  private bind(m: Msg<'bind'>): void {
    const statement = this.statement(m.statement);
    const types = statement.prepared?.paramTypes ?? [];
    if (m.params.length !== types.length)
      throw new DatabaseError(
        SqlState.protocolViolation,
        `bind message supplies ${m.params.length} parameters, but prepared statement "${m.statement}" requires ${types.length}`,
      );
    const params = m.params.map((raw, i) => decodeParam(raw, types[i], formatCode(m.paramFormats, i), i + 1));
    this.portals.set(m.portal, { statement, params, resultFormats: m.resultFormats, result: null, sent: 0 });
    this.send(msg.bindComplete());
  }

  private describe(m: Msg<'describe'>): void {
    if (m.target === 'S') {
      const p = this.statement(m.name).prepared;
      this.send(msg.parameterDescription((p?.paramTypes ?? []).map(typeOid)));
      this.sendShape(p, []);
      return;
    }
    const portal = this.portal(m.name);
    this.sendShape(portal.statement.prepared, portal.resultFormats);
  }

  private sendShape(p: PreparedStatement | null, formats: readonly number[]): void {
    if (p && p.columns.length > 0) this.send(msg.rowDescription(p.columns, formats));
    else this.send(msg.noData());
  }

  private portal(name: string): Portal {
    const p = this.portals.get(name);
    if (!p) throw new DatabaseError(SqlState.invalidCursorName, `portal "${name}" does not exist`);
    return p;
  }

  private async execute(m: Msg<'execute'>): Promise<void> {
    const portal = this.portal(m.portal);
    const prepared = portal.statement.prepared;
    if (!prepared) {
      this.send(msg.emptyQueryResponse());
      return;
    }
    portal.result ??= await prepared.execute(portal.params);
    const r = portal.result;
    if (!returnsRows(r)) {
      this.send(msg.commandComplete(msg.commandTag(r.command, r.rowCount)));
      return;
    }
    const from = portal.sent;
    const to = m.maxRows > 0 ? Math.min(r.rows.length, from + m.maxRows) : r.rows.length;
    dataRows(r, from, to, portal.resultFormats, textContext(this.session.settings), this.send);
    portal.sent = to;
    if (to < r.rows.length) this.send(msg.portalSuspended());
    else
      this.send(
        msg.commandComplete(msg.commandTag(r.command, r.command === 'SELECT' ? to - from : r.rowCount)),
      );
  }
}
