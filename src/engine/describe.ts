import { DatabaseError, SqlState } from '../errors.js';
import type { FunctionContext } from '../sql/functions/registry.js';
import { Scope } from '../sql/binder/scope.js';
import { SelectBinder, type BoundQuery } from '../sql/binder/select-binder.js';
import { isTable } from '../storage/catalog.js';
import type { Table } from '../storage/table.js';
import { T, type SqlType } from '../types/types.js';
import type { Engine } from './database.js';
import { explainOptions } from './explain-statement.js';
import { paramRefs } from './params.js';
import type { ResultColumn } from './session.js';
import { existingColumn } from './column-index.js';

type Node = any;

/** What binding needs from a session: the catalog and functions, its search path and clock. */
export interface BindingHost {
  readonly engine: Engine;
  readonly searchPath: string[];
  /** The transaction name resolution sees the catalog as (null outside one; see Catalog). */
  readonly lockOwner: object | null;
  functionContext(txnStart: number): FunctionContext;
  /** Result columns of an open SQL cursor (FETCH), if the host has cursors. */
  cursorColumns?(name: string): ResultColumn[] | undefined;
}

/** A statement described ahead of running it, as PostgreSQL's Parse + Describe do. */
export interface Description {
  /** Types of $1..$n, all determined. */
  readonly paramTypes: SqlType[];
  /** Result columns: a query's output or DML's RETURNING list; empty for other statements. */
  readonly columns: ResultColumn[];
  /** The bound plan of a query, reused by executions while the catalog is unchanged. */
  readonly query: BoundQuery | null;
}

function binder(host: BindingHost, types: (SqlType | undefined)[]): SelectBinder {
  const fc = host.functionContext(Date.now() * 1000);
  return new SelectBinder(
    host.engine.catalog.reader(host.lockOwner),
    host.engine.functions,
    fc,
    host.searchPath,
    types,
  );
}

function paramIndex(n: Node): number | null {
  return n?.ParamRef ? Number(n.ParamRef.number) - 1 : null;
}

/** Parameters standing alone as output columns or VALUES items: PostgreSQL makes those text. */
function bareOutputParams(s: Node, out: number[] = []): number[] {
  if (!s) return out;
  for (const t of (s.targetList ?? []) as Node[]) {
    const i = paramIndex(t.ResTarget?.val);
    if (i !== null) out.push(i);
  }
  for (const l of (s.valuesLists ?? []) as Node[])
    for (const x of l.List.items as Node[]) {
      const i = paramIndex(x);
      if (i !== null) out.push(i);
    }
  bareOutputParams(s.larg, out);
  bareOutputParams(s.rarg, out);
  return out;
}

const unresolved = (t: SqlType | undefined): boolean => t === undefined || t.id === 'unknown';

function resolveTable(host: BindingHost, rv: Node): Table {
  const rel = host.engine.catalog.findRelation(rv.relname, rv.schemaname, host.searchPath, host.lockOwner);
  if (!rel)
    throw new DatabaseError(SqlState.undefinedTable, `relation "${rv.relname}" does not exist`, {
      ...(rv.location >= 0 ? { position: rv.location + 1 } : {}),
    });
  if (!isTable(rel)) throw new DatabaseError(SqlState.wrongObjectType, `"${rv.relname}" is not a table`);
  return rel;
}

const ONE = { ResTarget: { val: { A_Const: { ival: { ival: 1 } } } } };

/** Binds `SELECT targets FROM from WHERE where` with the statement's binder, for its parameters and types. */
function bindSynthetic(b: SelectBinder, targets: Node[], from: Node[], where: Node): BoundQuery {
  const stmt = { targetList: targets.length ? targets : [ONE], fromClause: from, whereClause: where };
  return b.bindSelect(stmt, new Scope(null));
}

/** Gives an undetermined parameter the type of the column it is assigned to. */
function assignParam(b: SelectBinder, val: Node, type: SqlType): void {
  const i = paramIndex(val);
  if (i !== null && unresolved(b.exprs.paramTypes[i]))
    b.exprs.coerce({ kind: 'param', type: T.unknown, index: i }, type, 'assignment');
}

function columnOf(t: Table, name: string): SqlType {
  return t.columns[existingColumn(t, name)]!.type;
}

function returning(b: SelectBinder, s: Node, from: Node[]): ResultColumn[] {
  const list: Node[] | undefined = s.returningList ?? s.returningClause?.exprs;
  if (!list || list.length === 0) return [];
  const q = bindSynthetic(b, list, from, undefined);
  return q.names.map((name, i) => ({ name, type: q.types[i]! }));
}

