import { DatabaseError, SqlState } from '../errors.js';
import type { ExecContext } from '../exec/context.js';
import type { LogicalPlan } from '../plan/logical.js';
import { pruneColumns } from '../plan/prune.js';
import type { Table } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { ViewDataflow } from './compile.js';
import { appendDelta, consolidate, emptyDelta, rowKey, type Delta } from './delta.js';
import { MaintenanceRound } from './round.js';
import { setViewClock } from './operators/temporal-filter.js';
import { ViewStorage } from './view-storage.js';

/** How a view follows its base tables. */
export type RefreshMode = 'immediate' | 'deferred' | 'full';

/**
 * A materialized view's options (`CREATE MATERIALIZED VIEW v WITH (refresh = 'deferred', max_delay =
 * '200ms') AS …`).
 * @example
 * const opts: MatViewOptions = { refresh: 'immediate', maxDelayMs: 0, memoryLimit: 256 << 20 };
 */
export interface MatViewOptions {
  /** immediate: updated inside each commit; deferred: batched for up to maxDelayMs; full: recomputed. */
  readonly refresh: RefreshMode;
  readonly maxDelayMs: number;
  /** Bytes of maintenance state (indexes, per-group states) past which a write fails with 53200. */
  readonly memoryLimit: number;
}

/** What a view's definition was made from, for checkpoints and pg_matviews. */
export interface MatViewDefinition {
  /** The query's text, as pg_matviews prints it. */
  readonly query: string;
  /** The search_path it was created under (names in the query resolve along it). */
  readonly searchPath: readonly string[];
}

const TIMINGS = 1024;

/** A dataflow being filled from its tables' contents (see MaterializedView.startBuild). */
export interface ViewBuild {
  readonly flow: ViewDataflow;
  readonly round: MaintenanceRound;
  readonly out: Delta;
}

/**
 * One materialized view: its rows (a table), the dataflow that maintains them, and its statistics.
 */
