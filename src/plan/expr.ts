import type { ScalarFunction } from '../sql/functions/registry.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import type { LogicalPlan } from './logical.js';

/**
 * Bound scalar expressions: read-only nodes with a `kind` literal and a result `type`. Column
 * references point at the input row of the operator that evaluates them (`col`) or at an enclosing
 * query's row (`outer`, depth 1 = the immediately enclosing query).
 */
export type Expr =
  | ConstExpr
  | ParamExpr
  | ColExpr
  | OuterExpr
  | CallExpr
  | OpExpr
  | CastExpr
  | BoolExpr
  | NotExpr
  | IsNullExpr
  | IsDistinctExpr
  | BoolTestExpr
  | CaseExpr
  | CoalesceExpr
  | NullIfExpr
  | MinMaxExpr
  | InListExpr
  | LikeExpr
  | SubqueryExpr
  | ArrayExpr
  | SubscriptExpr;

export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: Value;
}
export interface ParamExpr {
  readonly kind: 'param';
  readonly type: SqlType;
  /** 0-based parameter number ($1 is 0). */
  readonly index: number;
}
export interface ColExpr {
  readonly kind: 'col';
  readonly type: SqlType;
  readonly index: number;
}
/**
 * A plan fragment's structure as a string (functions left out): equal for the same expressions or
 * sort keys over the same input.
 */
export function planShape(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    typeof v === 'function' ? undefined : typeof v === 'bigint' ? `${v}n` : v,
  );
}

/** The input column an expression reads when it is a plain column reference, else -1. */
export function columnOf(e: Expr): number {
  return e.kind === 'col' ? e.index : -1;
}

export interface OuterExpr {
  readonly kind: 'outer';
  readonly type: SqlType;
  readonly depth: number;
  readonly index: number;
}
export interface CallExpr {
  readonly kind: 'call';
  readonly type: SqlType;
  readonly fn: ScalarFunction;
  readonly args: readonly Expr[];
}
/** Built-in arithmetic and comparison on two (or one, for unary minus) operands of one type. */
export type BuiltinOp = '+' | '-' | '*' | '/' | '%' | 'neg' | '=' | '<>' | '<' | '<=' | '>' | '>=';
export interface OpExpr {
  readonly kind: 'op';
  readonly type: SqlType;
  readonly op: BuiltinOp;
  /** Operand type (both operands have it after binding). */
  readonly argType: SqlType;
  readonly args: readonly Expr[];
}
export interface CastExpr {
  readonly kind: 'cast';
  readonly type: SqlType;
  readonly arg: Expr;
  /** Explicit casts truncate varchar(n) silently; assignment casts raise 22001. */
  readonly explicit: boolean;
}
export interface BoolExpr {
  readonly kind: 'and' | 'or';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface NotExpr {
  readonly kind: 'not';
  readonly type: SqlType;
  readonly arg: Expr;
}
export interface IsNullExpr {
  readonly kind: 'isnull';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly negated: boolean;
}
export interface IsDistinctExpr {
  readonly kind: 'isdistinct';
  readonly type: SqlType;
  readonly args: readonly [Expr, Expr];
  readonly negated: boolean;
}
export interface BoolTestExpr {
  readonly kind: 'booltest';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negated: boolean;
}
export interface CaseExpr {
  readonly kind: 'case';
  readonly type: SqlType;
  readonly whens: readonly { readonly cond: Expr; readonly then: Expr }[];
  readonly else: Expr;
}
export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface NullIfExpr {
  readonly kind: 'nullif';
  readonly type: SqlType;
  readonly args: readonly [Expr, Expr];
}
export interface MinMaxExpr {
  readonly kind: 'greatest' | 'least';
  readonly type: SqlType;
  readonly args: readonly Expr[];
}
export interface InListExpr {
  readonly kind: 'inlist';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}
export interface LikeExpr {
  readonly kind: 'like';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly pattern: Expr;
  readonly caseInsensitive: boolean;
  readonly negated: boolean;
}
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly type: SqlType;
  readonly mode: 'scalar' | 'exists' | 'any' | 'all' | 'array';
  readonly plan: LogicalPlan;
  /** For any/all: the left operand and the comparison applied to each row's first column. */
  readonly test?: Expr;
  readonly op?: BuiltinOp;
  readonly opType?: SqlType;
  /** Whether the plan references this query's row (then it runs per row). */
  readonly correlated: boolean;
}
export interface ArrayExpr {
  readonly kind: 'array';
  readonly type: SqlType;
  readonly elems: readonly Expr[];
}
export interface SubscriptExpr {
  readonly kind: 'subscript';
  readonly type: SqlType;
  readonly arg: Expr;
  readonly index: Expr;
}

