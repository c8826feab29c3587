import { DatabaseError, SqlState } from '../errors.js';
import type { LogicalPlan } from '../plan/logical.js';
import { pruneColumns } from '../plan/prune.js';
import type { Expr } from '../plan/expr.js';
import type { Value } from '../types/values.js';
import { batchRows } from './batch.js';
import { CompiledExpr } from './compile.js';
import { ExecContext, YIELD } from './context.js';
import { DistinctOperator } from './operators/distinct.js';
import { FilterOperator } from './operators/filter.js';
import { HashAggregateOperator } from './operators/hash-aggregate.js';
import { HashJoinOperator } from './operators/hash-join.js';
import { LimitOperator } from './operators/limit.js';
import { drain, type Operator } from './operators/operator.js';
import { ProfiledOperator } from './operators/profiled.js';
import { ProjectOperator } from './operators/project.js';
import { RecursiveOperator, SharedRowsOperator } from './operators/recursive.js';
import { ScanOperator } from './operators/scan.js';
import { SetOperationOperator } from './operators/set-operation.js';
import { SortOperator } from './operators/sort.js';
import { TableFunctionOperator } from './operators/table-function.js';
import { ValuesOperator } from './operators/values.js';
import { WindowOperator } from './operators/window.js';

export function constInt(
  plan: LogicalPlan,
  e: Expr | null,
  ctx: ExecContext,
  what: 'LIMIT' | 'OFFSET',
): number | null {
  if (!e) return null;
  const v = new CompiledExpr(e).evalRow([], ctx);
  if (v === null) return null;
  const n = Number(v);
  if (n < 0) {
    throw new DatabaseError(
      what === 'LIMIT' ? SqlState.invalidRowCountInLimit : SqlState.invalidRowCountInResultOffset,
      what === 'LIMIT' ? 'LIMIT must not be negative' : 'OFFSET must not be negative',
    );
  }
  void plan;
  return n;
}

/** Turns a logical plan into a tree of physical operators (profiled under EXPLAIN ANALYZE). */
export function buildOperator(plan: LogicalPlan, ctx: ExecContext): Operator {
  const op = buildUnprofiled(plan, ctx);
  if (ctx.profile === null) return op;
  let stats = ctx.profile.get(plan);
  if (!stats) {
    stats = { loops: 0, rows: 0, startupMs: 0, totalMs: 0 };
    ctx.profile.set(plan, stats);
  }
  return new ProfiledOperator(op, stats);
}

function buildUnprofiled(plan: LogicalPlan, ctx: ExecContext): Operator {
  const width = plan.fields.length;
  switch (plan.kind) {
    case 'scan':
      return new ScanOperator(
        ctx.data.snapshot(plan.table),
        ctx.data.localChunk(plan.table),
        plan.columns,
        plan.filters,
      );
    case 'values':
      return new ValuesOperator(plan.rows, width);
    case 'filter':
      return new FilterOperator(buildOperator(plan.input, ctx), plan.predicate);
    case 'project':
      return new ProjectOperator(buildOperator(plan.input, ctx), plan.exprs);
    case 'aggregate':
      return new HashAggregateOperator(
        buildOperator(plan.input, ctx),
        plan.groupBy,
        plan.groupingSets,
        plan.aggs,
      );
    case 'join':
      return new HashJoinOperator(
        buildOperator(plan.left, ctx),
        buildOperator(plan.right, ctx),
        plan.joinType,
        plan.leftKeys,
        plan.rightKeys,
        plan.condition,
        plan.left.fields.length,
        plan.right.fields.map((f) => f.type),
        plan.unused,
      );
    case 'sort':
      return new SortOperator(buildOperator(plan.input, ctx), width, plan.keys, plan.limit);
    case 'limit': {
      const limit = constInt(plan, plan.limit, ctx, 'LIMIT');
      const offset = constInt(plan, plan.offset, ctx, 'OFFSET') ?? 0;
      return new LimitOperator(buildOperator(plan.input, ctx), limit, offset);
    }
    case 'distinct':
      return new DistinctOperator(buildOperator(plan.input, ctx), plan.on);
    case 'window':
      return new WindowOperator(buildOperator(plan.input, ctx), plan.input.fields.length, plan.calls);
    case 'setop':
      return new SetOperationOperator(
        buildOperator(plan.left, ctx),
        buildOperator(plan.right, ctx),
        plan.op,
        plan.all,
        width,
      );
    case 'recursive':
      return new RecursiveOperator(
        plan.id,
        buildOperator(plan.anchor, ctx),
        () => buildOperator(plan.recursive, ctx),
        plan.unionAll,
        width,
      );
    case 'worktable':
      return new SharedRowsOperator(plan.id, width);
    case 'materialize':
      return new SharedRowsOperator(plan.id, width, () => buildOperator(plan.input, ctx));
    case 'tablefunc':
      return new TableFunctionOperator(plan.fn, plan.args, plan.argTypes, width, plan.ordinality);
  }
}

/** Installs the subquery runner: uncorrelated subqueries run once per query, correlated ones per row. */
export function installSubqueryRunner(ctx: ExecContext): void {
  const cache = new Map<LogicalPlan, Value[][]>();
  ctx.runner = {
    sub(plan, outerRow, correlated) {
      if (!correlated) {
        let rows = cache.get(plan);
        if (!rows) {
          rows = drain(buildOperator(plan, ctx), ctx);
          cache.set(plan, rows);
        }
        return rows;
      }
      ctx.outer.push(outerRow);
      try {
        return drain(buildOperator(plan, ctx), ctx);
      } finally {
        ctx.outer.pop();
      }
    },
  };
}

/**
 * Runs a plan to completion synchronously in a fresh context over `base`'s functions, data and
 * limits, with `workTables` readable by WorkTableNodes of their ids (view maintenance).
 */
export function runPlanSync(
  plan: LogicalPlan,
  base: Pick<ExecContext, 'fn' | 'data' | 'limits'>,
  workTables: ReadonlyMap<number, Value[][]> = new Map(),
): Value[][] {
  const ctx = new ExecContext([], base.fn, base.data, base.limits);
  for (const [id, rows] of workTables) ctx.shared.set(id, rows);
  installSubqueryRunner(ctx);
  return ctx.runner.sub(plan, [], false);
}

/**
 * Runs a plan to completion cooperatively: work proceeds in slices of ctx.limits.sliceMs and the
 * event loop gets control between slices, so other sessions keep being served.
 */
export async function runPlan(plan: LogicalPlan, ctx: ExecContext): Promise<Value[][]> {
  installSubqueryRunner(ctx);
  const root = buildOperator(pruneColumns(plan), ctx);
  const rows: Value[][] = [];
  ctx.startSlice();
  for (;;) {
    const b = root.next(ctx);
    if (b === null) break;
    if (b === YIELD) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      ctx.startSlice();
      continue;
    }
    for (const r of batchRows(b)) rows.push(r);
  }
  return rows;
}