/** INSERT, UPDATE, DELETE: parameter types from the columns they meet, and the RETURNING columns. */
function describeDml(host: BindingHost, b: SelectBinder, kind: string, s: Node): ResultColumn[] {
  const t = resolveTable(host, s.relation);
  const target = { RangeVar: s.relation };
  if (kind === 'InsertStmt') {
    const names: string[] = s.cols
      ? (s.cols as Node[]).map((c) => c.ResTarget.name)
      : t.columns.map((c) => c.name);
    const types = names.map((n) => columnOf(t, n));
    const sel = s.selectStmt?.SelectStmt;
    if (sel?.valuesLists && !sel.sortClause && !sel.limitCount) {
      for (const l of sel.valuesLists as Node[])
        (l.List.items as Node[]).forEach((x, i) => {
          if (x.SetToDefault || !types[i]) return;
          b.exprs.coerce(b.exprs.bind(x, new Scope(null), b.noAggs('VALUES')), types[i], 'assignment');
        });
    } else if (sel) {
      b.bindSelect(sel, new Scope(null));
      ((sel.targetList ?? []) as Node[]).forEach(
        (x, i) => types[i] && assignParam(b, x.ResTarget.val, types[i]),
      );
    }
    return returning(b, s, [target]);
  }
  const from = [target, ...((kind === 'UpdateStmt' ? s.fromClause : s.usingClause) ?? [])];
  if (kind === 'UpdateStmt') {
    const sets = (s.targetList as Node[])
      .map((n) => n.ResTarget)
      .filter((rt) => rt.val && !rt.val.SetToDefault && !rt.val.MultiAssignRef);
    bindSynthetic(
      b,
      sets.map((rt) => ({ ResTarget: { val: rt.val } })),
      from,
      s.whereClause,
    );
    for (const rt of sets) assignParam(b, rt.val, columnOf(t, rt.name));
  } else {
    bindSynthetic(b, [], from, s.whereClause);
  }
  return returning(b, s, from);
}

function describeOnce(
  host: BindingHost,
  stmt: Node,
  types: (SqlType | undefined)[],
): Description & { raw: (SqlType | undefined)[] } {
  const kind = Object.keys(stmt)[0]!;
  const s = stmt[kind];
  const b = binder(host, types.slice());
  let columns: ResultColumn[] = [];
  let query: BoundQuery | null = null;
  // SELECT ... INTO is CREATE TABLE AS: a utility statement without result columns.
  if (kind === 'SelectStmt' && !s.intoClause) {
    query = b.bindSelect(s, new Scope(null));
    columns = query.names.map((name, i) => ({ name, type: query!.types[i]! }));
    for (const i of bareOutputParams(s))
      if (unresolved(b.exprs.paramTypes[i])) b.exprs.paramTypes[i] = T.text;
  } else if (kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt') {
    columns = describeDml(host, b, kind, s);
  } else if (kind === 'FetchStmt' && s.ismove !== true) {
    columns = host.cursorColumns?.(s.portalname) ?? [];
  } else if (kind === 'ExplainStmt') {
    const inner = describeOnce(host, s.query, types);
    const json = explainOptions((s.options ?? []) as Node[]).format === 'json';
    return { ...inner, columns: [{ name: 'QUERY PLAN', type: json ? T.json : T.text }], query: null };
  } else {
    const first = paramRefs(stmt).first;
    if (first)
      throw new DatabaseError(SqlState.undefinedParameter, `there is no parameter $${first.number}`, {
        ...(first.location >= 0 ? { position: first.location + 1 } : {}),
      });
  }
  return { paramTypes: [], columns, query, raw: b.exprs.paramTypes };
}

/**
 * Binds a statement once to learn its parameter and result types. `declared` fixes the types of
 * leading parameters (PREPARE p (int) ...); the others are inferred from context as PostgreSQL
 * does, and a parameter whose type nothing determines fails with 42P18.
 */
export function describeStatement(
  host: BindingHost,
  stmt: Node,
  declared: readonly (SqlType | undefined)[] = [],
): Description {
  let d = describeOnce(host, stmt, declared.slice());
  const count = Math.max(declared.length, d.raw.length, paramRefs(stmt).max);
  const types: SqlType[] = [];
  for (let i = 0; i < count; i++) {
    const t = d.raw[i];
    if (unresolved(t))
      throw new DatabaseError(
        SqlState.indeterminateDatatype,
        `could not determine data type of parameter $${i + 1}`,
      );
    types.push(t!);
  }
  // Bind again with every type known, so expressions bound before a parameter's type was
  // inferred (SELECT $1, ... WHERE id = $1) see it too.
  if (d.query && types.some((t, i) => t !== declared[i])) d = describeOnce(host, stmt, types);
  return { paramTypes: types, columns: d.columns, query: d.query };
}
