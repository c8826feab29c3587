import { DatabaseError, SqlState } from '../../errors.js';
import { constExpr, mapExpr, type BuiltinOp, type Expr } from '../../plan/expr.js';
import {
  WINDOW_FUNCTION_NAMES,
  type AggCall,
  type LogicalPlan,
  type SortKey,
  type WindowCall,
} from '../../plan/logical.js';
import {
  arrayOf,
  isNumericType,
  T,
  typeCategory,
  typeFromName,
  typeName,
  type SqlType,
} from '../../types/types.js';
import { Decimal } from '../../types/values.js';
import type { AggregateFunction } from '../aggregates/aggregate.js';
import { sortedDescending } from '../aggregates/index.js';
import type { FunctionRegistry } from '../functions/index.js';
import type { FunctionContext, ScalarFunction } from '../functions/registry.js';
import { coerce, commonType } from './coerce.js';
import { bindNamedArgs } from './named-args.js';
import { quantifiedOverArray, quantifiedOverRows } from './quantified.js';
import { formalArg, resolveOverload } from './resolve.js';
import { rowComparison, rowDistinct, rowInList, rowNullTest, rowOperatorMismatch } from './row-compare.js';
import { Scope, sortOrder } from './scope.js';
import { regLiteral } from './reg-literal.js';

type Node = any;

export const AGG_MARK = 1_000_000;
export const WIN_MARK = 2_000_000;
export const GROUPING_MARK = 3_000_000;

/** Where aggregates and window functions found while binding an expression are collected. */
export interface AggCollector {
  aggs: AggCall[];
  windows: WindowCall[];
  windowDefs: Map<string, Node>;
  allowAggs: boolean;
  allowWindows: boolean;
  /** The clause being bound, for error messages ("aggregate functions are not allowed in WHERE"). */
  clause: string;
}

export interface SubqueryBinder {
  bindSubquery(stmt: Node, scope: Scope): { plan: LogicalPlan; types: SqlType[] };
}

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITH = new Set(['+', '-', '*', '/', '%']);

export function str(n: Node): string {
  return n?.String?.sval ?? n?.sval ?? '';
}

/** Bound type of a TypeName AST node. */
export function bindTypeName(tn: Node): SqlType {
  const names: string[] = (tn.names ?? []).map(str).filter((s: string) => s !== 'pg_catalog');
  const mods: number[] = (tn.typmods ?? []).map((m: Node) => m.A_Const?.ival?.ival ?? 0);
  const name = names.join('.');
  let t = typeFromName(name, mods);
  if (!t) {
    throw new DatabaseError(SqlState.undefinedObject, `type "${name}" does not exist`, {
      position: (tn.location ?? -1) + 1 || undefined,
    });
  }
  if (tn.arrayBounds && tn.arrayBounds.length > 0) t = arrayOf(t);
  return t;
}

function position(n: Node): number | undefined {
  const loc = n?.location;
  return typeof loc === 'number' && loc >= 0 ? loc + 1 : undefined;
}

/** Binds AST expressions of one query level to Expr nodes. */
export class ExprBinder {
  paramTypes: (SqlType | undefined)[];

  constructor(
    readonly registry: FunctionRegistry,
    readonly fc: FunctionContext,
    readonly sub: SubqueryBinder,
    paramTypes: (SqlType | undefined)[],
  ) {
    this.paramTypes = paramTypes;
  }

  coerce(
    e: Expr,
    to: SqlType,
    context: 'implicit' | 'assignment' | 'explicit' = 'implicit',
    what?: string,
  ): Expr {
    if (e.kind === 'param' && e.type.id === 'unknown') {
      this.paramTypes[e.index] = to;
      return { ...e, type: to };
    }
    if (e.kind === 'const' && e.type.id === 'unknown') {
      const named = regLiteral(e, to, this.fc);
      if (named) return named;
    }
    return coerce(e, to, context, this.fc, what);
  }

