import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Database } from '../../index.js';
import { DatabaseError, SqlState, toDatabaseError } from '../../errors.js';
import type { CommitEvent } from '../../engine/database.js';
import type { Session } from '../../engine/session.js';
import { parseSql } from '../../sql/parser.js';
import type { Table } from '../../storage/table.js';
import type { ViewChange } from '../../views/registry.js';
import { errorBody } from './errors.js';
import { describeColumns, jsonRow } from './formats.js';
import { tablesRead } from './read-set.js';
import { parseSqlRequest, runOnce, textContext, type SqlRequest } from './run-sql.js';

/**
 * The live query feed on `GET /api/v1/live` (WebSocket). Messages are JSON:
 *
 *   client → server  {type:'subscribe', id, sql, params?}   {type:'unsubscribe', id}   {type:'ping'}
 *                    {type:'subscribe', id, view}            (a materialized view's changes)
 *   server → client  {type:'result', id, columns, rows}     {type:'unsubscribed', id}
 *                    {type:'diff', id, seq, added, removed}
 *                    {type:'error', id, error:{code, message, ...}}
 *                    {type:'heartbeat', at}                  {type:'pong'}
 *
 * Heartbeats: every `heartbeatMs` the server sends a heartbeat message and a WebSocket ping; a
 * client that has not answered the previous ping (pong frame, which browsers send by themselves)
 * is disconnected. Clients may send {type:'ping'} to check the connection from their side.
 *
 * A subscription sends its full result at once and again after each commit that changed a table
 * its query reads, at most once per `minIntervalMs` (commits in between are folded into one
 * re-run). Each subscription runs on a session of its own.
 */

type SubscriptionId = string | number;

interface Subscription {
  readonly id: SubscriptionId;
  readonly req: SqlRequest;
  readonly stmt: unknown;
  readonly session: Session;
  /** Tables the query reads; undefined = unknown, so every commit triggers a re-run. */
  tables: Set<Table> | undefined;
  lastRun: number;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  /** A change arrived while running: run again afterwards. */
  pending: boolean;
  closed: boolean;
  /** Stops a view subscription's change feed. */
  stop?: () => void;
}

type ClientMessage =
  | { type: 'subscribe'; id: SubscriptionId; sql: string; params?: unknown[]; view?: string }
  | { type: 'unsubscribe'; id: SubscriptionId }
  | { type: 'ping' };

function protocolError(message: string): DatabaseError {
  return new DatabaseError(SqlState.protocolViolation, message);
}

/** The live feed: one per HTTP app; counts subscriptions for /metrics. */
export class LiveFeed {
  subscriptions = 0;

  constructor(
    private readonly db: Database,
    private readonly minIntervalMs: number,
    private readonly heartbeatMs = 15_000,
  ) {}

  register(app: FastifyInstance): void {
    app.get('/api/v1/live', { websocket: true }, (socket) => this.accept(socket));
  }

  private accept(socket: WebSocket): void {
    const subs = new Map<SubscriptionId, Subscription>();
    const send = (msg: object): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
    };
    const sendError = (id: SubscriptionId | null, e: unknown): void =>
      send({ type: 'error', id, ...errorBody(toDatabaseError(e)) });

    /** Runs the query and sends its result or error; true when it succeeded. */
    const run = async (sub: Subscription): Promise<boolean> => {
      sub.running = true;
      sub.lastRun = Date.now();
      try {
        const r = await runOnce(sub.session, sub.req);
        sub.tables = tablesRead(sub.session, sub.stmt);
        if (sub.closed) return true;
        const ctx = textContext(sub.session);
        send({
          type: 'result',
          id: sub.id,
          columns: describeColumns(r.columns),
          rows: r.rows.map((row) => jsonRow(row, r.columns, ctx)),
        });
        return true;
      } catch (e) {
        if (!sub.closed) sendError(sub.id, e);
        return false;
      } finally {
        sub.running = false;
        if (sub.pending) {
          sub.pending = false;
          schedule(sub);
        }
      }
    };

    const schedule = (sub: Subscription): void => {
      if (sub.closed) return;
      if (sub.running) {
        sub.pending = true;
        return;
      }
      if (sub.timer) return;
      const wait = Math.max(0, sub.lastRun + this.minIntervalMs - Date.now());
      sub.timer = setTimeout(() => {
        sub.timer = undefined;
        void run(sub);
      }, wait);
    };

    const stopListening = this.db.engine.onCommit((e: CommitEvent) => {
      for (const sub of subs.values()) {
        if (sub.stop) continue;
        if (!sub.tables || [...e.tables].some((t) => sub.tables!.has(t))) schedule(sub);
      }
    });

    const remove = (sub: Subscription): void => {
      sub.closed = true;
      sub.stop?.();
      if (sub.timer) clearTimeout(sub.timer);
      subs.delete(sub.id);
      this.subscriptions--;
    };

