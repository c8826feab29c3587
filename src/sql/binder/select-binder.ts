import { DatabaseError, SqlState } from '../../errors.js';
import {
  colExpr,
  conjuncts,
  constExpr,
  containsOuter,
  containsSubquery,
  isVolatile,
  mapExpr,
  referencedColumns,
  type Expr,
} from '../../plan/expr.js';
import type { AggCall, Field, JoinType, LogicalPlan, SortKey, WindowCall } from '../../plan/logical.js';
import type { RelationSource } from '../../storage/catalog.js';
import { isTable } from '../../storage/catalog.js';
import { T, type SqlType } from '../../types/types.js';
import { parseSql } from '../parser.js';
import type { FunctionRegistry } from '../functions/index.js';
import type { FunctionContext } from '../functions/registry.js';
import { commonType } from './coerce.js';
import {
  AGG_MARK,
  ExprBinder,
  GROUPING_MARK,
  WIN_MARK,
  str,
  type AggCollector,
  type SubqueryBinder,
} from './expr-binder.js';
import { resolveOverload } from './resolve.js';
import { Scope, sortOrder, type CteBinding } from './scope.js';

type Node = any;

let nextShareId = 1;

export interface BoundQuery {
  readonly plan: LogicalPlan;
  readonly names: string[];
  readonly types: SqlType[];
}

function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) =>
    k === 'fn'
      ? v.name + '/' + (v.args ?? []).map((a: SqlType) => a.id).join(',')
      : k === 'plan'
        ? '[plan]'
        : typeof v === 'bigint'
          ? v.toString() + 'n'
          : v,
  );
}

function position(n: Node): number | undefined {
  const loc = n?.location;
  return typeof loc === 'number' && loc >= 0 ? loc + 1 : undefined;
}

/** Output column name PostgreSQL gives an unaliased select-list expression. */
/** A FuncCall's name as the registry keys it (pg_catalog. dropped). */
function functionName(call: Node): string {
  return (call.funcname as Node[])
    .map(str)
    .filter((x) => x !== 'pg_catalog')
    .join('.');
}

export function defaultName(n: Node): string {
  if (n.ColumnRef) {
    const f = n.ColumnRef.fields as Node[];
    return str(f[f.length - 1]) || '?column?';
  }
  if (n.FuncCall) return str((n.FuncCall.funcname as Node[]).slice(-1)[0]);
  if (n.TypeCast) {
    const inner = defaultName(n.TypeCast.arg);
    if (inner !== '?column?') return inner;
    const tn = (n.TypeCast.typeName.names as Node[]).map(str).filter((s) => s !== 'pg_catalog');
    const map: Record<string, string> = {
      int4: 'int4',
      int8: 'int8',
      float8: 'float8',
      bool: 'bool',
      numeric: 'numeric',
      varchar: 'varchar',
      bpchar: 'bpchar',
      timestamptz: 'timestamptz',
    };
    return map[tn[0]!] ?? tn[0] ?? '?column?';
  }
  if (n.CaseExpr) return 'case';
  if (n.CoalesceExpr) return 'coalesce';
  if (n.MinMaxExpr) return n.MinMaxExpr.op === 'IS_GREATEST' ? 'greatest' : 'least';
  if (n.SubLink)
    return n.SubLink.subLinkType === 'EXISTS_SUBLINK'
      ? 'exists'
      : n.SubLink.subLinkType === 'ARRAY_SUBLINK'
        ? 'array'
        : defaultSubName(n.SubLink);
  if (n.A_ArrayExpr) return 'array';
  if (n.RowExpr) return 'row';
  if (n.SQLValueFunction) {
    const m: Record<string, string> = {
      SVFOP_CURRENT_DATE: 'current_date',
      SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
      SVFOP_CURRENT_USER: 'current_user',
      SVFOP_LOCALTIMESTAMP: 'localtimestamp',
      SVFOP_SESSION_USER: 'session_user',
      SVFOP_CURRENT_SCHEMA: 'current_schema',
    };
    return m[n.SQLValueFunction.op] ?? '?column?';
  }
  if (n.GroupingFunc) return 'grouping';
  if (n.A_Indirection) return defaultName(n.A_Indirection.arg);
  return '?column?';
}

function defaultSubName(s: Node): string {
  const t = s.subselect?.SelectStmt?.targetList?.[0]?.ResTarget;
  if (!t) return '?column?';
  return t.name ?? defaultName(t.val);
}

/** Binds SELECT statements (and everything that contains one) to logical plans. */
export class SelectBinder implements SubqueryBinder {
  readonly exprs: ExprBinder;

  constructor(
    readonly catalog: RelationSource,
    readonly registry: FunctionRegistry,
    readonly fc: FunctionContext,
    readonly searchPath: readonly string[],
    paramTypes: (SqlType | undefined)[],
  ) {
    this.exprs = new ExprBinder(registry, fc, this, paramTypes);
  }

  bindSubquery(stmt: Node, scope: Scope): { plan: LogicalPlan; types: SqlType[] } {
    const q = this.bindSelect(stmt.SelectStmt ?? stmt, scope);
    return { plan: q.plan, types: q.types };
  }

