import { CompiledExpr } from '../exec/compile.js';
import { constInt } from '../exec/build.js';
import { groupingMask } from '../exec/operators/hash-aggregate.js';
import type { ExecContext } from '../exec/context.js';
import {
  colExpr,
  columnOf,
  conjuncts,
  constExpr,
  containsSubquery,
  forEachChild,
  mapExpr,
  type Expr,
} from '../plan/expr.js';
import type { AggCall, AggregateNode, JoinNode, LogicalPlan, ScanNode } from '../plan/logical.js';
import type { Table } from '../storage/table.js';
import { T } from '../types/types.js';
import type { Value } from '../types/values.js';
import { appendDelta, emptyDelta, isEmpty, type Delta } from './delta.js';
import { eagerAggregate, type EagerAggregate } from './eager-aggregate.js';
import { DeltaAggregate } from './operators/aggregate.js';
import { DeltaDistinct } from './operators/distinct.js';
import { DeltaFilter } from './operators/filter.js';
import { DeltaEagerJoin } from './operators/eager-join.js';
import { DeltaJoin } from './operators/join.js';
import type { DeltaOperator } from './operators/operator.js';
import { DeltaColumns, DeltaProject } from './operators/project.js';
import { DeltaScalarJoin } from './operators/scalar-join.js';
import { DeltaSetOp } from './operators/setop.js';
import { DeltaTopN } from './operators/top-n.js';
import { DeltaUnionAll } from './operators/union.js';
import { DeltaValues } from './operators/values.js';
import { DeltaWindow } from './operators/window.js';
import { boundedReach, DeltaBoundedWindow } from './operators/window-bounded.js';
import { CLOCK, DeltaTemporalFilter, readsClock } from './operators/temporal-filter.js';
import { MaintenanceRound } from './round.js';
import { notMaintainable } from './not-maintainable.js';
import { keyedScalarOf, semiJoinOf, type KeyedScalar, type SemiJoin } from './subqueries.js';

/** One operator of a view's dataflow and where its output goes. */
interface FlowNode {
  readonly op: DeltaOperator;
  parent: FlowNode | null;
  /** The input of `parent` this node feeds. */
  port: number;
}

/** Functions whose value depends on who runs a statement: a view would freeze them. */
const SESSION_DEPENDENT = new Set([
  'timeofday',
  'current_user',
  'session_user',
  'current_schema',
  'current_setting',
]);

function checkExpr(e: Expr, clockAllowed = false): void {
  if (containsSubquery(e))
    throw notMaintainable(
      'subqueries in expressions other than scalar ones and EXISTS, NOT EXISTS and IN (SELECT …) AND-ed in WHERE',
    );
  const visit = (x: Expr): void => {
    if (x.kind === 'call') {
      if (CLOCK.has(x.fn.name)) {
        if (!clockAllowed)
          throw notMaintainable(`function ${x.fn.name}() outside WHERE (its value changes over time)`);
      } else if (x.fn.volatile) throw notMaintainable(`volatile function ${x.fn.name}()`);
      if (SESSION_DEPENDENT.has(x.fn.name))
        throw notMaintainable(`function ${x.fn.name}() (its value changes over time or by session)`);
    }
    if (x.kind === 'param') throw notMaintainable('parameters');
    if (x.kind === 'outer')
      throw notMaintainable('correlated subqueries with conditions other than equalities with the outer row');
    forEachChild(x, visit);
  };
  visit(e);
}

function checkJoin(p: JoinNode): void {
  if (p.joinType === 'semi' || p.joinType === 'anti')
    throw notMaintainable('IN/EXISTS subqueries (semi- and anti-joins)');
  if (p.joinType !== 'inner' && p.condition)
    throw notMaintainable('outer joins with conditions other than equality');
  [...p.leftKeys, ...p.rightKeys].forEach((e) => checkExpr(e));
  if (p.condition) checkExpr(p.condition);
}

/**
 * A view's query as a tree of delta operators: a change to a base table enters at the scans of that
 * table and flows to the root, whose output is the change to the view.
 */
export class ViewDataflow {
  private readonly nodes: FlowNode[] = [];
  /** Where each base table's changes enter (a table read twice enters twice). */
  readonly sources = new Map<Table, FlowNode[]>();
  private readonly root: FlowNode;
  private readonly temporal: { op: DeltaTemporalFilter; node: FlowNode }[] = [];

