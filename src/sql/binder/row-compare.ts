import { DatabaseError, SqlState } from '../../errors.js';
import type { Expr } from '../../plan/expr.js';
import { T, typeName } from '../../types/types.js';

/**
 * Row constructors in comparisons, lowered to scalar expressions the executor already runs, with
 * PostgreSQL's row semantics:
 *
 * - `(a1, a2) = (b1, b2)` is `a1 = b1 AND a2 = b2`, `<>` is the OR of `<>`;
 * - `<`, `<=`, `>`, `>=` are lexicographic: the first pair that is not equal decides, and a NULL met
 *   before a decision makes the result NULL. `L_i = (a_i < b_i) OR (a_i = b_i AND L_i+1)` gives
 *   exactly that under three-valued logic (a NULL pair makes both disjuncts NULL or false);
 * - `IS [NOT] DISTINCT FROM` compares pairwise with NULLs equal;
 * - `ROW(...) IS NULL` holds when every field is NULL, `IS NOT NULL` when none is.
 *
 * Operands are evaluated once per use, so a volatile field expression in an ordering comparison may
 * be evaluated twice.
 */

/** What row lowering needs from the expression binder. */
export interface ComparisonBinder {
  /** `l op r` for a comparison or LIKE-family operator. */
  bindComparison(op: string, l: Expr, r: Expr, loc?: number): Expr;
  /** `l IS [NOT] DISTINCT FROM r` on scalars. */
  bindDistinct(l: Expr, r: Expr, negated: boolean, loc?: number): Expr;
}

const ORDERING = new Set(['<', '<=', '>', '>=']);

function and(args: Expr[]): Expr {
  return args.length === 1 ? args[0]! : { kind: 'and', type: T.bool, args };
}
function or(args: Expr[]): Expr {
  return args.length === 1 ? args[0]! : { kind: 'or', type: T.bool, args };
}

function checkWidths(left: readonly Expr[], right: readonly Expr[], loc?: number): void {
  if (left.length !== right.length)
    throw new DatabaseError(SqlState.syntaxError, 'unequal number of entries in row expressions', {
      ...(loc !== undefined ? { position: loc } : {}),
    });
  if (left.length === 0)
    throw new DatabaseError(SqlState.featureNotSupported, 'cannot compare rows of zero length');
}

function pairwise(
  b: ComparisonBinder,
  op: string,
  left: readonly Expr[],
  right: readonly Expr[],
  loc?: number,
) {
  return left.map((l, i) => {
    const e = b.bindComparison(op, l, right[i]!, loc);
    if (e.type.id !== 'bool')
      throw new DatabaseError(SqlState.datatypeMismatch, 'row comparison operator must yield type boolean', {
        ...(loc !== undefined ? { position: loc } : {}),
      });
    return e;
  });
}

/** `(left...) op (right...)`. */
export function rowComparison(
  b: ComparisonBinder,
  op: string,
  left: readonly Expr[],
  right: readonly Expr[],
  loc?: number,
): Expr {
  if (op === '!=') op = '<>';
  checkWidths(left, right, loc);
  const pairs = pairwise(b, op, left, right, loc);
  // A one-field row is its single comparison, whatever the operator (as in PostgreSQL).
  if (pairs.length === 1) return pairs[0]!;
  if (op === '=') return and(pairs);
  if (op === '<>') return or(pairs);
  if (!ORDERING.has(op))
    throw new DatabaseError(
      SqlState.featureNotSupported,
      `could not determine interpretation of row comparison operator ${op}`,
      {
        hint: 'Row comparison operators must be associated with btree operator families.',
        ...(loc !== undefined ? { position: loc } : {}),
      },
    );
  const strict = op === '<' || op === '<=' ? '<' : '>';
  const n = left.length;
  let acc = pairs[n - 1]!;
  for (let i = n - 2; i >= 0; i--) {
    const lt = b.bindComparison(strict, left[i]!, right[i]!, loc);
    const eq = b.bindComparison('=', left[i]!, right[i]!, loc);
    acc = { kind: 'or', type: T.bool, args: [lt, { kind: 'and', type: T.bool, args: [eq, acc] }] };
  }
  return acc;
}

/** `(left...) IS [NOT] DISTINCT FROM (right...)`. */
export function rowDistinct(
  b: ComparisonBinder,
  left: readonly Expr[],
  right: readonly Expr[],
  negated: boolean,
  loc?: number,
): Expr {
  checkWidths(left, right, loc);
  const pairs = left.map((l, i) => b.bindDistinct(l, right[i]!, negated, loc));
  return negated ? and(pairs) : or(pairs);
}

/** `ROW(...) IS [NOT] NULL`: every field NULL (IS NULL) or every field non-NULL (IS NOT NULL). */
export function rowNullTest(fields: readonly Expr[], negated: boolean): Expr {
  if (fields.length === 0) return { kind: 'const', type: T.bool, value: !negated };
  return and(fields.map((arg) => ({ kind: 'isnull', type: T.bool, arg, negated })));
}

/** `(left...) [NOT] IN ((r1...), (r2...))`: the OR of row equalities (negated with NOT). */
export function rowInList(
  b: ComparisonBinder,
  left: readonly Expr[],
  items: readonly (readonly Expr[])[],
  negated: boolean,
  loc?: number,
): Expr {
  const e = or(items.map((r) => rowComparison(b, '=', left, r, loc)));
  return negated ? { kind: 'not', type: T.bool, arg: e } : e;
}

/** The error for a scalar compared with a row: there is no such operator. */
export function rowOperatorMismatch(
  op: string,
  leftIsRow: boolean,
  other: Expr,
  loc?: number,
): DatabaseError {
  const sig = leftIsRow ? `record ${op} ${typeName(other.type)}` : `${typeName(other.type)} ${op} record`;
  return new DatabaseError(SqlState.undefinedFunction, `operator does not exist: ${sig}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
    ...(loc !== undefined ? { position: loc } : {}),
  });
}
