import { DatabaseError, SqlState } from '../../errors.js';
import { constExpr, type Expr } from '../../plan/expr.js';
import { T, isStringType, typeName, type SqlType } from '../../types/types.js';
import type { FunctionContext, ScalarFunction } from '../functions/registry.js';
import { typeFromOid, typeOidByName } from '../system-catalog/builtin-types.js';
import { coerce } from './coerce.js';

/** regclass output: the relation's name, schema-qualified when the search path does not find it. */
const REGCLASS_OUT: ScalarFunction = {
  name: 'regclassout',
  args: [T.regclass],
  ret: T.text,
  volatile: true,
  impl: ([oid], ctx) => {
    const r = ctx.system?.relation(oid as number);
    if (!r) return String(oid);
    const quote = (s: string): string => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
    return r.visible ? quote(r.name) : `${quote(r.schema)}.${quote(r.name)}`;
  },
};

/** regclass input of a name computed at run time (`format('%I.%I', s, t)::regclass`); numbers pass through. */
const REGCLASS_IN: ScalarFunction = {
  name: 'regclassin',
  args: [T.text],
  ret: T.regclass,
  volatile: true,
  impl: ([text], ctx) => {
    const s = (text as string).trim();
    if (/^[+-]?\d+$/.test(s) || !ctx.system) return Number(s);
    return ctx.system.relationOid(s);
  },
};

/** regtype output: the type's name as format_type prints it. */
const REGTYPE_OUT: ScalarFunction = {
  name: 'regtypeout',
  args: [T.regtype],
  ret: T.text,
  impl: ([oid]) => {
    const t = typeFromOid(oid as number, null);
    return t ? typeName(t) : String(oid);
  },
};

/**
 * `'t'::regclass` and `'int4'::regtype`: a name literal cast to an object-identifier type is
 * looked up when the query is bound, as PostgreSQL does when it folds the constant. Numeric
 * literals and non-constant arguments are left to the ordinary cast (undefined).
 */
export function regLiteral(arg: Expr, to: SqlType, fc: FunctionContext): Expr | undefined {
  if ((arg.type.id === 'regclass' || arg.type.id === 'regtype') && isStringType(to)) {
    const fn = arg.type.id === 'regclass' ? REGCLASS_OUT : REGTYPE_OUT;
    return coerce({ kind: 'call', type: T.text, fn, args: [arg] }, to, 'explicit', fc);
  }
  if (to.id !== 'regclass' && to.id !== 'regtype') return undefined;
  if (to.id === 'regclass' && arg.kind !== 'const' && isStringType(arg.type) && fc.system)
    return { kind: 'call', type: T.regclass, fn: REGCLASS_IN, args: [coerce(arg, T.text, 'explicit', fc)] };
  if (arg.kind !== 'const' || typeof arg.value !== 'string') return undefined;
  const text = arg.value;
  if (/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  if (to.id === 'regtype') {
    const oid = typeOidByName(text);
    if (oid === undefined) throw new DatabaseError(SqlState.undefinedObject, `type "${text}" does not exist`);
    return constExpr(to, oid);
  }
  if (!fc.system) return undefined;
  return constExpr(to, fc.system.relationOid(text));
}