  bind(n: Node, scope: Scope, aggs: AggCollector): Expr {
    const key = Object.keys(n)[0]!;
    const v = n[key];
    switch (key) {
      case 'A_Const':
        return this.bindConst(v);
      case 'ColumnRef':
        return this.bindColumnRef(v, scope);
      case 'ParamRef': {
        const idx = (v.number ?? 1) - 1;
        const t = this.paramTypes[idx];
        if (this.paramTypes.length <= idx) this.paramTypes.length = idx + 1;
        return { kind: 'param', type: t ?? T.unknown, index: idx };
      }
      case 'A_Expr':
        return this.bindAExpr(v, scope, aggs);
      case 'BoolExpr': {
        const args = (v.args as Node[]).map((a) =>
          this.coerce(this.bind(a, scope, aggs), T.bool, 'implicit', 'argument of AND must be type boolean'),
        );
        if (v.boolop === 'NOT_EXPR') return { kind: 'not', type: T.bool, arg: args[0]! };
        return { kind: v.boolop === 'AND_EXPR' ? 'and' : 'or', type: T.bool, args };
      }
      case 'NullTest':
        if (v.arg.RowExpr) {
          const fields = (v.arg.RowExpr.args ?? []).map((a: Node) => this.bind(a, scope, aggs));
          return rowNullTest(fields, v.nulltesttype === 'IS_NOT_NULL');
        }
        return {
          kind: 'isnull',
          type: T.bool,
          arg: this.bind(v.arg, scope, aggs),
          negated: v.nulltesttype === 'IS_NOT_NULL',
        };
      case 'BooleanTest': {
        const arg = this.coerce(this.bind(v.arg, scope, aggs), T.bool);
        const m: Record<string, ['true' | 'false' | 'unknown', boolean]> = {
          IS_TRUE: ['true', false],
          IS_NOT_TRUE: ['true', true],
          IS_FALSE: ['false', false],
          IS_NOT_FALSE: ['false', true],
          IS_UNKNOWN: ['unknown', false],
          IS_NOT_UNKNOWN: ['unknown', true],
        };
        const [test, negated] = m[v.booltesttype]!;
        return { kind: 'booltest', type: T.bool, arg, test, negated };
      }
      case 'TypeCast': {
        const to = bindTypeName(v.typeName);
        const arg = this.bind(v.arg, scope, aggs);
        return regLiteral(arg, to, this.fc) ?? this.coerce(arg, to, 'explicit');
      }
      case 'CaseExpr':
        return this.bindCase(v, scope, aggs);
      case 'CoalesceExpr': {
        const args = (v.args as Node[]).map((a) => this.bind(a, scope, aggs));
        const t = commonType(
          args.map((a) => a.type),
          'COALESCE',
        );
        return { kind: 'coalesce', type: t, args: args.map((a) => this.coerce(a, t)) };
      }
      case 'MinMaxExpr': {
        const args = (v.args as Node[]).map((a) => this.bind(a, scope, aggs));
        const t = commonType(
          args.map((a) => a.type),
          v.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST',
        );
        return {
          kind: v.op === 'IS_GREATEST' ? 'greatest' : 'least',
          type: t,
          args: args.map((a) => this.coerce(a, t)),
        };
      }
      case 'FuncCall':
        return this.bindFuncCall(v, scope, aggs);
      case 'SubLink':
        return this.bindSubLink(v, scope, aggs);
      case 'A_ArrayExpr': {
        const elems = (v.elements ?? []).map((a: Node) => this.bind(a, scope, aggs));
        const t = commonType(
          elems.map((e: Expr) => e.type),
          'ARRAY',
        );
        return { kind: 'array', type: arrayOf(t), elems: elems.map((e: Expr) => this.coerce(e, t)) };
      }
      case 'A_Indirection': {
        let e = this.bind(v.arg, scope, aggs);
        for (const ind of v.indirection ?? []) {
          if (ind.A_Indices && !ind.A_Indices.is_slice) {
            const idx = this.coerce(this.bind(ind.A_Indices.uidx, scope, aggs), T.int4);
            e = { kind: 'subscript', type: e.type.elem ?? T.unknown, arg: e, index: idx };
          } else {
            throw new DatabaseError(
              SqlState.featureNotSupported,
              'this kind of indirection is not supported',
            );
          }
        }
        return e;
      }
      case 'SQLValueFunction':
        return this.bindSqlValueFunction(v);
      case 'CollateClause':
        return this.bind(v.arg, scope, aggs);
      case 'GroupingFunc': {
        if (!aggs.allowAggs)
          throw new DatabaseError(
            SqlState.groupingError,
            'arguments to GROUPING must be grouping expressions of the associated query level',
          );
        const args = (v.args as Node[]).map((a) => this.bind(a, scope, aggs));
        // Rewritten by the select binder into bits of the grouping-set mask.
        return {
          kind: 'call',
          type: T.int4,
          fn: GROUPING_FN,
          args: [constExpr(T.int4, GROUPING_MARK), ...args],
        };
      }
      case 'RowExpr': {
        // A row value is a record: a JS array of its fields (formatted as "(1,a)").
        const elems = ((v.args ?? []) as Node[]).map((a) => {
          const e = this.bind(a, scope, aggs);
          return e.type.id === 'unknown' ? this.coerce(e, T.text) : e;
        });
        return { kind: 'array', type: T.record, elems };
      }
      default:
        throw new DatabaseError(SqlState.featureNotSupported, `unsupported expression: ${key}`, {
          position: position(v),
        });
    }
  }

  private bindConst(v: Node): Expr {
    if (v.isnull) return constExpr(T.unknown, null);
    if (v.ival !== undefined) return constExpr(T.int4, v.ival.ival ?? 0);
    if (v.fval !== undefined) {
      const s: string = v.fval.fval;
      if (/^[+-]?\d+$/.test(s)) {
        const b = BigInt(s);
        if (b >= -(2n ** 63n) && b < 2n ** 63n) return constExpr(T.int8, b);
      }
      return constExpr(T.numeric, Decimal.parse(s));
    }
    if (v.boolval !== undefined) return constExpr(T.bool, v.boolval.boolval === true);
    if (v.sval !== undefined) return constExpr(T.unknown, v.sval.sval ?? '');
    if (v.bsval !== undefined) return constExpr(T.unknown, v.bsval.bsval ?? '');
    return constExpr(T.unknown, null);
  }

