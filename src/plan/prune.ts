import { containsSubquery, forEachChild, mapExpr, referencedColumns, type Expr } from './expr.js';
import { planChildren, type AggCall, type Field, type LogicalPlan } from './logical.js';

/**
 * Projection pushdown: drops the columns no operator above reads, down to the scans, so scans,
 * joins and filters move only what the query uses. Column references are renumbered on the way
 * up. Plans holding a subquery are left alone (correlated references point at row positions).
 *
 * @example
 * // SELECT count(*) FROM t WHERE a > 1   scans only column a
 * const plan = pruneColumns(bound);
 */
export function pruneColumns(plan: LogicalPlan): LogicalPlan {
  if (pruned.has(plan) || hasSubquery(plan)) return plan;
  const out = prune(
    plan,
    plan.fields.map(() => true),
  ).plan;
  pruned.add(out);
  return out;
}

/** Plans already pruned: pruning is idempotent, and keeps node identity (EXPLAIN ANALYZE keys on it). */
const pruned = new WeakSet<LogicalPlan>();

interface Pruned {
  readonly plan: LogicalPlan;
  /** Old output position → new position (-1: dropped). */
  readonly map: readonly number[];
}

function identity(p: LogicalPlan): Pruned {
  return { plan: p, map: p.fields.map((_f, i) => i) };
}

const all = (p: LogicalPlan): boolean[] => p.fields.map(() => true);

/** Marks the columns `exprs` read (offset by `shift`) in `need`. */
function mark(need: boolean[], exprs: readonly (Expr | null | undefined)[], shift = 0): boolean[] {
  for (const e of exprs) {
    if (!e) continue;
    for (const c of referencedColumns(e))
      if (c - shift >= 0 && c - shift < need.length) need[c - shift] = true;
  }
  return need;
}

function remap(e: Expr, map: readonly number[]): Expr {
  return mapExpr(e, (x) => (x.kind === 'col' ? { ...x, index: map[x.index]! } : undefined));
}

function aggExprs(a: AggCall): Expr[] {
  return [...a.args, ...a.directArgs, ...(a.filter ? [a.filter] : []), ...a.orderBy.map((k) => k.expr)];
}

function remapAgg(a: AggCall, map: readonly number[]): AggCall {
  return {
    ...a,
    args: a.args.map((e) => remap(e, map)),
    directArgs: a.directArgs.map((e) => remap(e, map)),
    filter: a.filter ? remap(a.filter, map) : null,
    orderBy: a.orderBy.map((k) => ({ ...k, expr: remap(k.expr, map) })),
  };
}

function prune(p: LogicalPlan, need: readonly boolean[]): Pruned {
  switch (p.kind) {
    case 'scan': {
      const keep = mark([...need], p.filters);
      const map: number[] = [];
      const columns: number[] = [];
      const fields: Field[] = [];
      for (let i = 0; i < p.fields.length; i++) {
        map.push(keep[i] ? columns.length : -1);
        if (keep[i]) {
          columns.push(p.columns[i]!);
          fields.push(p.fields[i]!);
        }
      }
      return { plan: { ...p, fields, columns, filters: p.filters.map((f) => remap(f, map)) }, map };
    }
    case 'filter': {
      const child = prune(p.input, mark([...need], [p.predicate]));
      const predicate = remap(p.predicate, child.map);
      return { plan: { ...p, fields: child.plan.fields, input: child.plan, predicate }, map: child.map };
    }
    case 'sort': {
      const child = prune(
        p.input,
        mark(
          [...need],
          p.keys.map((k) => k.expr),
        ),
      );
      const keys = p.keys.map((k) => ({ ...k, expr: remap(k.expr, child.map) }));
      return { plan: { ...p, fields: child.plan.fields, input: child.plan, keys }, map: child.map };
    }
    case 'limit': {
      const child = prune(p.input, need);
      return { plan: { ...p, fields: child.plan.fields, input: child.plan }, map: child.map };
    }
    case 'project': {
      const kept = p.exprs.map((_e, i) => need[i] === true);
      const child = prune(
        p.input,
        mark(
          all(p.input).fill(false),
          p.exprs.filter((_e, i) => kept[i]),
        ),
      );
      const map: number[] = [];
      const exprs: Expr[] = [];
      const fields: Field[] = [];
      p.exprs.forEach((e, i) => {
        map.push(kept[i] ? exprs.length : -1);
        if (kept[i]) {
          exprs.push(remap(e, child.map));
          fields.push(p.fields[i]!);
        }
      });
      return { plan: { ...p, fields, input: child.plan, exprs }, map };
    }
    case 'aggregate': {
      const used = [...p.groupBy, ...p.aggs.flatMap(aggExprs)];
      const child = prune(p.input, mark(all(p.input).fill(false), used));
      const plan = {
        ...p,
        input: child.plan,
        groupBy: p.groupBy.map((e) => remap(e, child.map)),
        aggs: p.aggs.map((a) => remapAgg(a, child.map)),
      };
      return { plan, map: p.fields.map((_f, i) => i) };
    }
    case 'join':
      return pruneJoin(p, need);
    default: {
      // Distinct, window, set operations, recursion, CTEs, VALUES and table functions keep every
      // column; their inputs are pruned only where whole.
      if (p.kind === 'distinct' || p.kind === 'window') {
        const child = prune(p.input, all(p.input));
        return identity({ ...p, input: child.plan });
      }
      return identity(p);
    }
  }
}

