import { DatabaseError, SqlState } from '../errors.js';
import type { Expr } from '../plan/expr.js';
import type { Field, LogicalPlan } from '../plan/logical.js';
import { str } from '../sql/binder/expr-binder.js';
import { Scope } from '../sql/binder/scope.js';
import { defaultName, pushFilter, type SelectBinder } from '../sql/binder/select-binder.js';
import type { TableFunction } from '../sql/functions/registry.js';
import type { Table } from '../storage/table.js';
import { T, typeName, type SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';

/**
 * Binding for UPDATE and DELETE beyond a single table: SET lists (with `(a, b) = (...)`),
 * `UPDATE ... FROM` / `DELETE ... USING` joins, and RETURNING over the joined row.
 */

type Node = any;

/** One SET target: a table column and its new value, an expression over the statement's row. */
export interface Assignment {
  readonly column: number;
  readonly expr: Expr;
}

function defaultValue(b: SelectBinder, t: Table, column: number): Expr {
  const col = t.columns[column]!;
  return col.defaultSql !== undefined
    ? b.bindExpressionSql(col.defaultSql, new Scope(null))
    : { kind: 'const', type: col.type, value: null };
}

/**
 * Binds an UPDATE's SET list over `scope` (the target's columns, then any FROM columns). A column
 * assigned twice takes the last value: PostgreSQL rejects that (42601), but the sqllogictest corpus
 * we ratchet against expects SQLite's last-one-wins, so we keep it.
 */
export function bindAssignments(b: SelectBinder, t: Table, targetList: Node[], scope: Scope): Assignment[] {
  const aggs = b.noAggs('UPDATE');
  // `(a, b) = (...)` repeats its source on every column; bind it once so a subquery runs once per row.
  const sources = new Map<string, (Expr | null)[]>();
  return targetList.map((n) => {
    const rt = n.ResTarget;
    if (rt.indirection?.length > 0)
      throw new DatabaseError(
        SqlState.featureNotSupported,
        `assignment to a subscript or field of column "${rt.name}" is not supported`,
      );
    const column = t.columnIndex(rt.name);
    if (column < 0)
      throw new DatabaseError(
        SqlState.undefinedColumn,
        `column "${rt.name}" of relation "${t.name}" does not exist`,
      );
    let e: Expr | null;
    if (rt.val.MultiAssignRef) {
      const m = rt.val.MultiAssignRef;
      const key = JSON.stringify(m.source);
      let fields = sources.get(key);
      if (!fields) {
        if (m.source.RowExpr)
          fields = (m.source.RowExpr.args as Node[]).map((a) =>
            a.SetToDefault ? null : b.exprs.bind(a, scope, aggs),
          );
        else if (m.source.SubLink?.subLinkType === 'EXPR_SUBLINK')
          fields = b.exprs.rowSubqueryFields(m.source.SubLink, scope);
        else
          throw new DatabaseError(
            SqlState.featureNotSupported,
            'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression',
          );
        if (fields.length !== m.ncolumns)
          throw new DatabaseError(SqlState.syntaxError, 'number of columns does not match number of values');
        sources.set(key, fields);
      }
      e = fields[m.colno - 1] ?? null;
    } else {
      e = rt.val.SetToDefault ? null : b.exprs.bind(rt.val, scope, aggs);
    }
    const col = t.columns[column]!;
    const value = e ?? defaultValue(b, t, column);
    const what = `column "${col.name}" is of type ${typeName(col.type)} but expression is of type ${typeName(value.type)}`;
    return { column, expr: b.exprs.coerce(value, col.type, 'assignment', what) };
  });
}

/** The target of UPDATE ... FROM / DELETE ... USING joined with the other FROM items. */
export interface DmlJoin {
  /** Output rows: the target's columns, its row ordinal (hidden, 1-based), then the FROM columns. */
  readonly plan: LogicalPlan;
  /** Names the joined row's columns, for SET expressions and RETURNING. */
  readonly scope: Scope;
}

/**
 * Binds `target JOIN from-items WHERE condition`. The target's visible rows come from `rows` (read
 * when the plan runs) through a table function that numbers them, so each joined row says which
 * target row it belongs to. WHERE conjuncts are pushed into the join as in SELECT, so equi-joins
 * become hash joins. `ctes` is the scope holding the statement's WITH clause, if any.
 */
export function bindDmlJoin(
  b: SelectBinder,
  t: Table,
  alias: string,
  rows: () => Iterable<Value[]>,
  from: Node[],
  where: Node | undefined,
  ctes: Scope,
): DmlJoin {
  const fromScope = new Scope(null);
  for (const [k, v] of ctes.ctes) fromScope.ctes.set(k, v);
  const fromPlan = b.bindFrom(from, fromScope);
  if (fromPlan.fields.some((f) => f.qualifier === alias))
    throw new DatabaseError(SqlState.duplicateAlias, `table name "${alias}" specified more than once`);
  const fields: Field[] = [
    ...t.columns.map((c) => ({ name: c.name, type: c.type, qualifier: alias })),
    { name: 'ctid', type: T.int8, qualifier: alias, hidden: true },
  ];
  const targetRows: TableFunction = {
    name: t.name,
    args: [],
    columns: () => t.columns.map((c) => ({ name: c.name, type: c.type })),
    impl: rows,
  };
  const target: LogicalPlan = {
    kind: 'tablefunc',
    fields,
    fn: targetRows,
    args: [],
    argTypes: [],
    ordinality: true,
  };
  const scope = new Scope(null);
  for (const [k, v] of ctes.ctes) scope.ctes.set(k, v);
  let plan = b.join(target, fromPlan, 'inner', null, scope);
  scope.fields = plan.fields.slice();
  if (where) {
    const pred = b.exprs.coerce(
      b.exprs.bind(where, scope, b.noAggs('WHERE')),
      T.bool,
      'implicit',
      'argument of WHERE must be type boolean',
    );
    plan = pushFilter(plan, pred);
  }
  return { plan, scope };
}

/**
 * The joined row each target row is updated or deleted with, in target order. PostgreSQL changes a
 * target row at most once; when several FROM rows match it uses an arbitrary one. We use the first
 * row the join produced for it.
 */
export function firstMatches(
  joined: readonly Value[][],
  ordinalColumn: number,
): { ordinal: number; row: Value[] }[] {
  const first = new Map<number, Value[]>();
  for (const r of joined) {
    const ordinal = Number(r[ordinalColumn]) - 1;
    if (!first.has(ordinal)) first.set(ordinal, r);
  }
  return [...first.entries()].sort((x, y) => x[0] - y[0]).map(([ordinal, row]) => ({ ordinal, row }));
}

/** RETURNING list bound over `fields`; `*` and `x.*` expand to the visible columns. */
export function bindReturning(
  b: SelectBinder,
  fields: readonly Field[],
  list: Node[],
): { columns: { name: string; type: SqlType }[]; exprs: Expr[] } {
  const scope = new Scope(null);
  scope.fields = fields.slice();
  const aggs = b.noAggs('RETURNING');
  const columns: { name: string; type: SqlType }[] = [];
  const exprs: Expr[] = [];
  for (const r of list) {
    const rt = r.ResTarget;
    const cr = rt.val.ColumnRef;
    if (cr?.fields.some((f: Node) => f.A_Star)) {
      const qual = cr.fields.length > 1 ? str(cr.fields[cr.fields.length - 2]) : undefined;
      let any = false;
      fields.forEach((f, index) => {
        if (f.hidden || (qual !== undefined && f.qualifier !== qual)) return;
        any = true;
        exprs.push({ kind: 'col', type: f.type, index });
        columns.push({ name: f.name, type: f.type });
      });
      if (!any && qual !== undefined)
        throw new DatabaseError(SqlState.undefinedTable, `missing FROM-clause entry for table "${qual}"`);
      continue;
    }
    const bound = b.exprs.bind(rt.val, scope, aggs);
    const e = bound.type.id === 'unknown' ? b.exprs.coerce(bound, T.text) : bound;
    exprs.push(e);
    columns.push({ name: rt.name ?? defaultName(rt.val), type: e.type });
  }
  return { columns, exprs };
}