  private bindColumnRef(v: Node, scope: Scope): Expr {
    const fields: Node[] = v.fields;
    if (fields.some((f) => f.A_Star)) {
      throw new DatabaseError(SqlState.syntaxError, 'row expansion via "*" is not supported here', {
        position: position(v),
      });
    }
    const parts = fields.map(str);
    const name = parts[parts.length - 1]!;
    const qualifier = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    let depth = 0;
    for (let s: Scope | null = scope; s; s = s.parent, depth++) {
      const idx = s.lookup(name, qualifier);
      if (idx >= 0) {
        const f = s.fields[idx]!;
        if (depth === 0) return { kind: 'col', type: f.type, index: idx };
        for (let m: Scope | null = scope, d = 0; m && d < depth; m = m.parent, d++) m.correlated = true;
        return { kind: 'outer', type: f.type, depth, index: idx };
      }
    }
    if (qualifier !== undefined) {
      let known = false;
      for (let s: Scope | null = scope; s; s = s.parent) if (s.hasQualifier(qualifier)) known = true;
      if (!known) {
        throw new DatabaseError(
          SqlState.undefinedTable,
          `missing FROM-clause entry for table "${qualifier}"`,
          { position: position(v) },
        );
      }
      throw new DatabaseError(SqlState.undefinedColumn, `column ${qualifier}.${name} does not exist`, {
        position: position(v),
      });
    }
    throw new DatabaseError(SqlState.undefinedColumn, `column "${name}" does not exist`, {
      position: position(v),
    });
  }

  /** Resolves `a op b` (b absent for prefix operators). */
  bindOperator(op: string, left: Expr | null, right: Expr, loc?: number): Expr {
    if (op === '!=') op = '<>';
    if (left === null) {
      if (op === '+') return right;
      if (op === '-') {
        if (right.kind === 'const' && right.value !== null && isNumericType(right.type)) {
          return this.negateConst(right);
        }
        if (isNumericType(right.type) || right.type.id === 'interval') {
          return { kind: 'op', type: right.type, op: 'neg', argType: right.type, args: [right] };
        }
        if (right.type.id === 'unknown') {
          const r = this.coerce(right, T.float8);
          return { kind: 'op', type: T.float8, op: 'neg', argType: T.float8, args: [r] };
        }
      }
      return this.bindOperatorFunction(op, [right], loc);
    }
    const lt = left.type;
    const rt = right.type;
    const numericish = (t: SqlType) => isNumericType(t) || t.id === 'unknown';
    if (ARITH.has(op) && numericish(lt) && numericish(rt) && !(lt.id === 'unknown' && rt.id === 'unknown')) {
      let t = commonType([lt, rt], 'operator');
      if (t.id === 'oid' || t.id === 'regclass' || t.id === 'regtype') t = T.int8;
      if (op === '%' && (t.id === 'float8' || t.id === 'float4')) {
        throw this.noOperator(op, lt, rt, loc);
      }
      // Integer-only results keep numeric typmods out of arithmetic.
      if (t.id === 'numeric') t = T.numeric;
      return {
        kind: 'op',
        type: t,
        op: op as BuiltinOp,
        argType: t,
        args: [this.coerce(left, t), this.coerce(right, t)],
      };
    }
    if (COMPARISONS.has(op)) {
      const t = this.comparisonType(lt, rt, op, loc);
      if (t) {
        return {
          kind: 'op',
          type: T.bool,
          op: op as BuiltinOp,
          argType: t,
          args: [this.coerce(left, t), this.coerce(right, t)],
        };
      }
    }
    return this.bindOperatorFunction(op, [left, right], loc);
  }

  private negateConst(c: Expr & { kind: 'const' }): Expr {
    const v = c.value;
    if (typeof v === 'number') {
      if (c.type.id === 'int4' && v === -2147483648) return constExpr(T.int8, 2147483648n);
      return constExpr(c.type, v === 0 ? 0 : -v);
    }
    if (typeof v === 'bigint') {
      const n = -v;
      if (c.type.id === 'int8' && n === -2147483648n) return constExpr(T.int4, -2147483648);
      return constExpr(T.int8, n);
    }
    if (v instanceof Decimal) {
      const n = v.neg();
      // "-9223372036854775808" is a bigint literal once negated.
      if (n.scale === 0 && n.coef === -(2n ** 63n)) return constExpr(T.int8, n.coef);
      return constExpr(c.type, n);
    }
    return { kind: 'op', type: c.type, op: 'neg', argType: c.type, args: [c] };
  }

  private comparisonType(lt: SqlType, rt: SqlType, op: string, loc?: number): SqlType | null {
    if (lt.id === 'unknown' && rt.id === 'unknown') return T.text;
    if (lt.id === 'unknown') return rt;
    if (rt.id === 'unknown') return lt;
    if (lt.id === 'json' || rt.id === 'json') throw this.noOperator(op, lt, rt, loc);
    try {
      const t = commonType([lt, rt], 'operator');
      if (typeCategory(lt) !== typeCategory(rt) && !(isNumericType(lt) && isNumericType(rt))) {
        const ok = typeCategory(lt) === 'D' && typeCategory(rt) === 'D';
        if (!ok) throw this.noOperator(op, lt, rt, loc);
      }
      return t;
    } catch (e) {
      if (e instanceof DatabaseError && e.code === SqlState.datatypeMismatch)
        throw this.noOperator(op, lt, rt, loc);
      throw e;
    }
  }

  private noOperator(op: string, lt: SqlType | null, rt: SqlType, loc?: number): DatabaseError {
    const sig = lt ? `${typeName(lt)} ${op} ${typeName(rt)}` : `${op} ${typeName(rt)}`;
    return new DatabaseError(SqlState.undefinedFunction, `operator does not exist: ${sig}`, {
      hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      ...(loc !== undefined ? { position: loc } : {}),
    });
  }