    const subscribe = async (msg: ClientMessage & { type: 'subscribe' }): Promise<void> => {
      if (subs.has(msg.id))
        throw new DatabaseError(SqlState.duplicateObject, `subscription "${msg.id}" already exists`);
      if (typeof msg.view === 'string') return subscribeView(msg.id, msg.view);
      const req = parseSqlRequest(msg);
      const stmts = parseSql(req.sql);
      if (stmts.length !== 1 || !('SelectStmt' in (stmts[0]!.stmt as object)))
        throw new DatabaseError(
          SqlState.featureNotSupported,
          'a live query must be a single SELECT statement',
        );
      const sub: Subscription = {
        id: msg.id,
        req,
        stmt: stmts[0]!.stmt,
        session: this.db.session(),
        tables: undefined,
        lastRun: 0,
        timer: undefined,
        running: false,
        pending: false,
        closed: false,
      };
      subs.set(sub.id, sub);
      this.subscriptions++;
      // A query that fails at once is not kept; one that fails later (a dropped table) is.
      if (!(await run(sub)) && subs.get(sub.id) === sub) remove(sub);
    };

    let answered = true;
    socket.on('pong', () => (answered = true));
    const heartbeat = setInterval(() => {
      if (!answered) {
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
      send({ type: 'heartbeat', at: new Date().toISOString() });
    }, this.heartbeatMs);
    heartbeat.unref();

    /**
     * A materialized view's feed: its rows, then each commit's change as a diff. Changes that land
     * while the first result is read wait for it; those it already includes are dropped.
     */
    const subscribeView = async (id: SubscriptionId, name: string): Promise<void> => {
      const session = this.db.session();
      const dot = name.indexOf('.');
      const rel = this.db.engine.catalog.findRelation(
        dot < 0 ? name : name.slice(dot + 1),
        dot < 0 ? undefined : name.slice(0, dot),
        session.searchPath,
        null,
      );
      const view = rel && 'matview' in rel ? this.db.engine.views.of(rel) : undefined;
      if (!view)
        throw new DatabaseError(SqlState.undefinedTable, `materialized view "${name}" does not exist`);
      const ctx = textContext(session);
      const columns = view.table.columns;
      let held: ViewChange[] | null = [];
      const sendDiff = (c: ViewChange): void =>
        send({
          type: 'diff',
          id,
          seq: c.seq,
          added: c.added.map((r) => jsonRow(r, columns, ctx)),
          removed: c.removed.map((r) => jsonRow(r, columns, ctx)),
        });
      const stop = this.db.engine.views.subscribe((c) => {
        if (this.db.engine.views.of(view.table) !== view || c.view !== view.name || c.schema !== view.schema)
          return;
        if (held) held.push(c);
        else sendDiff(c);
      });
      const sub: Subscription = {
        id,
        req: { sql: '', params: [] },
        stmt: null,
        session,
        tables: new Set(),
        lastRun: 0,
        timer: undefined,
        running: false,
        pending: false,
        closed: false,
        stop,
      };
      subs.set(id, sub);
      this.subscriptions++;
      const seq = this.db.engine.seq;
      const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
      try {
        const r = await runOnce(session, {
          sql: `SELECT * FROM ${q(view.schema)}.${q(view.name)}`,
          params: [],
        });
        send({
          type: 'result',
          id,
          columns: describeColumns(r.columns),
          rows: r.rows.map((row) => jsonRow(row, r.columns, ctx)),
        });
      } catch (e) {
        remove(sub);
        throw e;
      }
      const waiting = held;
      held = null;
      for (const c of waiting) if (c.seq > seq) sendDiff(c);
    };

    socket.on('message', (data) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(String(data)) as ClientMessage;
        if (typeof msg !== 'object' || msg === null) throw protocolError('message must be a JSON object');
        if (msg.type === 'ping') {
          send({ type: 'pong' });
          return;
        }
        if (typeof msg.id !== 'string' && typeof msg.id !== 'number')
          throw protocolError('"id" must be a string or a number');
      } catch (e) {
        sendError(null, e instanceof DatabaseError ? e : protocolError(`invalid message: ${String(e)}`));
        return;
      }
      if (msg.type === 'subscribe') {
        subscribe(msg).catch((e: unknown) => sendError(msg.id, e));
      } else if (msg.type === 'unsubscribe') {
        const sub = subs.get(msg.id);
        if (!sub)
          sendError(
            msg.id,
            new DatabaseError(SqlState.undefinedObject, `subscription "${msg.id}" does not exist`),
          );
        else {
          remove(sub);
          send({ type: 'unsubscribed', id: msg.id });
        }
      } else {
        const other = msg as { id: SubscriptionId; type?: unknown };
        sendError(other.id, protocolError(`unknown message type "${String(other.type)}"`));
      }
    });

    socket.on('close', () => {
      clearInterval(heartbeat);
      stopListening();
      for (const sub of [...subs.values()]) remove(sub);
    });
  }
}
