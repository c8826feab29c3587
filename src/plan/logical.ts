import type { AggregateFunction } from '../sql/aggregates/aggregate.js';
import type { TableFunction } from '../sql/functions/registry.js';
import type { Table } from '../storage/table.js';
import type { SqlType } from '../types/types.js';
import type { Expr } from './expr.js';

/** One output column of a plan node. `qualifier` is the table name or alias it can be referenced by. */
export interface Field {
  readonly name: string;
  readonly type: SqlType;
  readonly qualifier?: string;
  /** Hidden columns (sort keys not in the select list) are dropped before results are returned. */
  readonly hidden?: boolean;
  /**
   * With `hidden`: still reachable as `qualifier.name` and through `qualifier.*`. The input columns
   * a USING/NATURAL join merged into one: `l.k` stays valid after `l JOIN r USING (k)`.
   */
  readonly qualifiedOnly?: boolean;
}

export interface SortKey {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export interface AggCall {
  readonly fn: AggregateFunction;
  readonly args: readonly Expr[];
  /** Evaluated once per group for ordered-set aggregates (e.g. the fraction of percentile_cont). */
  readonly directArgs: readonly Expr[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY y)) or WITHIN GROUP. */
  readonly orderBy: readonly SortKey[];
  readonly type: SqlType;
}

export type WindowFrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'preceding'; readonly offset: Expr }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'following'; readonly offset: Expr }
  | { readonly kind: 'unbounded_following' };

export interface WindowFrame {
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: WindowFrameBound;
  readonly end: WindowFrameBound;
  readonly exclude: 'no_others' | 'current_row' | 'group' | 'ties';
}

export interface WindowCall {
  /** Ranking/offset functions by name; or an aggregate. */
  readonly name: string;
  readonly agg: AggregateFunction | null;
  readonly args: readonly Expr[];
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortKey[];
  readonly frame: WindowFrame;
  readonly filter: Expr | null;
  readonly distinct: boolean;
  readonly type: SqlType;
}

/** Functions that exist only as window functions (not aggregates). */
export const WINDOW_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
]);

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** Logical plan nodes: read-only, with a `kind` literal and the output `fields`. */
export type LogicalPlan =
  | ScanNode
  | ValuesNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | JoinNode
  | SortNode
  | LimitNode
  | DistinctNode
  | WindowNode
  | SetOpNode
  | RecursiveNode
  | WorkTableNode
  | TableFunctionNode
  | MaterializeNode;

export interface ScanNode {
  readonly kind: 'scan';
  readonly fields: readonly Field[];
  readonly table: Table;
  /** Table column index of each output field (projection pushdown). */
  readonly columns: readonly number[];
  /** Predicates over the scan's output, used to skip chunks by zone map and applied per row. */
  readonly filters: readonly Expr[];
}
export interface ValuesNode {
  readonly kind: 'values';
  readonly fields: readonly Field[];
  readonly rows: readonly (readonly Expr[])[];
}
export interface FilterNode {
  readonly kind: 'filter';
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly predicate: Expr;
}
export interface ProjectNode {
  readonly kind: 'project';
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly exprs: readonly Expr[];
}
export interface AggregateNode {
  readonly kind: 'aggregate';
  /** Group keys, then aggregates, then (with grouping sets) the grouping id. */
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly groupBy: readonly Expr[];
  /** Each set lists indexes into groupBy; absent means one set with all keys. */
  readonly groupingSets: readonly (readonly number[])[] | null;
  readonly aggs: readonly AggCall[];
}
export interface JoinNode {
  readonly kind: 'join';
  readonly fields: readonly Field[];
  readonly joinType: JoinType;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  /** Equi-join keys: left expr over left fields, right expr over right fields. */
  readonly leftKeys: readonly Expr[];
  readonly rightKeys: readonly Expr[];
  /** Remaining condition over the concatenated row (left fields then right fields). */
  readonly condition: Expr | null;
  /**
   * Output positions no operator above reads (columns kept only for the join keys): the join may
   * leave them NULL instead of copying values. Set by projection pushdown.
   */
  readonly unused?: readonly number[];
}
export interface SortNode {
  readonly kind: 'sort';
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly keys: readonly SortKey[];
  /** Top-N: only this many rows (offset + limit) are needed. */
  readonly limit: number | null;
}
export interface LimitNode {
  readonly kind: 'limit';
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}
export interface DistinctNode {
  readonly kind: 'distinct';
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  /** DISTINCT ON expressions; null for plain DISTINCT (all columns). */
  readonly on: readonly Expr[] | null;
}
export interface WindowNode {
  readonly kind: 'window';
  /** Input fields followed by one field per window call. */
  readonly fields: readonly Field[];
  readonly input: LogicalPlan;
  readonly calls: readonly WindowCall[];
}
export interface SetOpNode {
  readonly kind: 'setop';
  readonly fields: readonly Field[];
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
}
/** WITH RECURSIVE: iterate `recursive` over the work table until it yields no new rows. */
export interface RecursiveNode {
  readonly kind: 'recursive';
  readonly fields: readonly Field[];
  readonly id: number;
  readonly anchor: LogicalPlan;
  readonly recursive: LogicalPlan;
  readonly unionAll: boolean;
}
export interface WorkTableNode {
  readonly kind: 'worktable';
  readonly fields: readonly Field[];
  readonly id: number;
}
export interface TableFunctionNode {
  readonly kind: 'tablefunc';
  readonly fields: readonly Field[];
  readonly fn: TableFunction;
  readonly args: readonly Expr[];
  readonly argTypes: readonly SqlType[];
  readonly ordinality: boolean;
}
/** A CTE referenced more than once: computed once, read by every reference. */
export interface MaterializeNode {
  readonly kind: 'materialize';
  readonly fields: readonly Field[];
  readonly id: number;
  readonly input: LogicalPlan;
}

export function planChildren(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan':
    case 'values':
    case 'worktable':
    case 'tablefunc':
      return [];
    case 'join':
    case 'setop':
      return [p.left, p.right];
    case 'recursive':
      return [p.anchor, p.recursive];
    default:
      return [p.input];
  }
}
