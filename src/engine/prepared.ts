import type { Table as ArrowTable } from 'apache-arrow';
import { DatabaseError, SqlState } from '../errors.js';
import type { BoundQuery } from '../sql/binder/select-binder.js';
import { parseSql } from '../sql/parser.js';
import { sameType, typeName, type SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { resultColumns } from './columnar-result.js';
import { describeStatement, type BindingHost, type Description } from './describe.js';
import { convertParams, type ParamValue } from './params.js';
import { shapeResult, type ColumnarResult, type QueryOptions, type QueryResult } from './result-shape.js';
import type { ResultColumn, StatementResult } from './session.js';

type Node = any;

/** What a prepared statement needs from its session (Session implements it). */
export interface PreparedHost extends BindingHost {
  readonly settings: Map<string, string>;
  /** Runs a parsed statement with parameters of fixed types, reusing `query` when given. */
  executeBound(
    stmt: Node,
    params: readonly Value[],
    paramTypes: readonly SqlType[],
    query?: BoundQuery,
  ): Promise<StatementResult>;
}

/** What the bound plan depends on besides the statement: the catalog and the session's settings. */
function bindingKey(host: PreparedHost): string {
  const s = host.settings;
  return `${host.engine.catalog.version}|${s.get('search_path')}|${s.get('timezone')}`;
}

function sameColumns(a: readonly ResultColumn[], b: readonly ResultColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && sameType(c.type, b[i]!.type));
}

/**
 * A statement parsed and bound once, run many times with different parameters: PostgreSQL's
 * prepared statement. Queries keep their bound plan and bind again only when the catalog (or the
 * session's search_path or TimeZone) has changed since; parameter types stay as prepared.
 *
 * @example
 * const stmt = await db.prepare('SELECT name FROM users WHERE id = $1');
 * stmt.paramTypes; // [{ id: 'int4' }]
 * const { rows } = await stmt.query([42]); // [{ name: 'Ada' }]
 * await stmt.close();
 */
export class PreparedStatement {
  /** Types of $1..$n, fixed at prepare: declared, or inferred from context. */
  readonly paramTypes: readonly SqlType[];
  private desc: Description;
  private key: string;
  private closed = false;

  /**
   * @param name Empty for the API's statements, the SQL name for PREPARE.
   * @param guard Throws when the owner (database) is closed.
   */
  constructor(
    private readonly host: PreparedHost,
    private readonly stmt: Node,
    readonly name = '',
    declared: readonly (SqlType | undefined)[] = [],
    private readonly guard: () => void = () => {},
  ) {
    this.key = bindingKey(host);
    this.desc = describeStatement(host, stmt, declared);
    this.paramTypes = this.desc.paramTypes;
  }

  /**
   * Parses one statement and prepares it on a session. More than one statement fails with 42601.
   * @example
   * const stmt = PreparedStatement.fromSql(db.session(), 'SELECT $1::int AS x');
   */
  static fromSql(
    host: PreparedHost,
    sql: string,
    declared: readonly SqlType[] = [],
    guard?: () => void,
  ): PreparedStatement {
    const stmts = parseSql(sql);
    if (stmts.length !== 1)
      throw new DatabaseError(
        SqlState.syntaxError,
        stmts.length === 0
          ? 'cannot prepare an empty statement'
          : 'cannot insert multiple commands into a prepared statement',
      );
    return new PreparedStatement(host, stmts[0]!.stmt, '', declared, guard);
  }

  /**
   * Result columns (names and types): a query's output or DML's RETURNING list.
   * @example
   * (await db.prepare('SELECT id, k FROM t')).columns; // [{ name: 'id', type: { id: 'int4' } }, ...]
   */
  get columns(): readonly ResultColumn[] {
    return this.desc.columns;
  }

  /**
   * Runs the statement with $1..$n bound to `params`; the result as the session returns it.
   * @example
   * const { rows } = await stmt.execute([1]); // rows: Value[][]
   */
  async execute(params: readonly ParamValue[] = []): Promise<StatementResult> {
    this.guard();
    if (this.closed)
      throw new DatabaseError(
        SqlState.invalidSqlStatementName,
        `prepared statement "${this.name}" does not exist`,
        {
          hint: 'The statement was closed.',
        },
      );
    if (params.length !== this.paramTypes.length)
      throw new DatabaseError(
        SqlState.protocolViolation,
        `bind message supplies ${params.length} parameters, but prepared statement "${this.name}" requires ${this.paramTypes.length}`,
        { detail: `Parameter types: (${this.paramTypes.map(typeName).join(', ')}).` },
      );
    const values = convertParams(params, this.paramTypes, this.host.functionContext(Date.now() * 1000));
    this.refresh();
    return this.host.executeBound(this.stmt, values, this.paramTypes, this.desc.query ?? undefined);
  }

  /** Binds again if the catalog or the settings the plan depends on have changed. */
  private refresh(): void {
    const key = bindingKey(this.host);
    if (key === this.key) return;
    const d = describeStatement(this.host, this.stmt, this.paramTypes);
    if (!sameColumns(d.columns, this.desc.columns))
      throw new DatabaseError(SqlState.featureNotSupported, 'cached plan must not change result type');
    this.desc = d;
    this.key = key;
  }

  /**
   * Runs the statement and returns its rows (see Database.query for the row modes).
   * @example
   * const { rows } = await stmt.query([7], { rowMode: 'array' }); // [[...], ...]
   */
  async query(
    params?: readonly ParamValue[],
    options?: QueryOptions & { rowMode?: 'object' },
  ): Promise<QueryResult<Record<string, Value>>>;
  async query(params: readonly ParamValue[], options: { rowMode: 'array' }): Promise<QueryResult<Value[]>>;
  async query(params: readonly ParamValue[], options: { rowMode: 'columns' }): Promise<ColumnarResult>;
  async query(params: readonly ParamValue[] = [], options: QueryOptions = {}): Promise<any> {
    return shapeResult(await this.execute(params), options.rowMode);
  }

  /**
   * Runs the statement for its effect; returns the command tag and the rows affected.
   * @example
   * const { rowCount } = await insert.exec([1, 'a']); // 1
   */
  async exec(params: readonly ParamValue[] = []): Promise<{ command: string; rowCount: number }> {
    const r = await this.execute(params);
    return { command: r.command, rowCount: r.rowCount };
  }

  /**
   * Runs the statement and returns its result as an Apache Arrow table.
   * @example
   * const table = await stmt.queryArrow([2026]);
   */
  async queryArrow(params: readonly ParamValue[] = []): Promise<ArrowTable> {
    const r = await this.execute(params);
    const { toArrowTable } = await import('./arrow.js');
    return toArrowTable(resultColumns(r.columns, r.rows), r.rows.length);
  }

  /**
   * Releases the statement; running it afterwards fails with 26000.
   * @example
   * await stmt.close();
   */
  async close(): Promise<void> {
    this.closed = true;
  }
}