  /** Binds a SelectStmt within `scope` (whose parent is the enclosing query, if any). */
  bindSelect(s: Node, scope: Scope): BoundQuery {
    if (s.withClause) this.bindWith(s.withClause, scope);
    let q: BoundQuery;
    if (s.op && s.op !== 'SETOP_NONE') q = this.bindSetOp(s, scope);
    else if (s.valuesLists) q = this.bindValues(s, scope);
    else return this.bindSimpleSelect(s, scope);
    // ORDER BY / LIMIT over a set operation or VALUES: by output name or ordinal.
    let plan = q.plan;
    if (s.sortClause) {
      const outScope = new Scope(scope.parent);
      outScope.fields = plan.fields.map((f) => ({ name: f.name, type: f.type }));
      const keys = (s.sortClause as Node[]).map((n) => this.bindSortKey(n.SortBy, outScope, q.names, null));
      plan = { kind: 'sort', fields: plan.fields, input: plan, keys, limit: null };
    }
    plan = this.applyLimit(s, plan, scope);
    return { ...q, plan };
  }

  /** Binds a WITH clause's CTEs into `scope` (SELECT, and UPDATE/DELETE through the session). */
  bindWith(w: Node, scope: Scope): void {
    for (const c of w.ctes as Node[]) {
      const cte = c.CommonTableExpr;
      const binding: CteBinding = {
        name: cte.ctename,
        plan: null,
        id: nextShareId++,
        columnNames: cte.aliascolnames ? (cte.aliascolnames as Node[]).map(str) : null,
        workFields: null,
        refCount: 0,
        ast: cte.ctequery,
        recursive: w.recursive === true,
      };
      const q = cte.ctequery.SelectStmt;
      if (w.recursive && q.op === 'SETOP_UNION' && this.refersTo(q.rarg, cte.ctename)) {
        const anchorScope = new Scope(scope);
        const anchor = this.bindSelect(q.larg.SelectStmt ?? q.larg, anchorScope);
        const names = binding.columnNames ?? anchor.names;
        binding.workFields = anchor.types.map((t, i) => ({ name: names[i] ?? `column${i + 1}`, type: t }));
        scope.ctes.set(cte.ctename, binding);
        const recScope = new Scope(scope);
        const rec = this.bindSelect(q.rarg.SelectStmt ?? q.rarg, recScope);
        const recPlan = this.castPlan(rec.plan, anchor.types);
        binding.plan = {
          kind: 'recursive',
          fields: binding.workFields,
          id: binding.id,
          anchor: anchor.plan,
          recursive: recPlan,
          unionAll: q.all === true,
        };
        binding.workFields = null;
      } else {
        const inner = new Scope(scope);
        const bq = this.bindSelect(q, inner);
        const names = binding.columnNames ?? bq.names;
        binding.plan = {
          kind: 'project',
          fields: bq.types.map((t, i) => ({ name: names[i] ?? bq.names[i]!, type: t })),
          input: bq.plan,
          exprs: bq.types.map((t, i) => ({ kind: 'col', type: t, index: i })),
        };
        scope.ctes.set(cte.ctename, binding);
      }
    }
  }

  private refersTo(n: Node, name: string): boolean {
    return JSON.stringify(n).includes(`"relname":${JSON.stringify(name)}`);
  }

  private castPlan(plan: LogicalPlan, types: readonly SqlType[]): LogicalPlan {
    if (plan.fields.every((f, i) => f.type.id === types[i]!.id)) return plan;
    const exprs = plan.fields.map((f, i) =>
      this.exprs.coerce({ kind: 'col', type: f.type, index: i }, types[i]!, 'implicit'),
    );
    return {
      kind: 'project',
      fields: plan.fields.map((f, i) => ({ name: f.name, type: types[i]! })),
      input: plan,
      exprs,
    };
  }

  private bindSetOp(s: Node, scope: Scope): BoundQuery {
    const l = this.bindSelect(s.larg.SelectStmt ?? s.larg, new Scope(scope));
    const r = this.bindSelect(s.rarg.SelectStmt ?? s.rarg, new Scope(scope));
    const opName = s.op === 'SETOP_UNION' ? 'UNION' : s.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
    if (l.types.length !== r.types.length) {
      throw new DatabaseError(
        SqlState.syntaxError,
        `each ${opName} query must have the same number of columns`,
      );
    }
    const types = l.types.map((t, i) => commonType([t, r.types[i]!], opName));
    const fields: Field[] = types.map((t, i) => ({ name: l.names[i]!, type: t }));
    const plan: LogicalPlan = {
      kind: 'setop',
      fields,
      op: opName.toLowerCase() as 'union' | 'intersect' | 'except',
      all: s.all === true,
      left: this.castPlan(l.plan, types),
      right: this.castPlan(r.plan, types),
    };
    return { plan, names: l.names, types };
  }

  private bindValues(s: Node, scope: Scope): BoundQuery {
    const aggs = this.noAggs('VALUES');
    const rows = (s.valuesLists as Node[]).map((l) =>
      (l.List.items as Node[]).map((x) => this.exprs.bind(x, scope, aggs)),
    );
    const width = rows[0]!.length;
    if (rows.some((r) => r.length !== width))
      throw new DatabaseError(SqlState.syntaxError, 'VALUES lists must all be the same length');
    const types = Array.from({ length: width }, (_x, c) =>
      commonType(
        rows.map((r) => r[c]!.type),
        'VALUES',
      ),
    );
    const names = types.map((_t, i) => `column${i + 1}`);
    const plan: LogicalPlan = {
      kind: 'values',
      fields: types.map((t, i) => ({ name: names[i]!, type: t })),
      rows: rows.map((r) => r.map((e, c) => this.exprs.coerce(e, types[c]!))),
    };
    return { plan, names, types };
  }

