import { Catalog } from '../storage/catalog.js';
import type { Table, TableSnapshot } from '../storage/table.js';
import { builtinFunctions, type FunctionRegistry } from '../sql/functions/index.js';
import { loadParser } from '../sql/parser.js';
import { RoleStore } from '../tenancy/roles.js';
import { AccessTokens } from './access-tokens.js';
import { ViewRegistry } from '../views/registry.js';
import { MAX_PAYLOAD, NotificationHub } from './notifications.js';
import { formatValue, type TextIoContext } from '../types/text-io.js';
import type { Value } from '../types/values.js';

const NOTIFY_TEXT: TextIoContext = { timezone: 'UTC', dateStyle: 'ISO, MDY', extraFloatDigits: 1 };
import type { Transaction } from './transaction.js';

/**
 * Where commits go to become durable (the write-ahead log, when the database has a data
 * directory). `commit` is called before the transaction is applied, in commit order; the promise
 * it returns settles when the commit is durable.
 */
export interface CommitLog {
  commit(txn: Transaction, seq: number): Promise<void>;
  /** Logs the current access tokens (they change outside transactions). */
  tokensChanged(): void;
  /** Logs the current roles after a change outside a transaction (the admin password). */
  rolesChanged(): void;
}

/**
 * What one commit changed: the tables whose rows it inserted or deleted, and how many rows it
 * inserted. Adapters (the live WebSocket feed, metrics) listen through Engine.onCommit.
 */
export interface CommitEvent {
  readonly seq: number;
  readonly tables: ReadonlySet<Table>;
  readonly rowsInserted: number;
}

/** Engine-wide state shared by every session: the catalog and the commit sequence. */
export class Engine {
  readonly catalog = new Catalog();
  readonly functions: FunctionRegistry;
  /** Sequence number of the last commit. */
  seq = 0;
  /** Rows inserted by every commit so far (INSERT, COPY, append). */
  rowsInserted = 0;
  /** API access tokens (liveview_create_token), kept as SHA-256 hashes. */
  readonly tokens = new AccessTokens();
  /** Materialized views, maintained at each commit (see src/views). */
  readonly views = new ViewRegistry();
  /** LISTEN/NOTIFY channels (views publish their changes on their own names). */
  readonly notifications = new NotificationHub();
  /** Login roles and their password secrets (CREATE/ALTER/DROP ROLE; the servers authenticate against it). */
  readonly roles = new RoleStore();
  /** The write-ahead log; null for an in-memory database (and while recovery replays it). */
  log: CommitLog | null = null;
  private readonly commitListeners = new Set<(e: CommitEvent) => void>();

  private constructor(functions: FunctionRegistry) {
    this.functions = functions;
    // A view's changes go to listeners of its name as JSON, values in PostgreSQL's text form
    // (counts only, when they would not fit in a payload).
    this.views.subscribe((c) => {
      if (!this.notifications.hasListeners(c.view)) return;
      const text = (rows: Value[][]): (string | null)[][] =>
        rows.map((r) =>
          r.map((v, i) => (v === null ? null : formatValue(v, c.columns[i]!.type, NOTIFY_TEXT))),
        );
      let payload = JSON.stringify({
        view: c.view,
        seq: c.seq,
        added: text(c.added),
        removed: text(c.removed),
      });
      if (payload.length > MAX_PAYLOAD)
        payload = JSON.stringify({
          view: c.view,
          seq: c.seq,
          added: c.added.length,
          removed: c.removed.length,
          truncated: true,
        });
      this.notifications.publish({ channel: c.view, payload, pid: 0 });
    });
  }

  static async create(): Promise<Engine> {
    await loadParser();
    return new Engine(builtinFunctions());
  }

  /**
   * Calls `listener` after every commit that changed rows; returns the function that stops it.
   * @example
   * const stop = engine.onCommit((e) => console.log([...e.tables].map((t) => t.name)));
   */
  onCommit(listener: (e: CommitEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Called by the session once a commit is applied; a failing listener never fails the commit. */
  notifyCommit(tables: ReadonlySet<Table>, rowsInserted: number): void {
    this.rowsInserted += rowsInserted;
    if (tables.size === 0) return;
    const e: CommitEvent = { seq: this.seq, tables, rowsInserted };
    for (const l of this.commitListeners) {
      try {
        l(e);
      } catch {
        // Listeners are adapters' notifications; the commit has already happened.
      }
    }
  }

  snapshot(table: Table): TableSnapshot {
    return table.snapshot(this.seq);
  }

  /** Every table's snapshot at this commit sequence: a repeatable-read transaction's view. */
  snapshotAll(): Map<Table, TableSnapshot> {
    const out = new Map<Table, TableSnapshot>();
    for (const schema of this.catalog.schemas.values())
      for (const t of schema.tables.values()) out.set(t, t.snapshot(this.seq));
    return out;
  }
}
