import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { SystemAccess } from './system-access.js';

/** What a function sees of the session it runs in. */
export interface FunctionContext {
  /** IANA zone name or a fixed offset like '+05:30', from the session's TimeZone setting. */
  readonly timezone: string;
  /** Start of the current transaction, microseconds since 1970-01-01 UTC (now(), current_timestamp). */
  readonly transactionStart: number;
  /** Start of the current statement, microseconds since 1970 (statement_timestamp()); defaults to transactionStart. */
  readonly statementStart?: number;
  /** Current wall clock in microseconds (clock_timestamp()). */
  clock(): number;
  /** Session setting lookup for current_setting(); undefined when unknown. */
  setting(name: string): string | undefined;
  /** The engine's API access tokens (liveview_create_token); absent where no engine is behind. */
  readonly tokens?: AccessTokenStore;
  /** The catalog as pg_catalog sees it (regclass, pg_table_is_visible); absent without a session. */
  readonly system?: SystemAccess;
}

/** API access tokens as SQL functions see them (implemented by engine/access-tokens.ts). */
export interface AccessTokenStore {
  /** Creates token `name`; returns its secret, which is not kept (only its SHA-256 hash is). */
  create(name: string): string;
  /** Drops token `name`; false when there is none. */
  drop(name: string): boolean;
  /** Names and creation times (µs since 1970) of the tokens. */
  list(): { name: string; createdAt: number }[];
}

/**
 * One overload of a scalar SQL function. Argument types may use the pseudo-types `any`,
 * `anyelement` (all such arguments share one type) and `anyarray`.
 */
export interface ScalarFunction {
  readonly name: string;
  readonly args: readonly SqlType[];
  /** Type of further arguments for variadic functions (concat, format, json_build_object). */
  readonly variadic?: SqlType;
  /** Result type, or a function of the resolved argument types. */
  readonly ret: SqlType | ((argTypes: readonly SqlType[]) => SqlType);
  /** Strict (the default): NULL in any argument gives NULL without calling impl. */
  readonly strict?: boolean;
  /** Volatile functions (random, clock_timestamp) are never constant-folded. */
  readonly volatile?: boolean;
  /** Parameter names, for calls in named notation: `make_interval(days => 3)`. */
  readonly argNames?: readonly string[];
  /** Values of the trailing parameters a named-notation call may omit (PostgreSQL's DEFAULTs). */
  readonly argDefaults?: readonly Value[];
  /** `argTypes` are the resolved argument types (after implicit casts). */
  readonly impl: (args: Value[], ctx: FunctionContext, argTypes: readonly SqlType[]) => Value;
  /**
   * For a call whose arguments are all constants but one (`consts` holds undefined there): a
   * one-argument form for that argument, returning exactly what impl would; null to use impl.
   * Never called with NULL (strict functions only). Saves the per-row argument array on hot
   * paths such as date_trunc('hour', ts).
   */
  readonly specialize?: (
    consts: readonly (Value | undefined)[],
    argTypes: readonly SqlType[],
  ) => ((x: Value, ctx: FunctionContext) => Value) | null;
}

/** A set-returning function in FROM or the select list, e.g. generate_series. */
export interface TableFunction {
  readonly name: string;
  readonly args: readonly SqlType[];
  readonly variadic?: SqlType;
  /** Output column types; a single column is named after the function unless aliased. */
  readonly columns: (argTypes: readonly SqlType[]) => { name: string; type: SqlType }[];
  /** Strict (the default): NULL in any argument gives no rows without calling impl. */
  readonly strict?: boolean;
  readonly impl: (args: Value[], ctx: FunctionContext, argTypes: readonly SqlType[]) => Iterable<Value[]>;
}
