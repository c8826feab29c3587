import { DatabaseError, SqlState } from '../../errors.js';
import { CompiledExpr } from '../../exec/compile.js';
import { ExecContext, type DataSource } from '../../exec/context.js';
import { colExpr, type Expr } from '../../plan/expr.js';
import { arrayOf, T, type SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { FunctionContext, ScalarFunction } from '../functions/registry.js';
import { rowComparison, type ComparisonBinder } from './row-compare.js';

/**
 * Quantified comparisons over collections the executor has no operator for:
 *
 * - `x op ANY (array)` / `ALL (array)` over any array-valued expression (a column, a parameter, a
 *   cast literal such as `'{1,2}'::int[]`, `ARRAY(SELECT ...)`);
 * - `(a, b) op ANY (SELECT x, y ...)` / `ALL`, which `(a, b) [NOT] IN (SELECT ...)` becomes.
 *
 * Both lower to a call of a non-strict function built here: the comparison is bound once as an
 * ordinary expression over a row `[left..., element...]` (so it resolves, casts and compares exactly
 * like `x op y` elsewhere), compiled, and run per element. NULL rules are PostgreSQL's: a NULL array
 * gives NULL; an empty one gives false for ANY and true for ALL (even when x is NULL); otherwise ANY
 * is true if some comparison is true, else NULL if some was NULL, else false (ALL dually).
 */

export interface QuantifiedBinder extends ComparisonBinder {
  coerce(e: Expr, to: SqlType): Expr;
}

// Comparison templates read only their row, so they run against a context without tables.
const NO_DATA: DataSource = {
  snapshot() {
    throw new Error('a comparison template reads no tables');
  },
  localChunk: () => undefined,
  locallyDeletedRows: () => undefined,
};
const templateContexts = new WeakMap<FunctionContext, ExecContext>();
function templateContext(fc: FunctionContext): ExecContext {
  let ctx = templateContexts.get(fc);
  if (!ctx) {
    ctx = new ExecContext([], fc, NO_DATA, { sliceMs: Infinity, memoryLimit: Infinity });
    templateContexts.set(fc, ctx);
  }
  return ctx;
}

function quantify(items: readonly Value[], any: boolean, test: (item: Value) => Value): Value {
  let sawNull = false;
  for (const item of items) {
    const r = test(item);
    if (r === null) sawNull = true;
    else if (r === any) return any;
  }
  return sawNull ? null : !any;
}

/** Elements of a possibly multi-dimensional array, in storage order (ANY treats them as one list). */
function flatten(arr: readonly Value[], out: Value[] = []): Value[] {
  for (const v of arr) {
    if (Array.isArray(v)) flatten(v, out);
    else out.push(v);
  }
  return out;
}

/** Types whose equal values are the same JS primitive, so membership is a Set lookup. */
const PRIMITIVE_EQ = new Set([
  'int2',
  'int4',
  'int8',
  'text',
  'varchar',
  'name',
  'uuid',
  'bool',
  'date',
  'time',
  'timestamp',
  'timestamptz',
]);

/**
 * `x = ANY (arr)` and `x <> ALL (arr)` on primitive-compared types: membership in a Set built once
 * per array value (an uncorrelated array such as `$1` is the same object on every row).
 */
function membership(any: boolean): (x: Value, items: Value[]) => Value {
  const sets = new WeakMap<Value[], { set: Set<Value>; hasNull: boolean }>();
  return (x, items) => {
    if (items.length === 0) return !any;
    if (x === null) return null;
    let m = sets.get(items);
    if (!m) {
      const list = flatten(items);
      m = { set: new Set(list), hasNull: list.includes(null) };
      sets.set(items, m);
    }
    if (m.set.has(x)) return any;
    return m.hasNull ? null : !any;
  };
}

function position(loc: number | undefined): { position?: number } {
  return loc !== undefined ? { position: loc } : {};
}

/** `x op ANY (arr)` (any = true) or `x op ALL (arr)`. */
export function quantifiedOverArray(
  b: QuantifiedBinder,
  op: string,
  x: Expr,
  arr: Expr,
  any: boolean,
  loc?: number,
): Expr {
  // An untyped literal or parameter on the right is an array of the left operand's type.
  if (arr.type.id === 'unknown') arr = b.coerce(arr, arrayOf(x.type.id === 'unknown' ? T.text : x.type));
  if (arr.type.id !== 'array')
    throw new DatabaseError(
      SqlState.wrongObjectType,
      'op ANY/ALL (array) requires array on right side',
      position(loc),
    );
  const elem = arr.type.elem ?? T.text;
  const nested = elem.id === 'array' || elem.id === 'record';
  if (x.type.id === 'unknown') x = b.coerce(x, elem);
  const template = b.bindComparison(op, colExpr(x.type, 0), colExpr(elem, 1), loc);
  if (template.type.id !== 'bool')
    throw new DatabaseError(
      SqlState.wrongObjectType,
      'op ANY/ALL (array) requires operator to yield boolean',
      position(loc),
    );
  const compiled = new CompiledExpr(template);
  const fast =
    (any ? op === '=' : op === '<>') && x.type.id === elem.id && PRIMITIVE_EQ.has(elem.id)
      ? membership(any)
      : null;
  const fn: ScalarFunction = {
    name: `${op} ${any ? 'ANY' : 'ALL'}`,
    args: [x.type, arr.type],
    ret: T.bool,
    strict: false,
    impl: (args, fc) => {
      const [left = null, items = null] = args;
      if (items === null) return null;
      if (fast) return fast(left, items as Value[]);
      const list = nested ? (items as Value[]) : flatten(items as Value[]);
      const ctx = templateContext(fc);
      return quantify(list, any, (item) => compiled.evalRow([left, item], ctx));
    },
  };
  return { kind: 'call', type: T.bool, fn, args: [x, arr] };
}

/**
 * `(left...) op ANY (rows)` / `ALL`, where `rows` evaluates to an array of records (a subquery in
 * 'array' mode over a plan whose single column is the record of its output columns).
 */
export function quantifiedOverRows(
  b: QuantifiedBinder,
  op: string,
  left: readonly Expr[],
  rightTypes: readonly SqlType[],
  rows: Expr,
  any: boolean,
  loc?: number,
): Expr {
  if (left.length > rightTypes.length)
    throw new DatabaseError(SqlState.syntaxError, 'subquery has too few columns', position(loc));
  if (left.length < rightTypes.length)
    throw new DatabaseError(SqlState.syntaxError, 'subquery has too many columns', position(loc));
  const l = left.map((e, i) => (e.type.id === 'unknown' ? b.coerce(e, rightTypes[i]!) : e));
  const n = l.length;
  const template = rowComparison(
    b,
    op,
    l.map((e, i) => colExpr(e.type, i)),
    rightTypes.map((t, i) => colExpr(t, n + i)),
    loc,
  );
  const compiled = new CompiledExpr(template);
  const fn: ScalarFunction = {
    name: `row ${op} ${any ? 'ANY' : 'ALL'}`,
    args: [T.record, arrayOf(T.record)],
    ret: T.bool,
    strict: false,
    impl: (args, fc) => {
      const fields = args[0] as Value[];
      const items = (args[1] ?? []) as Value[];
      const ctx = templateContext(fc);
      return quantify(items, any, (r) => compiled.evalRow([...fields, ...(r as Value[])], ctx));
    },
  };
  return { kind: 'call', type: T.bool, fn, args: [{ kind: 'array', type: T.record, elems: l }, rows] };
}
