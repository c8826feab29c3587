import { DatabaseError, SqlState } from '../../errors.js';
import { canImplicitlyCast } from '../../types/cast.js';
import { typeCategory, typeName, type SqlType } from '../../types/types.js';

/** What an overload looks like to resolution (scalar, table and aggregate functions alike). */
export interface Signature {
  readonly name: string;
  readonly args: readonly SqlType[];
  readonly variadic?: SqlType;
}

function argCost(actual: SqlType, formal: SqlType): number {
  if (formal.id === 'any') return 3;
  if (actual.id === 'unknown') return formal.id === 'text' ? 1 : 2;
  if (formal.id === 'anyelement') return 3;
  if (formal.id === 'anyarray') return actual.id === 'array' ? 3 : -1;
  if (actual.id === formal.id) {
    if (actual.id === 'array') return argCost(actual.elem!, formal.elem!) === 0 ? 0 : 3;
    return 0;
  }
  if (!canImplicitlyCast(actual, formal)) return -1;
  // Prefer staying within the category, and PostgreSQL's preferred types (float8, text, timestamptz).
  const sameCat = typeCategory(actual) === typeCategory(formal);
  const preferred =
    formal.id === 'float8' || formal.id === 'text' || formal.id === 'timestamptz' || formal.id === 'numeric';
  return sameCat ? (preferred ? 4 : 5) : 8;
}

/** Picks the overload that fits the argument types best; throws 42883 when none does. */
export function resolveOverload<S extends Signature>(
  candidates: readonly S[] | undefined,
  argTypes: readonly SqlType[],
  display: string,
): S {
  let best: S | undefined;
  let bestCost = Infinity;
  for (const c of candidates ?? []) {
    const n = c.args.length;
    if (argTypes.length < n || (argTypes.length > n && c.variadic === undefined)) continue;
    let cost = 0;
    let anyElem: SqlType | undefined;
    for (let i = 0; i < argTypes.length && cost >= 0; i++) {
      const formal = i < n ? c.args[i]! : c.variadic!;
      const actual = argTypes[i]!;
      const k = argCost(actual, formal);
      if (k < 0) {
        cost = -1;
        break;
      }
      if (formal.id === 'anyelement' && actual.id !== 'unknown') {
        if (
          anyElem &&
          anyElem.id !== actual.id &&
          !canImplicitlyCast(actual, anyElem) &&
          !canImplicitlyCast(anyElem, actual)
        ) {
          cost = -1;
          break;
        }
        anyElem ??= actual;
      }
      cost += k;
    }
    if (cost < 0) continue;
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  if (!best) {
    const sig = `${display}(${argTypes.map((t) => (t.id === 'unknown' ? 'unknown' : typeName(t))).join(', ')})`;
    throw new DatabaseError(SqlState.undefinedFunction, `function ${sig} does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  return best;
}

/** Formal type for argument i of an overload (variadic tail included). */
export function formalArg(sig: Signature, i: number): SqlType {
  return i < sig.args.length ? sig.args[i]! : sig.variadic!;
}
