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
}
