import { DatabaseError, SqlState, toDatabaseError } from '../errors.js';
import { CompiledExpr } from '../exec/compile.js';
import { ExecContext, YIELD, type ExecLimits } from '../exec/context.js';
import { ScanOperator } from '../exec/operators/scan.js';
import { installSubqueryRunner, runPlan } from '../exec/build.js';
import { conjuncts, type Expr } from '../plan/expr.js';
import type { Field, LogicalPlan } from '../plan/logical.js';
import { Scope } from '../sql/binder/scope.js';
import { bindTypeName, str } from '../sql/binder/expr-binder.js';
import { SelectBinder, type BoundQuery } from '../sql/binder/select-binder.js';
import type { FunctionContext } from '../sql/functions/registry.js';
import { parseSql, statementSource } from '../sql/parser.js';
import { isTable } from '../storage/catalog.js';
import { lockHolder, relationKey, schemaKey } from '../storage/locks.js';
import type { ColumnDef, Table, TableSnapshot } from '../storage/table.js';
import type { Chunk } from '../storage/chunk.js';
import { T, typeName, type SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import type { Engine } from './database.js';
import { Transaction, type DdlLogEntry } from './transaction.js';
import { prepareColumnBatch, type ColumnBatch } from './append.js';
import { explainStatement } from './explain-statement.js';
import { checkParamCount, convertParams } from './params.js';
import { SqlPreparedStatements } from './sql-prepare.js';
import { bindAssignments, bindDmlJoin, bindReturning, firstMatches, type DmlJoin } from './dml.js';
import { Cursors } from './cursors.js';
import { createSystemAccess } from '../sql/system-catalog/access.js';
import { SessionSettings } from './settings.js';
import { viewQueryText } from './view-text.js';
import { MAX_PAYLOAD, type Notification } from './notifications.js';
import { MaterializedView, sameRows } from '../views/materialized-view.js';
import type { PreparedMaintenance } from '../views/registry.js';
import {
  committedData,
  matViewOptions,
  readCommittedRows,
  buildView,
  buildViewsInBackground,
  tablesRead,
  recomputeRows,
  scannedTables,
  matViewStats,
  scheduleDeferred,
  startViewClock,
  txnViewDeltas,
} from './matviews.js';
import { existingColumn } from './column-index.js';
import { applyTransactionOptions, setStatement, showStatement } from './set-statement.js';

type Node = any;

/**
 * A result column's name and type.
 *
 * @example
 * const { columns } = await db.query('SELECT 1 AS x'); // [{ name: 'x', type: { id: 'int4' } }]
 */
export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
}

/**
 * The outcome of one statement.
 *
 * @example
 * const r = await db.exec('UPDATE t SET v = 0'); // { command: 'UPDATE', rowCount: 3, ... }
 */
export interface StatementResult {
  /** Command tag, e.g. 'SELECT', 'INSERT', 'CREATE TABLE'. */
  readonly command: string;
  readonly columns: ResultColumn[];
  readonly rows: Value[][];
  /** Rows affected (INSERT/UPDATE/DELETE) or returned (SELECT). */
  readonly rowCount: number;
}

/** Statements that leave the catalog as it is; any other statement bumps its version. */
/** Statements the write-ahead log keeps as DDL (replayed in commit order at recovery). */
const LOGGED_DDL = new Set([
  'CreateStmt',
  'RefreshMatViewStmt',
  'ViewStmt',
  'DropStmt',
  'CreateSchemaStmt',
  'TruncateStmt',
  'AlterTableStmt',
  'RenameStmt',
]);

/**
 * The columns of a table made from a query (CREATE TABLE AS, CREATE MATERIALIZED VIEW): named by
 * the INTO column list or the query, typed by the query (unknown-typed literals become text).
 */
function queryColumns(q: BoundQuery, into: Node): ColumnDef[] {
  const names: string[] = ((into.colNames ?? []) as Node[]).map(str);
  if (names.length > q.names.length)
    throw new DatabaseError(SqlState.syntaxError, 'too many column names were specified');
  const cols: ColumnDef[] = q.names.map((n, i) => {
    const type = q.types[i]!;
    return { name: names[i] ?? n, type: type.id === 'unknown' ? T.text : type, notNull: false };
  });
  cols.forEach((c, i) => {
    if (cols.findIndex((x) => x.name === c.name) !== i)
      throw new DatabaseError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
  });
  return cols;
}

/**
 * The form of a DDL statement the write-ahead log keeps, or undefined when it keeps none. CREATE
 * TABLE AS and SELECT INTO lose their data: their rows are in the commit's data already.
 */
function loggedDdl(kind: string, body: Node): Node | undefined {
  if (kind === 'SelectStmt')
    return body.intoClause
      ? { SelectStmt: { ...body, intoClause: { ...body.intoClause, skipData: true } } }
      : undefined;
  // A materialized view's rows are never logged: recovery fills it from its base tables.
  if (kind === 'CreateTableAsStmt' && body.objtype === 'OBJECT_MATVIEW') return { CreateTableAsStmt: body };
  if (kind === 'CreateTableAsStmt')
    return { CreateTableAsStmt: { ...body, into: { ...body.into, skipData: true } } };
  return LOGGED_DDL.has(kind) ? { [kind]: body } : undefined;
}

const ROLE_STATEMENTS = new Set(['CreateRoleStmt', 'AlterRoleStmt', 'DropRoleStmt']);

const CATALOG_NEUTRAL = new Set([
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'ExplainStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'PrepareStmt',
  'DeallocateStmt',
  'DeclareCursorStmt',
  'FetchStmt',
  'ClosePortalStmt',
  'CreateRoleStmt',
  'AlterRoleStmt',
  'DropRoleStmt',
]);

/** Defaults evaluated again for each row rather than once per statement. */
const VOLATILE_DEFAULT = /\b(random|nextval|now|clock_timestamp|gen_random_uuid)\b/i;

const STATEMENT_TIMEOUT = 'canceling statement due to statement timeout';

const DEFAULT_LIMITS: ExecLimits = { sliceMs: 10, memoryLimit: 2 * 1024 * 1024 * 1024 };

/**
 * A connection's state: settings, the open transaction, and statement execution. Statements of one
 * session run one at a time; sessions interleave between slices.
 */
export class Session {
  /** Configuration parameters (SET, SHOW, RESET, set_config); see settings.ts. */
  readonly config = new SessionSettings();
  /** Current parameter values by lower-case name. */
  readonly settings: Map<string, string> = this.config.values;
  private txn: Transaction | null = null;
  private running: ExecContext | null = null;
  /** A statement timeout that fired while no plan was running. */
  private pendingCancel: string | null = null;
  private readonly listening = new Map<string, () => void>();
  private readonly notificationQueue: Notification[] = [];
  /** Where notifications for channels this session LISTENs on go (the wire server sets it). */
  onNotification: ((n: Notification) => void) | null = null;
  /** The backend process id reported with this session's NOTIFYs (set by the wire server). */
  processId = 0;
  /** Durability of this session's last commit, awaited before the statement reports success. */
  private pendingDurable: Promise<void> | null = null;
  /** When the running statement started (statement_timestamp()), microseconds since 1970. */
  private statementStart: number | undefined;
  private limits: ExecLimits = DEFAULT_LIMITS;
  /** PREPARE'd statements of this session, by name. */
  readonly prepared = new SqlPreparedStatements();
  /** DECLAREd cursors of this session, by name. */
  private readonly cursors = new Cursors();
  /** Parameter types fixed by a prepared statement, keyed by the parameter array it runs with. */
  private readonly boundParamTypes = new WeakMap<readonly Value[], readonly SqlType[]>();

  constructor(readonly engine: Engine) {}

  /** The open transaction block, which name resolution sees the catalog as (see Catalog). */
  get lockOwner(): object | null {
    return this.txn;
  }

  /** Result columns of an open cursor (Describe of a FETCH through the extended protocol). */
  cursorColumns(name: string): ResultColumn[] | undefined {
    return this.cursors.columns(name, this.txn);
  }

  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block (ReadyForQuery). */
  get transactionStatus(): 'I' | 'T' | 'E' {
    if (!this.txn) return 'I';
    return this.txn.failed ? 'E' : 'T';
  }

  get searchPath(): string[] {
    return (this.settings.get('search_path') ?? 'public')
      .split(',')
      .map((s) => s.trim().replace(/^"|"$/g, ''))
      .filter((s) => s !== '$user' && s !== '')
      .concat('pg_catalog');
  }

  /** Cancels the statement running now (57014). */
  cancel(reason = 'canceling statement due to user request'): void {
    if (this.interruptWait) this.interruptWait(reason);
    else if (this.running) this.running.cancelled = reason;
    // A timeout between two plans of one statement stops the next one.
    else if (reason === STATEMENT_TIMEOUT) this.pendingCancel = reason;
  }