  private bindOperatorFunction(op: string, args: Expr[], loc?: number): Expr {
    const cands = this.registry.scalars.get(op);
    try {
      const fn = resolveOverload(
        cands,
        args.map((a) => a.type),
        op,
      );
      return this.makeCall(fn, args);
    } catch (e) {
      if (e instanceof DatabaseError && e.code === SqlState.undefinedFunction) {
        throw this.noOperator(op, args.length === 2 ? args[0]!.type : null, args[args.length - 1]!.type, loc);
      }
      throw e;
    }
  }

  makeCall(fn: ScalarFunction, args: Expr[]): Expr {
    // anyelement arguments share one type.
    const anyIdx = args.map((_a, i) => i).filter((i) => formalArg(fn, i).id === 'anyelement');
    const anyType =
      anyIdx.length > 0
        ? commonType(
            anyIdx.map((i) => args[i]!.type),
            'function',
          )
        : undefined;
    const bound = args.map((a, i) => {
      const f = formalArg(fn, i);
      if (f.id === 'anyelement') return this.coerce(a, anyType!);
      if (f.id === 'any' && a.type.id === 'unknown') return this.coerce(a, T.text);
      return this.coerce(a, f);
    });
    const types = bound.map((a) => a.type);
    const type = typeof fn.ret === 'function' ? fn.ret(types) : fn.ret;
    return { kind: 'call', type, fn, args: bound };
  }

  private bindAExpr(v: Node, scope: Scope, aggs: AggCollector): Expr {
    const kind: string = v.kind;
    const opName = (v.name ?? []).map(str).pop() ?? '';
    const loc = position(v);
    switch (kind) {
      case 'AEXPR_OP': {
        if (v.lexpr && (v.lexpr.RowExpr || v.rexpr.RowExpr))
          return this.bindRowOperator(v, opName, scope, aggs);
        const l = v.lexpr ? this.bind(v.lexpr, scope, aggs) : null;
        const r = this.bind(v.rexpr, scope, aggs);
        if (l && LIKE_OPS.has(opName)) return this.bindComparison(opName, l, r, loc);
        return this.bindOperator(opName, l, r, loc);
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL': {
        const l = this.bind(v.lexpr, scope, aggs);
        const r = this.bind(v.rexpr, scope, aggs);
        const any = kind === 'AEXPR_OP_ANY';
        if (r.kind === 'array') {
          // x = ANY(ARRAY[a, b]) is an IN list: each element keeps its own operator resolution.
          const items = r.elems.map((e) => this.bindComparison(opName, l, e, loc));
          if (items.length === 0) return constExpr(T.bool, !any);
          return { kind: any ? 'or' : 'and', type: T.bool, args: items };
        }
        return quantifiedOverArray(this, opName, l, r, any, loc);
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT': {
        const negated = kind === 'AEXPR_NOT_DISTINCT';
        if (v.lexpr.RowExpr && v.rexpr.RowExpr) {
          const lf = this.rowFields(v.lexpr, scope, aggs)!;
          const rf = this.rowFields(v.rexpr, scope, aggs)!;
          return rowDistinct(this, lf, rf, negated, loc);
        }
        return this.bindDistinct(
          this.bind(v.lexpr, scope, aggs),
          this.bind(v.rexpr, scope, aggs),
          negated,
          loc,
        );
      }
      case 'AEXPR_NULLIF': {
        const l = this.bind(v.lexpr, scope, aggs);
        const r = this.bind(v.rexpr, scope, aggs);
        const t = commonType([l.type, r.type], 'NULLIF');
        return { kind: 'nullif', type: t, args: [this.coerce(l, t), this.coerce(r, t)] };
      }
      case 'AEXPR_IN': {
        if (v.lexpr.RowExpr) {
          const lf = this.rowFields(v.lexpr, scope, aggs)!;
          const items = listItems(v.rexpr).map((x) => {
            const f = this.rowFields(x, scope, aggs);
            if (!f) throw rowOperatorMismatch('=', true, this.bind(x, scope, aggs), loc);
            return f;
          });
          return rowInList(this, lf, items, opName === '<>', loc);
        }
        const l = this.bind(v.lexpr, scope, aggs);
        const items = listItems(v.rexpr).map((x) => this.bind(x, scope, aggs));
        const t = commonType([l.type, ...items.map((i) => i.type)], 'IN');
        const negated = opName === '<>';
        return {
          kind: 'inlist',
          type: T.bool,
          arg: this.coerce(l, t),
          list: items.map((i) => this.coerce(i, t)),
          negated,
        };
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE': {
        const l = this.bind(v.lexpr, scope, aggs);
        const r = this.bind(v.rexpr, scope, aggs);
        return this.like(l, r, kind === 'AEXPR_ILIKE', opName.startsWith('!'));
      }
      case 'AEXPR_SIMILAR': {
        const l = this.coerce(this.bind(v.lexpr, scope, aggs), T.text);
        const pat = v.rexpr.FuncCall
          ? this.bind(v.rexpr.FuncCall.args[0], scope, aggs)
          : this.bind(v.rexpr, scope, aggs);
        const fn = resolveOverload(this.registry.scalars.get('similar_to'), [T.text, T.text], 'similar_to');
        const call = this.makeCall(fn, [l, pat]);
        return opName.startsWith('!') ? { kind: 'not', type: T.bool, arg: call } : call;
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM': {
        const x = this.bind(v.lexpr, scope, aggs);
        const [lo, hi] = listItems(v.rexpr).map((n) => this.bind(n, scope, aggs)) as [Expr, Expr];
        const ge = this.bindOperator('>=', x, lo, loc);
        const le = this.bindOperator('<=', x, hi, loc);
        let e: Expr = { kind: 'and', type: T.bool, args: [ge, le] };
        if (kind.endsWith('_SYM')) {
          const ge2 = this.bindOperator('>=', x, hi, loc);
          const le2 = this.bindOperator('<=', x, lo, loc);
          e = { kind: 'or', type: T.bool, args: [e, { kind: 'and', type: T.bool, args: [ge2, le2] }] };
        }
        return kind.includes('NOT') ? { kind: 'not', type: T.bool, arg: e } : e;
      }
      default:
        throw new DatabaseError(SqlState.featureNotSupported, `unsupported operator kind ${kind}`, {
          position: loc,
        });
    }
  }

