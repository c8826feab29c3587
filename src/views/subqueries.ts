import {
  colExpr,
  conjuncts,
  containsOuter,
  containsSubquery,
  forEachChild,
  mapExpr,
  referencedColumns,
  type Expr,
  type SubqueryExpr,
} from '../plan/expr.js';
import type { AggCall, AggregateNode, LogicalPlan, ProjectNode } from '../plan/logical.js';
import { T } from '../types/types.js';
import { notMaintainable } from './not-maintainable.js';

/**
 * A WHERE conjunct `EXISTS (…)`, `NOT EXISTS (…)` or `x IN (SELECT …)` as a semi- or anti-join of
 * the filtered rows (left) with the subquery's plan (right) on equi-join keys.
 */
export interface SemiJoin {
  readonly anti: boolean;
  /** `NOT IN (SELECT …)`: NULLs on either side make the test NULL (an anti-join aware of them). */
  readonly notIn: boolean;
  /** The subquery's plan with its correlated equalities taken out (it reads no outer row). */
  readonly plan: LogicalPlan;
  /** Over the filtered row. */
  readonly leftKeys: readonly Expr[];
  /** Over `plan`'s output row. */
  readonly rightKeys: readonly Expr[];
}

/** Whether every outer reference in `e` is to the immediately enclosing row (depth 1). */
function outerDepthOne(e: Expr): boolean {
  let ok = true;
  const visit = (x: Expr): void => {
    if (x.kind === 'outer' && x.depth !== 1) ok = false;
    forEachChild(x, visit);
  };
  visit(e);
  return ok;
}

/** `e` with its outer references as columns of the enclosing row. */
function outerAsColumns(e: Expr): Expr {
  return mapExpr(e, (x) => (x.kind === 'outer' ? colExpr(x.type, x.index) : undefined));
}

/**
 * A correlated conjunct `inner = outer` (either way round): one side reads only the enclosing row,
 * the other only the subquery's; null for anything else.
 */
function correlatedEquality(c: Expr): { outer: Expr; inner: Expr } | null {
  if (c.kind !== 'op' || c.op !== '=' || c.args.length !== 2) return null;
  const outerOnly = (e: Expr): boolean =>
    containsOuter(e) && outerDepthOne(e) && referencedColumns(e).size === 0 && !containsSubquery(e);
  const innerOnly = (e: Expr): boolean => !containsOuter(e);
  const [a, b] = c.args as [Expr, Expr];
  if (outerOnly(a) && innerOnly(b)) return { outer: outerAsColumns(a), inner: b };
  if (outerOnly(b) && innerOnly(a)) return { outer: outerAsColumns(b), inner: a };
  return null;
}

/** Takes the correlated equalities out of `preds`, into `keys`; returns the rest. */
function extractCorrelated(preds: readonly Expr[], keys: { left: Expr[]; right: Expr[] }): Expr[] {
  const rest: Expr[] = [];
  for (const c of preds.flatMap(conjuncts)) {
    if (!containsOuter(c)) {
      rest.push(c);
      continue;
    }
    const eq = correlatedEquality(c);
    if (!eq)
      throw notMaintainable('correlated subqueries with conditions other than equalities with the outer row');
    keys.left.push(eq.outer);
    keys.right.push(eq.inner);
  }
  return rest;
}

function and(preds: readonly Expr[]): Expr {
  return preds.length === 1 ? preds[0]! : { kind: 'and', type: T.bool, args: preds };
}

/**
 * The semi- or anti-join a WHERE conjunct stands for, or null when it is not one. A correlated
 * subquery is decorrelated when its outer references are only in equalities of its WHERE (under
 * its SELECT list and DISTINCT): `EXISTS (SELECT 1 FROM d WHERE d.k = t.k AND d.x > 0)` joins
 * `t` with `d WHERE d.x > 0` on `t.k = d.k`. An uncorrelated `NOT IN` is an anti-join aware of
 * NULLs (a NULL in the subquery makes the test NULL for every row); a correlated one is refused.
 */
export function semiJoinOf(c: Expr): SemiJoin | null {
  let anti = false;
  let e = c;
  if (e.kind === 'not' && e.arg.kind === 'subquery') {
    anti = true;
    e = e.arg;
  }
  if (e.kind !== 'subquery') return null;
  const keys = { left: [] as Expr[], right: [] as Expr[] };
  if (e.mode === 'any') {
    if (e.op !== '=' || !e.test || !e.opType) return null;
    if (anti && e.correlated)
      throw notMaintainable('correlated NOT IN (SELECT …) (NOT EXISTS is maintained)');
    // Both sides compared as the comparison's type, as the query compares them.
    const as = (x: Expr): Expr =>
      x.type.id === e.opType!.id ? x : { kind: 'cast', type: e.opType!, arg: x, explicit: false };
    keys.left.push(as(e.test));
    keys.right.push(as(colExpr(e.plan.fields[0]!.type, 0)));
  } else if (e.mode !== 'exists') return null;
  const notIn = anti && e.mode === 'any';
  if (!e.correlated) return { anti, notIn, plan: e.plan, leftKeys: keys.left, rightKeys: keys.right };

  // Down through the SELECT list (its first column is the IN operand) and DISTINCT to the WHERE.
  let p = e.plan;
  for (;;) {
    if (p.kind === 'project') {
      const exprs = p.exprs;
      keys.right = keys.right.map((k) => mapExpr(k, (x) => (x.kind === 'col' ? exprs[x.index] : undefined)));
      p = p.input;
    } else if (p.kind === 'distinct' && p.on === null) p = p.input;
    else break;
  }
  // Outer references left anywhere else are refused when the plan is compiled.
  return { anti, notIn, plan: withoutCorrelated(p, keys) ?? p, leftKeys: keys.left, rightKeys: keys.right };
}

