import { DatabaseError, SqlState } from '../../errors.js';
import { T, arrayOf, typeName, type SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { FunctionContext, ScalarFunction } from './registry.js';
import type { SystemAccess } from './system-access.js';
import { typeFromOid } from '../system-catalog/builtin-types.js';

/**
 * Functions PostgreSQL tools call to introspect the server (psql's \d, drivers, Grafana):
 *
 *   SELECT current_setting('server_version_num');          -- '150000'
 *   SELECT format_type(atttypid, atttypmod) FROM pg_attribute;
 *   SELECT pg_table_is_visible('t'::regclass);             -- true
 */

const VERSION = 'PostgreSQL 15.0 (LiveViewDB 0.1.0) on x86_64-pc-linux-gnu, compiled by TypeScript, 64-bit';
const DATABASE = 'liveview';
const USER = 'admin';

function system(ctx: FunctionContext): SystemAccess {
  if (!ctx.system)
    throw new DatabaseError(
      SqlState.objectNotInPrerequisiteState,
      'the system catalog is not available here',
    );
  return ctx.system;
}

function setting(name: string, missingOk: boolean, ctx: FunctionContext): Value {
  const v = ctx.setting(name);
  if (v !== undefined) return v;
  if (missingOk) return null;
  throw new DatabaseError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
}

function formatType(oid: number, typmod: number | null): string {
  const t = typeFromOid(oid, typmod);
  return t ? typeName(t) : '???';
}

/** Argument list as pg_get_function_arguments prints it. */
function argList(types: readonly number[]): string {
  return types.map((o) => formatType(o, null)).join(', ');
}

function fn(
  name: string,
  args: SqlType[],
  ret: SqlType,
  impl: (a: Value[], ctx: FunctionContext) => Value,
  extra?: Partial<ScalarFunction>,
): ScalarFunction {
  // Stable in PostgreSQL: they read the session, so they are never folded into a cached plan.
  return { name, args, ret, impl, volatile: true, ...extra };
}

const nothing = (): Value => null;
const yes = (): Value => true;

function privilege(name: string): ScalarFunction[] {
  return [
    fn(name, [T.text, T.text], T.bool, yes),
    fn(name, [T.oid, T.text], T.bool, yes),
    fn(name, [T.text, T.text, T.text], T.bool, yes),
    fn(name, [T.text, T.oid, T.text], T.bool, yes),
  ];
}

/** pg_size_pretty: bytes, then kB, MB, GB, TB, PB, rounding half away from zero at each unit. */
function sizePretty(bytes: bigint): string {
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  const half = (x: bigint): bigint => (x + (x < 0n ? -1n : 1n)) / 2n;
  const limit = 10n * 1024n;
  if (abs(bytes) < limit) return `${bytes} bytes`;
  // One extra bit is kept for rounding.
  let size = bytes >> 9n;
  for (const unit of ['kB', 'MB', 'GB', 'TB']) {
    if (abs(size) < limit * 2n - 1n) return `${half(size)} ${unit}`;
    size >>= 10n;
  }
  return `${half(size)} PB`;
}

/**
 * string_to_array(text, delimiter [, null_string]) as PostgreSQL: a NULL delimiter splits into
 * characters, an empty one keeps the string whole, and fields equal to null_string become NULL.
 * Kept beside parse_ident: catalog queries use it, Grafana's to split `search_path`.
 */
function stringToArray([text, delimiter, nullString]: Value[]): Value {
  if (text === null) return null;
  const s = text as string;
  if (s === '') return [];
  const parts = delimiter === null ? [...s] : delimiter === '' ? [s] : s.split(delimiter as string);
  return nullString === null || nullString === undefined
    ? parts
    : parts.map((p) => (p === nullString ? null : p));
}

/** parse_ident: splits a qualified identifier, folding unquoted parts to lower case. */
function parseIdent(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let s = '';
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        s += text[i];
        i += text[i] === '"' ? 2 : 1;
      }
      out.push(s);
      i++;
    } else {
      const end = text.indexOf('.', i);
      const part = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      if (part === '')
        throw new DatabaseError(
          SqlState.invalidParameterValue,
          `string is not a valid identifier: "${text}"`,
        );
      out.push(part.toLowerCase());
      i = end < 0 ? text.length : end;
    }
    if (i >= text.length) break;
    if (text[i] !== '.')
      throw new DatabaseError(SqlState.invalidParameterValue, `string is not a valid identifier: "${text}"`);
    i++;
  }
  return out;
}