  noAggs(clause: string): AggCollector {
    return { aggs: [], windows: [], windowDefs: new Map(), allowAggs: false, allowWindows: false, clause };
  }

  private applyLimit(s: Node, plan: LogicalPlan, scope: Scope): LogicalPlan {
    if (!s.limitCount && !s.limitOffset) return plan;
    const aggs = this.noAggs('LIMIT');
    const lim =
      s.limitCount && !s.limitCount.A_Const?.isnull
        ? this.exprs.coerce(this.exprs.bind(s.limitCount, scope, aggs), T.int8)
        : null;
    const off = s.limitOffset ? this.exprs.coerce(this.exprs.bind(s.limitOffset, scope, aggs), T.int8) : null;
    if (plan.kind === 'sort' && lim?.kind === 'const' && (off === null || off.kind === 'const')) {
      const n = Number(lim.value ?? 0) + Number(off?.value ?? 0);
      plan = { ...plan, limit: n };
    }
    return { kind: 'limit', fields: plan.fields, input: plan, limit: lim, offset: off };
  }

  // ---------------------------------------------------------------- FROM

  bindFrom(items: Node[] | undefined, scope: Scope): LogicalPlan {
    if (!items || items.length === 0) return { kind: 'values', fields: [], rows: [[]] };
    let plan: LogicalPlan | null = null;
    for (const item of items) {
      const scalar: { fields: Field[]; exprs: Expr[] } | null =
        plan && item.RangeFunction ? this.scalarFromFunction(item.RangeFunction, scope) : null;
      if (plan && scalar) {
        // A scalar function after earlier FROM items may refer to them (FROM is lateral for
        // functions): its value becomes one more column of each row so far.
        const input: LogicalPlan = plan;
        plan = {
          kind: 'project',
          fields: [...input.fields, ...scalar.fields],
          input,
          exprs: [...input.fields.map((f, i) => colExpr(f.type, i)), ...scalar.exprs],
        };
        scope.fields = plan.fields.slice();
        continue;
      }
      const p = this.bindFromItem(item, scope);
      plan = plan ? this.join(plan, p, 'inner', null, scope) : p;
      scope.fields = plan.fields.slice();
    }
    return plan!;
  }

  private bindFromItem(n: Node, scope: Scope): LogicalPlan {
    if (n.RangeVar) return this.bindRangeVar(n.RangeVar, scope);
    if (n.JoinExpr) return this.bindJoin(n.JoinExpr, scope);
    if (n.RangeSubselect) {
      const rs = n.RangeSubselect;
      const inner = new Scope(rs.lateral ? scope : scope.parent);
      // Not lateral: the FROM list's columns are out of reach, but this level's CTEs are not.
      if (!rs.lateral) for (const [k, v] of scope.ctes) inner.ctes.set(k, v);
      const q = this.bindSelect(rs.subquery.SelectStmt, inner);
      const alias = rs.alias?.aliasname;
      const colnames: string[] = (rs.alias?.colnames ?? []).map(str);
      const fields = q.types.map((t, i) => ({
        name: colnames[i] ?? q.names[i]!,
        type: t,
        ...(alias ? { qualifier: alias } : {}),
      }));
      return {
        kind: 'project',
        fields,
        input: q.plan,
        exprs: q.types.map((t, i) => ({ kind: 'col', type: t, index: i })),
      };
    }
    if (n.RangeFunction) return this.bindRangeFunction(n.RangeFunction, scope);
    throw new DatabaseError(SqlState.featureNotSupported, `unsupported FROM item ${Object.keys(n)[0]}`);
  }

  /**
   * A function in FROM that is not set-returning (`FROM upper('a') AS u`) gives one row of one
   * column, bound in `scope`; null when the call names a table function.
   */
  private scalarFromFunction(rf: Node, scope: Scope): { fields: Field[]; exprs: Expr[] } | null {
    const item = rf.functions[0].List.items[0] as Node;
    if (rf.functions.length !== 1) return null;
    if (item.FuncCall && this.registry.tables.has(functionName(item.FuncCall))) return null;
    const expr = this.exprs.bind(item, scope, this.noAggs('functions in FROM'));
    const fname = defaultName(item);
    const alias: string = rf.alias?.aliasname ?? fname;
    const colnames: string[] = (rf.alias?.colnames ?? []).map(str);
    const fields: Field[] = [{ name: colnames[0] ?? alias, type: expr.type, qualifier: alias }];
    const exprs: Expr[] = [expr];
    if (rf.ordinality) {
      fields.push({ name: colnames[1] ?? 'ordinality', type: T.int8, qualifier: alias });
      exprs.push(constExpr(T.int8, 1n));
    }
    return { fields, exprs };
  }

  private bindRangeFunction(rf: Node, scope: Scope): LogicalPlan {
    const scalar = this.scalarFromFunction(rf, new Scope(scope));
    if (scalar) {
      const input: LogicalPlan = { kind: 'values', fields: [], rows: [[]] };
      return { kind: 'project', fields: scalar.fields, input, exprs: scalar.exprs };
    }
    const call = rf.functions[0].List.items[0].FuncCall;
    const name = functionName(call);
    const aggs = this.noAggs('functions in FROM');
    const args = ((call.args ?? []) as Node[]).map((a) => this.exprs.bind(a, new Scope(scope), aggs));
    const fn = resolveOverload(
      this.registry.tables.get(name),
      args.map((a) => a.type),
      name,
    );
    const bound = args.map((a, i) => this.exprs.coerce(a, i < fn.args.length ? fn.args[i]! : fn.variadic!));
    const argTypes = bound.map((a) => a.type);
    const cols = fn.columns(argTypes);
    const alias = rf.alias?.aliasname ?? name;
    const colnames: string[] = (rf.alias?.colnames ?? []).map(str);
    const fields: Field[] = cols.map((c, i) => ({
      name: colnames[i] ?? (cols.length === 1 && rf.alias?.aliasname ? rf.alias.aliasname : c.name),
      type: c.type,
      qualifier: alias,
    }));
    if (rf.ordinality)
      fields.push({ name: colnames[cols.length] ?? 'ordinality', type: T.int8, qualifier: alias });
    return { kind: 'tablefunc', fields, fn, args: bound, argTypes, ordinality: rf.ordinality === true };
  }

