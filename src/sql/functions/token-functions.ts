import { DatabaseError, SqlState } from '../../errors.js';
import { T } from '../../types/types.js';
import type { AccessTokenStore, FunctionContext, ScalarFunction, TableFunction } from './registry.js';

/**
 * SQL functions over the HTTP API's access tokens (the SQL parser has no CREATE TOKEN statement):
 *
 *   SELECT liveview_create_token('dashboard');  -- the secret, shown this once
 *   SELECT liveview_drop_token('dashboard');    -- true
 *   SELECT * FROM liveview_tokens();            -- name, created_at (never the secret)
 */

function store(ctx: FunctionContext): AccessTokenStore {
  if (!ctx.tokens)
    throw new DatabaseError(SqlState.objectNotInPrerequisiteState, 'access tokens are not available here');
  return ctx.tokens;
}

export const tokenFunctions: ScalarFunction[] = [
  {
    name: 'liveview_create_token',
    args: [T.text],
    ret: T.text,
    volatile: true,
    impl: ([name], ctx) => store(ctx).create(name as string),
  },
  {
    name: 'liveview_drop_token',
    args: [T.text],
    ret: T.bool,
    volatile: true,
    impl: ([name], ctx) => {
      if (!store(ctx).drop(name as string))
        throw new DatabaseError(SqlState.undefinedObject, `token "${name as string}" does not exist`);
      return true;
    },
  },
];

export const tokenTableFunctions: TableFunction[] = [
  {
    name: 'liveview_tokens',
    args: [],
    columns: () => [
      { name: 'name', type: T.text },
      { name: 'created_at', type: T.timestamptz },
    ],
    impl: (_args, ctx) =>
      store(ctx)
        .list()
        .map((t) => [t.name, t.createdAt]),
  },
];
