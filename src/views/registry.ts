import { toDatabaseError } from '../errors.js';
import type { ColumnDef, Table } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { addRow, consolidate, emptyDelta, isEmpty, type Delta } from './delta.js';
import type { MaterializedView } from './materialized-view.js';
import { MaintenanceRound } from './round.js';

/**
 * What one commit did to one view: rows added and removed. Delivered to subscribers after the commit.
 * @example
 * db.subscribeView('sales_by_region', (c) => console.log(c.added, c.removed));
 */
export interface ViewChange {
  readonly view: string;
  readonly schema: string;
  /** The view's columns (names and types of the rows below). */
  readonly columns: readonly ColumnDef[];
  readonly seq: number;
  readonly added: Value[][];
  readonly removed: Value[][];
}

/** The views' share of one commit, computed before it is applied. */
export interface PreparedMaintenance {
  /**
   * Applies every view's change as commit `seq` (after the base tables' changes); returns the
   * views' tables that changed.
   */
  apply(seq: number): Table[];
}

/**
 * Every materialized view of a database, in creation order (which is dependency order: a view can
 * only read views made before it), and the commit-time maintenance that keeps them current.
 */
export class ViewRegistry {
  private readonly views = new Map<Table, MaterializedView>();
  private nextId = 1;
  private readonly listeners = new Set<(c: ViewChange) => void>();
  /** During recovery: views are defined but neither filled nor maintained until `resume`. */
  suspended = false;
  /** The database is closing: background builds stop. */
  stopped = false;
  /** The time views' clock filters (now()) see, in microseconds; replaceable for tests. */
  clock: () => number = () => Date.now() * 1000;

  get size(): number {
    return this.views.size;
  }

  newId(): number {
    return this.nextId++;
  }

  /** Every view, dependencies first. */
  all(): MaterializedView[] {
    return [...this.views.values()].sort((a, b) => a.id - b.id);
  }

  /** The view stored in `table`, if it is one. */
  of(table: Table): MaterializedView | undefined {
    return this.views.get(table);
  }

  add(view: MaterializedView): void {
    this.views.set(view.table, view);
  }

  remove(view: MaterializedView): void {
    this.views.delete(view.table);
  }

  /** Whether any view is being built (after a restart). */
  get building(): boolean {
    for (const v of this.views.values()) if (v.building) return true;
    return false;
  }

  /** Resolves once the views among `tables` (all views when omitted) are built. */
  async whenBuilt(tables?: Iterable<Table>): Promise<void> {
    const waits: Promise<void>[] = [];
    if (tables) {
      for (const t of tables) {
        const v = this.views.get(t);
        if (v?.building) waits.push(v.ready);
      }
    } else for (const v of this.views.values()) if (v.building) waits.push(v.ready);
    if (waits.length > 0) await Promise.all(waits);
  }

  /** Views that read `table` directly. */
  dependents(table: Table): MaterializedView[] {
    return this.all().filter((v) => v.sources.includes(table));
  }

  /** Whether some view reads `table` (its commits must compute deltas). */
  /** The columns of `table` that views maintained from its changes read, in order. */
  columnsRead(table: Table): number[] {
    const cols = new Set<number>();
    for (const v of this.views.values()) for (const c of v.columnsRead(table)) cols.add(c);
    return [...cols].sort((a, b) => a - b);
  }

  hasDependents(table: Table): boolean {
    for (const v of this.views.values()) if (v.sources.includes(table)) return true;
    return false;
  }

  /** Calls `listener` with each view's change after each commit; returns the function that stops it. */
  subscribe(listener: (c: ViewChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Computes every affected view's change for base-table changes `deltas`, in dependency order (a
   * view's change is the input of the views reading it). Deferred views only queue the changes. If
   * any view fails, every view's state is put back and the error is thrown: the commit fails.
   */
  prepare(deltas: Map<Table, Delta>, hooks: MaintenanceHooks): PreparedMaintenance | null {
    if (this.suspended || this.views.size === 0) return null;
    const changes: { view: MaterializedView; delta: Delta }[] = [];
    const rounds: MaintenanceRound[] = [];
    let failing: MaterializedView | null = null;
    try {
      for (const view of this.all()) {
        if (!view.populated || !view.sources.some((t) => deltas.has(t))) continue;
        if (view.building) {
          // Applied when its build (from the tables as they were when it started) is done.
          queue(view, deltas);
          continue;
        }
        if (view.options.refresh === 'deferred') {
          queue(view, deltas);
          hooks.deferred(view);
          continue;
        }
        failing = view;
        const started = performance.now();
        let d: Delta;
        if (view.options.refresh === 'full') d = difference(view.storage.rows(), hooks.recompute(view));
        else {
          const round = new MaintenanceRound(view.ctx);
          rounds.push(round);
          d = consolidate(view.maintain(deltas, round, this.clock()));
        }
        view.recordUpdate(performance.now() - started);
        changes.push({ view, delta: d });
        if (!isEmpty(d)) deltas.set(view.table, d);
      }
    } catch (e) {
      for (const r of rounds.reverse()) r.undo();
      const err = toDatabaseError(e);
      if (failing) err.where = `maintaining materialized view "${failing.name}"`;
      throw err;
    }
    for (const r of rounds) r.commit();
    if (changes.length === 0) return null;
    return {
      apply: (seq) => {
        const changed: Table[] = [];
        for (const { view, delta } of changes) {
          if (isEmpty(delta)) continue;
          view.storage.apply(delta, seq);
          this.notify(view, delta, seq);
          changed.push(view.table);
        }
        return changed;
      },
    };
  }

  /** Tells subscribers what `delta` did to `view`. */
  notify(view: MaterializedView, delta: Delta, seq: number): void {
    if (this.listeners.size === 0 || isEmpty(delta)) return;
    const added: Value[][] = [];
    const removed: Value[][] = [];
    for (let i = 0; i < delta.rows.length; i++) {
      const w = delta.weights[i]!;
      for (let n = Math.abs(w); n > 0; n--) (w > 0 ? added : removed).push(delta.rows[i]!);
    }
    const change: ViewChange = {
      view: view.name,
      schema: view.schema,
      columns: view.table.columns,
      seq,
      added,
      removed,
    };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A subscriber's failure is its own; the commit has happened.
      }
    }
  }
}

