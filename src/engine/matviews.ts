import { DatabaseError, SqlState, toDatabaseError } from '../errors.js';
import { runPlanSync } from '../exec/build.js';
import type { DataSource } from '../exec/context.js';
import { planChildren, type LogicalPlan } from '../plan/logical.js';
import type { Chunk } from '../storage/chunk.js';
import { Table, type TableSnapshot } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { parseInterval } from '../types/text-io.js';
import type { Delta } from '../views/delta.js';
import type { MaterializedView, MatViewOptions, RefreshMode } from '../views/materialized-view.js';
import { flushDeferred, tickViews, type MaintenanceHooks, type ViewRegistry } from '../views/registry.js';
import type { Engine } from './database.js';
import type { Transaction } from './transaction.js';
import type { MatViewStat } from '../sql/system-catalog/system-table.js';

type Node = any;

const REFRESH_MODES: readonly RefreshMode[] = ['immediate', 'deferred', 'full'];
const DEFAULT_MEMORY_LIMIT = 4 * 2 ** 30;

function optionText(d: Node): string {
  const a = d.arg;
  if (a?.String) return String(a.String.sval);
  if (a?.Integer) return String(a.Integer.ival);
  if (a?.Float) return String(a.Float.fval);
  if (a?.TypeName) return (a.TypeName.names as Node[]).map((n) => n.String.sval).join('.');
  throw new DatabaseError(SqlState.invalidParameterValue, `invalid value for option "${d.defname}"`);
}

/** A duration option ('200ms', '2 s', 150): milliseconds. */
function durationMs(name: string, text: string): number {
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)\s*$/i.exec(text);
  if (m)
    return Number(m[1]) * ({ ms: 1, s: 1000, min: 60_000 } as Record<string, number>)[m[2]!.toLowerCase()]!;
  try {
    const iv = parseInterval(text);
    return iv.micros / 1000 + iv.days * 86_400_000 + iv.months * 30 * 86_400_000;
  } catch {
    throw new DatabaseError(SqlState.invalidParameterValue, `invalid value for option "${name}": "${text}"`);
  }
}

