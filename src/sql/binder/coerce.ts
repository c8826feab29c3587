import { DatabaseError, SqlState } from '../../errors.js';
import { constExpr, type Expr } from '../../plan/expr.js';
import { canImplicitlyCast, castContext, castValue } from '../../types/cast.js';
import { T, typeCategory, typeName, type SqlType } from '../../types/types.js';
import type { FunctionContext } from '../functions/registry.js';

export type CoercionContext = 'implicit' | 'assignment' | 'explicit';

const NUMERIC_RANK: Partial<Record<string, number>> = {
  int2: 1,
  int4: 2,
  int8: 3,
  numeric: 4,
  float4: 5,
  float8: 6,
};
const DATETIME_RANK: Partial<Record<string, number>> = { date: 1, timestamp: 2, timestamptz: 3 };

function sameTypeAndMods(a: SqlType, b: SqlType): boolean {
  return (
    a.id === b.id &&
    a.length === b.length &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    (a.id !== 'array' || sameTypeAndMods(a.elem!, b.elem!))
  );
}

/** Can a value of `from` be used where `to` is expected in this context? */
export function canCoerce(from: SqlType, to: SqlType, context: CoercionContext): boolean {
  if (from.id === to.id && from.id !== 'array') return true;
  if (from.id === 'unknown') return true;
  if (to.id === 'any') return true;
  if (to.id === 'anyelement') return true;
  if (to.id === 'anyarray') return from.id === 'array';
  const c = castContext(from, to);
  if (c === undefined) return false;
  if (context === 'explicit') return true;
  if (context === 'assignment') return c === 'implicit' || c === 'assignment';
  return c === 'implicit';
}

/**
 * Coerces a bound expression to `to`. String literals (type unknown) are converted at bind time,
 * so `'2024-01-01'` compared with a date column is a date constant.
 */
export function coerce(
  e: Expr,
  to: SqlType,
  context: CoercionContext,
  fc: FunctionContext,
  what?: string,
): Expr {
  if (sameTypeAndMods(e.type, to)) return e;
  if (to.id === 'any' || to.id === 'anyelement' || to.id === 'anyarray') return e;
  if (e.kind === 'const' && e.value === null) return constExpr(to, null);
  if (e.kind === 'const' && e.type.id === 'unknown') {
    return constExpr(to, castValue(e.value, T.text, to, fc, context === 'explicit'));
  }
  if (
    e.type.id === to.id &&
    to.id !== 'array' &&
    to.id !== 'numeric' &&
    to.id !== 'varchar' &&
    to.id !== 'bpchar'
  )
    return e;
  if (!canCoerce(e.type, to, context)) {
    if (context === 'explicit') {
      throw new DatabaseError(
        SqlState.cannotCoerce,
        `cannot cast type ${typeName(e.type)} to ${typeName(to)}`,
      );
    }
    throw new DatabaseError(
      SqlState.datatypeMismatch,
      what ?? `column is of type ${typeName(to)} but expression is of type ${typeName(e.type)}`,
      { hint: 'You will need to rewrite or cast the expression.' },
    );
  }
  if (e.kind === 'const') {
    // Fold casts of constants now; errors surface at bind time, as in PostgreSQL.
    return constExpr(to, castValue(e.value, e.type, to, fc, context === 'explicit'));
  }
  return { kind: 'cast', type: to, arg: e, explicit: context === 'explicit' };
}

/**
 * The type a set of expressions resolves to (UNION, CASE, VALUES, IN, COALESCE), after
 * PostgreSQL's select_common_type: unknowns follow the others, or become text.
 */
export function commonType(types: readonly SqlType[], construct: string): SqlType {
  const known = types.filter((t) => t.id !== 'unknown');
  if (known.length === 0) return T.text;
  let best = known[0]!;
  for (const t of known.slice(1)) {
    if (sameTypeAndMods(t, best)) continue;
    if (t.id === best.id) {
      // Same base type with different modifiers: drop the modifier.
      best = { id: t.id, ...(t.elem ? { elem: t.elem } : {}) };
      continue;
    }
    const cb = typeCategory(best);
    const ct = typeCategory(t);
    if (cb === 'N' && ct === 'N' && NUMERIC_RANK[t.id] !== undefined && NUMERIC_RANK[best.id] !== undefined) {
      if (NUMERIC_RANK[t.id]! > NUMERIC_RANK[best.id]!) best = t;
      continue;
    }
    if (cb === 'S' && ct === 'S') {
      best = T.text;
      continue;
    }
    if (DATETIME_RANK[t.id] !== undefined && DATETIME_RANK[best.id] !== undefined) {
      if (DATETIME_RANK[t.id]! > DATETIME_RANK[best.id]!) best = t;
      continue;
    }
    if (canImplicitlyCast(best, t) && !canImplicitlyCast(t, best)) {
      best = t;
      continue;
    }
    if (canImplicitlyCast(t, best)) continue;
    throw new DatabaseError(
      SqlState.datatypeMismatch,
      `${construct} types ${typeName(best)} and ${typeName(t)} cannot be matched`,
    );
  }
  if (
    best.id === 'numeric' &&
    best.precision !== undefined &&
    known.some((t) => t.id !== 'numeric' || t.precision !== best.precision)
  ) {
    return T.numeric;
  }
  return best;
}
