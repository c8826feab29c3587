import { DatabaseError, SqlState } from '../../errors.js';
import { T, typeName, type SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { TableFunction } from './registry.js';
import { flatten } from './string-functions.js';

const elemOf = (t: SqlType | undefined): SqlType => (t?.id === 'array' ? t.elem! : T.text);

/** Element types of unnest's arguments; an untyped literal could be any array type, as in PostgreSQL. */
function elemTypes(types: readonly SqlType[]): SqlType[] {
  if (types.some((t) => t.id !== 'array')) {
    throw new DatabaseError(
      SqlState.ambiguousFunction,
      `function unnest(${types.map(typeName).join(', ')}) is not unique`,
      { hint: 'Could not choose a best candidate function. You might need to add explicit type casts.' },
    );
  }
  return types.map(elemOf);
}

/** unnest(a, b, ...): the arrays side by side, the shorter ones padded with NULLs; NULL counts as empty. */
function* zip(args: Value[], argTypes: readonly SqlType[]): Iterable<Value[]> {
  const lists = args.map((a, i) => (a === null ? [] : flatten(a as Value[], elemOf(argTypes[i]))));
  const n = Math.max(...lists.map((l) => l.length));
  for (let r = 0; r < n; r++) yield lists.map((l) => (r < l.length ? l[r]! : null));
}

/** Set-returning array functions: unnest. */
export const arrayTableFunctions: TableFunction[] = [
  {
    name: 'unnest',
    args: [T.anyarray],
    columns: (types) => elemTypes(types).map((type) => ({ name: 'unnest', type })),
    // Multi-dimensional arrays come out in storage order, as in PostgreSQL.
    impl: (a, _ctx, types) => flatten(a[0] as Value[], elemOf(types[0])).map((v) => [v]),
  },
  {
    name: 'unnest',
    args: [T.anyarray, T.anyarray],
    variadic: T.anyarray,
    strict: false,
    columns: (types) => elemTypes(types).map((type) => ({ name: 'unnest', type })),
    impl: (a, _ctx, types) => zip(a, types),
  },
];
