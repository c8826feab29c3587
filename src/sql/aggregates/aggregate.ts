import type { Vector } from '../../exec/batch.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';

/**
 * An aggregate's state machine. Every aggregate implements init/add/result; `remove` makes deletes
 * and sliding windows cheap (the incremental views depend on it); `merge` combines partial states
 * (parallel scans, rollups). States are mutable objects owned by the caller; add/remove/merge may
 * mutate and return the same state or return a new one: always use the returned value.
 */
export interface Accumulator<S = any> {
  init(): S;
  /** Folds one row in. For strict aggregates the caller skips rows whose arguments are NULL. */
  add(state: S, args: readonly Value[]): S;
  /** Inverse of add for a row added before; absent when the aggregate cannot retract. */
  remove?(state: S, args: readonly Value[]): S;
  merge?(a: S, b: S): S;
  result(state: S): Value;
  /**
   * Approximate bytes a state holds, for states that grow with their input (ordered multisets,
   * distinct sets, sketches); O(1). Maintained views count it against their memory limit.
   */
  bytes?(state: S): number;
}

/**
 * Columnar states of one aggregate for many groups (hash aggregation): typed arrays indexed by
 * group id, updated a batch at a time. Never retracts; results equal the Accumulator's.
 */
export interface GroupedStates {
  /** Makes room for group ids below `groups`; new groups start empty. */
  resize(groups: number): void;
  /**
   * Folds rows into their groups: for k < count, physical row `rows[k]` (k when rows is null) of the
   * argument vectors goes to group `gids[k]`. Kernels skip NULL arguments themselves.
   */
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void;
  result(group: number): Value;
}

/** One overload of an aggregate function as the binder sees it. */
export interface AggregateFunction {
  readonly name: string;
  /** Aggregated arguments (for ordered-set aggregates: the WITHIN GROUP ORDER BY expression). */
  readonly args: readonly SqlType[];
  /** Ordered-set aggregates (percentile_cont, percentile_disc, mode) take direct arguments first. */
  readonly directArgs?: readonly SqlType[];
  readonly orderedSet?: boolean;
  readonly ret: SqlType | ((argTypes: readonly SqlType[]) => SqlType);
  /** Strict (the default): rows with a NULL argument are skipped. count(*) has no arguments. */
  readonly strict?: boolean;
  /**
   * Creates the accumulator for resolved argument types. `direct` holds the evaluated direct
   * arguments of an ordered-set aggregate (constant per group, e.g. the fraction 0.5).
   */
  readonly make: (argTypes: readonly SqlType[], direct: readonly Value[]) => Accumulator;
  /**
   * Columnar fast path for hash aggregation, when one exists for these argument types (and for
   * DISTINCT, when `distinct`).
   */
  readonly grouped?: (
    argTypes: readonly SqlType[],
    direct: readonly Value[],
    distinct: boolean,
  ) => GroupedStates | null;
}