  /** Compiles `plan`; throws 0A000 naming the first construct that cannot be maintained. */
  constructor(plan: LogicalPlan, ctx: ExecContext) {
    this.root = this.compile(plan, ctx);
  }

  /** The columns of `table` the view reads (every scan of it together). */
  columnsRead(table: Table): number[] {
    const cols = new Set<number>();
    for (const n of this.sources.get(table) ?? [])
      for (const c of (n.op as DeltaColumns).columns) cols.add(c);
    return [...cols].sort((a, b) => a - b);
  }

  /** Base tables the view reads. */
  get tables(): Table[] {
    return [...this.sources.keys()];
  }

  private node(op: DeltaOperator, ...inputs: FlowNode[]): FlowNode {
    const n: FlowNode = { op, parent: null, port: 0 };
    inputs.forEach((input, port) => {
      input.parent = n;
      input.port = port;
    });
    this.nodes.push(n);
    return n;
  }

  private compile(p: LogicalPlan, ctx: ExecContext): FlowNode {
    switch (p.kind) {
      case 'scan':
        return this.filters(p.filters, this.scan(p, false), ctx, p.fields.length);
      case 'filter':
        return this.filters([p.predicate], this.compile(p.input, ctx), ctx, p.input.fields.length);
      case 'project': {
        const { exprs, input } = this.scalars(
          p.exprs,
          this.compile(p.input, ctx),
          p.input.fields.length,
          ctx,
        );
        exprs.forEach((e) => checkExpr(e));
        // Column picks copy values without evaluating expressions; the identity is no node at all.
        if (!exprs.every((e) => e.kind === 'col')) return this.node(new DeltaProject(exprs), input);
        const cols = exprs.map(columnOf);
        if (cols.length === p.input.fields.length && cols.every((c, i) => c === i)) return input;
        return this.node(new DeltaColumns(cols), input);
      }
      case 'aggregate': {
        if (p.groupingSets !== null) return this.groupingSets(p, p.groupingSets, ctx);
        p.groupBy.forEach((e) => checkExpr(e));
        for (const a of p.aggs) {
          [...a.args, ...a.directArgs, ...a.orderBy.map((k) => k.expr)].forEach((e) => checkExpr(e));
          if (a.filter) checkExpr(a.filter);
        }
        const groupBy = p.groupBy;
        const eager = eagerAggregate(p, groupBy, readsClock);
        if (eager) return this.eagerAggregate(eager, ctx);
        const exprs = [...groupBy, ...p.aggs.flatMap(aggExprs)];
        const picks = exprs.some(containsSubquery) ? null : this.columnPicks(p.input);
        if (!picks) return this.node(new DeltaAggregate(groupBy, p.aggs, ctx), this.compile(p.input, ctx));
        // The aggregate reads the scan's rows by table column: no row copied per change on the way.
        const at = (e: Expr): Expr =>
          mapExpr(e, (x) => (x.kind === 'col' ? { ...x, index: picks.columns[x.index]! } : undefined));
        const aggs = p.aggs.map((a) => ({
          ...a,
          args: a.args.map(at),
          directArgs: a.directArgs.map(at),
          filter: a.filter ? at(a.filter) : null,
          orderBy: a.orderBy.map((k) => ({ ...k, expr: at(k.expr) })),
        }));
        return this.node(new DeltaAggregate(groupBy.map(at), aggs, ctx), this.scan(picks.scan, true));
      }
      case 'join': {
        checkJoin(p);
        const left = this.compile(p.left, ctx);
        const right = this.compile(p.right, ctx);
        const op = new DeltaJoin(
          p.joinType,
          p.leftKeys,
          p.rightKeys,
          p.left.fields.length,
          p.right.fields.length,
          p.condition,
        );
        return this.node(op, left, right);
      }
      case 'distinct': {
        if (p.on === null) return this.node(new DeltaDistinct(), this.compile(p.input, ctx));
        // DISTINCT ON: the first row of each partition in the ORDER BY under it (top-1 per partition).
        p.on.forEach((e) => checkExpr(e));
        const sort = p.input.kind === 'sort' ? p.input : null;
        sort?.keys.forEach((k) => checkExpr(k.expr));
        return this.node(
          new DeltaTopN(sort?.keys ?? [], 0, 1, p.on),
          this.compile(sort?.input ?? p.input, ctx),
        );
      }
      case 'sort':
        if (p.limit !== null) throw notMaintainable('ORDER BY with LIMIT');
        // A view is a set of rows: its order is not kept.
        return this.compile(p.input, ctx);
      case 'setop': {
        const left = this.compile(p.left, ctx);
        const right = this.compile(p.right, ctx);
        if (p.op !== 'union') return this.node(new DeltaSetOp(p.op, p.all), left, right);
        const u = this.node(new DeltaUnionAll(), left, right);
        return p.all ? u : this.node(new DeltaDistinct(), u);
      }
      case 'values':
        p.rows.forEach((r) => r.forEach((e) => checkExpr(e)));
        return this.node(new DeltaValues(p.rows));
      case 'materialize':
        return this.compile(p.input, ctx);
      case 'limit': {
        for (const e of [p.limit, p.offset])
          if (e && e.kind !== 'const') throw notMaintainable('LIMIT or OFFSET that is not a constant');
        const limit = constInt(p, p.limit, ctx, 'LIMIT');
        const offset = constInt(p, p.offset, ctx, 'OFFSET') ?? 0;
        if (limit === null) {
          if (offset === 0) return this.compile(p.input, ctx);
          throw notMaintainable('OFFSET without LIMIT');
        }
        // Top-N: the ORDER BY under the LIMIT says which rows are in; without one, the rows' values
        // do. Under a DISTINCT ON its rows come in the order of the ORDER BY beneath it.
        const under = p.input.kind === 'distinct' && p.input.on !== null ? p.input.input : p.input;
        const sort = under.kind === 'sort' ? under : null;
        sort?.keys.forEach((k) => checkExpr(k.expr));
        return this.node(
          new DeltaTopN(sort?.keys ?? [], offset, limit),
          this.compile(sort && under === p.input ? sort.input : p.input, ctx),
        );
      }
      case 'window':
        for (const c of p.calls) {
          [...c.args, ...c.partitionBy, ...c.orderBy.map((k) => k.expr)].forEach((e) => checkExpr(e));
          if (c.filter) checkExpr(c.filter);
        }
        {
          // Bounded frames (LAG/LEAD, ROWS n PRECEDING … m FOLLOWING) recompute only the rows a
          // change reaches; the rest recompute the touched partitions.
          const bounded = boundedReach(p);
          const op = bounded ? new DeltaBoundedWindow(p, bounded.lo, bounded.hi) : new DeltaWindow(p);
          return this.node(op, this.compile(p.input, ctx));
        }
      case 'recursive':
      case 'worktable':
        throw notMaintainable('WITH RECURSIVE');
      case 'tablefunc':
        throw notMaintainable(`set-returning function ${p.fn.name}() in FROM`);
    }
  }

