import { mkdir } from 'node:fs/promises';
import type { Table as ArrowTable } from 'apache-arrow';
import { Durability, type DurabilityOptions } from './durability/durability.js';
import { Engine } from './engine/database.js';
import { Session, type StatementResult } from './engine/session.js';
import { DatabaseError, SqlState } from './errors.js';
import { typeFromName, arrayOf, type SqlType } from './types/types.js';
import type { Value } from './types/values.js';
import type { ColumnBatch } from './engine/append.js';
import type { ParamValue } from './engine/params.js';
import { PreparedStatement } from './engine/prepared.js';
import type { ViewChange } from './views/registry.js';
import { resultColumns } from './engine/columnar-result.js';
import {
  shapeResult,
  type ColumnarResult,
  type QueryOptions,
  type QueryResult,
} from './engine/result-shape.js';

export { DatabaseError, SqlState } from './errors.js';
export type { SqlType, TypeId } from './types/types.js';
export type { Value } from './types/values.js';
export { Decimal } from './types/decimal.js';
export { Interval } from './types/interval.js';
export type { ResultColumn, StatementResult } from './engine/session.js';
export type { ColumnBatch } from './engine/append.js';
export type { ParamValue } from './engine/params.js';
export type { ColumnVector, ColumnValues } from './engine/columnar-result.js';
export type { ColumnarResult, QueryOptions, QueryResult } from './engine/result-shape.js';
export { PreparedStatement } from './engine/prepared.js';
export type { DurabilityOptions, DurabilityStats } from './durability/durability.js';
export type { SyncMode } from './durability/wal.js';
export type { ViewChange } from './views/registry.js';

/**
 * Options of open().
 * @example
 * const db = await open({}); // in memory
 */
export interface OpenOptions {
  /**
   * Data directory: every commit goes to its write-ahead log and is acknowledged once durable;
   * checkpoints are taken periodically and at close(); open() recovers what is there. Omitted: in
   * memory only.
   */
  readonly path?: string;
  /** Sync mode, checkpoint cadence and the like (see DurabilityOptions). */
  readonly durability?: DurabilityOptions;
}

/**
 * Options of Database.prepare().
 * @example
 * const stmt = await db.prepare('SELECT $1 + 1 AS x', { paramTypes: ['bigint'] });
 */
export interface PrepareOptions {
  /**
   * SQL type names of the leading parameters, as PREPARE's list takes them (e.g. 'int4',
   * 'double precision', 'text[]'). Parameters left out are inferred from context.
   */
  readonly paramTypes?: readonly string[];
}

function parseTypeName(name: string): SqlType {
  const trimmed = name.trim();
  const isArray = trimmed.endsWith('[]');
  const base = typeFromName(isArray ? trimmed.slice(0, -2).trim() : trimmed);
  if (!base) throw new DatabaseError(SqlState.undefinedObject, `type "${name}" does not exist`);
  return isArray ? arrayOf(base) : base;
}

/**
 * An embedded LiveViewDB database.
 *
 * @example
 * const db = await open();
 * await db.exec('CREATE TABLE t (id int, v double precision)');
 * await db.query('INSERT INTO t VALUES ($1, $2)', [1, 2.5]);
 * const { rows } = await db.query('SELECT sum(v) AS s FROM t'); // [{ s: 2.5 }]
 * await db.close();
 */
export class Database {
  private closed = false;
  private readonly defaultSession: Session;
  private readonly guard = (): void => this.checkOpen();

  private constructor(
    readonly engine: Engine,
    /** The write-ahead log and checkpoints; null in memory. */
    readonly durability: Durability | null,
  ) {
    this.defaultSession = new Session(engine);
  }

  /**
   * Opens a database (same as the open() function).
   * @example
   * const db = await Database.open();
   */
  static async open(options: OpenOptions = {}): Promise<Database> {
    const engine = await Engine.create();
    if (options.path === undefined) return new Database(engine, null);
    await mkdir(options.path, { recursive: true });
    return new Database(engine, await Durability.open(engine, options.path, options.durability));
  }

  /**
   * Takes a checkpoint now (they are also taken periodically and at close); false when in-flight
   * DDL kept it from starting. An in-memory database has nothing to do.
   * @example
   * await db.checkpoint();
   */
  async checkpoint(): Promise<boolean> {
    this.checkOpen();
    return this.durability ? this.durability.checkpoint() : true;
  }

  /**
   * A separate connection: its own transaction state, settings and PREPAREd statements.
   * @example
   * const s = db.session();
   * await s.execute('BEGIN; INSERT INTO t VALUES (2, 1.0)');
   */
  session(): Session {
    this.checkOpen();
    return new Session(this.engine);
  }

  private checkOpen(): void {
    if (this.closed) throw new DatabaseError(SqlState.objectNotInPrerequisiteState, 'database is closed');
  }

  /**
   * Runs one or more statements (no parameters); returns the last statement's result.
   * @example
   * await db.exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
   */
  async exec(sql: string): Promise<StatementResult | undefined> {
    this.checkOpen();
    const r = await this.defaultSession.execute(sql);
    return r[r.length - 1];
  }