  /** `l op r` for comparison and LIKE-family operators (row and quantified comparisons use it). */
  bindComparison(op: string, l: Expr, r: Expr, loc?: number): Expr {
    if (LIKE_OPS.has(op)) return this.like(l, r, op.includes('*'), op.startsWith('!'));
    return this.bindOperator(op, l, r, loc);
  }

  bindDistinct(l: Expr, r: Expr, negated: boolean, loc?: number): Expr {
    const t = this.comparisonType(l.type, r.type, '=', loc) ?? T.text;
    return { kind: 'isdistinct', type: T.bool, args: [this.coerce(l, t), this.coerce(r, t)], negated };
  }

  /**
   * The fields of a row operand: a row constructor's items or, with `subquery`, the columns of a
   * subquery used as a row (`(a, b) = (SELECT x, y ...)`). Null when `n` is not row-shaped.
   */
  rowFields(n: Node, scope: Scope, aggs: AggCollector, subquery = false): Expr[] | null {
    if (n.RowExpr) return ((n.RowExpr.args ?? []) as Node[]).map((a) => this.bind(a, scope, aggs));
    if (subquery && n.SubLink?.subLinkType === 'EXPR_SUBLINK')
      return this.rowSubqueryFields(n.SubLink, scope);
    return null;
  }

  /**
   * A subquery used as a row: its single row as a record, each field read by subscript. No row gives
   * NULL fields; more than one is 21000, as for any scalar subquery.
   */
  rowSubqueryFields(v: Node, scope: Scope): Expr[] {
    const inner = new Scope(scope);
    const { plan, types } = this.sub.bindSubquery(v.subselect, inner);
    const sub: Expr = {
      kind: 'subquery',
      type: T.record,
      mode: 'scalar',
      plan: recordPlan(plan, types),
      correlated: inner.correlated,
    };
    return types.map((t, i) => ({ kind: 'subscript', type: t, arg: sub, index: constExpr(T.int4, i + 1) }));
  }

  private bindRowOperator(v: Node, op: string, scope: Scope, aggs: AggCollector): Expr {
    const loc = position(v);
    const lf = this.rowFields(v.lexpr, scope, aggs, true);
    const rf = this.rowFields(v.rexpr, scope, aggs, true);
    if (lf && rf) return rowComparison(this, op, lf, rf, loc);
    throw rowOperatorMismatch(op, lf !== null, this.bind(lf ? v.rexpr : v.lexpr, scope, aggs), loc);
  }

  private like(l: Expr, r: Expr, ci: boolean, negated: boolean): Expr {
    return {
      kind: 'like',
      type: T.bool,
      arg: this.coerce(l, T.text),
      pattern: this.coerce(r, T.text),
      caseInsensitive: ci,
      negated,
    };
  }

  private bindCase(v: Node, scope: Scope, aggs: AggCollector): Expr {
    const arg = v.arg ? this.bind(v.arg, scope, aggs) : null;
    const whens = (v.args as Node[]).map((w) => {
      const cw = w.CaseWhen;
      let cond = this.bind(cw.expr, scope, aggs);
      if (arg) cond = this.bindOperator('=', arg, cond);
      return { cond: this.coerce(cond, T.bool), then: this.bind(cw.result, scope, aggs) };
    });
    const els = v.defresult ? this.bind(v.defresult, scope, aggs) : constExpr(T.unknown, null);
    const t = commonType([...whens.map((w) => w.then.type), els.type], 'CASE');
    return {
      kind: 'case',
      type: t,
      whens: whens.map((w) => ({ cond: w.cond, then: this.coerce(w.then, t) })),
      else: this.coerce(els, t),
    };
  }

  private bindSqlValueFunction(v: Node): Expr {
    const name: Record<string, string> = {
      SVFOP_CURRENT_DATE: 'current_date',
      SVFOP_CURRENT_TIMESTAMP: 'now',
      SVFOP_CURRENT_TIMESTAMP_N: 'now',
      SVFOP_LOCALTIMESTAMP: 'localtimestamp',
      SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
      SVFOP_CURRENT_TIME: 'current_time',
      SVFOP_LOCALTIME: 'localtime',
      SVFOP_CURRENT_USER: 'current_user',
      SVFOP_SESSION_USER: 'session_user',
      SVFOP_USER: 'current_user',
      SVFOP_CURRENT_ROLE: 'current_user',
      SVFOP_CURRENT_CATALOG: 'current_database',
      SVFOP_CURRENT_SCHEMA: 'current_schema',
    };
    const fname = name[v.op] ?? 'now';
    const fn = resolveOverload(this.registry.scalars.get(fname), [], fname);
    return this.makeCall(fn, []);
  }