  /**
   * A scan under column-only projections: the scan, and the table column each output column of `p`
   * is (null when `p` is anything else, or the scan filters rows).
   */
  private columnPicks(p: LogicalPlan): { scan: ScanNode; columns: number[] } | null {
    if (p.kind === 'scan') return p.filters.length > 0 ? null : { scan: p, columns: [...p.columns] };
    if (p.kind !== 'project' || !p.exprs.every((e) => e.kind === 'col')) return null;
    const inner = this.columnPicks(p.input);
    if (!inner) return null;
    return { scan: inner.scan, columns: p.exprs.map((e) => inner.columns[(e as { index: number }).index]!) };
  }

  /** A scan's node, a source of its table's changes; `keep`: rows passed on whole (see DeltaColumns). */
  private scan(p: ScanNode, keep: boolean): FlowNode {
    const scan = this.node(new DeltaColumns(p.columns, keep));
    const list = this.sources.get(p.table) ?? [];
    list.push(scan);
    this.sources.set(p.table, list);
    return scan;
  }

  /**
   * GROUPING SETS (ROLLUP and CUBE expand to them): a UNION ALL of one maintained aggregate per set,
   * each over its own copy of the input, its rows laid out as the executor's are: every GROUP BY
   * key (NULL where the set omits it), the aggregates, then the GROUPING() bitmask (bit set: key not
   * grouped). A set without keys is an aggregate without GROUP BY: one row, even over no input.
   */
  private groupingSets(p: AggregateNode, sets: readonly (readonly number[])[], ctx: ExecContext): FlowNode {
    const nkeys = p.groupBy.length;
    const branches = sets.map((set) => {
      const sub: AggregateNode = {
        kind: 'aggregate',
        fields: [...set.map((i) => p.fields[i]!), ...p.fields.slice(nkeys, nkeys + p.aggs.length)],
        input: p.input,
        groupBy: set.map((i) => p.groupBy[i]!),
        groupingSets: null,
        aggs: p.aggs,
      };
      const exprs: Expr[] = [
        ...p.groupBy.map((g, j) =>
          set.includes(j) ? colExpr(g.type, set.indexOf(j)) : constExpr(g.type, null),
        ),
        ...p.aggs.map((a, i) => colExpr(a.type, set.length + i)),
        constExpr(T.int4, groupingMask(set, nkeys)),
      ];
      return this.node(new DeltaProject(exprs), this.compile(sub, ctx));
    });
    return branches.length === 1 ? branches[0]! : this.node(new DeltaUnionAll(), ...branches);
  }