function pruneJoin(p: Extract<LogicalPlan, { kind: 'join' }>, need: readonly boolean[]): Pruned {
  const lw = p.left.fields.length;
  const rw = p.right.fields.length;
  const cond = p.condition ? [p.condition] : [];
  const needL = mark(
    mark(
      need.slice(0, lw).map((x) => x === true),
      p.leftKeys,
    ),
    cond,
  );
  const needR = mark(
    mark(
      Array.from({ length: rw }, (_x, i) => need[lw + i] === true),
      p.rightKeys,
    ),
    cond,
    lw,
  );
  const left = prune(p.left, needL);
  const right = prune(p.right, needR);
  const newLw = left.plan.fields.length;
  const joinedMap = [...left.map, ...right.map.map((m) => (m < 0 ? -1 : newLw + m))];
  const semi = p.joinType === 'semi' || p.joinType === 'anti';
  // Columns kept only for the keys: nothing above reads them, so the join need not copy them.
  const condCols = mark(
    Array.from({ length: lw + rw }, () => false),
    cond,
  );
  const unused: number[] = [];
  joinedMap.forEach((to, from) => {
    if (to >= 0 && need[from] !== true && !condCols[from]) unused.push(to);
  });
  const plan: LogicalPlan = {
    ...p,
    left: left.plan,
    right: right.plan,
    fields: semi ? left.plan.fields : [...left.plan.fields, ...right.plan.fields],
    leftKeys: p.leftKeys.map((e) => remap(e, left.map)),
    rightKeys: p.rightKeys.map((e) => remap(e, right.map)),
    condition: p.condition ? remap(p.condition, joinedMap) : null,
    unused,
  };
  return { plan, map: semi ? left.map : joinedMap };
}

/** Does any expression anywhere in the plan hold a subquery? */
function hasSubquery(p: LogicalPlan): boolean {
  const exprs: Expr[] = [];
  switch (p.kind) {
    case 'scan':
      exprs.push(...p.filters);
      break;
    case 'values':
      for (const r of p.rows) exprs.push(...r);
      break;
    case 'filter':
      exprs.push(p.predicate);
      break;
    case 'project':
      exprs.push(...p.exprs);
      break;
    case 'aggregate':
      exprs.push(...p.groupBy, ...p.aggs.flatMap(aggExprs));
      break;
    case 'join':
      exprs.push(...p.leftKeys, ...p.rightKeys, ...(p.condition ? [p.condition] : []));
      break;
    case 'sort':
      exprs.push(...p.keys.map((k) => k.expr));
      break;
    case 'limit':
      if (p.limit) exprs.push(p.limit);
      if (p.offset) exprs.push(p.offset);
      break;
    case 'distinct':
      exprs.push(...(p.on ?? []));
      break;
    case 'window':
      for (const c of p.calls) {
        exprs.push(...c.args, ...c.partitionBy, ...c.orderBy.map((k) => k.expr));
        if (c.filter) exprs.push(c.filter);
        for (const b of [c.frame.start, c.frame.end]) if ('offset' in b) exprs.push(b.offset);
      }
      break;
    case 'tablefunc':
      exprs.push(...p.args);
      break;
    default:
      break;
  }
  return exprs.some(anySubquery) || planChildren(p).some(hasSubquery);
}

function anySubquery(e: Expr): boolean {
  if (containsSubquery(e)) return true;
  let found = false;
  forEachChild(e, (c) => (found ||= anySubquery(c)));
  return found;
}