export class MaterializedView {
  /** Incremental dataflow; null in full-refresh mode (the plan is recomputed instead). */
  private flow: ViewDataflow | null = null;
  readonly storage: ViewStorage;
  /** Base tables (and views' tables) the query reads. */
  readonly sources: Table[];
  /** Last maintenance times in ms (a ring), for p50/p99. */
  private readonly timings: number[] = [];
  private timingAt = 0;
  updates = 0;
  lastUpdate: Date | null = null;
  /** Base changes not yet applied (deferred mode), oldest first, and when the oldest came. */
  pending: Map<Table, Delta> = new Map();
  pendingSince: number | null = null;
  /** The last deferred maintenance error, if the view could not be brought up to date. */
  error: string | null = null;
  /** Times REFRESH found the maintained rows differing from a recomputation (and repaired them). */
  repairs = 0;
  /** The pending deferred maintenance, if one is scheduled. */
  timer: NodeJS.Timeout | null = null;
  /**
   * Being filled in the background (after a restart): commits queue their changes in `pending`
   * and statements reading the view wait for `ready`.
   */
  building = false;
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly table: Table,
    readonly plan: LogicalPlan,
    readonly ctx: ExecContext,
    readonly options: MatViewOptions,
    readonly definition: MatViewDefinition,
    sources: Table[],
  ) {
    this.storage = new ViewStorage(table);
    this.sources = sources;
  }

  get name(): string {
    return this.table.name;
  }

  /** Whether the view holds its query's rows (false after WITH NO DATA, until REFRESH). */
  get populated(): boolean {
    return this.table.matview?.populated ?? false;
  }

  set populated(v: boolean) {
    if (this.table.matview) this.table.matview.populated = v;
  }

  get schema(): string {
    return this.table.schema;
  }

  /** Compiles the query into a dataflow (throws 0A000 for what cannot be maintained). */
  static compile(plan: LogicalPlan, ctx: ExecContext): ViewDataflow {
    return new ViewDataflow(pruneColumns(plan), ctx);
  }

  /**
   * Computes the rows from scratch: a new dataflow fed the committed contents of its base tables
   * (incremental modes), or `recompute` (full mode). Returns them; the caller stores them.
   */
  build(
    readRows: (t: Table, columns: readonly number[], each: (batch: Value[][]) => void) => void,
    recompute: () => Value[][],
    nowMicros: number,
  ): Value[][] {
    if (this.options.refresh === 'full') {
      setViewClock(this.ctx, nowMicros);
      return recompute();
    }
    const b = this.startBuild(nowMicros);
    for (const t of b.flow.tables) readRows(t, b.flow.columnsRead(t), (batch) => this.feedBuild(b, t, batch));
    return this.finishBuild(b);
  }

  /**
   * Starts filling a new dataflow (incremental modes): the view is maintained by it from now on,
   * once `finishBuild` has returned its rows; meanwhile `building` keeps commits from maintaining it
   * (the registry queues their changes instead).
   */
  startBuild(nowMicros: number): ViewBuild {
    setViewClock(this.ctx, nowMicros);
    // Projection pushdown: scans keep only the columns the view uses, so join indexes and
    // buffers hold narrow rows.
    const flow = MaterializedView.compile(this.plan, this.ctx);
    const round = new MaintenanceRound(this.ctx, false);
    this.flow = flow;
    return { flow, round, out: flow.initial(round) };
  }

  /** Feeds rows of `table` to a build. */
  feedBuild(b: ViewBuild, table: Table, rows: Value[][]): void {
    const d: Delta = { rows, weights: new Array<number>(rows.length).fill(1) };
    appendDelta(b.out, b.flow.apply(table, d, b.round));
  }

  /** The rows a build arrived at. */
  finishBuild(b: ViewBuild): Value[][] {
    b.round.commit();
    return expand(consolidate(b.out));
  }

  /** The columns of `table` its dataflow reads (none before it is built, or when fully refreshed). */
  columnsRead(table: Table): number[] {
    return this.flow?.columnsRead(table) ?? [];
  }

  /** Whether the view has filters on the clock (now()): it changes as time passes (see `tick`). */
  get followsClock(): boolean {
    return this.flow?.followsClock ?? false;
  }

  /** The view's change as its clock moves to `nowMicros`. */
  tick(nowMicros: number, round: MaintenanceRound): Delta {
    if (!this.flow) return emptyDelta();
    setViewClock(this.ctx, nowMicros);
    return this.flow.tick(round);
  }

  /** The view's change for these base changes (incremental modes); state changes go to `round`. */
  maintain(deltas: ReadonlyMap<Table, Delta>, round: MaintenanceRound, nowMicros: number): Delta {
    setViewClock(this.ctx, nowMicros);
    const out = emptyDelta();
    for (const [t, d] of deltas)
      if (this.sources.includes(t)) appendDelta(out, this.flow!.apply(t, d, round));
    this.checkMemory();
    return out;
  }

  private checkMemory(): void {
    const bytes = this.stateBytes();
    if (bytes > this.options.memoryLimit)
      throw new DatabaseError(
        SqlState.outOfMemory,
        `materialized view "${this.name}" would hold ${bytes} bytes of state, over its limit of ${this.options.memoryLimit}`,
        { hint: "Raise it with ALTER MATERIALIZED VIEW … SET (memory_limit = '…'), or narrow the view." },
      );
  }

  stateBytes(): number {
    return this.flow?.stateBytes() ?? 0;
  }

  /** Records one maintenance pass of `ms`. */
  recordUpdate(ms: number): void {
    this.updates++;
    this.lastUpdate = new Date();
    if (this.timings.length < TIMINGS) this.timings.push(ms);
    else this.timings[this.timingAt++ % TIMINGS] = ms;
  }

  /** The q-quantile (0..1) of recent maintenance times in ms, or null before any. */
  quantileMs(q: number): number | null {
    if (this.timings.length === 0) return null;
    const s = [...this.timings].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  }

  /** Milliseconds the view lags its base tables (deferred mode), 0 when up to date. */
  stalenessMs(now = Date.now()): number {
    return this.pendingSince === null ? 0 : now - this.pendingSince;
  }

  /** Whether `rows` (a recomputation) equal the stored rows, as multisets. */
  matches(rows: readonly Value[][]): boolean {
    return sameRows(this.storage.rows(), rows);
  }
}

/** Whether two lists of rows hold the same rows as multisets (same values, same representation). */
export function sameRows(a: readonly Value[][], b: readonly Value[][]): boolean {
  const count = new Map<unknown, number>();
  for (const r of a) count.set(rowKey(r), (count.get(rowKey(r)) ?? 0) + 1);
  for (const r of b) {
    const k = rowKey(r);
    const n = count.get(k);
    if (!n) return false;
    if (n === 1) count.delete(k);
    else count.set(k, n - 1);
  }
  return count.size === 0;
}

function expand(d: Delta): Value[][] {
  const out: Value[][] = [];
  for (let i = 0; i < d.rows.length; i++) for (let n = d.weights[i]!; n > 0; n--) out.push(d.rows[i]!);
  return out;
}