/** Bytes: 1048576, '64MB', '512kB', '1GB'. */
function bytes(name: string, text: string): number {
  const m = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m)
    throw new DatabaseError(SqlState.invalidParameterValue, `invalid value for option "${name}": "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as Record<string, number>)[unit]!;
}

/** The WITH (…) options of CREATE MATERIALIZED VIEW. */
export function matViewOptions(defs: readonly Node[] | undefined): MatViewOptions {
  let refresh: RefreshMode = 'immediate';
  let maxDelayMs = 200;
  let memoryLimit = DEFAULT_MEMORY_LIMIT;
  for (const o of defs ?? []) {
    const d = o.DefElem;
    const v = optionText(d);
    switch (d.defname) {
      case 'refresh':
        if (!REFRESH_MODES.includes(v as RefreshMode))
          throw new DatabaseError(
            SqlState.invalidParameterValue,
            `invalid value for option "refresh": "${v}"`,
            { hint: 'Valid values are immediate, deferred and full.' },
          );
        refresh = v as RefreshMode;
        break;
      case 'max_delay':
        maxDelayMs = durationMs('max_delay', v);
        break;
      case 'memory_limit':
        memoryLimit = bytes('memory_limit', v);
        break;
      default:
        throw new DatabaseError(SqlState.invalidParameterValue, `unrecognized parameter "${d.defname}"`);
    }
  }
  return { refresh, maxDelayMs, memoryLimit };
}

/** The base tables a plan scans (for full-refresh views, which have no dataflow). */
export function scannedTables(plan: LogicalPlan, out: Set<Table> = new Set()): Table[] {
  if (plan.kind === 'scan') out.add(plan.table);
  for (const c of planChildren(plan)) scannedTables(c, out);
  return [...out];
}

/**
 * Every table a plan reads, those scanned by subqueries in its expressions included (a generic walk
 * of the plan's objects; a table's own contents are not entered).
 */
export function tablesRead(plan: unknown): Set<Table> {
  const out = new Set<Table>();
  const seen = new Set<object>();
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null || seen.has(x) || x instanceof Table) return;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (o.kind === 'scan' && o.table instanceof Table) out.add(o.table);
    for (const v of Object.values(o)) visit(v);
  };
  visit(plan);
  return out;
}

/** Committed data only: what a view built outside any transaction reads. */
export function committedData(snapshot: (t: Table) => ReturnType<DataSource['snapshot']>): DataSource {
  return { snapshot, localChunk: () => undefined, locallyDeletedRows: () => undefined };
}

/**
 * Calls `each` with the committed live rows of `table` in batches of up to 4,096 rows (their arrays
 * die young instead of being promoted by the garbage collector). Only `columns` are read; the other
 * positions of each row are NULL.
 */
export function readCommittedRows(
  table: Table,
  columns: readonly number[],
  each: (rows: Value[][]) => void,
): void {
  const snap = { table, chunks: table.chunks, rowCounts: table.chunks.map((c) => c.rowCount), seq: Infinity };
  for (const rows of rowBatches(snap, columns)) each(rows);
}

/**
 * The rows of a table snapshot (rows deleted after it still visible) in batches of up to 4,096,
 * with only `columns` read.
 */
function* rowBatches(snap: TableSnapshot, columns: readonly number[]): Generator<Value[][]> {
  const width = snap.table.columns.length;
  for (let ci = 0; ci < snap.chunks.length; ci++) {
    const c = snap.chunks[ci]!;
    const n = snap.rowCounts[ci]!;
    for (let start = 0; start < n; start += READ_BATCH) {
      const rows: Value[][] = [];
      const end = Math.min(n, start + READ_BATCH);
      for (let r = start; r < end; r++) {
        const del = c.deletedAt ? c.deletedAt[r]! : 0;
        if (del === 0 || del > snap.seq) rows.push(rowOf(c, r, columns, width));
      }
      if (rows.length > 0) yield rows;
    }
  }
}

/** Rows per batch when a view is filled from a table. */
const READ_BATCH = 4096;

/** Runs a view's query to completion, synchronously, over `data`. */
export function recomputeRows(view: MaterializedView, data: DataSource): Value[][] {
  return runPlanSync(view.plan, { fn: view.ctx.fn, data, limits: view.ctx.limits });
}

/** Deltas up to this many rows get arrays made to size. */
const PRESIZE_MAX = 16_384;

/**
 * A transaction's changes to the tables views read, as deltas: its inserted rows (+1) and the
 * committed rows it deletes (-1; an UPDATE is both).
 */

export function txnViewDeltas(txn: Transaction, views: ViewRegistry): Map<Table, Delta> {
  // Per table: the committed rows it deletes (in chunks still current) and its inserted chunk.
  const changed = new Map<
    Table,
    { deletes: [Chunk, ReadonlySet<number>][]; local: Chunk | null; n: number }
  >();
  const entry = (t: Table) => {
    let e = changed.get(t);
    if (!e) changed.set(t, (e = { deletes: [], local: null, n: 0 }));
    return e;
  };
  for (const [t, deletes] of txn.pendingDeletes()) {
    if (!views.hasDependents(t)) continue;
    const current = new Set(t.chunks);
    for (const [chunk, rows] of deletes)
      if (current.has(chunk)) {
        const e = entry(t);
        e.deletes.push([chunk, rows]);
        e.n += rows.size;
      }
  }
  for (const [t, chunk] of txn.local) {
    if (chunk.rowCount === 0 || !views.hasDependents(t)) continue;
    const e = entry(t);
    e.local = chunk;
    const stamps = chunk.deletedAt;
    if (!stamps) e.n += chunk.rowCount;
    else for (let r = 0; r < chunk.rowCount; r++) if (stamps[r] === 0) e.n++;
  }
  // Arrays made to size: a 1,000-row commit's deltas are the largest garbage it makes.
  const out = new Map<Table, Delta>();
  for (const [t, e] of changed) {
    if (e.n === 0) continue;
    const cols = views.columnsRead(t);
    const width = t.columns.length;
    // (Past PRESIZE_MAX, new Array(n) would make a slow dictionary-mode array: those grow.)
    const rows: Value[][] = e.n <= PRESIZE_MAX ? new Array<Value[]>(e.n) : [];
    const weights: number[] = e.n <= PRESIZE_MAX ? new Array<number>(e.n) : [];
    let k = 0;
    for (const [chunk, deleted] of e.deletes)
      for (const r of deleted) {
        weights[k] = -1;
        rows[k++] = rowOf(chunk, r, cols, width);
      }
    const chunk = e.local;
    if (chunk)
      for (let r = 0; r < chunk.rowCount; r++)
        if (!chunk.deletedAt || chunk.deletedAt[r] === 0) {
          weights[k] = 1;
          rows[k++] = rowOf(chunk, r, cols, width);
        }
    out.set(t, { rows, weights });
  }
  return out;
}

/**
 * Row `r` of `chunk` with only `columns` read, NULL elsewhere: views see a table's changes through
 * their scans' column picks, so the columns no view reads need not be materialised.
 */
function rowOf(chunk: Chunk, r: number, columns: readonly number[], width: number): Value[] {
  const row = new Array<Value>(width).fill(null);
  for (let k = 0; k < columns.length; k++) row[columns[k]!] = chunk.columns[columns[k]!]!.get(r);
  return row;
}

/** Maintenance hooks for view changes made outside a transaction (deferred flushes, clock ticks). */
function outsideCommitHooks(engine: Engine): MaintenanceHooks {
  const committed = committedData((t) => engine.snapshot(t));
  return {
    deferred: (v) => scheduleDeferred(engine, v),
    recompute: (v) => recomputeRows(v, committed),
  };
}

/** Schedules a deferred view's maintenance for when its max_delay has passed since the first queued change. */
export function scheduleDeferred(engine: Engine, view: MaterializedView): void {
  if (view.timer) return;
  view.timer = setTimeout(() => {
    view.timer = null;
    const changed = flushDeferred(engine.views, view, () => ++engine.seq, outsideCommitHooks(engine));
    if (changed.length > 0) engine.notifyCommit(new Set(changed), 0);
  }, view.options.maxDelayMs);
  view.timer.unref();
}

/** Every view's statistics, as liveview_views lists them. */
export function matViewStats(views: ViewRegistry): MatViewStat[] {
  const all = views.all();
  const qualified = (t: Table): string => `${t.schema}.${t.name}`;
  return all.map((v) => ({
    schema: v.schema,
    name: v.name,
    refresh: v.options.refresh,
    baseTables: v.sources.map(qualified),
    dependentViews: all.filter((d) => d.sources.includes(v.table)).map((d) => qualified(d.table)),
    rows: v.storage.rowCount,
    stateBytes: v.stateBytes(),
    populated: v.populated,
    lastUpdate: v.lastUpdate?.getTime() ?? null,
    stalenessMs: v.stalenessMs(),
    updates: v.updates,
    p50Ms: v.quantileMs(0.5),
    p99Ms: v.quantileMs(0.99),
    repairs: v.repairs,
    error: v.error,
  }));
}

const clockTimers = new WeakMap<Engine, NodeJS.Timeout>();

/**
 * Starts the engine's view clock (once): every `everyMs`, views with filters on now() are moved to
 * the current time, retracting rows that aged out of their window.
 */
export function startViewClock(engine: Engine, everyMs = 1000): void {
  if (clockTimers.has(engine)) return;
  const t = setInterval(() => tickEngineViews(engine), everyMs);
  t.unref();
  clockTimers.set(engine, t);
}

/** One tick of the view clock (also called directly by tests). */
export function tickEngineViews(engine: Engine): void {
  const changed = tickViews(engine.views, () => ++engine.seq, outsideCommitHooks(engine));
  if (changed.length > 0) engine.notifyCommit(new Set(changed), 0);
}

/**
 * Builds `views` (dependencies first) in the background, yielding to the event loop every few
 * milliseconds: after a restart the database opens as soon as its tables are recovered. Each view
 * is filled from its tables as of the moment its build starts; commits made meanwhile are queued
 * for it (it is `building`) and applied when the build is done, as a commit of their own.
 * Statements reading a view wait for it (ViewRegistry.whenBuilt). A view whose build fails is left
 * unpopulated with the error in liveview_views (REFRESH retries). Stops when `stopped()` says so.
 */
export function buildViewsInBackground(
  engine: Engine,
  views: readonly MaterializedView[],
  stopped: () => boolean,
): Promise<void> {
  const done: (() => void)[] = [];
  for (const v of views) {
    v.building = true;
    v.ready = new Promise<void>((resolve) => done.push(resolve));
  }
  const run = async (): Promise<void> => {
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      try {
        if (!stopped() && engine.views.of(v.table) === v) await buildView(engine, v, stopped);
      } catch (e) {
        v.populated = false;
        v.error = toDatabaseError(e).message;
        v.pending = new Map();
        v.pendingSince = null;
      } finally {
        v.building = false;
        done[i]!();
      }
    }
  };
  return run();
}

/**
 * Fills view `v` from its tables as of now, yielding to the event loop after each batch of rows, then
 * applies what was committed meanwhile (queued while `v.building`) as a commit of its own; throws
 * what that fails with. `onBuilt` sees the rows as of the start, before those commits. Returns
 * early, the view unfilled, once `stopped()` says so or the view is dropped. CREATE and REFRESH
 * MATERIALIZED VIEW and the rebuild after a restart.
 */
export async function buildView(
  engine: Engine,
  v: MaterializedView,
  stopped: () => boolean,
  onBuilt?: (rows: readonly Value[][]) => void,
): Promise<void> {
  const hooks = outsideCommitHooks(engine);
  if (v.options.refresh === 'full') {
    v.storage.replace(
      recomputeRows(
        v,
        committedData((t) => engine.snapshot(t)),
      ),
      engine.seq,
    );
    return;
  }
  // The tables as of now; changes committed before now are in them, so none is queued yet.
  const snapshots = v.sources.map((t) => engine.snapshot(t));
  v.pending = new Map();
  v.pendingSince = null;
  const b = v.startBuild(engine.views.clock());
  for (const snap of snapshots) {
    for (const rows of rowBatches(snap, b.flow.columnsRead(snap.table))) {
      v.feedBuild(b, snap.table, rows);
      // A batch (4,096 rows) takes a millisecond or two: other work goes on between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped() || engine.views.of(v.table) !== v) return;
    }
  }
  const rows = v.finishBuild(b);
  onBuilt?.(rows);
  v.storage.replace(rows, engine.seq);
  v.building = false;
  // What was committed during the build, as one commit (passed on to the views reading this one).
  const changed = flushDeferred(engine.views, v, () => ++engine.seq, hooks, true);
  if (changed.length > 0) engine.notifyCommit(new Set(changed), 0);
  if (v.followsClock) startViewClock(engine);
}