/**
 * Brings a deferred view up to date with the changes queued for it, as a commit of its own
 * (`nextSeq`), and passes its change on to the views reading it. A failure leaves the view as it
 * was, with `error` set until REFRESH, or (`rethrow`) is thrown. Returns the tables that changed.
 */
export function flushDeferred(
  registry: ViewRegistry,
  view: MaterializedView,
  nextSeq: () => number,
  hooks: MaintenanceHooks,
  rethrow = false,
): Table[] {
  // A view being built takes its queued changes when the build is done.
  if (view.building) return [];
  const pending = view.pending;
  view.pending = new Map();
  view.pendingSince = null;
  if (pending.size === 0 || !registry.of(view.table)) return [];
  const round = new MaintenanceRound(view.ctx);
  try {
    const started = performance.now();
    const d = consolidate(view.maintain(pending, round, registry.clock()));
    view.recordUpdate(performance.now() - started);
    const changed = commitViewChange(registry, view, d, round, nextSeq, hooks);
    view.error = null;
    return changed;
  } catch (e) {
    round.undo();
    if (rethrow) throw toDatabaseError(e);
    view.error = toDatabaseError(e).message;
    return [];
  }
}

/**
 * Applies a view change made outside a transaction as a commit of its own: the views reading it
 * are prepared first (a failure there throws with nothing applied), then both are applied as the
 * next sequence number. Returns the tables that changed.
 */
function commitViewChange(
  registry: ViewRegistry,
  view: MaterializedView,
  d: Delta,
  round: MaintenanceRound,
  nextSeq: () => number,
  hooks: MaintenanceHooks,
): Table[] {
  const downstream = registry.prepare(new Map([[view.table, d]]), hooks);
  round.commit();
  const seq = nextSeq();
  view.storage.apply(d, seq);
  registry.notify(view, d, seq);
  return [view.table, ...(downstream?.apply(seq) ?? [])];
}

/**
 * Moves every clock-following view to the registry's clock: rows that have aged out of (or into)
 * their time window change, as a commit of its own per view. Returns the tables that changed.
 */
export function tickViews(registry: ViewRegistry, nextSeq: () => number, hooks: MaintenanceHooks): Table[] {
  const changed: Table[] = [];
  if (registry.suspended) return changed;
  for (const view of registry.all()) {
    if (!view.populated || view.building || !view.followsClock || view.options.refresh === 'full') continue;
    const round = new MaintenanceRound(view.ctx);
    try {
      const d = consolidate(view.tick(registry.clock(), round));
      if (isEmpty(d)) round.commit();
      else changed.push(...commitViewChange(registry, view, d, round, nextSeq, hooks));
    } catch (e) {
      round.undo();
      view.error = toDatabaseError(e).message;
    }
  }
  return changed;
}

/** What commit-time maintenance needs from the session. */
export interface MaintenanceHooks {
  /** A deferred view got changes: schedule its maintenance. */
  deferred(view: MaterializedView): void;
  /** A full-refresh view's rows as of the commit being prepared (its transaction's changes included). */
  recompute(view: MaterializedView): Value[][];
}

/** The change from rows `before` to rows `after` (multisets). */
export function difference(before: readonly Value[][], after: readonly Value[][]): Delta {
  const d = emptyDelta();
  for (const r of before) addRow(d, r as Value[], -1);
  for (const r of after) addRow(d, r as Value[], 1);
  return consolidate(d);
}

/** Adds base changes to a deferred view's queue. */
function queue(view: MaterializedView, deltas: ReadonlyMap<Table, Delta>): void {
  for (const [t, d] of deltas) {
    if (!view.sources.includes(t)) continue;
    const q = view.pending.get(t) ?? emptyDelta();
    for (let i = 0; i < d.rows.length; i++) {
      q.rows.push(d.rows[i]!);
      q.weights.push(d.weights[i]!);
    }
    view.pending.set(t, q);
  }
  view.pendingSince ??= Date.now();
}