export const catalogFunctions: ScalarFunction[] = [
  fn('version', [], T.text, () => VERSION),
  fn('current_setting', [T.text], T.text, ([n], ctx) => setting(n as string, false, ctx)),
  fn('current_setting', [T.text, T.bool], T.text, ([n, ok], ctx) => setting(n as string, ok === true, ctx)),
  fn('set_config', [T.text, T.text, T.bool], T.text, ([n, v, local], ctx) => {
    system(ctx).setSetting(n as string, v as string, local === true);
    return ctx.setting(n as string) ?? v!;
  }),
  fn('current_database', [], T.name, () => DATABASE),
  fn('current_user', [], T.name, () => USER),
  fn('session_user', [], T.name, () => USER),
  fn('current_schema', [], T.name, (_a, ctx) => ctx.system?.searchPath[0] ?? 'public'),
  fn('current_schemas', [T.bool], arrayOf(T.name), ([implicit], ctx) => {
    const path = [...(ctx.system?.searchPath ?? ['public'])];
    return implicit === true ? ['pg_catalog', ...path] : path;
  }),
  fn('pg_backend_pid', [], T.int4, () => process.pid),
  fn('pg_is_in_recovery', [], T.bool, () => false),
  fn(
    'pg_table_is_visible',
    [T.oid],
    T.bool,
    ([oid], ctx) => system(ctx).relation(oid as number)?.visible ?? null,
  ),
  fn('pg_function_is_visible', [T.oid], T.bool, yes),
  fn('pg_type_is_visible', [T.oid], T.bool, yes),
  fn(
    'format_type',
    [T.oid, T.int4],
    T.text,
    ([oid, mod]) => (oid === null ? null : formatType(oid as number, mod as number | null)),
    {
      strict: false,
    },
  ),
  fn('pg_get_expr', [T.text, T.oid], T.text, ([e]) => e!),
  fn('pg_get_expr', [T.text, T.oid, T.bool], T.text, ([e]) => e!),
  fn('pg_get_userbyid', [T.oid], T.name, ([oid]) => (oid === 10 ? USER : `unknown (OID=${oid as number})`)),
  fn('pg_encoding_to_char', [T.int4], T.name, ([e]) => (e === 6 ? 'UTF8' : e === 0 ? 'SQL_ASCII' : '')),
  fn(
    'pg_get_viewdef',
    [T.oid],
    T.text,
    ([oid], ctx) => system(ctx).relation(oid as number)?.definition ?? null,
  ),
  fn(
    'pg_get_viewdef',
    [T.oid, T.bool],
    T.text,
    ([oid], ctx) => system(ctx).relation(oid as number)?.definition ?? null,
  ),
  fn('pg_get_viewdef', [T.text], T.text, ([n], ctx) => {
    const s = system(ctx);
    return s.relation(s.relationOid(n as string))?.definition ?? null;
  }),
  fn('pg_get_function_result', [T.oid], T.text, ([oid], ctx) => {
    const p = system(ctx).proc(oid as number);
    return p ? formatType(p.retType, null) : null;
  }),
  fn('pg_get_function_arguments', [T.oid], T.text, ([oid], ctx) => {
    const p = system(ctx).proc(oid as number);
    return p ? argList(p.argTypes) : null;
  }),
  fn('pg_get_function_identity_arguments', [T.oid], T.text, ([oid], ctx) => {
    const p = system(ctx).proc(oid as number);
    return p ? argList(p.argTypes) : null;
  }),
  fn('to_regclass', [T.text], T.regclass, ([n], ctx) => {
    try {
      return system(ctx).relationOid(n as string);
    } catch {
      return null;
    }
  }),
  fn('obj_description', [T.oid], T.text, nothing, { strict: false }),
  fn('obj_description', [T.oid, T.name], T.text, nothing, { strict: false }),
  fn('col_description', [T.oid, T.int4], T.text, nothing, { strict: false }),
  fn('shobj_description', [T.oid, T.name], T.text, nothing, { strict: false }),
  fn('pg_get_indexdef', [T.oid], T.text, nothing),
  fn('pg_get_indexdef', [T.oid, T.int4, T.bool], T.text, nothing),
  fn('pg_get_constraintdef', [T.oid], T.text, nothing),
  fn('pg_get_constraintdef', [T.oid, T.bool], T.text, nothing),
  fn('pg_get_statisticsobjdef_columns', [T.oid], T.text, nothing),
  ...['pg_table_size', 'pg_relation_size', 'pg_total_relation_size'].map((name) =>
    fn(name, [T.regclass], T.int8, ([oid], ctx) => {
      const n = system(ctx).relationBytes(oid as number);
      return n === undefined ? null : BigInt(n);
    }),
  ),
  fn('pg_indexes_size', [T.regclass], T.int8, () => 0n),
  fn('pg_size_pretty', [T.int8], T.text, ([n]) => sizePretty(n as bigint), { volatile: false }),
  fn('pg_tablespace_location', [T.oid], T.text, () => ''),
  fn('pg_relation_is_publishable', [T.oid], T.bool, () => false),
  fn('parse_ident', [T.text], arrayOf(T.text), ([s]) => parseIdent(s as string)),
  fn('parse_ident', [T.text, T.bool], arrayOf(T.text), ([s]) => parseIdent(s as string)),
  fn('string_to_array', [T.text, T.text], arrayOf(T.text), stringToArray, { strict: false, volatile: false }),
  fn('string_to_array', [T.text, T.text, T.text], arrayOf(T.text), stringToArray, {
    strict: false,
    volatile: false,
  }),
  ...privilege('has_table_privilege'),
  ...privilege('has_schema_privilege'),
  ...privilege('has_database_privilege'),
  ...privilege('has_function_privilege'),
];