  private bindRangeVar(rv: Node, scope: Scope): LogicalPlan {
    const name: string = rv.relname;
    const alias: string = rv.alias?.aliasname ?? name;
    const colnames: string[] = (rv.alias?.colnames ?? []).map(str);
    if (!rv.schemaname) {
      const cte = scope.findCte(name);
      if (cte) {
        if (cte.workFields) {
          return {
            kind: 'worktable',
            id: cte.id,
            fields: cte.workFields.map((f, i) => ({
              name: colnames[i] ?? f.name,
              type: f.type,
              qualifier: alias,
            })),
          };
        }
        cte.refCount++;
        const plan = cte.plan!;
        const fields = plan.fields.map((f, i) => ({
          name: colnames[i] ?? f.name,
          type: f.type,
          qualifier: alias,
        }));
        return { kind: 'materialize', id: cte.id, fields, input: plan };
      }
    }
    // pg_catalog comes first on the search path, as in PostgreSQL.
    const rel =
      this.fc.system?.systemRelation(name, rv.schemaname) ??
      this.catalog.findRelation(name, rv.schemaname, this.searchPath);
    if (!rel) {
      throw new DatabaseError(
        SqlState.undefinedTable,
        `relation "${rv.schemaname ? rv.schemaname + '.' : ''}${name}" does not exist`,
        { position: position(rv) },
      );
    }
    if (isTable(rel)) {
      if (rel.matview && !rel.matview.populated)
        throw new DatabaseError(
          SqlState.objectNotInPrerequisiteState,
          `materialized view "${rel.name}" has not been populated`,
          { hint: 'Use the REFRESH MATERIALIZED VIEW command.', position: position(rv) },
        );
      const fields = rel.columns.map((c, i) => ({
        name: colnames[i] ?? c.name,
        type: c.type,
        qualifier: alias,
      }));
      return { kind: 'scan', fields, table: rel, columns: rel.columns.map((_c, i) => i), filters: [] };
    }
    const inner = new Scope(null);
    const q = this.bindSelect(rel.query as Node, inner);
    const fields = q.types.map((t, i) => ({
      name: colnames[i] ?? rel.columnNames[i] ?? q.names[i]!,
      type: t,
      qualifier: alias,
    }));
    return {
      kind: 'project',
      fields,
      input: q.plan,
      exprs: q.types.map((t, i) => ({ kind: 'col', type: t, index: i })),
    };
  }

  private bindJoin(j: Node, scope: Scope): LogicalPlan {
    const left = this.bindFromItem(j.larg, scope);
    const right = this.bindFromItem(j.rarg, scope);
    const jt: JoinType =
      j.jointype === 'JOIN_LEFT'
        ? 'left'
        : j.jointype === 'JOIN_RIGHT'
          ? 'right'
          : j.jointype === 'JOIN_FULL'
            ? 'full'
            : 'inner';
    const joinScope = new Scope(scope.parent);
    joinScope.fields = [...left.fields, ...right.fields];
    let usingCols: string[] | null = null;
    if (j.isNatural) {
      const rn = new Set(right.fields.map((f) => f.name));
      usingCols = [...new Set(left.fields.filter((f) => !f.hidden && rn.has(f.name)).map((f) => f.name))];
    } else if (j.usingClause) usingCols = (j.usingClause as Node[]).map(str);
    let cond: Expr | null = null;
    if (usingCols) {
      const parts: Expr[] = [];
      for (const c of usingCols) {
        const li = left.fields.findIndex((f) => f.name === c && !f.hidden);
        const ri = right.fields.findIndex((f) => f.name === c && !f.hidden);
        if (li < 0 || ri < 0)
          throw new DatabaseError(
            SqlState.undefinedColumn,
            `column "${c}" specified in USING clause does not exist in ${li < 0 ? 'left' : 'right'} table`,
          );
        parts.push(
          this.exprs.bindOperator(
            '=',
            { kind: 'col', type: left.fields[li]!.type, index: li },
            { kind: 'col', type: right.fields[ri]!.type, index: left.fields.length + ri },
          ),
        );
      }
      cond =
        parts.length === 0
          ? null
          : parts.length === 1
            ? parts[0]!
            : { kind: 'and', type: T.bool, args: parts };
    } else if (j.quals) {
      cond = this.exprs.coerce(this.exprs.bind(j.quals, joinScope, this.noAggs('JOIN conditions')), T.bool);
    }
    let plan = this.join(left, right, jt, cond, scope);
    if (usingCols && usingCols.length > 0) {
      // USING/NATURAL: one merged column per key first, then the rest; hide the duplicates.
      const lw = left.fields.length;
      const merged: Expr[] = [];
      const fields: Field[] = [];
      const hideIdx = new Set<number>();
      for (const c of usingCols) {
        const li = left.fields.findIndex((f) => f.name === c && !f.hidden);
        const ri = right.fields.findIndex((f) => f.name === c && !f.hidden);
        const lt = left.fields[li]!.type;
        const rt = right.fields[ri]!.type;
        const t = commonType([lt, rt], 'JOIN/USING');
        const le = this.exprs.coerce({ kind: 'col', type: lt, index: li }, t);
        const re = this.exprs.coerce({ kind: 'col', type: rt, index: lw + ri }, t);
        merged.push(jt === 'right' ? re : jt === 'full' ? { kind: 'coalesce', type: t, args: [le, re] } : le);
        fields.push({ name: c, type: t });
        hideIdx.add(li);
        hideIdx.add(lw + ri);
      }
      const rest = plan.fields.map((f, i) => ({ f, i }));
      plan = {
        kind: 'project',
        fields: [
          ...fields,
          ...rest.map(({ f, i }) => (hideIdx.has(i) ? { ...f, hidden: true, qualifiedOnly: true } : f)),
        ],
        input: plan,
        exprs: [...merged, ...rest.map(({ f, i }) => ({ kind: 'col' as const, type: f.type, index: i }))],
      };
    }
    if (j.alias?.aliasname) {
      const a = j.alias.aliasname;
      // The alias replaces the inputs' names, so the merged-away USING columns become unreachable.
      const fields = plan.fields.map((f): Field =>
        f.qualifiedOnly ? { name: f.name, type: f.type, hidden: true } : { ...f, qualifier: a },
      );
      plan = { ...plan, fields } as LogicalPlan;
    }
    return plan;
  }

