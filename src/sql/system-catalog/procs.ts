import { T, typeOid, type SqlType } from '../../types/types.js';
import type { FunctionRegistry } from '../functions/index.js';
import type { ProcInfo } from '../functions/system-access.js';

/** A registered function overload as pg_proc lists it. */
export interface CatalogProc extends ProcInfo {
  /** prokind: 'f' function, 'a' aggregate. */
  readonly kind: 'f' | 'a';
  readonly retSet: boolean;
  readonly volatile: boolean;
  readonly strict: boolean;
  readonly variadic: number;
}

const FIRST_PROC_OID = 100_000;
const cache = new WeakMap<FunctionRegistry, CatalogProc[]>();

function returnType(
  ret: SqlType | ((argTypes: readonly SqlType[]) => SqlType),
  args: readonly SqlType[],
): number {
  if (typeof ret !== 'function') return typeOid(ret);
  try {
    return typeOid(ret(args));
  } catch {
    return typeOid(T.anyelement);
  }
}

/**
 * Every registered overload (scalar, aggregate, set-returning), with oids numbered in registry
 * order: stable while the set of built-in functions is.
 */
export function catalogProcs(functions: FunctionRegistry): CatalogProc[] {
  const hit = cache.get(functions);
  if (hit) return hit;
  const out: CatalogProc[] = [];
  const add = (p: Omit<CatalogProc, 'oid'>): void => {
    out.push({ ...p, oid: FIRST_PROC_OID + out.length });
  };
  for (const list of functions.scalars.values())
    for (const f of list)
      add({
        name: f.name,
        argTypes: f.args.map(typeOid),
        retType: returnType(f.ret, f.args),
        kind: 'f',
        retSet: false,
        volatile: f.volatile === true,
        strict: f.strict !== false,
        variadic: f.variadic ? typeOid(f.variadic) : 0,
      });
  for (const list of functions.aggregates.values())
    for (const f of list) {
      const args = [...(f.directArgs ?? []), ...f.args];
      add({
        name: f.name,
        argTypes: args.map(typeOid),
        retType: returnType(f.ret, args),
        kind: 'a',
        retSet: false,
        volatile: false,
        strict: f.strict !== false,
        variadic: 0,
      });
    }
  for (const list of functions.tables.values())
    for (const f of list) {
      let cols: { type: SqlType }[] = [];
      try {
        cols = f.columns(f.args);
      } catch {
        // Polymorphic: the columns depend on the actual argument types.
      }
      add({
        name: f.name,
        argTypes: f.args.map(typeOid),
        retType: cols.length === 1 ? typeOid(cols[0]!.type) : typeOid(T.record),
        kind: 'f',
        retSet: true,
        volatile: false,
        strict: true,
        variadic: f.variadic ? typeOid(f.variadic) : 0,
      });
    }
  cache.set(functions, out);
  return out;
}
