import { DatabaseError, SqlState } from '../../errors.js';
import { constExpr, type Expr } from '../../plan/expr.js';
import { typeName } from '../../types/types.js';
import type { ScalarFunction } from '../functions/registry.js';
import { resolveOverload } from './resolve.js';

/** One argument of a call as written: positional (`name` null) or named (`days => 3`). */
export interface CallArg {
  readonly name: string | null;
  readonly expr: Expr;
}

/**
 * Resolves a call in named or mixed notation (`make_interval(days => 3, hours => 2)`,
 * `make_timestamp(2024, 1, mday => 5, ...)`), as PostgreSQL does: positional arguments fill the
 * first parameters, named ones go to the parameter of that name, and omitted parameters take their
 * defaults. Only overloads that declare parameter names can match. Returns the chosen overload and
 * its arguments in parameter order.
 */
export function bindNamedArgs(
  name: string,
  candidates: readonly ScalarFunction[] | undefined,
  args: readonly CallArg[],
  loc?: number,
): { fn: ScalarFunction; args: Expr[] } {
  const seen = new Set<string>();
  for (const a of args) {
    if (a.name === null) {
      if (seen.size > 0)
        throw new DatabaseError(SqlState.syntaxError, 'positional argument cannot follow named argument', {
          ...(loc !== undefined ? { position: loc } : {}),
        });
      continue;
    }
    if (seen.has(a.name))
      throw new DatabaseError(SqlState.syntaxError, `argument name "${a.name}" used more than once`, {
        ...(loc !== undefined ? { position: loc } : {}),
      });
    seen.add(a.name);
  }
  for (const fn of candidates ?? []) {
    const slots = placeArgs(fn, args);
    if (!slots) continue;
    try {
      resolveOverload(
        [fn],
        slots.map((e) => e.type),
        name,
      );
    } catch (e) {
      if (e instanceof DatabaseError && e.code === SqlState.undefinedFunction) continue;
      throw e;
    }
    return { fn, args: slots };
  }
  const shown = args.map((a) => {
    const t = a.expr.type.id === 'unknown' ? 'unknown' : typeName(a.expr.type);
    return a.name === null ? t : `${a.name} => ${t}`;
  });
  throw new DatabaseError(
    SqlState.undefinedFunction,
    `function ${name}(${shown.join(', ')}) does not exist`,
    {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      ...(loc !== undefined ? { position: loc } : {}),
    },
  );
}

/** The arguments of `fn` in parameter order, or null when the names or defaults do not fit. */
function placeArgs(fn: ScalarFunction, args: readonly CallArg[]): Expr[] | null {
  const names = fn.argNames;
  if (!names) return null;
  const n = fn.args.length;
  const slots: (Expr | undefined)[] = new Array<Expr | undefined>(n);
  let positional = 0;
  for (const a of args) {
    if (a.name !== null) continue;
    if (positional >= n) return null;
    slots[positional++] = a.expr;
  }
  for (const a of args) {
    if (a.name === null) continue;
    const i = names.indexOf(a.name);
    if (i < 0 || slots[i] !== undefined) return null;
    slots[i] = a.expr;
  }
  const defaults = fn.argDefaults ?? [];
  const firstDefault = n - defaults.length;
  const out: Expr[] = [];
  for (let i = 0; i < n; i++) {
    const e = slots[i];
    if (e !== undefined) out.push(e);
    else if (i >= firstDefault) out.push(constExpr(fn.args[i]!, defaults[i - firstDefault]!));
    else return null;
  }
  return out;
}