  /** Builds a join, pulling equi-join keys out of the condition. */
  join(left: LogicalPlan, right: LogicalPlan, jt: JoinType, cond: Expr | null, _scope: Scope): LogicalPlan {
    const lw = left.fields.length;
    const leftKeys: Expr[] = [];
    const rightKeys: Expr[] = [];
    const rest: Expr[] = [];
    for (const c of cond ? conjuncts(cond) : []) {
      if (c.kind === 'op' && c.op === '=') {
        const [a, b] = c.args as [Expr, Expr];
        const ra = referencedColumns(a);
        const rb = referencedColumns(b);
        const allLeft = (s: Set<number>) => s.size > 0 && [...s].every((i) => i < lw);
        const allRight = (s: Set<number>) => s.size > 0 && [...s].every((i) => i >= lw);
        const noOuter =
          !containsOuter(a) && !containsOuter(b) && !containsSubquery(a) && !containsSubquery(b);
        if (noOuter && allLeft(ra) && allRight(rb)) {
          leftKeys.push(a);
          rightKeys.push(shift(b, -lw));
          continue;
        }
        if (noOuter && allRight(ra) && allLeft(rb)) {
          leftKeys.push(b);
          rightKeys.push(shift(a, -lw));
          continue;
        }
      }
      rest.push(c);
    }
    const condition =
      rest.length === 0
        ? null
        : rest.length === 1
          ? rest[0]!
          : { kind: 'and' as const, type: T.bool, args: rest };
    const fields = [...left.fields, ...right.fields];
    return { kind: 'join', fields, joinType: jt, left, right, leftKeys, rightKeys, condition };
  }

  // ---------------------------------------------------------------- SELECT