  setLimits(limits: Partial<ExecLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  functionContext(txnStart: number): FunctionContext {
    return {
      timezone: this.settings.get('timezone') ?? 'UTC',
      transactionStart: txnStart,
      ...(this.statementStart !== undefined ? { statementStart: this.statementStart } : {}),
      clock: wallClockMicros,
      setting: (n) => this.settings.get(n.toLowerCase()),
      tokens: this.engine.tokens,
      system: createSystemAccess({
        catalog: this.engine.catalog,
        viewer: this.lockOwner,
        settings: this.settings,
        setSetting: (name, value, local) => this.config.set(name, value, local, this.txn),
        searchPath: this.searchPath,
        functions: this.engine.functions,
        matviews: () => matViewStats(this.engine.views),
      }),
    };
  }

  /**
   * append(), waiting (as a statement does) while another transaction holds a lock on the table:
   * until it ends, up to lock_timeout (55P03), 40P01 on a wait cycle, 57014 when cancelled.
   */
  async appendWaiting(tableName: string, batch: ColumnBatch): Promise<number> {
    // Outside a transaction block the append holds no lock yet: any object stands for it.
    return this.waitingForLocks(this.txn ?? {}, async () => this.append(tableName, batch));
  }

  /**
   * Resolves a table about to be written (COPY FROM, a file import) and takes the lock writing it
   * needs in the open transaction block — as an INSERT would, before reading any data — waiting
   * while another transaction holds the table (lock_timeout 55P03, 40P01 on a wait cycle, 57014
   * when cancelled). `resolve` runs again after each wait: the table may have been altered or
   * dropped meanwhile. Outside a transaction block the write itself waits (appendWaiting).
   */
  async lockingTable<T>(resolve: () => T, tableOf: (t: T) => Table): Promise<T> {
    const txn = this.txn;
    if (!txn) return resolve();
    return this.waitingForLocks(txn, async () => {
      const t = resolve();
      const rel = tableOf(t);
      this.lock(txn, relationKey(rel.schema, rel.name), 'shared', `relation "${rel.name}"`);
      return t;
    });
  }

  /**
   * Appends rows given column-wise, the fast ingest path. Atomic: the batch is checked whole first.
   * Inside a transaction block the rows stay private until COMMIT; otherwise they commit at once.
   * Fails at once with 55P03 when another transaction has locked the table (see appendWaiting).
   */
  append(tableName: string, batch: ColumnBatch): number {
    if (this.txn?.failed) {
      throw new DatabaseError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    const dot = tableName.indexOf('.');
    const rel = this.engine.catalog.findRelation(
      dot < 0 ? tableName : tableName.slice(dot + 1),
      dot < 0 ? undefined : tableName.slice(0, dot),
      this.searchPath,
      this.txn,
    );
    if (!rel) throw new DatabaseError(SqlState.undefinedTable, `relation "${tableName}" does not exist`);
    if (!isTable(rel)) throw new DatabaseError(SqlState.wrongObjectType, `"${tableName}" is not a table`);
    const { cols, count } = prepareColumnBatch(rel, batch);
    if (this.txn) {
      this.lock(this.txn, relationKey(rel.schema, rel.name), 'shared', `relation "${rel.name}"`);
      this.txn.insertColumns(rel, cols, count);
    } else if (this.engine.log || this.engine.views.hasDependents(rel)) {
      // Through a transaction, so the write-ahead log and the views get the batch as one commit.
      const txn = new Transaction(false, Date.now() * 1000);
      txn.insertColumns(rel, cols, count);
      this.commit(txn);
    } else {
      this.engine.seq++;
      rel.appendColumns(cols, count);
      this.engine.notifyCommit(new Set([rel]), count);
    }
    return count;
  }

  /**
   * Resolves once this session's last commit is durable (see Engine.log); rejects with 58030 when
   * the write-ahead log could not be written. Statements await it before they report success.
   */
  async durable(): Promise<void> {
    const d = this.pendingDurable;
    if (!d) return;
    this.pendingDurable = null;
    try {
      await d;
    } catch (e) {
      throw new DatabaseError(SqlState.ioError, `could not make the commit durable: ${(e as Error).message}`);
    }
  }

  /** LISTEN: notifications on `channel` reach this session (see `onNotification`). */
  listen(channel: string): void {
    if (this.listening.has(channel)) return;
    this.listening.set(
      channel,
      this.engine.notifications.listen(channel, (n) => {
        if (this.onNotification) this.onNotification(n);
        else this.notificationQueue.push(n);
      }),
    );
  }

  /** UNLISTEN channel, or every channel when it is undefined (UNLISTEN *). */
  unlisten(channel: string | undefined): void {
    for (const [c, stop] of this.listening)
      if (channel === undefined || c === channel) {
        stop();
        this.listening.delete(c);
      }
  }

  /** Notifications received while no `onNotification` handler was set, oldest first (and cleared). */
  takeNotifications(): Notification[] {
    return this.notificationQueue.splice(0);
  }

  /** Ends the session: an open transaction rolls back and its locks go (the client went away). */
  close(): void {
    this.unlisten(undefined);
    if (!this.txn) return;
    this.txn.rollbackTo(0);
    this.engine.catalog.locks.releaseAll(this.txn);
    this.engine.catalog.changed();
    this.txn = null;
  }

  /** Runs every statement of `sql`; returns one result per statement. */
  async execute(sql: string, params: readonly Value[] = []): Promise<StatementResult[]> {
    const stmts = parseSql(sql);
    checkParamCount(
      stmts.map((s) => s.stmt),
      params.length,
    );
    const out: StatementResult[] = [];
    for (const s of stmts) out.push(await this.executeStatement(s.stmt as Node, params));
    return out;
  }

  /**
   * Runs one parsed statement whose parameters have fixed types and are already converted to them
   * (a prepared statement; see prepared.ts), reusing `query`, a plan bound ahead, when given.
   */
  executeBound(
    stmt: Node,
    params: readonly Value[],
    paramTypes: readonly SqlType[],
    query?: BoundQuery,
  ): Promise<StatementResult> {
    this.boundParamTypes.set(params, paramTypes);
    return this.executeStatement(stmt, params, query);
  }

  private async executeStatement(
    stmt: Node,
    params: readonly Value[],
    query?: BoundQuery,
  ): Promise<StatementResult> {
    const kind = Object.keys(stmt)[0]!;
    const body = stmt[kind];
    if (kind === 'TransactionStmt') return this.transactionStatement(body);
    if (this.txn?.failed) {
      throw new DatabaseError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    if (kind === 'ExecuteStmt') return this.prepared.execute(this, body);
    // DDL waits for views still being built after a restart (so it never races a build).
    if (!CATALOG_NEUTRAL.has(kind)) await this.engine.views.whenBuilt();
    const autocommit = this.txn === null;
    const txn = this.txn ?? new Transaction(false, Date.now() * 1000);
    // The first statement of a transaction starts when it does (statement_timestamp() = now()).
    this.statementStart = autocommit ? txn.startedAt : Date.now() * 1000;
    const mark = txn.mark();
    const timeout = this.config.statementTimeoutMs;
    // The cancel is cooperative: the running plan sees it between slices (ExecContext).
    const timer = timeout > 0 ? setTimeout(() => this.cancel(STATEMENT_TIMEOUT), timeout) : undefined;
    let result: StatementResult;
    try {
      result = await this.dispatchWaiting(kind, body, txn, mark, params, query);
      if (this.engine.log) this.logDdl(kind, body, txn);
      if (autocommit) this.commit(txn);
    } catch (e) {
      txn.rollbackTo(mark);
      if (!autocommit) txn.failed = true;
      throw toDatabaseError(e);
    } finally {
      clearTimeout(timer);
      this.pendingCancel = null;
      if (autocommit) this.engine.catalog.locks.releaseAll(txn);
      // DDL (and its undo on failure) invalidates prepared statements' plans.
      if (!CATALOG_NEUTRAL.has(kind)) this.engine.catalog.changed();
    }
    await this.durable();
    return result;
  }

  /**
   * Runs the statement; when it finds a relation another transaction has locked (55P03 from the
   * lock table), undoes what it did, waits for that transaction to release its locks and runs it
   * again, as PostgreSQL waits for a lock: up to lock_timeout (then 55P03), 40P01 when the two
   * would wait for each other, 57014 when cancelled or past statement_timeout.
   */
  private async dispatchWaiting(
    kind: string,
    body: Node,
    txn: Transaction,
    mark: ReturnType<Transaction['mark']>,
    params: readonly Value[],
    query?: BoundQuery,
  ): Promise<StatementResult> {
    let bound = query;
    return this.waitingForLocks(
      txn,
      () => this.dispatch(kind, body, txn, params, bound),
      () => {
        txn.rollbackTo(mark);
        // Bound again: the holder may have changed what the statement reads.
        bound = undefined;
      },
    );
  }

  /**
   * Runs `run`; while it fails on a lock another transaction holds, undoes it (`undo`), waits for
   * that transaction (waitForLock) and runs it again.
   */
  private async waitingForLocks<T>(owner: object, run: () => Promise<T>, undo?: () => void): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (e) {
        const holder = lockHolder(e);
        if (holder === undefined || holder === owner) throw e;
        undo?.();
        await this.waitForLock(owner, holder);
      }
    }
  }

  /** Called by cancel() while the statement waits for a lock. */
  private interruptWait: ((reason: string) => void) | null = null;

  private async waitForLock(txn: object, holder: object): Promise<void> {
    const locks = this.engine.catalog.locks;
    const released = locks.waitFor(txn, holder);
    const timeoutMs = this.config.lockTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        void released.then(resolve);
        if (timeoutMs > 0)
          timer = setTimeout(
            () =>
              reject(new DatabaseError(SqlState.lockNotAvailable, 'canceling statement due to lock timeout')),
            timeoutMs,
          );
        this.interruptWait = (reason) => reject(new DatabaseError(SqlState.queryCanceled, reason));
        if (this.pendingCancel !== null) this.interruptWait(this.pendingCancel);
      });
    } finally {
      clearTimeout(timer);
      this.interruptWait = null;
      locks.doneWaiting(txn);
    }
  }

  /** Keeps a DDL statement that just succeeded for the write-ahead log (see DdlLogEntry). */
  private logDdl(kind: string, body: Node, txn: Transaction): void {
    if (ROLE_STATEMENTS.has(kind)) {
      txn.rolesChanged = true;
      return;
    }
    const stmt = loggedDdl(kind, body);
    if (!stmt) return;
    const sql = statementSource(body);
    txn.logDdl({ stmt: structuredClone(stmt), ...(sql ? { sql } : {}), searchPath: this.searchPath });
  }

  /**
   * Recovery: runs a DDL statement from the write-ahead log, under the search_path it ran with,
   * as its own step (the rows of its transaction are applied from the log afterwards).
   */
  async replayDdl(entry: DdlLogEntry): Promise<void> {
    const path = entry.searchPath.filter((p) => p !== 'pg_catalog');
    this.config.preset('search_path', path.map((p) => `"${p}"`).join(', '));
    let stmt = entry.stmt as Node;
    const parsed = entry.sql ? parseSql(entry.sql) : [];
    if (parsed.length === 1) {
      const kind = Object.keys(parsed[0]!.stmt as Node)[0]!;
      stmt = loggedDdl(kind, (parsed[0]!.stmt as Node)[kind]) ?? stmt;
    }
    await this.executeStatement(stmt, []);
  }

  /** NOTIFYs of a committed transaction, delivered in order (identical ones once, as in PostgreSQL). */
  private publishNotifies(txn: Transaction): void {
    const seen = new Set<string>();
    for (const n of txn.notifies.splice(0)) {
      const k = `${n.channel}\u0000${n.payload}`;
      if (seen.has(k)) continue;
      seen.add(k);
      this.engine.notifications.publish(n);
    }
  }

  private commit(txn: Transaction): void {
    if (!(this.engine.log ? txn.needsLog : txn.hasWrites)) {
      this.publishNotifies(txn);
      return;
    }
    if (txn.conflicts()) {
      throw new DatabaseError(
        SqlState.serializationFailure,
        'could not serialize access due to concurrent update',
      );
    }
    // Views first: if maintaining one fails, the commit fails with nothing applied.
    const views = this.prepareViews(txn);
    const seq = ++this.engine.seq;
    // Logged before it is applied, in commit order; the statement awaits durability afterwards.
    if (this.engine.log) this.pendingDurable = this.engine.log.commit(txn, seq);
    txn.apply(seq);
    const touched = txn.touchedTables();
    for (const t of views?.apply(seq) ?? []) touched.add(t);
    let inserted = 0;
    for (const c of txn.local.values()) inserted += c.rowCount;
    this.engine.notifyCommit(touched, inserted);
    this.publishNotifies(txn);
  }

  private async transactionStatement(body: Node): Promise<StatementResult> {
    const tag = (command: string): StatementResult => ({ command, columns: [], rows: [], rowCount: 0 });
    // Rolling back undoes DDL too, which prepared statements' plans may depend on.
    if (body.kind === 'TRANS_STMT_ROLLBACK' || body.kind === 'TRANS_STMT_ROLLBACK_TO' || this.txn?.failed)
      this.engine.catalog.changed();
    switch (body.kind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START':
        if (!this.txn) {
          this.txn = new Transaction(true, Date.now() * 1000);
          applyTransactionOptions(body.options ?? [], this.config, this.txn);
        }
        return tag('BEGIN');
      case 'TRANS_STMT_COMMIT': {
        const t = this.txn;
        this.txn = null;
        if (!t) return tag('COMMIT');
        let committed = false;
        try {
          if (t.failed) {
            t.rollbackTo(0);
            return tag('ROLLBACK');
          }
          this.commit(t);
          committed = true;
        } catch (e) {
          // A commit that fails (40001) leaves no trace, DDL included.
          t.rollbackTo(0);
          this.engine.catalog.changed();
          throw e;
        } finally {
          this.engine.catalog.locks.releaseAll(t);
          this.config.endTransaction(committed);
        }
        await this.durable();
        return tag('COMMIT');
      }
      case 'TRANS_STMT_ROLLBACK':
        if (this.txn) {
          this.txn.rollbackTo(0);
          this.engine.catalog.locks.releaseAll(this.txn);
          this.config.endTransaction(false);
        }
        this.txn = null;
        return tag('ROLLBACK');
      case 'TRANS_STMT_SAVEPOINT':
        if (!this.txn)
          throw new DatabaseError(
            SqlState.noActiveSqlTransaction,
            'SAVEPOINT can only be used in transaction blocks',
          );
        if (this.txn.failed)
          throw new DatabaseError(
            SqlState.inFailedSqlTransaction,
            'current transaction is aborted, commands ignored until end of transaction block',
          );
        this.txn.savepoints.push({ name: body.savepoint_name, mark: this.txn.mark() });
        return tag('SAVEPOINT');
      case 'TRANS_STMT_RELEASE':
      case 'TRANS_STMT_ROLLBACK_TO': {
        const t = this.txn;
        if (!t)
          throw new DatabaseError(
            SqlState.noActiveSqlTransaction,
            `${body.kind === 'TRANS_STMT_RELEASE' ? 'RELEASE' : 'ROLLBACK TO'} SAVEPOINT can only be used in transaction blocks`,
          );
        const idx = t.savepoints.map((s) => s.name).lastIndexOf(body.savepoint_name);
        if (idx < 0)
          throw new DatabaseError(
            SqlState.invalidSavepointSpecification,
            `savepoint "${body.savepoint_name}" does not exist`,
          );
        if (body.kind === 'TRANS_STMT_ROLLBACK_TO') {
          t.rollbackTo(t.savepoints[idx]!.mark);
          t.savepoints.length = idx + 1;
          t.failed = false;
          return tag('ROLLBACK');
        }
        t.savepoints.length = idx;
        return tag('RELEASE');
      }
      default:
        throw new DatabaseError(
          SqlState.featureNotSupported,
          `unsupported transaction statement ${body.kind}`,
        );
    }
  }

  private binder(txn: Transaction, paramTypes: (SqlType | undefined)[]): SelectBinder {
    return new SelectBinder(
      this.engine.catalog.reader(txn),
      this.engine.functions,
      this.functionContext(txn.startedAt),
      this.searchPath,
      paramTypes,
    );
  }

  private context(txn: Transaction, params: readonly Value[]): ExecContext {
    const snap = (t: Table): TableSnapshot => this.readSnapshot(t, txn);
    return new ExecContext(params, this.functionContext(txn.startedAt), txn.dataSource(snap), this.limits);
  }

  /**
   * What a statement of `txn` reads of table t. READ COMMITTED: the latest commit, per statement.
   * REPEATABLE READ and SERIALIZABLE: one snapshot for the whole block, taken at its first
   * statement; a row another transaction changed since then fails our commit with 40001 when we
   * change it too.
   */
  private readSnapshot(t: Table, txn: Transaction): TableSnapshot {
    const iso = this.settings.get('transaction_isolation');
    if (txn.explicit && (iso === 'repeatable read' || iso === 'serializable'))
      return txn.frozenSnapshot(t, () => this.engine.snapshotAll());
    return this.engine.snapshot(t);
  }

  private async run(
    plan: LogicalPlan,
    txn: Transaction,
    params: readonly Value[],
    profile: ExecContext['profile'] = null,
  ): Promise<Value[][]> {
    await this.viewsBuiltFor(plan);
    const ctx = this.context(txn, params);
    ctx.profile = profile;
    ctx.cancelled = this.pendingCancel;
    this.running = ctx;
    try {
      return await runPlan(plan, ctx);
    } finally {
      this.running = null;
    }
  }

  /**
   * While views are rebuilt after a restart: waits for those that `bound` (a plan, expressions) reads,
   * subqueries included — their rows are not all there yet.
   */
  private async viewsBuiltFor(bound: unknown): Promise<void> {
    if (this.engine.views.building) await this.engine.views.whenBuilt(tablesRead(bound));
  }

  private paramTypesFor(params: readonly Value[]): (SqlType | undefined)[] {
    const bound = this.boundParamTypes.get(params);
    return params.map((p, i) => bound?.[i] ?? (typeof p === 'bigint' ? T.int8 : undefined));
  }

  private async dispatch(
    kind: string,
    s: Node,
    txn: Transaction,
    params: readonly Value[],
    bound?: BoundQuery,
  ): Promise<StatementResult> {
    switch (kind) {
      case 'SelectStmt': {
        if (s.intoClause) {
          const { intoClause, ...select } = s;
          const r = await this.createTableAs(select, intoClause, false, txn, params);
          this.engine.catalog.changed();
          return r;
        }
        const b = bound ? null : this.binder(txn, this.paramTypesFor(params));
        const q = bound ?? b!.bindSelect(s, new Scope(null));
        const types = b ? b.exprs.paramTypes : this.paramTypesFor(params);
        const rows = await this.run(q.plan, txn, this.convertParams(params, types));
        return {
          command: 'SELECT',
          columns: q.names.map((n, i) => ({ name: n, type: q.types[i]! })),
          rows,
          rowCount: rows.length,
        };
      }
      case 'InsertStmt':
        return this.insert(s, txn, params);
      case 'UpdateStmt':
        return this.update(s, txn, params);
      case 'DeleteStmt':
        return this.delete(s, txn, params);
      case 'CreateStmt':
        return this.createTable(s, txn);
      case 'CreateTableAsStmt':
        if (s.objtype === 'OBJECT_MATVIEW') return this.createMaterializedView(s, txn);
        return this.createTableAs(s.query.SelectStmt, s.into, s.if_not_exists === true, txn, params);
      case 'ViewStmt':
        return this.createView(s, txn);
      case 'DropStmt':
        return this.drop(s, txn);
      case 'CreateSchemaStmt':
        return this.createSchema(s, txn);
      case 'TruncateStmt':
        return this.truncate(s, txn);
      case 'AlterTableStmt':
        return this.alterTable(s, txn);
      case 'RenameStmt':
        return this.rename(s, txn);
      case 'RefreshMatViewStmt':
        return this.refreshMaterializedView(s, txn);
      case 'ListenStmt':
        this.listen(s.conditionname);
        return { command: 'LISTEN', columns: [], rows: [], rowCount: 0 };
      case 'UnlistenStmt':
        this.unlisten(s.conditionname);
        return { command: 'UNLISTEN', columns: [], rows: [], rowCount: 0 };
      case 'NotifyStmt': {
        const payload: string = s.payload ?? '';
        if (payload.length > MAX_PAYLOAD)
          throw new DatabaseError(SqlState.invalidParameterValue, 'payload string too long');
        // Sent when the transaction commits; a rollback drops it.
        txn.notifies.push({ channel: s.conditionname, payload, pid: this.processId });
        return { command: 'NOTIFY', columns: [], rows: [], rowCount: 0 };
      }
      case 'IndexStmt':
        // Indexes are accepted for compatibility; scans use zone maps instead.
        this.resolveTable(s.relation, txn, null);
        return { command: 'CREATE INDEX', columns: [], rows: [], rowCount: 0 };
      case 'VariableSetStmt':
        return setStatement(s, this.config, this.txn);
      case 'VariableShowStmt':
        return showStatement(s, this.config);
      case 'ExplainStmt': {
        const b = this.binder(txn, this.paramTypesFor(params));
        return explainStatement(s, {
          bind: (select) => b.bindSelect(select, new Scope(null)),
          run: (plan, profile) =>
            this.run(plan, txn, this.convertParams(params, b.exprs.paramTypes), profile),
        });
      }
      case 'PrepareStmt':
        return this.prepared.prepare(this, s);
      case 'DeallocateStmt':
        return this.prepared.deallocate(s);
      case 'DeclareCursorStmt': {
        const r = await this.cursors.declare(s, this.txn, (q) =>
          this.dispatch('SelectStmt', q.SelectStmt, txn, params),
        );
        // Even a WITH HOLD cursor goes if the transaction that declared it rolls back.
        const declared = this.cursors.current(s.portalname);
        txn.onRollback(() => this.cursors.forget(s.portalname, declared));
        return r;
      }
      case 'FetchStmt':
        return this.cursors.fetch(s, this.txn);
      case 'ClosePortalStmt':
        return this.cursors.close(s, this.txn);
      case 'CreateRoleStmt':
      case 'AlterRoleStmt':
      case 'DropRoleStmt': {
        const encryption = this.settings.get('password_encryption') ?? 'scram-sha-256';
        const command = this.engine.roles.execute(kind, s, encryption, (undo) => txn.onRollback(undo));
        return { command, columns: [], rows: [], rowCount: 0 };
      }
      default:
        throw new DatabaseError(
          SqlState.featureNotSupported,
          `statement not supported: ${kind.replace(/Stmt$/, '')}`,
        );
    }
  }

  /** Converts JS parameter values to the types the binder inferred for $1..$n (see params.ts). */
  private convertParams(params: readonly Value[], types: readonly (SqlType | undefined)[]): Value[] {
    return convertParams(params, types, this.functionContext(Date.now() * 1000));
  }

  /**
   * Locks a name for `txn` until it ends (see LockTable); a lock the statement newly took is released
   * again if the statement fails or a savepoint before it is rolled back to.
   */
  private lock(
    txn: Transaction,
    key: string,
    mode: 'shared' | 'exclusive',
    label: string,
    existed = true,
  ): void {
    const locks = this.engine.catalog.locks;
    if (mode === 'shared') {
      if (locks.acquireShared(key, txn, label)) txn.onRollback(() => locks.releaseShared(key, txn));
    } else if (locks.acquireExclusive(key, txn, existed, label)) {
      txn.onRollback(() => locks.releaseExclusive(key, txn));
    }
  }

  /** Locks a relation name for DDL; `existed` is whether another transaction could see it already. */
  private lockRelationName(txn: Transaction, schema: string, name: string): void {
    const sch = this.engine.catalog.schemas.get(schema);
    const existed = sch !== undefined && (sch.tables.has(name) || sch.views.has(name));
    this.lock(txn, relationKey(schema, name), 'exclusive', `relation "${name}"`, existed);
  }

  /** A schema for DDL to create relations in: visible to `txn`, and kept from being dropped. */
  private schemaForDdl(txn: Transaction, name: string): void {
    this.engine.catalog.schema(name, txn);
    this.lock(txn, schemaKey(name), 'shared', `schema "${name}"`);
  }

  private createSchema(s: Node, txn: Transaction): StatementResult {
    const cat = this.engine.catalog;
    const name: string = s.schemaname;
    const existed = cat.schemas.has(name);
    // IF NOT EXISTS finding the schema takes no lock, as in PostgreSQL.
    if (
      existed &&
      s.if_not_exists === true &&
      cat.locks.check(schemaKey(name), txn, `schema "${name}"`) === 'free'
    )
      return { command: 'CREATE SCHEMA', columns: [], rows: [], rowCount: 0 };
    this.lock(txn, schemaKey(name), 'exclusive', `schema "${name}"`, existed);
    cat.createSchema(name, s.if_not_exists === true);
    if (!existed) txn.onRollback(() => cat.schemas.delete(name));
    return { command: 'CREATE SCHEMA', columns: [], rows: [], rowCount: 0 };
  }

  /** Resolves a table as `txn` sees it, taking `lock` on it (DML: shared; DDL: exclusive). */
  private resolveTable(rv: Node, txn: Transaction | null, lock: 'shared' | 'exclusive' | null): Table {
    const rel = this.engine.catalog.findRelation(rv.relname, rv.schemaname, this.searchPath, txn);
    if (!rel)
      throw new DatabaseError(SqlState.undefinedTable, `relation "${rv.relname}" does not exist`, {
        position: rv.location >= 0 ? rv.location + 1 : undefined,
      });
    if (!isTable(rel)) throw new DatabaseError(SqlState.wrongObjectType, `"${rv.relname}" is not a table`);
    if (lock === 'shared' && rel.matview)
      throw new DatabaseError(SqlState.wrongObjectType, `cannot change materialized view "${rel.name}"`, {
        hint: 'Its rows follow its query; change the tables it reads instead.',
      });
    if (txn && lock) this.lock(txn, relationKey(rel.schema, rel.name), lock, `relation "${rel.name}"`);
    return rel;
  }

  /** Fails with 2BP01 when a materialized view reads `t` (ALTER and RENAME would break its plan). */
  private checkNoDependentViews(t: Table, action: string): void {
    const v = this.engine.views.dependents(t)[0];
    if (v)
      throw new DatabaseError(
        SqlState.dependentObjectsStillExist,
        `cannot ${action} table "${t.name}" because materialized view "${v.name}" depends on it`,
        { hint: 'Drop the materialized view first, then create it again.' },
      );
  }

  private createTable(s: Node, txn: Transaction): StatementResult {
    const rv = s.relation;
    const cols: ColumnDef[] = [];
    const pk = new Set<string>();
    for (const c of (s.tableElts ?? []) as Node[]) {
      if (
        c.Constraint &&
        (c.Constraint.contype === 'CONSTR_PRIMARY' || c.Constraint.contype === 'CONSTR_UNIQUE')
      ) {
        if (c.Constraint.contype === 'CONSTR_PRIMARY')
          for (const k of c.Constraint.keys ?? []) pk.add(str(k));
      }
    }
    for (const c of (s.tableElts ?? []) as Node[]) {
      const cd = c.ColumnDef;
      if (!cd) continue;
      if (cols.some((x) => x.name === cd.colname))
        throw new DatabaseError(SqlState.duplicateColumn, `column "${cd.colname}" specified more than once`);
      const type = bindTypeName(cd.typeName);
      let notNull = pk.has(cd.colname);
      let defaultSql: string | undefined;
      for (const k of (cd.constraints ?? []) as Node[]) {
        const con = k.Constraint;
        if (con.contype === 'CONSTR_NOTNULL' || con.contype === 'CONSTR_PRIMARY') notNull = true;
        if (con.contype === 'CONSTR_DEFAULT') defaultSql = deparseExpr(con.raw_expr);
      }
      cols.push({ name: cd.colname, type, notNull, ...(defaultSql !== undefined ? { defaultSql } : {}) });
    }
    this.defineTable(txn, rv, cols, s.if_not_exists === true);
    return { command: 'CREATE TABLE', columns: [], rows: [], rowCount: 0 };
  }

  /** Adds a table to the catalog under this transaction's lock; undefined if IF NOT EXISTS found one. */
  private defineTable(
    txn: Transaction,
    rv: Node,
    cols: ColumnDef[],
    ifNotExists: boolean,
  ): Table | undefined {
    const schema: string = rv.schemaname ?? this.searchPath[0] ?? 'public';
    this.schemaForDdl(txn, schema);
    // Finding the table there already takes no lock, as in PostgreSQL.
    if (ifNotExists && this.engine.catalog.findRelation(rv.relname, schema, [], txn)) return undefined;
    this.lockRelationName(txn, schema, rv.relname);
    const t = this.engine.catalog.createTable(schema, rv.relname, cols, ifNotExists);
    if (t) txn.onRollback(() => this.engine.catalog.schemas.get(schema)?.tables.delete(rv.relname));
    return t;
  }

  /**
   * CREATE TABLE ... AS and SELECT ... INTO: columns named and typed by the query (unknown-typed
   * literals become text). The statement is atomic: if the query fails the new table goes with it.
   */
  private async createTableAs(
    select: Node,
    into: Node,
    ifNotExists: boolean,
    txn: Transaction,
    params: readonly Value[],
  ): Promise<StatementResult> {
    const b = this.binder(txn, this.paramTypesFor(params));
    const q = b.bindSelect(select, new Scope(null));
    const cols = queryColumns(q, into);
    const t = this.defineTable(txn, into.rel, cols, ifNotExists);
    if (!t || into.skipData) return { command: 'CREATE TABLE AS', columns: [], rows: [], rowCount: 0 };
    const rows = await this.run(q.plan, txn, this.convertParams(params, b.exprs.paramTypes));
    for (const r of rows) txn.insert(t, r);
    return { command: 'SELECT', columns: [], rows: [], rowCount: rows.length };
  }

  private createView(s: Node, txn: Transaction): StatementResult {
    const rv = s.view;
    const schema = rv.schemaname ?? this.searchPath[0] ?? 'public';
    const b = this.binder(txn, []);
    const q = b.bindSelect(s.query.SelectStmt, new Scope(null));
    const aliases: string[] = ((s.aliases ?? []) as Node[]).map(str);
    const names = q.names.map((n, i) => aliases[i] ?? n);
    this.schemaForDdl(txn, schema);
    this.lockRelationName(txn, schema, rv.relname);
    const prev = this.engine.catalog.schema(schema, txn).views.get(rv.relname);
    this.engine.catalog.createView(
      {
        schema,
        name: rv.relname,
        sql: viewQueryText(statementSource(s) ?? '', s.query.SelectStmt),
        columnNames: names,
        query: s.query.SelectStmt,
      },
      s.replace === true,
    );
    txn.onRollback(() => {
      const v = this.engine.catalog.schema(schema, txn).views;
      if (prev) v.set(rv.relname, prev);
      else v.delete(rv.relname);
    });
    return { command: 'CREATE VIEW', columns: [], rows: [], rowCount: 0 };
  }

  private drop(s: Node, txn: Transaction): StatementResult {
    const objType: string = s.removeType;
    const cat = this.engine.catalog;
    for (const obj of (s.objects ?? []) as Node[]) {
      const parts: string[] = obj.List ? (obj.List.items as Node[]).map(str) : [str(obj)];
      const name = parts[parts.length - 1]!;
      if (objType === 'OBJECT_SCHEMA') {
        const hidden = cat.locks.check(schemaKey(name), txn, `schema "${name}"`) === 'hidden';
        if (hidden || !cat.schemas.has(name)) {
          if (s.missing_ok) continue;
          throw new DatabaseError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
        }
        const sch = cat.schemas.get(name)!;
        if ((sch.tables.size > 0 || sch.views.size > 0) && s.behavior !== 'DROP_CASCADE') {
          throw new DatabaseError(
            SqlState.dependentObjectsStillExist,
            `cannot drop schema ${name} because other objects depend on it`,
            { hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
          );
        }
        this.lock(txn, schemaKey(name), 'exclusive', `schema "${name}"`);
        for (const rel of [...sch.tables.keys(), ...sch.views.keys()]) this.lockRelationName(txn, name, rel);
        cat.schemas.delete(name);
        txn.onRollback(() => cat.schemas.set(name, sch));
        continue;
      }
      if (objType === 'OBJECT_INDEX') continue;
      const schemaName = parts.length > 1 ? parts[parts.length - 2] : undefined;
      const found = cat.findRelation(name, schemaName, this.searchPath, txn);
      const isView = objType === 'OBJECT_VIEW';
      const isMatview = objType === 'OBJECT_MATVIEW';
      // A materialized view is stored as a table; DROP TABLE does not take it, nor DROP MATERIALIZED VIEW a table.
      const rel = found && isTable(found) && (found.matview !== null) !== isMatview ? undefined : found;
      if (found && !rel && !s.missing_ok)
        throw new DatabaseError(
          SqlState.wrongObjectType,
          `"${name}" is not a ${isMatview ? 'materialized view' : 'table'}`,
          {
            hint: `Use DROP ${isMatview ? 'TABLE' : 'MATERIALIZED VIEW'} to remove a ${isMatview ? 'table' : 'materialized view'}.`,
          },
        );
      if (isMatview && !rel) {
        if (s.missing_ok) continue;
        throw new DatabaseError(SqlState.undefinedTable, `materialized view "${name}" does not exist`);
      }
      if (!rel || isTable(rel) === isView) {
        if (s.missing_ok) continue;
        if (rel)
          throw new DatabaseError(
            SqlState.wrongObjectType,
            `"${name}" is not a ${isView ? 'view' : 'table'}`,
            { hint: `Use DROP ${isView ? 'TABLE' : 'VIEW'} to remove a ${isView ? 'table' : 'view'}.` },
          );
        throw new DatabaseError(
          SqlState.undefinedTable,
          `${isView ? 'view' : 'table'} "${name}" does not exist`,
        );
      }
      this.lockRelationName(txn, rel.schema, name);
      const sch = cat.schema(rel.schema, txn);
      if (isTable(rel)) {
        this.dropDependentViews(rel, s.behavior === 'DROP_CASCADE', txn);
        sch.tables.delete(name);
        txn.onRollback(() => sch.tables.set(name, rel));
        this.forgetView(rel, txn);
      } else {
        sch.views.delete(name);
        txn.onRollback(() => sch.views.set(name, rel));
      }
    }
    return { command: isTag(objType), columns: [], rows: [], rowCount: 0 };
  }

  private truncate(s: Node, txn: Transaction): StatementResult {
    for (const rv of s.relations as Node[]) {
      const t = this.resolveTable(rv.RangeVar, txn, 'shared');
      const snap = this.engine.snapshot(t);
      snap.chunks.forEach((c, ci) => {
        for (let r = 0; r < snap.rowCounts[ci]!; r++)
          if (!c.deletedAt || c.deletedAt[r] === 0) txn.deleteCommitted(t, c, r);
      });
      const local = txn.local.get(t);
      if (local) for (let r = 0; r < local.rowCount; r++) txn.deleteLocal(local, r);
    }
    return { command: 'TRUNCATE TABLE', columns: [], rows: [], rowCount: 0 };
  }

  private alterTable(s: Node, txn: Transaction): StatementResult {
    const t = this.resolveTable(s.relation, txn, 'exclusive');
    if (t.matview || s.objtype === 'OBJECT_MATVIEW')
      throw new DatabaseError(
        SqlState.featureNotSupported,
        'ALTER MATERIALIZED VIEW supports only RENAME TO',
      );
    this.checkNoDependentViews(t, 'alter');
    for (const c of (s.cmds ?? []) as Node[]) {
      const cmd = c.AlterTableCmd;
      const oldCols = t.columns;
      if (cmd.subtype === 'AT_AddColumn') {
        const cd = cmd.def.ColumnDef;
        if (t.columnIndex(cd.colname) >= 0) {
          if (cmd.missing_ok) continue;
          throw new DatabaseError(
            SqlState.duplicateColumn,
            `column "${cd.colname}" of relation "${t.name}" already exists`,
          );
        }
        const type = bindTypeName(cd.typeName);
        let notNull = false;
        let defaultSql: string | undefined;
        for (const k of (cd.constraints ?? []) as Node[]) {
          if (k.Constraint.contype === 'CONSTR_NOTNULL') notNull = true;
          if (k.Constraint.contype === 'CONSTR_DEFAULT') defaultSql = deparseExpr(k.Constraint.raw_expr);
        }
        let fill: Value = null;
        if (defaultSql !== undefined) fill = this.evalDefault(defaultSql, type, txn);
        let hasRows = false;
        if (notNull && fill === null) this.forEachRow(t, txn, () => (hasRows = true));
        if (hasRows) {
          throw new DatabaseError(
            SqlState.notNullViolation,
            `column "${cd.colname}" of relation "${t.name}" contains null values`,
          );
        }
        this.reshapeTable(
          txn,
          t,
          [
            ...oldCols,
            { name: cd.colname, type, notNull, ...(defaultSql !== undefined ? { defaultSql } : {}) },
          ],
          (row) => [...row, fill],
        );
      } else if (cmd.subtype === 'AT_DropColumn') {
        const idx = t.columnIndex(cmd.name);
        if (idx < 0) {
          if (cmd.missing_ok) continue;
          throw new DatabaseError(
            SqlState.undefinedColumn,
            `column "${cmd.name}" of relation "${t.name}" does not exist`,
          );
        }
        this.reshapeTable(
          txn,
          t,
          oldCols.filter((_x, i) => i !== idx),
          (row) => row.filter((_x, i) => i !== idx),
        );
      } else if (cmd.subtype === 'AT_SetNotNull' || cmd.subtype === 'AT_DropNotNull') {
        const idx = t.columnIndex(cmd.name);
        if (idx < 0)
          throw new DatabaseError(
            SqlState.undefinedColumn,
            `column "${cmd.name}" of relation "${t.name}" does not exist`,
          );
        if (cmd.subtype === 'AT_SetNotNull') {
          let hasNull = false;
          this.forEachRow(t, txn, (row) => (hasNull ||= row[idx] === null));
          if (hasNull)
            throw new DatabaseError(
              SqlState.notNullViolation,
              `column "${cmd.name}" of relation "${t.name}" contains null values`,
            );
        }
        const cols = oldCols.slice();
        cols[idx] = { ...cols[idx]!, notNull: cmd.subtype === 'AT_SetNotNull' };
        t.columns = cols;
        txn.onRollback(() => (t.columns = oldCols));
      } else if (cmd.subtype === 'AT_ColumnDefault') {
        const idx = existingColumn(t, cmd.name);
        const col = oldCols[idx]!;
        const { defaultSql: _dropped, ...rest } = col;
        let next: ColumnDef = rest;
        if (cmd.def) {
          const defaultSql = deparseExpr(cmd.def);
          // Bound now so that a default of the wrong type fails here, as in PostgreSQL.
          const b = this.binder(txn, []);
          b.exprs.coerce(
            b.bindExpressionSql(defaultSql, new Scope(null)),
            col.type,
            'assignment',
            `column "${col.name}" is of type ${typeName(col.type)} but default expression is of type %`,
          );
          next = { ...rest, defaultSql };
        }
        const cols = oldCols.slice();
        cols[idx] = next;
        t.columns = cols;
        txn.onRollback(() => (t.columns = oldCols));
      } else if (cmd.subtype === 'AT_AlterColumnType') {
        this.alterColumnType(t, txn, cmd);
      } else {
        throw new DatabaseError(
          SqlState.featureNotSupported,
          `ALTER TABLE ${String(cmd.subtype).replace('AT_', '')} is not supported yet`,
        );
      }
    }
    return { command: 'ALTER TABLE', columns: [], rows: [], rowCount: 0 };
  }

  /** ALTER COLUMN ... TYPE [USING expr]: every row is converted, by assignment cast or by `expr`. */
  private alterColumnType(t: Table, txn: Transaction, cmd: Node): void {
    const idx = existingColumn(t, cmd.name);
    const cd = cmd.def.ColumnDef;
    const type = bindTypeName(cd.typeName);
    const b = this.binder(txn, []);
    const scope = this.tableScope(t, undefined);
    let e: Expr;
    try {
      e = cd.raw_default
        ? b.exprs.coerce(b.exprs.bind(cd.raw_default, scope, b.noAggs('USING')), type, 'assignment')
        : b.exprs.coerce({ kind: 'col', type: t.columns[idx]!.type, index: idx }, type, 'assignment');
    } catch (err) {
      if (cd.raw_default || !(err instanceof DatabaseError) || err.code !== SqlState.datatypeMismatch)
        throw err;
      throw new DatabaseError(
        SqlState.datatypeMismatch,
        `column "${cmd.name}" cannot be cast automatically to type ${typeName(type)}`,
        { hint: `You might need to specify "USING ${cmd.name}::${typeName(type)}".` },
      );
    }
    const convert = new CompiledExpr(e);
    const ctx = this.context(txn, []);
    installSubqueryRunner(ctx);
    // Converted first over the visible rows, so that a failing conversion changes nothing.
    const col = t.columns[idx]!;
    this.forEachRow(t, txn, (row) => {
      if (convert.evalRow(row, ctx) === null && col.notNull)
        throw new DatabaseError(
          SqlState.notNullViolation,
          `column "${col.name}" of relation "${t.name}" contains null values`,
        );
    });
    const cols = t.columns.slice();
    cols[idx] = { ...cols[idx]!, type };
    this.reshapeTable(txn, t, cols, (row) => {
      const next = row.slice();
      // Rows deleted for every reader keep a value only old snapshots can see; one failing to
      // convert becomes NULL rather than failing the statement.
      try {
        next[idx] = convert.evalRow(row, ctx);
      } catch {
        next[idx] = null;
      }
      return next;
    });
  }

  /**
   * Rebuilds `t` with `columns` (ALTER TABLE); the transaction's pending rows follow, and undo puts
   * back the very chunks there were (the exclusive lock kept every other writer out meanwhile).
   */
  private reshapeTable(
    txn: Transaction,
    t: Table,
    columns: ColumnDef[],
    mapRow: (row: Value[]) => Value[],
  ): void {
    const before = { columns: t.columns, chunks: t.chunks };
    t.rebuildColumns(columns, mapRow);
    const moveBack = txn.reshaped(t, before.chunks, mapRow);
    txn.onRollback(() => {
      t.columns = before.columns;
      t.chunks = before.chunks;
      t.version++;
      moveBack();
    });
  }

  private rename(s: Node, txn: Transaction): StatementResult {
    if (s.renameType === 'OBJECT_COLUMN') {
      const t = this.resolveTable(s.relation, txn, 'exclusive');
      this.checkNoDependentViews(t, 'rename a column of');
      const idx = t.columnIndex(s.subname);
      if (idx < 0) throw new DatabaseError(SqlState.undefinedColumn, `column "${s.subname}" does not exist`);
      if (t.columnIndex(s.newname) >= 0)
        throw new DatabaseError(
          SqlState.duplicateColumn,
          `column "${s.newname}" of relation "${t.name}" already exists`,
        );
      const old = t.columns;
      const cols = old.slice();
      cols[idx] = { ...cols[idx]!, name: s.newname };
      t.columns = cols;
      txn.onRollback(() => (t.columns = old));
      return { command: 'ALTER TABLE', columns: [], rows: [], rowCount: 0 };
    }
    if (s.renameType === 'OBJECT_TABLE' || s.renameType === 'OBJECT_MATVIEW') {
      const t = this.resolveTable(s.relation, txn, 'exclusive');
      if ((s.renameType === 'OBJECT_MATVIEW') !== (t.matview !== null))
        throw new DatabaseError(
          SqlState.wrongObjectType,
          `"${t.name}" is not a ${s.renameType === 'OBJECT_MATVIEW' ? 'materialized view' : 'table'}`,
        );
      if (!t.matview) this.checkNoDependentViews(t, 'rename');
      this.lockRelationName(txn, t.schema, s.newname);
      const sch = this.engine.catalog.schema(t.schema, txn);
      if (sch.tables.has(s.newname) || sch.views.has(s.newname))
        throw new DatabaseError(SqlState.duplicateTable, `relation "${s.newname}" already exists`);
      const oldName = t.name;
      sch.tables.delete(oldName);
      t.name = s.newname;
      sch.tables.set(s.newname, t);
      txn.onRollback(() => {
        sch.tables.delete(s.newname);
        t.name = oldName;
        sch.tables.set(oldName, t);
      });
      return { command: 'ALTER TABLE', columns: [], rows: [], rowCount: 0 };
    }
    throw new DatabaseError(SqlState.featureNotSupported, `RENAME of ${s.renameType} is not supported yet`);
  }

  /**
   * CREATE MATERIALIZED VIEW: a table holding the query's rows plus the dataflow that keeps them
   * current (0A000 names a construct that cannot be maintained, unless WITH (refresh = 'full')).
   * The view is filled from the committed contents of what it reads; its creator's own uncommitted
   * changes reach it when they commit. With OR REPLACE (`replace` set by parseSql) a materialized
   * view of that name is dropped first, in the same transaction.
   */
  private async createMaterializedView(s: Node, txn: Transaction): Promise<StatementResult> {
    const into = s.into;
    // Dropped before the new query is bound: it cannot read the view it replaces.
    if (s.replace === true) this.dropReplacedView(into.rel, txn);
    const options = matViewOptions(into.options);
    const b = this.binder(txn, []);
    const q = b.bindSelect(s.query.SelectStmt, new Scope(null));
    const cols = queryColumns(q, into);
    const ctx = this.viewContext();
    const sources =
      options.refresh === 'full' ? scannedTables(q.plan) : MaterializedView.compile(q.plan, ctx).tables;
    const views = this.engine.views;
    if (options.refresh === 'full' && sources.some((t) => t.matview))
      throw new DatabaseError(
        SqlState.featureNotSupported,
        "a materialized view with refresh = 'full' cannot read another materialized view",
      );
    const t = this.defineTable(txn, into.rel, cols, s.if_not_exists === true);
    if (!t) return { command: 'CREATE MATERIALIZED VIEW', columns: [], rows: [], rowCount: 0 };
    const text = viewQueryText(statementSource(s) ?? '', s.query.SelectStmt);
    t.matview = { definition: text, populated: false };
    const view = new MaterializedView(
      views.newId(),
      t,
      q.plan,
      ctx,
      options,
      { query: text, searchPath: this.searchPath },
      sources,
    );
    views.add(view);
    txn.onRollback(() => views.remove(view));
    if (into.skipData) return { command: 'CREATE MATERIALIZED VIEW', columns: [], rows: [], rowCount: 0 };
    view.populated = true;
    if (!views.suspended) await this.buildInSlices(view, txn);
    return { command: 'SELECT', columns: [], rows: [], rowCount: view.storage.rowCount };
  }

  /**
   * Fills a view (new, or refreshed) from the committed contents of what it reads, a batch at a
   * time so that other sessions go on meanwhile: their commits are queued for it and applied when
   * it is filled (see buildView; `onBuilt` sees the rows before them). Cancellable (57014) like a
   * query. A build that does not finish leaves the view's dataflow half-filled: the caller drops
   * the view or rebuilds it.
   */
  private async buildInSlices(
    view: MaterializedView,
    txn: Transaction,
    onBuilt?: (rows: readonly Value[][]) => void,
  ): Promise<void> {
    const views = this.engine.views;
    const ctx = this.context(txn, []);
    ctx.cancelled = this.pendingCancel;
    let done!: () => void;
    view.building = true;
    view.ready = new Promise<void>((resolve) => (done = resolve));
    this.running = ctx;
    try {
      await buildView(this.engine, view, () => views.stopped || ctx.cancelled !== null, onBuilt);
      if (ctx.cancelled !== null) throw new DatabaseError(SqlState.queryCanceled, ctx.cancelled);
      if (views.stopped)
        throw new DatabaseError(SqlState.objectNotInPrerequisiteState, 'the database is closing');
    } finally {
      this.running = null;
      view.building = false;
      done();
    }
  }

  /**
   * CREATE OR REPLACE MATERIALIZED VIEW's drop of the view it replaces, if there is one, as DROP
   * MATERIALIZED VIEW does it. Views reading it would have to be rebuilt on the new definition
   * (PostgreSQL keeps them when the columns stay compatible); that is not supported: 2BP01.
   */
  private dropReplacedView(rv: Node, txn: Transaction): void {
    const schema: string = rv.schemaname ?? this.searchPath[0] ?? 'public';
    const name: string = rv.relname;
    const old = this.engine.catalog.findRelation(name, schema, [], txn);
    if (!old) return;
    if (!isTable(old) || !old.matview)
      throw new DatabaseError(SqlState.wrongObjectType, `"${name}" is not a materialized view`);
    this.lockRelationName(txn, schema, name);
    const deps = this.engine.views.dependents(old);
    if (deps.length > 0)
      throw new DatabaseError(
        SqlState.dependentObjectsStillExist,
        `cannot replace materialized view "${name}" because other objects depend on it`,
        {
          detail: deps
            .map((v) => `materialized view ${v.name} depends on materialized view ${name}`)
            .join('\n'),
          hint: 'Drop the dependent materialized views first, and create them again after the replacement.',
        },
      );
    const sch = this.engine.catalog.schema(schema, txn);
    sch.tables.delete(name);
    txn.onRollback(() => sch.tables.set(name, old));
    this.forgetView(old, txn);
  }

  /**
   * Recovery's last step: views defined while replaying (suspended, so not maintained) are filled
   * from their base tables in the background, dependencies first, and maintained from then on (see
   * buildViewsInBackground). Resolves when every view is built.
   */
  resumeViews(): Promise<void> {
    const views = this.engine.views;
    views.suspended = false;
    const populated = views.all().filter((v) => v.populated);
    return buildViewsInBackground(this.engine, populated, () => views.stopped);
  }

  /** Settings frozen at a view's creation: its expressions mean the same whoever commits later. */
  private viewContext(): ExecContext {
    const frozen = new Map(this.settings);
    const fn: FunctionContext = {
      ...this.functionContext(Date.now() * 1000),
      setting: (n) => frozen.get(n.toLowerCase()),
    };
    return new ExecContext(
      [],
      fn,
      committedData((t) => this.engine.snapshot(t)),
      this.limits,
    );
  }

  /** (Re)computes a view from the committed contents of what it reads and stores the rows. */
  private fillView(view: MaterializedView): void {
    // Queued deferred changes are committed already, so the rebuild reads them.
    view.pending = new Map();
    view.pendingSince = null;
    const rows = view.build(
      readCommittedRows,
      () =>
        recomputeRows(
          view,
          committedData((t) => this.engine.snapshot(t)),
        ),
      this.engine.views.clock(),
    );
    view.storage.replace(rows, this.engine.seq);
    view.populated = true;
    if (view.followsClock) startViewClock(this.engine);
  }

  /**
   * REFRESH MATERIALIZED VIEW: a full rebuild, which also checks that the incrementally maintained
   * rows were right (a mismatch is repaired and logged to stderr). It is applied in place at once,
   * under an exclusive lock on the view (readers in other sessions wait until the transaction
   * ends); a rollback puts the view back as it was (see restoreView).
   * CONCURRENTLY takes no lock against readers: for a view already populated, a rebuild holds the
   * rows maintenance holds.
   */
  private async refreshMaterializedView(s: Node, txn: Transaction): Promise<StatementResult> {
    const done: StatementResult = {
      command: 'REFRESH MATERIALIZED VIEW',
      columns: [],
      rows: [],
      rowCount: 0,
    };
    const concurrent = s.concurrent === true;
    if (concurrent && s.skipData === true)
      throw new DatabaseError(
        SqlState.syntaxError,
        'REFRESH options CONCURRENTLY and WITH NO DATA cannot be used together',
      );
    const t = this.resolveTable(s.relation, txn, null);
    const view = t.matview ? this.engine.views.of(t) : undefined;
    if (!view) throw new DatabaseError(SqlState.wrongObjectType, `"${t.name}" is not a materialized view`);
    if (concurrent && !view.populated)
      throw new DatabaseError(
        SqlState.featureNotSupported,
        'CONCURRENTLY cannot be used when the materialized view is not populated',
        { hint: 'Use REFRESH MATERIALIZED VIEW without CONCURRENTLY.' },
      );
    this.lock(
      txn,
      relationKey(t.schema, t.name),
      concurrent ? 'shared' : 'exclusive',
      `relation "${t.name}"`,
    );
    const wasPopulated = view.populated;
    txn.onRollback(() => this.restoreView(view, wasPopulated));
    if (this.engine.views.suspended) {
      view.populated = s.skipData !== true;
      return done;
    }
    if (s.skipData === true) {
      view.storage.replace([], ++this.engine.seq);
      view.populated = false;
      this.engine.notifyCommit(new Set([t]), 0);
      return done;
    }
    // One build at a time (two CONCURRENTLY refreshes share the lock).
    while (view.building) await view.ready;
    const before = view.populated ? view.storage.rows() : null;
    let differed = false;
    if (view.options.refresh === 'full') {
      this.fillView(view);
      differed = before !== null && !view.matches(before);
    } else {
      // Populated from the start: commits made during the build are queued for it, not skipped.
      view.populated = true;
      try {
        await this.buildInSlices(
          view,
          txn,
          (rows) => (differed = before !== null && !sameRows(before, rows)),
        );
      } catch (e) {
        // Cancelled, or failed applying what others committed meanwhile: the view is filled again
        // (as it stood) before the error is reported.
        this.rebuildView(view);
        throw e;
      }
      if (view.followsClock) startViewClock(this.engine);
    }
    if (differed) {
      view.repairs++;
      console.error(
        `materialized view "${view.name}": incremental rows differed from a recomputation; repaired`,
      );
    }
    this.engine.notifyCommit(new Set([t]), 0);
    return done;
  }

  /**
   * Undoes a REFRESH: the view is made `populated` or not again. Its rows are not a saved copy:
   * other sessions' commits kept maintaining the view meanwhile, so a view that was populated is
   * rebuilt from the committed tables, and one that was not is emptied. A view populated before and
   * after needs nothing (its rows are what maintenance would hold, repairs included). Views reading
   * it are rebuilt too: they followed its rows while the REFRESH stood.
   */
  private restoreView(view: MaterializedView, populated: boolean): void {
    if (view.populated === populated) return;
    if (this.engine.views.suspended) {
      view.populated = populated;
      return;
    }
    if (populated) this.rebuildView(view);
    else {
      view.storage.replace([], ++this.engine.seq);
      view.populated = false;
    }
    const changed = new Set<Table>([view.table]);
    // all() is in dependency order, so each view is rebuilt after those it reads.
    for (const v of this.engine.views.all())
      if (v.populated && v.sources.some((t) => changed.has(t))) {
        this.rebuildView(v);
        changed.add(v.table);
      }
    this.engine.notifyCommit(changed, 0);
  }

  /**
   * fillView for an undo, which must not throw: a view whose query now fails on the committed rows
   * (a commit made while it was not maintained) is left empty and unpopulated, with the error shown
   * in liveview_views until a REFRESH.
   */
  private rebuildView(view: MaterializedView): void {
    try {
      this.fillView(view);
      view.error = null;
    } catch (e) {
      view.storage.replace([], ++this.engine.seq);
      view.populated = false;
      view.error = `could not be rebuilt after a rollback: ${toDatabaseError(e).message}`;
    }
  }

  /** The views' share of committing `txn` (computed before anything is applied). */
  private prepareViews(txn: Transaction): PreparedMaintenance | null {
    const views = this.engine.views;
    if (views.size === 0 || views.suspended) return null;
    const deltas = txnViewDeltas(txn, views);
    if (deltas.size === 0) return null;
    const snapshot = (t: Table): TableSnapshot => this.engine.snapshot(t);
    return views.prepare(deltas, {
      deferred: (v) => scheduleDeferred(this.engine, v),
      recompute: (v) => recomputeRows(v, txn.dataSource(snapshot)),
    });
  }

  /**
   * DROP of a table a materialized view reads: 2BP01, or with CASCADE the views (and the views on
   * them) go too.
   */
  private dropDependentViews(t: Table, cascade: boolean, txn: Transaction): void {
    const deps = this.engine.views.dependents(t);
    if (deps.length === 0) return;
    const what = t.matview ? 'materialized view' : 'table';
    if (!cascade)
      throw new DatabaseError(
        SqlState.dependentObjectsStillExist,
        `cannot drop ${what} ${t.name} because other objects depend on it`,
        {
          detail: deps.map((v) => `materialized view ${v.name} depends on ${what} ${t.name}`).join('\n'),
          hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
        },
      );
    for (const v of deps) {
      if (!this.engine.views.of(v.table)) continue;
      this.dropDependentViews(v.table, true, txn);
      this.lockRelationName(txn, v.schema, v.name);
      const sch = this.engine.catalog.schema(v.schema, txn);
      sch.tables.delete(v.name);
      txn.onRollback(() => sch.tables.set(v.name, v.table));
      this.forgetView(v.table, txn);
    }
  }

  /**
   * Unregisters the view stored in `t`, if any. A rollback registers it again, rebuilt when
   * something committed meanwhile (it was not maintained while unregistered).
   */
  private forgetView(t: Table, txn: Transaction): void {
    const v = this.engine.views.of(t);
    if (!v) return;
    this.engine.views.remove(v);
    const seq = this.engine.seq;
    txn.onRollback(() => {
      this.engine.views.add(v);
      if (this.engine.seq !== seq && v.populated && !this.engine.views.suspended) this.rebuildView(v);
    });
  }

  /** Column `index`'s DEFAULT for `count` new rows, NULL without one (COPY FROM's columns not listed). */
  columnDefaults(t: Table, index: number, count: number): Value[] {
    const c = t.columns[index]!;
    const sql = c.defaultSql;
    if (sql === undefined || count === 0) return new Array<Value>(count).fill(null);
    const txn = this.txn ?? new Transaction(false, Date.now() * 1000);
    const first = this.evalDefault(sql, c.type, txn);
    if (!VOLATILE_DEFAULT.test(sql)) return new Array<Value>(count).fill(first);
    return Array.from({ length: count }, (_x, r) => (r === 0 ? first : this.evalDefault(sql, c.type, txn)));
  }

  /**
   * Marks the open transaction block failed (25P02 until ROLLBACK), for a statement that failed
   * outside execute(), such as COPY FROM STDIN.
   */
  failTransaction(): void {
    if (this.txn) this.txn.failed = true;
  }

  private evalDefault(sql: string, type: SqlType, txn: Transaction): Value {
    const b = this.binder(txn, []);
    const e = b.exprs.coerce(b.bindExpressionSql(sql, new Scope(null)), type, 'assignment');
    return new CompiledExpr(e).evalRow([], this.context(txn, []));
  }

  // ---------------------------------------------------------------- DML

  private targetColumns(t: Table, cols: Node[] | undefined): number[] {
    if (!cols || cols.length === 0) return t.columns.map((_c, i) => i);
    return cols.map((c) => existingColumn(t, c.ResTarget.name));
  }

  private checkRow(t: Table, row: Value[]): void {
    t.columns.forEach((c, i) => {
      if (c.notNull && row[i] === null) {
        throw new DatabaseError(
          SqlState.notNullViolation,
          `null value in column "${c.name}" of relation "${t.name}" violates not-null constraint`,
          {
            detail: `Failing row contains (${row.map((v) => (v === null ? 'null' : String(v))).join(', ')}).`,
          },
        );
      }
    });
  }

  private async insert(s: Node, txn: Transaction, params: readonly Value[]): Promise<StatementResult> {
    if (s.onConflictClause)
      throw new DatabaseError(SqlState.featureNotSupported, 'INSERT ... ON CONFLICT is not supported', {
        hint: 'Unique constraints are not enforced, so there are no conflicts to detect. Use UPDATE ... FROM and INSERT ... SELECT ... WHERE NOT EXISTS in one transaction instead.',
      });
    const t = this.resolveTable(s.relation, txn, 'shared');
    // DEFAULT VALUES (no source) targets no column: every column takes its default.
    const targets = s.selectStmt ? this.targetColumns(t, s.cols) : [];
    const b = this.binder(txn, this.paramTypesFor(params));
    const sel = s.selectStmt?.SelectStmt;
    let sourceRows: Value[][];
    // VALUES rows bind each value directly against its target column type.
    if (sel?.valuesLists && !sel.sortClause && !sel.limitCount) {
      const scope = new Scope(null);
      const exprs: Expr[][] = (sel.valuesLists as Node[]).map((l) => {
        const items = l.List.items as Node[];
        if (items.length > targets.length)
          throw new DatabaseError(SqlState.syntaxError, 'INSERT has more expressions than target columns');
        if (items.length < targets.length)
          throw new DatabaseError(SqlState.syntaxError, 'INSERT has more target columns than expressions');
        return items.map((x, i) => {
          const col = t.columns[targets[i]!]!;
          if (x.SetToDefault)
            return col.defaultSql !== undefined
              ? b.exprs.coerce(b.bindExpressionSql(col.defaultSql, scope), col.type, 'assignment')
              : { kind: 'const', type: col.type, value: null };
          return b.exprs.coerce(
            b.exprs.bind(x, scope, b.noAggs('VALUES')),
            col.type,
            'assignment',
            `column "${col.name}" is of type ${typeName(col.type)} but expression is of type %`,
          );
        });
      });
      await this.viewsBuiltFor(exprs);
      const valuesCtx = this.context(txn, this.convertParams(params, b.exprs.paramTypes));
      installSubqueryRunner(valuesCtx);
      sourceRows = exprs.map((r) => r.map((e) => new CompiledExpr(e).evalRow([], valuesCtx)));
    } else if (sel) {
      const q = b.bindSelect(sel, new Scope(null));
      if (q.types.length > targets.length)
        throw new DatabaseError(SqlState.syntaxError, 'INSERT has more expressions than target columns');
      const casts = q.types.map((ty, i) =>
        b.exprs.coerce({ kind: 'col', type: ty, index: i }, t.columns[targets[i]!]!.type, 'assignment'),
      );
      const plan: LogicalPlan = {
        kind: 'project',
        fields: casts.map((e, i) => ({ name: String(i), type: e.type })),
        input: q.plan,
        exprs: casts,
      };
      sourceRows = await this.run(plan, txn, this.convertParams(params, b.exprs.paramTypes));
    } else {
      sourceRows = [[]];
    }
    // Defaults for the columns not targeted.
    const defaults: (Value | undefined)[] = t.columns.map((c, i) =>
      targets.includes(i)
        ? undefined
        : c.defaultSql !== undefined
          ? this.evalDefault(c.defaultSql, c.type, txn)
          : null,
    );
    const volatileDefaults = t.columns.map(
      (c, i) => !targets.includes(i) && c.defaultSql !== undefined && VOLATILE_DEFAULT.test(c.defaultSql),
    );
    const inserted: Value[][] = [];
    for (const src of sourceRows) {
      const row: Value[] = defaults.map((d, i) =>
        volatileDefaults[i]
          ? this.evalDefault(t.columns[i]!.defaultSql!, t.columns[i]!.type, txn)
          : (d ?? null),
      );
      targets.forEach((ci, k) => (row[ci] = src[k] ?? null));
      this.checkRow(t, row);
      txn.insert(t, row);
      inserted.push(row);
    }
    return this.returning(s, t, inserted, txn, params, 'INSERT', inserted.length);
  }

  /**
   * RETURNING: `rows` are evaluated over `fields`, by default the target table's columns (named by
   * its alias); UPDATE ... FROM and DELETE ... USING pass the joined row's fields.
   */
  private async returning(
    s: Node,
    t: Table,
    rows: Value[][],
    txn: Transaction,
    params: readonly Value[],
    command: string,
    count: number,
    fields?: readonly Field[],
  ): Promise<StatementResult> {
    const returningList: Node[] | undefined = s.returningList ?? s.returningClause?.exprs;
    if (!returningList || returningList.length === 0)
      return { command, columns: [], rows: [], rowCount: count };
    const b = this.binder(txn, this.paramTypesFor(params));
    const alias: string = s.relation.alias?.aliasname ?? t.name;
    const r = bindReturning(
      b,
      fields ?? t.columns.map((c) => ({ name: c.name, type: c.type, qualifier: alias })),
      returningList,
    );
    const ctx = this.context(txn, this.convertParams(params, b.exprs.paramTypes));
    installSubqueryRunner(ctx);
    const compiled = r.exprs.map((e) => new CompiledExpr(e));
    return {
      command,
      columns: r.columns,
      rows: rows.map((row) => compiled.map((c) => c.evalRow(row, ctx))),
      rowCount: count,
    };
  }

  /** Visits every row of the table visible to this transaction, with its location. */
  private forEachRow(
    t: Table,
    txn: Transaction,
    fn: (row: Value[], loc: { chunk: Chunk; row: number; local: boolean }) => void,
  ): void {
    const snap = this.readSnapshot(t, txn);
    snap.chunks.forEach((c, ci) => {
      const mine = txn.deletes.get(c);
      for (let r = 0; r < snap.rowCounts[ci]!; r++) {
        if (c.deletedAt && c.deletedAt[r] !== 0 && c.deletedAt[r]! <= snap.seq) continue;
        if (mine?.has(r)) continue;
        fn(c.getRow(r), { chunk: c, row: r, local: false });
      }
    });
    const local = txn.local.get(t);
    if (local) {
      const n = local.rowCount;
      for (let r = 0; r < n; r++) {
        if (local.deletedAt && local.deletedAt[r] !== 0) continue;
        fn(local.getRow(r), { chunk: local, row: r, local: true });
      }
    }
  }

  private tableScope(t: Table, alias: string | undefined): Scope {
    const scope = new Scope(null);
    scope.fields = t.columns.map((c) => ({ name: c.name, type: c.type, qualifier: alias ?? t.name }));
    return scope;
  }

  /** Rows of `t` visible to this transaction for which `where` holds, with their locations. */
  private matchingRows(
    t: Table,
    txn: Transaction,
    where: CompiledExpr | null,
    ctx: ExecContext,
  ): { loc: RowLocation; row: Value[] }[] {
    const out: { loc: RowLocation; row: Value[] }[] = [];
    // A vectorised scan with the WHERE as its filter (zone maps, typed range loops, batch
    // predicates) finds the rows; only those are read out as row arrays.
    const scan = new ScanOperator(
      this.readSnapshot(t, txn),
      txn.local.get(t),
      t.columns.map((_c, i) => i),
      where ? conjuncts(where.expr) : [],
    );
    // Runs to completion (the caller is synchronous): yielding is off, cancellation still works.
    ctx.syncDepth++;
    for (;;) {
      const b = scan.next(ctx);
      if (b === null) break;
      if (b === YIELD) continue;
      const { chunk, start, local } = scan.origin!;
      for (let k = 0; k < b.count; k++) {
        const r = start + (b.sel === null ? k : b.sel[k]!);
        out.push({ loc: { chunk, row: r, local }, row: chunk.getRow(r) });
      }
    }
    ctx.syncDepth--;
    return out;
  }

  /**
   * Binds UPDATE ... FROM / DELETE ... USING. `targets` is filled with the target's visible rows
   * just before the returned plan runs, in the order the plan numbers them.
   */
  private dmlJoin(
    s: Node,
    t: Table,
    b: SelectBinder,
    scope: Scope,
    from: Node[],
    targets: { loc: RowLocation; row: Value[] }[],
  ): DmlJoin {
    return bindDmlJoin(
      b,
      t,
      s.relation.alias?.aliasname ?? t.name,
      () => targets.map((x) => x.row),
      from,
      s.whereClause,
      scope,
    );
  }

  private async update(s: Node, txn: Transaction, params: readonly Value[]): Promise<StatementResult> {
    const t = this.resolveTable(s.relation, txn, 'shared');
    const b = this.binder(txn, this.paramTypesFor(params));
    const scope = this.tableScope(t, s.relation.alias?.aliasname);
    if (s.withClause) b.bindWith(s.withClause, scope);
    const targets: { loc: RowLocation; row: Value[] }[] = [];
    const join = s.fromClause?.length > 0 ? this.dmlJoin(s, t, b, scope, s.fromClause, targets) : null;
    const where =
      !join && s.whereClause
        ? new CompiledExpr(b.exprs.coerce(b.exprs.bind(s.whereClause, scope, b.noAggs('WHERE')), T.bool))
        : null;
    const sets = bindAssignments(b, t, s.targetList as Node[], join ? join.scope : scope).map((a) => ({
      column: a.column,
      expr: new CompiledExpr(a.expr),
    }));
    await this.viewsBuiltFor([where, sets]);
    const values = this.convertParams(params, b.exprs.paramTypes);
    const ctx = this.context(txn, values);
    installSubqueryRunner(ctx);
    // Each match pairs a target row with the row SET and RETURNING see (the joined row with FROM).
    let matches: { target: { loc: RowLocation; row: Value[] }; row: Value[] }[];
    if (join) {
      this.forEachRow(t, txn, (row, loc) => targets.push({ loc, row }));
      const joined = await this.run(join.plan, txn, values);
      matches = firstMatches(joined, t.columns.length).map((m) => ({
        target: targets[m.ordinal]!,
        row: m.row,
      }));
    } else {
      matches = this.matchingRows(t, txn, where, ctx).map((m) => ({ target: m, row: m.row }));
    }
    // Every new row is computed and checked before anything is written.
    const changes = matches.map((m) => {
      const next = m.target.row.slice();
      for (const st of sets) next[st.column] = st.expr.evalRow(m.row, ctx);
      this.checkRow(t, next);
      return { loc: m.target.loc, next, returned: join ? [...next, ...m.row.slice(t.columns.length)] : next };
    });
    for (const c of changes) {
      if (c.loc.local) txn.deleteLocal(c.loc.chunk, c.loc.row);
      else txn.deleteCommitted(t, c.loc.chunk, c.loc.row);
    }
    for (const c of changes) txn.insert(t, c.next);
    return this.returning(
      s,
      t,
      changes.map((c) => c.returned),
      txn,
      params,
      'UPDATE',
      changes.length,
      join?.scope.fields,
    );
  }

  private async delete(s: Node, txn: Transaction, params: readonly Value[]): Promise<StatementResult> {
    const t = this.resolveTable(s.relation, txn, 'shared');
    const b = this.binder(txn, this.paramTypesFor(params));
    const scope = this.tableScope(t, s.relation.alias?.aliasname);
    if (s.withClause) b.bindWith(s.withClause, scope);
    const targets: { loc: RowLocation; row: Value[] }[] = [];
    const join = s.usingClause?.length > 0 ? this.dmlJoin(s, t, b, scope, s.usingClause, targets) : null;
    const where =
      !join && s.whereClause
        ? new CompiledExpr(b.exprs.coerce(b.exprs.bind(s.whereClause, scope, b.noAggs('WHERE')), T.bool))
        : null;
    await this.viewsBuiltFor(where);
    const values = this.convertParams(params, b.exprs.paramTypes);
    let victims: { loc: RowLocation; row: Value[] }[];
    if (join) {
      this.forEachRow(t, txn, (row, loc) => targets.push({ loc, row }));
      const joined = await this.run(join.plan, txn, values);
      victims = firstMatches(joined, t.columns.length).map((m) => ({
        loc: targets[m.ordinal]!.loc,
        row: m.row,
      }));
    } else {
      const ctx = this.context(txn, values);
      installSubqueryRunner(ctx);
      victims = this.matchingRows(t, txn, where, ctx);
    }
    for (const v of victims) {
      if (v.loc.local) txn.deleteLocal(v.loc.chunk, v.loc.row);
      else txn.deleteCommitted(t, v.loc.chunk, v.loc.row);
    }
    return this.returning(
      s,
      t,
      victims.map((v) => v.row),
      txn,
      params,
      'DELETE',
      victims.length,
      join?.scope.fields,
    );
  }
}

/** Where a row lives: a committed chunk or the transaction's local chunk, and its index there. */
interface RowLocation {
  readonly chunk: Chunk;
  readonly row: number;
  readonly local: boolean;
}

/** Wall-clock microseconds with sub-millisecond resolution, never going backwards (clock_timestamp()). */
let lastClock = 0;
function wallClockMicros(): number {
  const hr = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastClock = Math.max(lastClock, hr, Date.now() * 1000);
  return lastClock;
}

function isTag(objType: string): string {
  const m: Record<string, string> = {
    OBJECT_TABLE: 'DROP TABLE',
    OBJECT_VIEW: 'DROP VIEW',
    OBJECT_SCHEMA: 'DROP SCHEMA',
    OBJECT_INDEX: 'DROP INDEX',
  };
  return m[objType] ?? 'DROP';
}

/** SQL text of a DEFAULT expression, re-parsed when the default is needed. */
function deparseExpr(n: Node): string {
  return `__ast__${JSON.stringify(n)}`;
}