export function constExpr(type: SqlType, value: Value): ConstExpr {
  return { kind: 'const', type, value };
}
export function colExpr(type: SqlType, index: number): ColExpr {
  return { kind: 'col', type, index };
}

/** Calls `fn` on every direct child expression (not into subquery plans). */
export function forEachChild(e: Expr, fn: (c: Expr) => void): void {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'col':
    case 'outer':
      return;
    case 'call':
    case 'op':
    case 'and':
    case 'or':
    case 'coalesce':
    case 'greatest':
    case 'least':
    case 'isdistinct':
    case 'nullif':
      e.args.forEach(fn);
      return;
    case 'array':
      e.elems.forEach(fn);
      return;
    case 'cast':
    case 'not':
    case 'isnull':
    case 'booltest':
      fn(e.arg);
      return;
    case 'case':
      for (const w of e.whens) {
        fn(w.cond);
        fn(w.then);
      }
      fn(e.else);
      return;
    case 'inlist':
      fn(e.arg);
      e.list.forEach(fn);
      return;
    case 'like':
      fn(e.arg);
      fn(e.pattern);
      return;
    case 'subquery':
      if (e.test) fn(e.test);
      return;
    case 'subscript':
      fn(e.arg);
      fn(e.index);
      return;
  }
}

/** Rebuilds an expression bottom-up, replacing nodes for which `fn` returns a value. */
export function mapExpr(e: Expr, fn: (e: Expr) => Expr | undefined): Expr {
  const r = fn(e);
  if (r !== undefined) return r;
  const m = (x: Expr): Expr => mapExpr(x, fn);
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'col':
    case 'outer':
      return e;
    case 'call':
      return { ...e, args: e.args.map(m) };
    case 'op':
      return { ...e, args: e.args.map(m) };
    case 'and':
    case 'or':
      return { ...e, args: e.args.map(m) };
    case 'coalesce':
    case 'greatest':
    case 'least':
      return { ...e, args: e.args.map(m) };
    case 'isdistinct':
      return { ...e, args: [m(e.args[0]), m(e.args[1])] };
    case 'nullif':
      return { ...e, args: [m(e.args[0]), m(e.args[1])] };
    case 'array':
      return { ...e, elems: e.elems.map(m) };
    case 'cast':
      return { ...e, arg: m(e.arg) };
    case 'not':
      return { ...e, arg: m(e.arg) };
    case 'isnull':
      return { ...e, arg: m(e.arg) };
    case 'booltest':
      return { ...e, arg: m(e.arg) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: m(w.cond), then: m(w.then) })), else: m(e.else) };
    case 'inlist':
      return { ...e, arg: m(e.arg), list: e.list.map(m) };
    case 'like':
      return { ...e, arg: m(e.arg), pattern: m(e.pattern) };
    case 'subquery':
      return e.test ? { ...e, test: m(e.test) } : e;
    case 'subscript':
      return { ...e, arg: m(e.arg), index: m(e.index) };
  }
}

/** Column indexes an expression reads from its input row. */
export function referencedColumns(e: Expr, out: Set<number> = new Set()): Set<number> {
  if (e.kind === 'col') out.add(e.index);
  else forEachChild(e, (c) => referencedColumns(c, out));
  return out;
}

export function containsSubquery(e: Expr): boolean {
  if (e.kind === 'subquery') return true;
  let found = false;
  forEachChild(e, (c) => {
    if (!found && containsSubquery(c)) found = true;
  });
  return found;
}

/** Whether the expression reads an enclosing query's row (a correlated reference). */
export function containsOuter(e: Expr): boolean {
  if (e.kind === 'outer') return true;
  let found = false;
  forEachChild(e, (c) => {
    if (!found && containsOuter(c)) found = true;
  });
  return found;
}

export function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.fn.volatile) return true;
  if (e.kind === 'subquery') return true;
  let v = false;
  forEachChild(e, (c) => {
    if (!v && isVolatile(c)) v = true;
  });
  return v;
}

/** Splits a predicate into its AND-ed conjuncts. */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'and') return e.args.flatMap(conjuncts);
  return [e];
}