  private bindSimpleSelect(s: Node, scope: Scope): BoundQuery {
    let plan = this.bindFrom(s.fromClause, scope);
    scope.fields = plan.fields.slice();
    if (s.whereClause) {
      const pred = this.exprs.coerce(
        this.exprs.bind(s.whereClause, scope, this.noAggs('WHERE')),
        T.bool,
        'implicit',
        'argument of WHERE must be type boolean',
      );
      plan = pushFilter(plan, pred);
    }
    const windowDefs = new Map<string, Node>();
    for (const w of (s.windowClause ?? []) as Node[]) windowDefs.set(w.WindowDef.name, w.WindowDef);
    const collector: AggCollector = {
      aggs: [],
      windows: [],
      windowDefs,
      allowAggs: true,
      allowWindows: true,
      clause: 'SELECT',
    };

    // Select list, with * expanded.
    const targets: { expr: Expr; name: string; node: Node | null }[] = [];
    for (const t of (s.targetList ?? []) as Node[]) {
      const rt = t.ResTarget;
      const cr = rt.val.ColumnRef;
      if (cr && cr.fields.some((f: Node) => f.A_Star)) {
        const qual = cr.fields.length > 1 ? str(cr.fields[cr.fields.length - 2]) : undefined;
        let any = false;
        scope.fields.forEach((f, i) => {
          if (qual === undefined ? f.hidden : f.qualifier !== qual || (f.hidden && !f.qualifiedOnly)) return;
          any = true;
          targets.push({ expr: { kind: 'col', type: f.type, index: i }, name: f.name, node: null });
        });
        if (!any && qual !== undefined)
          throw new DatabaseError(SqlState.undefinedTable, `missing FROM-clause entry for table "${qual}"`);
        if (!any && qual === undefined && s.fromClause) continue;
        if (!s.fromClause)
          throw new DatabaseError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid');
        continue;
      }
      targets.push({
        expr: this.exprs.bind(rt.val, scope, collector),
        name: rt.name ?? defaultName(rt.val),
        node: rt.val,
      });
    }
    const names = targets.map((t) => t.name);

    // GROUP BY: names prefer input columns, then output names; ordinals refer to the select list.
    const groupExprs: Expr[] = [];
    let sets: number[][] | null = null;
    const groupNoAggs = { ...collector, allowAggs: false, allowWindows: false, clause: 'GROUP BY' };
    const bindGroupItem = (n: Node): number => {
      let e: Expr;
      if (
        n.A_Const?.ival !== undefined ||
        (n.A_Const && !n.A_Const.sval && !n.A_Const.fval && !n.A_Const.isnull && !n.A_Const.boolval)
      ) {
        const k = n.A_Const.ival?.ival ?? 0;
        const t = targets[k - 1];
        if (!t)
          throw new DatabaseError(
            SqlState.invalidColumnReference,
            `GROUP BY position ${k} is not in select list`,
            { position: position(n.A_Const) },
          );
        e = t.expr;
      } else if (
        n.ColumnRef &&
        n.ColumnRef.fields.length === 1 &&
        scope.lookup(str(n.ColumnRef.fields[0]), undefined) < 0
      ) {
        const nm = str(n.ColumnRef.fields[0]);
        const t = targets.find((x) => x.name === nm);
        e = t ? t.expr : this.exprs.bind(n, scope, groupNoAggs);
      } else e = this.exprs.bind(n, scope, groupNoAggs);
      const key = exprKey(e);
      let idx = groupExprs.findIndex((g) => exprKey(g) === key);
      if (idx < 0) {
        groupExprs.push(e);
        idx = groupExprs.length - 1;
      }
      return idx;
    };
    for (const g of (s.groupClause ?? []) as Node[]) {
      if (g.GroupingSet) {
        const gs = g.GroupingSet;
        const items = (gs.content ?? []) as Node[];
        const listOf = (n: Node): number[] =>
          n.RowExpr ? (n.RowExpr.args as Node[]).map(bindGroupItem) : n.GroupingSet ? [] : [bindGroupItem(n)];
        let newSets: number[][];
        if (gs.kind === 'GROUPING_SET_ROLLUP') {
          const lists = items.map(listOf);
          newSets = [];
          for (let k = lists.length; k >= 0; k--) newSets.push(lists.slice(0, k).flat());
        } else if (gs.kind === 'GROUPING_SET_CUBE') {
          const lists = items.map(listOf);
          newSets = [];
          for (let mask = (1 << lists.length) - 1; mask >= 0; mask--)
            newSets.push(lists.filter((_l, i) => mask & (1 << (lists.length - 1 - i))).flat());
        } else if (gs.kind === 'GROUPING_SET_EMPTY') newSets = [[]];
        else newSets = items.map((it) => (it.GroupingSet?.kind === 'GROUPING_SET_EMPTY' ? [] : listOf(it)));
        sets = sets ? sets.flatMap((a) => newSets.map((b) => [...a, ...b])) : newSets;
      } else {
        const idx = bindGroupItem(g);
        sets = sets ? sets.map((x) => [...x, idx]) : null;
        if (sets === null) {
          /* plain key: part of every set */
        }
      }
    }
    if (sets) {
      // Plain keys bound before a grouping set must be in every set.
      const plain = ((s.groupClause ?? []) as Node[])
        .filter((g) => !g.GroupingSet)
        .map((g) =>
          groupExprs.findIndex(
            (e) =>
              exprKey(e) ===
              exprKey(
                this.exprs.bind(
                  g.A_Const ? (targets[(g.A_Const.ival?.ival ?? 1) - 1]!.node ?? g) : g,
                  scope,
                  groupNoAggs,
                ),
              ),
          ),
        );
      sets = sets.map((x) => [...new Set([...plain.filter((p) => p >= 0), ...x])]);
    }

    let having: Expr | null = null;
    if (s.havingClause) {
      having = this.exprs.coerce(
        this.exprs.bind(s.havingClause, scope, { ...collector, allowWindows: false, clause: 'HAVING' }),
        T.bool,
      );
    }
    // ORDER BY items bound against the input scope (or output names/ordinals).
    const sortItems = ((s.sortClause ?? []) as Node[]).map((n) => n.SortBy);
    const orderExprs: { expr: Expr | number; desc: boolean; nullsFirst: boolean }[] = sortItems.map((sb) => {
      const { desc, nullsFirst } = sortOrder(sb);
      const n = sb.node;
      if (n.A_Const && n.A_Const.ival !== undefined) {
        const k = n.A_Const.ival.ival ?? 0;
        if (k < 1 || k > targets.length)
          throw new DatabaseError(
            SqlState.invalidColumnReference,
            `ORDER BY position ${k} is not in select list`,
            { position: position(n.A_Const) },
          );
        return { expr: k - 1, desc, nullsFirst };
      }
      if (n.ColumnRef && n.ColumnRef.fields.length === 1 && !n.ColumnRef.fields[0].A_Star) {
        const nm = str(n.ColumnRef.fields[0]);
        const matches = names.map((x, i) => (x === nm ? i : -1)).filter((i) => i >= 0);
        if (matches.length > 1 && new Set(matches.map((i) => exprKey(targets[i]!.expr))).size > 1) {
          throw new DatabaseError(SqlState.ambiguousColumn, `ORDER BY "${nm}" is ambiguous`, {
            position: position(n.ColumnRef),
          });
        }
        if (matches.length > 0) return { expr: matches[0]!, desc, nullsFirst };
      }
      return { expr: this.exprs.bind(n, scope, { ...collector, clause: 'ORDER BY' }), desc, nullsFirst };
    });

    const hasAgg = collector.aggs.length > 0 || groupExprs.length > 0 || sets !== null || having !== null;
    let post = (e: Expr): Expr => e;
    if (hasAgg) {
      const nkeys = groupExprs.length;
      const aggs = collector.aggs;
      const keyMap = new Map(groupExprs.map((g, i) => [exprKey(g), i]));
      const groupingCol = nkeys + aggs.length;
      const rewrite = (e: Expr): Expr =>
        mapExpr(e, (x) => {
          const k = keyMap.get(exprKey(x));
          if (k !== undefined) return { kind: 'col', type: x.type, index: k };
          if (x.kind === 'col' && x.index >= AGG_MARK && x.index < WIN_MARK)
            return { kind: 'col', type: x.type, index: nkeys + x.index - AGG_MARK };
          if (x.kind === 'col' && x.index >= WIN_MARK) return x;
          if (
            x.kind === 'call' &&
            x.fn.name === 'grouping' &&
            x.args[0]?.kind === 'const' &&
            x.args[0].value === GROUPING_MARK
          ) {
            const idxs = x.args.slice(1).map((a) => {
              const k2 = keyMap.get(exprKey(a));
              if (k2 === undefined)
                throw new DatabaseError(
                  SqlState.groupingError,
                  'arguments to GROUPING must be grouping expressions of the associated query level',
                );
              return k2;
            });
            if (!sets) return constExpr(T.int4, 0);
            const fn = {
              ...x.fn,
              strict: true,
              impl: (args: readonly unknown[]) => groupingBits(Number(args[0]), idxs, nkeys),
            };
            return {
              kind: 'call',
              type: T.int4,
              fn,
              args: [{ kind: 'col', type: T.int4, index: groupingCol }],
            };
          }
          if (x.kind === 'col') {
            const f = scope.fields[x.index]!;
            throw new DatabaseError(
              SqlState.groupingError,
              `column "${f.qualifier ? f.qualifier + '.' : ''}${f.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
            );
          }
          if (x.kind === 'subquery' && x.correlated) {
            throw new DatabaseError(
              SqlState.featureNotSupported,
              'correlated subqueries over grouped queries are not supported yet',
            );
          }
          return undefined;
        });
      post = rewrite;
      const fields: Field[] = [
        ...groupExprs.map((g, i) => ({ name: `group${i}`, type: g.type })),
        ...aggs.map((a, i) => ({ name: `agg${i}`, type: a.type })),
        ...(sets && sets.length > 0 ? [{ name: 'grouping', type: T.int4 }] : []),
      ];
      plan = {
        kind: 'aggregate',
        fields,
        input: plan,
        groupBy: groupExprs,
        groupingSets: sets,
        aggs: aggs as AggCall[],
      };
      if (having) plan = { kind: 'filter', fields: plan.fields, input: plan, predicate: rewrite(having) };
    }

    // Window functions over the (possibly aggregated) rows.
    const wins = collector.windows;
    if (wins.length > 0) {
      const inputWidth = plan.fields.length;
      const calls: WindowCall[] = wins.map((w) => ({
        ...w,
        args: w.args.map(post),
        partitionBy: w.partitionBy.map(post),
        orderBy: w.orderBy.map((k) => ({ ...k, expr: post(k.expr) })),
        filter: w.filter ? post(w.filter) : null,
      }));
      plan = {
        kind: 'window',
        fields: [...plan.fields, ...calls.map((c, i) => ({ name: `win${i}`, type: c.type }))],
        input: plan,
        calls,
      };
      const prev = post;
      post = (e: Expr) =>
        mapExpr(prev(e), (x) =>
          x.kind === 'col' && x.index >= WIN_MARK
            ? { kind: 'col', type: x.type, index: inputWidth + x.index - WIN_MARK }
            : undefined,
        );
    }

    // Project: select list, then hidden ORDER BY expressions.
    const projExprs = targets.map((t) => post(t.expr));
    const fields: Field[] = targets.map((t, i) => ({ name: t.name, type: projExprs[i]!.type }));
    const distinct = s.distinctClause as Node[] | undefined;
    const isDistinctOn = distinct && distinct.length > 0 && Object.keys(distinct[0]).length > 0;
    const sortKeys: SortKey[] = orderExprs.map((o) => {
      if (typeof o.expr === 'number')
        return {
          expr: { kind: 'col', type: fields[o.expr]!.type, index: o.expr },
          desc: o.desc,
          nullsFirst: o.nullsFirst,
        };
      const pe = post(o.expr);
      const key = exprKey(pe);
      const found = projExprs.findIndex((p) => exprKey(p) === key);
      if (found >= 0)
        return { expr: { kind: 'col', type: pe.type, index: found }, desc: o.desc, nullsFirst: o.nullsFirst };
      if (distinct && !isDistinctOn) {
        throw new DatabaseError(
          SqlState.invalidColumnReference,
          'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
        );
      }
      projExprs.push(pe);
      fields.push({ name: '?sort?', type: pe.type, hidden: true });
      return {
        expr: { kind: 'col', type: pe.type, index: projExprs.length - 1 },
        desc: o.desc,
        nullsFirst: o.nullsFirst,
      };
    });
    plan = { kind: 'project', fields, input: plan, exprs: projExprs };
    const visible = targets.length;
    if (distinct && !isDistinctOn) {
      plan = { kind: 'distinct', fields: plan.fields, input: plan, on: null };
    }
    if (sortKeys.length > 0)
      plan = { kind: 'sort', fields: plan.fields, input: plan, keys: sortKeys, limit: null };
    if (isDistinctOn) {
      const on = distinct!.map((n) => {
        const e = post(this.exprs.bind(n, scope, { ...collector, clause: 'DISTINCT ON' }));
        const key = exprKey(e);
        const idx = projExprs.findIndex((p) => exprKey(p) === key);
        if (idx < 0) {
          projExprs.push(e);
          fields.push({ name: '?distinct?', type: e.type, hidden: true });
          return { kind: 'col' as const, type: e.type, index: projExprs.length - 1 };
        }
        return { kind: 'col' as const, type: e.type, index: idx };
      });
      plan = { kind: 'distinct', fields: plan.fields, input: plan, on };
    }
    plan = this.applyLimit(s, plan, scope);
    if (fields.length > visible) {
      plan = {
        kind: 'project',
        fields: fields.slice(0, visible),
        input: plan,
        exprs: fields.slice(0, visible).map((f, i) => ({ kind: 'col', type: f.type, index: i })),
      };
    }
    return { plan, names, types: fields.slice(0, visible).map((f) => f.type) };
  }

  bindSortKey(sb: Node, scope: Scope, names: readonly string[], _x: null): SortKey {
    const { desc, nullsFirst } = sortOrder(sb);
    const n = sb.node;
    if (n.A_Const && n.A_Const.ival !== undefined) {
      const k = n.A_Const.ival.ival ?? 0;
      if (k < 1 || k > names.length)
        throw new DatabaseError(
          SqlState.invalidColumnReference,
          `ORDER BY position ${k} is not in select list`,
        );
      return { expr: { kind: 'col', type: scope.fields[k - 1]!.type, index: k - 1 }, desc, nullsFirst };
    }
    return { expr: this.exprs.bind(n, scope, this.noAggs('ORDER BY')), desc, nullsFirst };
  }

  /** Parses and binds a SQL expression string over a scope (DEFAULT expressions). */
  bindExpressionSql(sql: string, scope: Scope): Expr {
    if (sql.startsWith('__ast__'))
      return this.exprs.bind(JSON.parse(sql.slice(7)), scope, this.noAggs('DEFAULT expressions'));
    const stmt = parseSql(`SELECT ${sql}`)[0]!.stmt as Node;
    return this.exprs.bind(
      stmt.SelectStmt.targetList[0].ResTarget.val,
      scope,
      this.noAggs('DEFAULT expressions'),
    );
  }
}

function shift(e: Expr, by: number): Expr {
  return mapExpr(e, (x) => (x.kind === 'col' ? { ...x, index: x.index + by } : undefined));
}

function groupingBits(mask: number, idxs: number[], nkeys: number): number {
  let r = 0;
  for (const i of idxs) r = (r << 1) | ((mask >> (nkeys - 1 - i)) & 1);
  return r;
}

/**
 * Pushes WHERE conjuncts down: into scans (zone maps), into join sides, and into equi-join keys
 * when they connect the two sides of an inner join.
 */
export function pushFilter(plan: LogicalPlan, pred: Expr): LogicalPlan {
  const parts = conjuncts(pred);
  let p = plan;
  const remaining: Expr[] = [];
  for (const c of parts) {
    const pushed = pushOne(p, c);
    if (pushed) p = pushed;
    else remaining.push(c);
  }
  if (remaining.length === 0) return p;
  const rest =
    remaining.length === 1 ? remaining[0]! : { kind: 'and' as const, type: T.bool, args: remaining };
  return { kind: 'filter', fields: p.fields, input: p, predicate: rest };
}

/** Only predicates that depend on nothing but their input row move below other operators. */
function pushable(e: Expr): boolean {
  return !containsSubquery(e) && !containsOuter(e) && !isVolatile(e);
}

function pushOne(p: LogicalPlan, c: Expr): LogicalPlan | null {
  if (!pushable(c)) return null;
  if (p.kind === 'scan') return { ...p, filters: [...p.filters, c] };
  if (p.kind === 'filter') {
    const inner = pushOne(p.input, c);
    return inner ? { ...p, input: inner } : null;
  }
  if (p.kind === 'join' && (p.joinType === 'inner' || p.joinType === 'left')) {
    const lw = p.left.fields.length;
    const cols = referencedColumns(c);
    if (cols.size > 0 && [...cols].every((i) => i < lw)) {
      return { ...p, left: pushFilter(p.left, c) };
    }
    if (p.joinType === 'inner' && cols.size > 0 && [...cols].every((i) => i >= lw)) {
      return { ...p, right: pushFilter(p.right, shift(c, -lw)) };
    }
    if (p.joinType === 'inner' && c.kind === 'op' && c.op === '=') {
      const [a, b] = c.args as [Expr, Expr];
      const ra = referencedColumns(a);
      const rb = referencedColumns(b);
      const L = (s: Set<number>) => s.size > 0 && [...s].every((i) => i < lw);
      const R = (s: Set<number>) => s.size > 0 && [...s].every((i) => i >= lw);
      if (L(ra) && R(rb))
        return { ...p, leftKeys: [...p.leftKeys, a], rightKeys: [...p.rightKeys, shift(b, -lw)] };
      if (R(ra) && L(rb))
        return { ...p, leftKeys: [...p.leftKeys, b], rightKeys: [...p.rightKeys, shift(a, -lw)] };
    }
    if (p.joinType === 'inner') {
      return { ...p, condition: p.condition ? { kind: 'and', type: T.bool, args: [p.condition, c] } : c };
    }
  }
  return null;
}