  /**
   * A GROUP BY over a join split by eager aggregation (eager-aggregate.ts): the aggregated side
   * grouped by what the join needs, joined, then the partials combined.
   */
  private eagerAggregate(e: EagerAggregate, ctx: ExecContext): FlowNode {
    const j = e.join;
    checkJoin(j);
    let op: DeltaOperator;
    let inputs: FlowNode[];
    if (e.linear) {
      const facts = e.side === 0 ? j.left : j.right;
      let factKeys = e.side === 0 ? j.leftKeys : j.rightKeys;
      let keys = e.partialGroupBy;
      let slots = e.linear;
      // The fused join reads the facts' scan rows by table column: no row copied per change.
      const picks = [...factKeys, ...keys].some(containsSubquery) ? null : this.columnPicks(facts);
      let factInput: FlowNode;
      if (picks) {
        const at = (x: Expr): Expr =>
          mapExpr(x, (c) => (c.kind === 'col' ? { ...c, index: picks.columns[c.index]! } : undefined));
        factKeys = factKeys.map(at);
        keys = keys.map(at);
        slots = slots.map((s) => ({ ...s, arg: s.arg && at(s.arg), filter: s.filter && at(s.filter) }));
        factInput = this.scan(picks.scan, true);
      } else factInput = this.compile(facts, ctx);
      const dimInput = this.compile(e.side === 0 ? j.right : j.left, ctx);
      inputs = e.side === 0 ? [factInput, dimInput] : [dimInput, factInput];
      op = new DeltaEagerJoin({
        joinType: j.joinType,
        side: e.side,
        factKeys,
        dimKeys: e.side === 0 ? j.rightKeys : j.leftKeys,
        keys,
        slots,
        dimWidth: (e.side === 0 ? j.right : j.left).fields.length,
        condition: e.condition,
        upper: { groupBy: e.groupBy, filters: e.filters },
      });
    } else {
      inputs = [this.compile(j.left, ctx), this.compile(j.right, ctx)];
      inputs[e.side] = this.node(new DeltaAggregate(e.partialGroupBy, e.partialAggs, ctx), inputs[e.side]!);
      op = new DeltaJoin(j.joinType, e.leftKeys, e.rightKeys, e.leftWidth, e.rightWidth, e.condition);
    }
    const joined = this.filters(e.filters, this.node(op, inputs[0]!, inputs[1]!), ctx);
    return this.node(new DeltaAggregate(e.groupBy, e.aggs, ctx, e.multiplicity), joined);
  }

  /**
   * Scalar subqueries in `exprs` (over rows of `width` columns) as columns appended to the row, one
   * DeltaScalarJoin each (a correlated one decorrelated, see subqueries.ts); returns the
   * expressions reading those columns instead. Subqueries left in them are refused by checkExpr.
   */
  private scalars(
    exprs: readonly Expr[],
    input: FlowNode,
    width: number,
    ctx: ExecContext,
  ): { exprs: Expr[]; input: FlowNode; added: number } {
    // Each subquery: uncorrelated (its plan) or decorrelated on its equalities (keyed).
    const subs: (KeyedScalar | { readonly plan: LogicalPlan; readonly keyed?: undefined })[] = [];
    const out = exprs.map((e) =>
      mapExpr(e, (x) => {
        if (x.kind !== 'subquery' || x.mode !== 'scalar') return undefined;
        const sub = x.correlated ? keyedScalarOf(x) : { plan: x.plan };
        return sub ? colExpr(x.type, width + subs.push(sub) - 1) : undefined;
      }),
    );
    let n = input;
    for (const sub of subs) {
      if (!sub.keyed) {
        n = this.node(new DeltaScalarJoin(), n, this.compile(sub.plan, ctx));
        continue;
      }
      [...sub.leftKeys, ...sub.rightKeys].forEach((e) => checkExpr(e));
      let empty: Value = null;
      if (sub.empty) {
        // The aggregates over no rows (a global aggregate's one row), then the SELECT list over them.
        const none = new DeltaAggregate([], sub.empty.aggs, ctx).initial(new MaintenanceRound(ctx, false));
        checkExpr(sub.empty.value);
        empty = new CompiledExpr(sub.empty.value).evalRow(none.rows[0]!, ctx);
      }
      n = this.node(new DeltaScalarJoin(sub.leftKeys, sub.rightKeys, empty), n, this.compile(sub.plan, ctx));
    }
    return { exprs: out, input: n, added: subs.length };
  }

