import { DatabaseError, SqlState } from '../errors.js';
import type { FunctionContext } from '../sql/functions/registry.js';
import type { Chunk } from '../storage/chunk.js';
import type { Table, TableSnapshot } from '../storage/table.js';
import type { Value } from '../types/values.js';
import type { LogicalPlan } from '../plan/logical.js';

/** Returned by an operator's next() when its time slice is used up; the driver yields, then calls again. */
export const YIELD: unique symbol = Symbol('yield');
export type Yield = typeof YIELD;

/** Where scans get their rows: the statement's snapshot plus the transaction's own uncommitted changes. */
export interface DataSource {
  snapshot(table: Table): TableSnapshot;
  /** Uncommitted rows this transaction appended to the table. */
  localChunk(table: Table): Chunk | undefined;
  /** Committed rows of this chunk that the current transaction has deleted, if any. */
  locallyDeletedRows(chunk: Chunk): ReadonlySet<number> | undefined;
}

export interface ExecLimits {
  /** Milliseconds of work before giving the event loop back. */
  readonly sliceMs: number;
  /** Bytes a query may hold in operator state before failing with 53200. */
  readonly memoryLimit: number;
}

/** What EXPLAIN ANALYZE reports for one plan node, summed over every time it ran. */
export interface OperatorStats {
  /** Times the node's operator was built and run (re-scans, recursive steps). */
  loops: number;
  /** Rows it returned. */
  rows: number;
  /** Milliseconds until its first batch (or end), summed over loops. */
  startupMs: number;
  /** Milliseconds inside next(), children included, summed over loops. */
  totalMs: number;
}

/** Per-query execution state shared by every operator of one plan. */
export class ExecContext {
  readonly params: readonly Value[];
  readonly fn: FunctionContext;
  readonly data: DataSource;
  readonly limits: ExecLimits;
  /** Enclosing rows of correlated subqueries; the last is the innermost. */
  readonly outer: Value[][] = [];
  /** Results of CTEs computed once (MaterializeNode) and of recursive work tables, by id. */
  readonly shared = new Map<number, Value[][]>();
  private sliceStart = performance.now();
  /** Synchronous depth (subqueries run to completion and must not yield). */
  syncDepth = 0;
  cancelled: string | null = null;
  /** Set for EXPLAIN ANALYZE: operators are wrapped to count rows and time per plan node. */
  profile: Map<LogicalPlan, OperatorStats> | null = null;
  /** Runs subquery plans for compiled expressions; set by the executor. */
  runner: { sub(plan: LogicalPlan, outerRow: Value[], correlated: boolean): Value[][] } = {
    sub: () => {
      throw new Error('no subquery runner');
    },
  };
  private memory = 0;

  constructor(params: readonly Value[], fn: FunctionContext, data: DataSource, limits: ExecLimits) {
    this.params = params;
    this.fn = fn;
    this.data = data;
    this.limits = limits;
  }

  /** True when the running slice should end; operators then return YIELD between batches. */
  shouldYield(): boolean {
    if (this.cancelled !== null) this.throwCancelled();
    if (this.syncDepth > 0) return false;
    return performance.now() - this.sliceStart > this.limits.sliceMs;
  }

  startSlice(): void {
    if (this.cancelled !== null) this.throwCancelled();
    this.sliceStart = performance.now();
  }

  private throwCancelled(): never {
    throw new DatabaseError(
      SqlState.queryCanceled,
      this.cancelled ?? 'canceling statement due to user request',
    );
  }

  /** Accounts bytes held by operator state; fails the query with 53200 past the limit. */
  reserve(bytes: number): void {
    this.memory += bytes;
    if (this.memory > this.limits.memoryLimit) {
      throw new DatabaseError(SqlState.outOfMemory, 'out of memory', {
        detail: `Query exceeded its memory limit of ${this.limits.memoryLimit} bytes.`,
        hint: 'Raise the limit with SET work_mem or reduce the data the query holds (e.g. fewer groups).',
      });
    }
  }

  release(bytes: number): void {
    this.memory = Math.max(0, this.memory - bytes);
  }
}