  private bindSubLink(v: Node, scope: Scope, aggs: AggCollector): Expr {
    const inner = new Scope(scope);
    const { plan, types } = this.sub.bindSubquery(v.subselect, inner);
    const correlated = inner.correlated;
    switch (v.subLinkType) {
      case 'EXPR_SUBLINK':
        if (types.length !== 1)
          throw new DatabaseError(SqlState.syntaxError, 'subquery must return only one column', {
            position: position(v),
          });
        return { kind: 'subquery', type: types[0]!, mode: 'scalar', plan, correlated };
      case 'EXISTS_SUBLINK':
        return { kind: 'subquery', type: T.bool, mode: 'exists', plan, correlated };
      case 'ARRAY_SUBLINK':
        return { kind: 'subquery', type: arrayOf(types[0]!), mode: 'array', plan, correlated };
      case 'ANY_SUBLINK':
      case 'ALL_SUBLINK': {
        let op = (v.operName ?? []).map(str).pop() ?? '=';
        if (op === '!=') op = '<>';
        if (v.testexpr?.RowExpr) {
          const left = this.rowFields(v.testexpr, scope, aggs)!;
          const rows: Expr = {
            kind: 'subquery',
            type: arrayOf(T.record),
            mode: 'array',
            plan: recordPlan(plan, types),
            correlated,
          };
          return quantifiedOverRows(
            this,
            op,
            left,
            types,
            rows,
            v.subLinkType === 'ANY_SUBLINK',
            position(v),
          );
        }
        if (types.length !== 1)
          throw new DatabaseError(SqlState.syntaxError, 'subquery has too many columns', {
            position: position(v),
          });
        const test = this.bind(v.testexpr, scope, aggs);
        const t = this.comparisonType(test.type, types[0]!, op) ?? T.text;
        const mode = v.subLinkType === 'ANY_SUBLINK' ? 'any' : 'all';
        const plan2 = types[0]!.id === t.id ? plan : castPlanColumn(plan, t, this);
        return {
          kind: 'subquery',
          type: T.bool,
          mode,
          plan: plan2,
          test: this.coerce(test, t),
          op: op as BuiltinOp,
          opType: t,
          correlated,
        };
      }
      default:
        throw new DatabaseError(SqlState.featureNotSupported, `unsupported subquery kind ${v.subLinkType}`);
    }
  }

  private bindFuncCall(v: Node, scope: Scope, aggs: AggCollector): Expr {
    const names: string[] = (v.funcname as Node[]).map(str).filter((s) => s !== 'pg_catalog');
    const name = names.join('.').toLowerCase();
    const loc = position(v);
    const aggCands = this.registry.aggregates.get(name);
    if (v.over) return this.bindWindowCall(v, name, scope, aggs);
    if (aggCands) {
      if (!aggs.allowAggs) {
        throw new DatabaseError(
          SqlState.groupingError,
          `aggregate functions are not allowed in ${aggs.clause}`,
          { position: loc },
        );
      }
      const call = this.bindAggCall(v, name, aggCands, scope, aggs);
      aggs.aggs.push(call);
      return { kind: 'col', type: call.type, index: AGG_MARK + aggs.aggs.length - 1 };
    }
    if (v.agg_star)
      throw new DatabaseError(SqlState.undefinedFunction, `function ${name}(*) does not exist`, {
        position: loc,
      });
    const rawArgs = (v.args ?? []) as Node[];
    const args = rawArgs.map((a) => this.bind(a.NamedArgExpr ? a.NamedArgExpr.arg : a, scope, aggs));
    const cands = this.registry.scalars.get(name);
    if (rawArgs.some((a) => a.NamedArgExpr)) {
      const named = rawArgs.map((a, i) => ({
        name: (a.NamedArgExpr?.name as string) ?? null,
        expr: args[i]!,
      }));
      const call = bindNamedArgs(name, cands, named, loc);
      return this.makeCall(call.fn, call.args);
    }
    if (!cands) {
      if (WINDOW_FUNCTION_NAMES.has(name))
        throw new DatabaseError(SqlState.windowingError, `window function ${name} requires an OVER clause`, {
          position: loc,
        });
      throw new DatabaseError(
        SqlState.undefinedFunction,
        `function ${name}(${args.map((a) => (a.type.id === 'unknown' ? 'unknown' : typeName(a.type))).join(', ')}) does not exist`,
        {
          hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
          position: loc,
        },
      );
    }
    try {
      const fn = resolveOverload(
        cands,
        args.map((a) => a.type),
        name,
      );
      return this.makeCall(fn, args);
    } catch (e) {
      if (e instanceof DatabaseError && e.position === undefined && loc !== undefined) e.position = loc;
      throw e;
    }
  }