/** Takes the correlated equalities out of a filter or a scan's filters: the plan left, or null. */
function withoutCorrelated(p: LogicalPlan, keys: { left: Expr[]; right: Expr[] }): LogicalPlan | null {
  if (p.kind === 'filter') {
    const rest = extractCorrelated([p.predicate], keys);
    return rest.length === 0 ? p.input : { ...p, predicate: and(rest) };
  }
  if (p.kind === 'scan') return { ...p, filters: extractCorrelated(p.filters, keys) };
  return null;
}

/**
 * A correlated scalar subquery as a keyed scalar join: per key of the outer row, the subquery's
 * rows with that key. `plan` outputs the value first, then the keys (`rightKeys`).
 */
export interface KeyedScalar {
  readonly keyed: true;
  readonly plan: LogicalPlan;
  readonly leftKeys: readonly Expr[];
  readonly rightKeys: readonly Expr[];
  /**
   * The value for a key without rows: NULL, or for an aggregate subquery (`SELECT count(*) FROM d
   * WHERE d.k = t.k`) `empty` evaluated over the aggregates' results over no rows (`aggs`).
   */
  readonly empty: { readonly aggs: readonly AggCall[]; readonly value: Expr } | null;
}

/**
 * A scalar subquery correlated only by equalities in its WHERE, decorrelated: `(SELECT max(x) FROM
 * d WHERE d.k = t.k)` becomes `d` grouped by `d.k`, its one row per key joined to the outer rows of
 * that key. Its shape must be a SELECT list over either its rows or one aggregate without GROUP BY
 * (projections allowed between); null for anything else.
 */
export function keyedScalarOf(e: SubqueryExpr): KeyedScalar | null {
  if (e.mode !== 'scalar' || !e.correlated) return null;
  let p = e.plan;
  let value: Expr = colExpr(p.fields[0]!.type, 0);
  const through = (x: Expr, proj: ProjectNode): Expr =>
    mapExpr(x, (c) => (c.kind === 'col' ? proj.exprs[c.index] : undefined));
  while (p.kind === 'project') {
    value = through(value, p);
    p = p.input;
  }
  let agg: AggregateNode | null = null;
  if (p.kind === 'aggregate') {
    if (p.groupBy.length > 0 || p.groupingSets !== null) return null;
    agg = p;
    p = p.input;
  }
  const below: ProjectNode[] = [];
  while (p.kind === 'project') {
    below.push(p);
    p = p.input;
  }
  const keys = { left: [] as Expr[], right: [] as Expr[] };
  const rest = withoutCorrelated(p, keys);
  if (!rest || keys.left.length === 0) return null;
  // The keys carried up through the projections under the aggregate, as extra columns.
  let node = rest;
  let cols = keys.right;
  for (let i = below.length - 1; i >= 0; i--) {
    const proj = below[i]!;
    const w = proj.exprs.length;
    node = {
      ...proj,
      input: node,
      exprs: [...proj.exprs, ...cols],
      fields: [...proj.fields, ...cols.map((c, j) => ({ name: `?key${j}`, type: c.type }))],
    };
    cols = cols.map((c, j) => colExpr(c.type, w + j));
  }
  const k = cols.length;
  let empty: KeyedScalar['empty'] = null;
  if (agg) {
    // Grouped by the keys instead: its rows are the keys, then the aggregates.
    node = {
      kind: 'aggregate',
      input: node,
      groupBy: cols,
      groupingSets: null,
      aggs: agg.aggs,
      fields: [...cols.map((c, j) => ({ name: `?key${j}`, type: c.type })), ...agg.fields],
    };
    empty = { aggs: agg.aggs, value };
    value = mapExpr(value, (c) => (c.kind === 'col' ? colExpr(c.type, c.index + k) : undefined));
    cols = cols.map((c, j) => colExpr(c.type, j));
  }
  const out: ProjectNode = {
    kind: 'project',
    input: node,
    exprs: [value, ...cols],
    fields: [
      { name: 'value', type: value.type },
      ...cols.map((c, j) => ({ name: `?key${j}`, type: c.type })),
    ],
  };
  return {
    keyed: true,
    plan: out,
    leftKeys: keys.left,
    rightKeys: cols.map((c, j) => colExpr(c.type, j + 1)),
    empty,
  };
}