  /**
   * Filter nodes for `all` over `input` (rows of `width` columns; without it, subqueries other than
   * IN/EXISTS are refused): the predicates that read the clock get a temporal filter of their own,
   * IN/EXISTS conditions a semi- or anti-join, scalar subqueries a scalar join ahead of the filter.
   */
  private filters(all: readonly Expr[], input: FlowNode, ctx: ExecContext, width?: number): FlowNode {
    // EXISTS, NOT EXISTS and IN (SELECT …) conjuncts become semi- and anti-joins, after the rest.
    const semis: SemiJoin[] = [];
    let predicates = all;
    if (all.some(containsSubquery)) {
      const rest: Expr[] = [];
      for (const c of all.flatMap(conjuncts)) {
        const s = semiJoinOf(c);
        if (s) semis.push(s);
        else rest.push(c);
      }
      predicates = rest;
    }
    let n = input;
    let added = 0;
    if (width !== undefined && predicates.some(containsSubquery))
      ({ exprs: predicates, input: n, added } = this.scalars(predicates, n, width, ctx));
    const timed = predicates.filter(readsClock);
    const plain = predicates.filter((p) => !readsClock(p));
    plain.forEach((p) => checkExpr(p));
    timed.forEach((p) => checkExpr(p, true));
    if (plain.length > 0) n = this.node(new DeltaFilter(plain), n);
    if (timed.length > 0) {
      const op = new DeltaTemporalFilter(timed);
      n = this.node(op, n);
      this.temporal.push({ op, node: n });
    }
    // The subqueries' values dropped again.
    if (added > 0) n = this.node(new DeltaColumns(Array.from({ length: width! }, (_c, i) => i)), n);
    for (const s of semis) {
      [...s.leftKeys, ...s.rightKeys].forEach((e) => checkExpr(e));
      const op = new DeltaJoin(s.anti ? 'anti' : 'semi', s.leftKeys, s.rightKeys, 0, 0, null, s.notIn);
      n = this.node(op, n, this.compile(s.plan, ctx));
    }
    return n;
  }

  /** Whether the view follows the clock (it needs `tick` as time passes). */
  get followsClock(): boolean {
    return this.temporal.length > 0;
  }

  /** The view's change as the clock moves to the time in `round.ctx`. */
  tick(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (const { op, node } of this.temporal) {
      const d = op.tick(round);
      if (isEmpty(d)) continue;
      appendDelta(
        out,
        node === this.root ? d : node.parent ? this.flow(node.parent, node.port, d, round) : emptyDelta(),
      );
    }
    return out;
  }

  /** Pushes `d` into input `port` of `n` and on up to the root; returns the view's change. */
  private flow(n: FlowNode, port: number, d: Delta, round: MaintenanceRound): Delta {
    for (;;) {
      d = n.op.push(port, d, round);
      if (n === this.root) return d;
      if (isEmpty(d) || !n.parent) return emptyDelta();
      port = n.port;
      n = n.parent;
    }
  }

  /** The view's initial output with every input empty (a global aggregate's row, VALUES rows). */
  initial(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (const n of this.nodes) {
      const d = n.op.initial(round);
      if (isEmpty(d)) continue;
      appendDelta(out, n === this.root ? d : n.parent ? this.flow(n.parent, n.port, d, round) : emptyDelta());
    }
    return out;
  }

  /** The view's change when `table` changes by `delta`. */
  apply(table: Table, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    for (const scan of this.sources.get(table) ?? []) appendDelta(out, this.flow(scan, 0, delta, round));
    return out;
  }

  stateBytes(): number {
    let n = 0;
    for (const node of this.nodes) n += node.op.stateBytes();
    return n;
  }
}

/** Every expression of an aggregate call. */
function aggExprs(a: AggCall): Expr[] {
  return [...a.args, ...a.directArgs, ...a.orderBy.map((k) => k.expr), ...(a.filter ? [a.filter] : [])];
}