  /**
   * Binds an aggregate call. `argScope` is set for a window aggregate: its arguments are evaluated
   * after grouping, so they may contain plain aggregates (`sum(count(*)) OVER ()`).
   */
  bindAggCall(
    v: Node,
    name: string,
    cands: readonly AggregateFunction[],
    scope: Scope,
    outer: AggCollector,
    argScope?: AggCollector,
  ): AggCall {
    // Arguments of a plain aggregate may not contain aggregates.
    const inner: AggCollector = argScope ?? {
      ...outer,
      aggs: [],
      windows: [],
      allowAggs: false,
      allowWindows: false,
      clause: 'aggregate function calls',
    };
    let args: Expr[] = v.agg_star ? [] : ((v.args ?? []) as Node[]).map((a) => this.bind(a, scope, inner));
    let direct: Expr[] = [];
    const orderBy: SortKey[] = [];
    for (const s of (v.agg_order ?? []) as Node[]) {
      const sb = s.SortBy;
      const { desc, nullsFirst } = sortOrder(sb);
      orderBy.push({ expr: this.bind(sb.node, scope, inner), desc, nullsFirst });
    }
    if (v.agg_within_group) {
      direct = args;
      args = orderBy.map((o) => o.expr);
    }
    // Direct arguments take part in resolution: percentile_cont(0.5) and percentile_cont(ARRAY[..])
    // differ only in them.
    const resolved = resolveOverload(
      cands
        .filter((c) => (c.directArgs?.length ?? 0) === direct.length)
        .map((c) => ({ name: c.name, args: [...(c.directArgs ?? []), ...c.args], fn: c })),
      [...direct, ...args].map((a) => a.type),
      name,
    ).fn;
    // An ordered-set aggregate sorts its input itself, so the direction is part of the overload.
    const fn = resolved.orderedSet && orderBy[0]?.desc ? sortedDescending(resolved) : resolved;
    const boundArgs = args.map((a, i) => {
      const f = formalArg(fn, i);
      if ((f.id === 'any' || f.id === 'anyelement') && a.type.id === 'unknown') return this.coerce(a, T.text);
      return this.coerce(a, f);
    });
    const boundDirect = direct.map((d, i) => this.coerce(d, fn.directArgs![i]!));
    const types = boundArgs.map((a) => a.type);
    const type = typeof fn.ret === 'function' ? fn.ret(types) : fn.ret;
    const filter = v.agg_filter ? this.coerce(this.bind(v.agg_filter, scope, inner), T.bool) : null;
    return {
      fn,
      args: boundArgs,
      directArgs: boundDirect,
      distinct: v.agg_distinct === true,
      filter,
      orderBy: v.agg_within_group ? orderBy : orderBy,
      type,
    };
  }

  private bindWindowCall(v: Node, name: string, scope: Scope, aggs: AggCollector): Expr {
    const loc = position(v);
    if (!aggs.allowWindows)
      throw new DatabaseError(SqlState.windowingError, `window functions are not allowed in ${aggs.clause}`, {
        position: loc,
      });
    let over = v.over;
    if (over.refname && aggs.windowDefs.has(over.refname)) {
      const base = aggs.windowDefs.get(over.refname);
      over = {
        ...base,
        ...Object.fromEntries(Object.entries(over).filter(([k, x]) => x !== undefined && k !== 'refname')),
      };
      if (!v.over.partitionClause) over.partitionClause = base.partitionClause;
      if (!v.over.orderClause) over.orderClause = base.orderClause;
    } else if (over.name && !over.partitionClause && !over.orderClause && aggs.windowDefs.has(over.name)) {
      over = aggs.windowDefs.get(over.name);
    }
    const inner: AggCollector = { ...aggs, allowWindows: false, clause: 'window function calls' };
    const partitionBy = ((over.partitionClause ?? []) as Node[]).map((p) => this.bind(p, scope, inner));
    const orderBy: SortKey[] = ((over.orderClause ?? []) as Node[]).map((s) => {
      const sb = s.SortBy;
      const { desc, nullsFirst } = sortOrder(sb);
      return { expr: this.bind(sb.node, scope, inner), desc, nullsFirst };
    });
    const frame = this.bindFrame(over, scope, inner);
    const aggCands = this.registry.aggregates.get(name);
    let call: WindowCall;
    if (aggCands) {
      const a = this.bindAggCall({ ...v, over: undefined }, name, aggCands, scope, inner, inner);
      call = {
        name,
        agg: a.fn,
        args: a.args,
        partitionBy,
        orderBy,
        frame,
        filter: a.filter,
        distinct: a.distinct,
        type: a.type,
      };
    } else {
      const args = ((v.args ?? []) as Node[]).map((a) => this.bind(a, scope, inner));
      const type = windowResultType(name, args, loc);
      const coerced = args.map((a, i) => {
        if ((name === 'lag' || name === 'lead') && i === 2)
          return this.coerce(a, args[0]!.type.id === 'unknown' ? T.text : args[0]!.type);
        if ((name === 'lag' || name === 'lead') && i === 1) return this.coerce(a, T.int4);
        if (name === 'ntile' || (name === 'nth_value' && i === 1)) return this.coerce(a, T.int4);
        if (a.type.id === 'unknown') return this.coerce(a, T.text);
        return a;
      });
      call = {
        name,
        agg: null,
        args: coerced,
        partitionBy,
        orderBy,
        frame,
        filter: null,
        distinct: false,
        type,
      };
    }
    aggs.windows.push(call);
    return { kind: 'col', type: call.type, index: WIN_MARK + aggs.windows.length - 1 };
  }