  /**
   * Runs one statement with $1..$n parameters. Parameters take the engine representation of their
   * type (see Value) or text, read as PostgreSQL reads a text parameter; their number must match
   * the statement's (08P01). Rows come back as objects (default), arrays, or — with rowMode
   * 'columns' — as one typed, Arrow-layout column per result column.
   * @example
   * const { rows } = await db.query('SELECT $1::int + 1 AS x', [41]); // [{ x: 42 }]
   * const { columns } = await db.query('SELECT v FROM t', [], { rowMode: 'columns' });
   * columns[0].values; // Float64Array
   */
  async query(
    sql: string,
    params?: readonly ParamValue[],
    options?: QueryOptions & { rowMode?: 'object' },
  ): Promise<QueryResult<Record<string, Value>>>;
  async query(
    sql: string,
    params: readonly ParamValue[],
    options: QueryOptions & { rowMode: 'array' },
  ): Promise<QueryResult<Value[]>>;
  async query(
    sql: string,
    params: readonly ParamValue[],
    options: QueryOptions & { rowMode: 'columns' },
  ): Promise<ColumnarResult>;
  async query(sql: string, params: readonly ParamValue[] = [], options: QueryOptions = {}): Promise<any> {
    return shapeResult(await this.run(sql, params), options.rowMode);
  }

  private async run(sql: string, params: readonly ParamValue[]): Promise<StatementResult | undefined> {
    this.checkOpen();
    const results = await this.defaultSession.execute(sql, params as readonly Value[]);
    return results[results.length - 1];
  }

  /**
   * Runs one statement and returns its result as an Apache Arrow table. Types map as: int2/4/8 →
   * Int16/32/64, float4/8 → Float32/64, bool → Bool, text types, uuid and json → Utf8, numeric(p,s)
   * → Decimal128(p, s) (Utf8 when unconstrained), date → DateDay, time → Time64[µs], timestamp →
   * Timestamp[µs], timestamptz → Timestamp[µs, 'UTC'], interval → Interval[MONTH_DAY_NANO],
   * bytea → Binary, arrays → Utf8 in PostgreSQL's text form.
   * @example
   * const table = await db.queryArrow('SELECT region, sum(amount) AS total FROM sales GROUP BY 1');
   * table.getChild('total')?.toArray(); // Float64Array
   */
  async queryArrow(sql: string, params: readonly ParamValue[] = []): Promise<ArrowTable> {
    const r = await this.run(sql, params);
    const { toArrowTable } = await import('./engine/arrow.js');
    return toArrowTable(resultColumns(r?.columns ?? [], r?.rows ?? []), r?.rows.length ?? 0);
  }

  /**
   * Parses and binds one statement once for running many times. Parameter types are inferred
   * from context as PostgreSQL does (or given in `options.paramTypes`); a parameter nothing
   * determines fails with 42P18. Queries keep their plan until the catalog changes.
   * @example
   * const byId = await db.prepare('SELECT name FROM users WHERE id = $1');
   * byId.paramTypes; // [{ id: 'int4' }]
   * const { rows } = await byId.query([7]);
   * await byId.close();
   */
  async prepare(sql: string, options: PrepareOptions = {}): Promise<PreparedStatement> {
    this.checkOpen();
    const declared = (options.paramTypes ?? []).map(parseTypeName);
    return PreparedStatement.fromSql(this.defaultSession, sql, declared, this.guard);
  }

  /**
   * Appends rows column-wise: the fast ingest path. Values use the engine representation
   * (see Value); the whole batch is checked before anything is written.
   * @example
   * await db.append('sales', { ts: [Date.UTC(2026, 0, 5) * 1000], region: ['eu'], amount: [120.5] });
   */
  async append(table: string, columns: ColumnBatch): Promise<number> {
    this.checkOpen();
    // Waits, as a statement does, while another transaction has the table locked (DDL).
    const n = await this.defaultSession.appendWaiting(table, columns);
    await this.defaultSession.durable();
    return n;
  }

  /**
   * Calls `listener` after each commit that changes materialized view `name` (optionally
   * schema-qualified), with the rows it added and removed. Returns the function that stops it.
   * @example
   * const stop = db.subscribeView('sales_by_region', (c) => console.log(c.added, c.removed));
   */
  subscribeView(name: string, listener: (change: ViewChange) => void): () => void {
    this.checkOpen();
    const dot = name.indexOf('.');
    const t = this.engine.catalog.findRelation(
      dot < 0 ? name : name.slice(dot + 1),
      dot < 0 ? undefined : name.slice(0, dot),
      this.defaultSession.searchPath,
      null,
    );
    const view = t && 'matview' in t ? this.engine.views.of(t) : undefined;
    if (!view) throw new DatabaseError(SqlState.undefinedTable, `materialized view "${name}" does not exist`);
    return this.engine.views.subscribe((c) => {
      if (this.engine.views.of(view.table) === view && c.view === view.name && c.schema === view.schema)
        listener(c);
    });
  }

  /**
   * Resolves once the materialized views rebuilt in the background after a restart are ready.
   * Statements reading a view wait for it anyway; this is for code that reads views otherwise.
   * @example
   * const db = await open({ path: './data' });
   * await db.viewsReady();
   */
  viewsReady(): Promise<void> {
    return this.engine.views.whenBuilt();
  }

  /**
   * Closes the database; later calls fail with 55000.
   * @example
   * await db.close();
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.views.stopped = true;
    await this.engine.views.whenBuilt();
    await this.durability?.close();
  }
}

/**
 * Opens a database: in memory by default.
 * @example
 * import { open } from 'liveviewdb';
 * const db = await open();
 */
export function open(options?: OpenOptions): Promise<Database> {
  return Database.open(options);
}
