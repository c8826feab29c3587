import { Engine } from './engine/database.js';
import { Session, type ResultColumn, type StatementResult } from './engine/session.js';
import { DatabaseError, SqlState } from './errors.js';
import type { Value } from './types/values.js';
import type { ColumnBatch } from './engine/append.js';

export { DatabaseError, SqlState } from './errors.js';
export type { SqlType, TypeId } from './types/types.js';
export type { Value } from './types/values.js';
export { Decimal } from './types/decimal.js';
export { Interval } from './types/interval.js';
export type { ResultColumn, StatementResult } from './engine/session.js';
export type { ColumnBatch } from './engine/append.js';

export interface OpenOptions {
  /** Data directory; omitted = in memory. (Persistence arrives with the durability work.) */
  readonly path?: string;
}

export interface QueryOptions {
  /** 'object' (default): rows as `{column: value}`; 'array': rows as value arrays. */
  readonly rowMode?: 'object' | 'array';
}

export interface QueryResult<R = Record<string, Value>> {
  readonly command: string;
  readonly columns: ResultColumn[];
  readonly rows: R[];
  readonly rowCount: number;
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

  private constructor(readonly engine: Engine) {
    this.defaultSession = new Session(engine);
  }

  static async open(options: OpenOptions = {}): Promise<Database> {
    if (options.path !== undefined) {
      // Accepted now so callers can pass it; durability lands in a later release.
    }
    return new Database(await Engine.create());
  }

  /** A separate connection: its own transaction state and settings. */
  session(): Session {
    this.checkOpen();
    return new Session(this.engine);
  }

  private checkOpen(): void {
    if (this.closed) throw new DatabaseError(SqlState.objectNotInPrerequisiteState, 'database is closed');
  }

  /** Runs one or more statements; returns the last statement's result. */
  async exec(sql: string): Promise<StatementResult | undefined> {
    this.checkOpen();
    const r = await this.defaultSession.execute(sql);
    return r[r.length - 1];
  }

  /**
   * Runs one statement with $1..$n parameters.
   * @example
   * const { rows } = await db.query('SELECT $1::int + 1 AS x', [41]); // [{ x: 42 }]
   */
  async query(
    sql: string,
    params?: readonly Value[],
    options?: QueryOptions & { rowMode?: 'object' },
  ): Promise<QueryResult<Record<string, Value>>>;
  async query(
    sql: string,
    params: readonly Value[],
    options: QueryOptions & { rowMode: 'array' },
  ): Promise<QueryResult<Value[]>>;
  async query(
    sql: string,
    params: readonly Value[] = [],
    options: QueryOptions = {},
  ): Promise<QueryResult<any>> {
    this.checkOpen();
    const results = await this.defaultSession.execute(sql, params);
    const r = results[results.length - 1];
    if (!r) return { command: '', columns: [], rows: [], rowCount: 0 };
    if (options.rowMode === 'array') return r;
    const rows = r.rows.map((row) => {
      const o: Record<string, Value> = {};
      r.columns.forEach((c, i) => (o[c.name] = row[i] ?? null));
      return o;
    });
    return { ...r, rows };
  }

  /**
   * Appends rows column-wise: the fast ingest path. Values use the engine representation
   * (see Value); the whole batch is checked before anything is written.
   * @example
   * await db.append('sales', { ts: [Date.UTC(2026, 0, 5) * 1000], region: ['eu'], amount: [120.5] });
   */
  async append(table: string, columns: ColumnBatch): Promise<number> {
    this.checkOpen();
    return this.defaultSession.append(table, columns);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Opens a database: in memory by default. */
export function open(options?: OpenOptions): Promise<Database> {
  return Database.open(options);
}