  private bindFrame(over: Node, scope: Scope, aggs: AggCollector): WindowCall['frame'] {
    const opts: number = over.frameOptions ?? 0;
    // Bits from PostgreSQL's parsenodes.h FRAMEOPTION_*.
    const F = {
      RANGE: 0x2,
      ROWS: 0x4,
      GROUPS: 0x8,
      START_UNBOUNDED_PRECEDING: 0x20,
      END_UNBOUNDED_FOLLOWING: 0x100,
      START_CURRENT_ROW: 0x200,
      END_CURRENT_ROW: 0x400,
      START_OFFSET_PRECEDING: 0x800,
      END_OFFSET_PRECEDING: 0x1000,
      START_OFFSET_FOLLOWING: 0x2000,
      END_OFFSET_FOLLOWING: 0x4000,
      EXCLUDE_CURRENT_ROW: 0x8000,
      EXCLUDE_GROUP: 0x10000,
      EXCLUDE_TIES: 0x20000,
      NONDEFAULT: 0x1,
    };
    if (!(opts & F.NONDEFAULT)) {
      return {
        mode: 'range',
        start: { kind: 'unbounded_preceding' },
        end: { kind: 'current_row' },
        exclude: 'no_others',
      };
    }
    const mode = opts & F.ROWS ? 'rows' : opts & F.GROUPS ? 'groups' : 'range';
    const off = (n: Node): Expr => {
      const e = this.bind(n, scope, aggs);
      return mode === 'range' ? e : this.coerce(e, T.int8);
    };
    const start: WindowCall['frame']['start'] =
      opts & F.START_UNBOUNDED_PRECEDING
        ? { kind: 'unbounded_preceding' }
        : opts & F.START_CURRENT_ROW
          ? { kind: 'current_row' }
          : opts & F.START_OFFSET_PRECEDING
            ? { kind: 'preceding', offset: off(over.startOffset) }
            : opts & F.START_OFFSET_FOLLOWING
              ? { kind: 'following', offset: off(over.startOffset) }
              : { kind: 'unbounded_preceding' };
    const end: WindowCall['frame']['end'] =
      opts & F.END_UNBOUNDED_FOLLOWING
        ? { kind: 'unbounded_following' }
        : opts & F.END_CURRENT_ROW
          ? { kind: 'current_row' }
          : opts & F.END_OFFSET_PRECEDING
            ? { kind: 'preceding', offset: off(over.endOffset) }
            : opts & F.END_OFFSET_FOLLOWING
              ? { kind: 'following', offset: off(over.endOffset) }
              : { kind: 'current_row' };
    const exclude =
      opts & F.EXCLUDE_CURRENT_ROW
        ? 'current_row'
        : opts & F.EXCLUDE_GROUP
          ? 'group'
          : opts & F.EXCLUDE_TIES
            ? 'ties'
            : 'no_others';
    return { mode, start, end, exclude };
  }
}

const LIKE_OPS = new Set(['~~', '!~~', '~~*', '!~~*']);

/** Wraps a plan so its single output column is the record of all its columns. */
function recordPlan(plan: LogicalPlan, types: readonly SqlType[]): LogicalPlan {
  return {
    kind: 'project',
    fields: [{ name: 'row', type: T.record }],
    input: plan,
    exprs: [
      { kind: 'array', type: T.record, elems: types.map((t, i) => ({ kind: 'col', type: t, index: i })) },
    ],
  };
}

function windowResultType(name: string, args: Expr[], loc?: number): SqlType {
  switch (name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return T.int8;
    case 'percent_rank':
    case 'cume_dist':
      return T.float8;
    case 'ntile':
      return T.int4;
    case 'lag':
    case 'lead':
    case 'first_value':
    case 'last_value':
    case 'nth_value':
      if (!args[0])
        throw new DatabaseError(SqlState.undefinedFunction, `function ${name}() does not exist`, {
          position: loc,
        });
      return args[0].type.id === 'unknown' ? T.text : args[0].type;
    default:
      throw new DatabaseError(SqlState.undefinedFunction, `function ${name} does not exist`, {
        position: loc,
      });
  }
}

/** GROUPING(a, b): bits of the grouping-set mask for the named keys (rewritten in select binding). */
export const GROUPING_FN: ScalarFunction = {
  name: 'grouping',
  args: [],
  variadic: T.any,
  ret: T.int4,
  strict: false,
  impl: () => 0,
};

/** Wraps a subquery plan so its single output column has type t. */
function castPlanColumn(plan: LogicalPlan, t: SqlType, b: ExprBinder): LogicalPlan {
  const f = plan.fields[0]!;
  const e = b.coerce({ kind: 'col', type: f.type, index: 0 }, t);
  return { kind: 'project', fields: [{ name: f.name, type: t }], input: plan, exprs: [e] };
}

/** Replaces marker column refs (aggregates, windows) using `fn`. */
export function replaceMarkers(e: Expr, fn: (index: number, e: Expr) => Expr | undefined): Expr {
  return mapExpr(e, (x) => (x.kind === 'col' && x.index >= AGG_MARK ? fn(x.index, x) : undefined));
}

/** A list operand as PG18's parser gives it: `{List: {items}}`, or a bare array. */
function listItems(n: Node): Node[] {
  return Array.isArray(n) ? (n as Node[]) : ((n?.List?.items ?? []) as Node[]);
}
