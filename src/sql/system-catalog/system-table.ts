import type { Catalog, ViewDef } from '../../storage/catalog.js';
import type { LockOwner } from '../../storage/locks.js';
import type { ColumnDef } from '../../storage/table.js';
import { T, arrayOf, typeFromName, type SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { FunctionRegistry } from '../functions/index.js';

/** What system tables are computed from: the live catalog as one session sees it. */
export interface SystemCatalogContext {
  readonly catalog: Catalog;
  readonly viewer: LockOwner | null;
  readonly settings: ReadonlyMap<string, string>;
  /** The explicit search path (without the implicit pg_catalog). */
  readonly searchPath: readonly string[];
  readonly functions: FunctionRegistry;
  /** Every system table (they list themselves in pg_class and pg_attribute). */
  readonly systemTables: readonly SystemTableDef[];
  /** Output column types of a view (bound on demand). */
  viewTypes(view: ViewDef): readonly SqlType[];
  /** Materialized views and their maintenance statistics (liveview_views). */
  matviews?(): readonly MatViewStat[];
}

/** One materialized view as liveview_views shows it. */
export interface MatViewStat {
  readonly schema: string;
  readonly name: string;
  readonly refresh: string;
  /** Relations it reads, schema-qualified. */
  readonly baseTables: string[];
  /** Materialized views reading it. */
  readonly dependentViews: string[];
  readonly rows: number;
  readonly stateBytes: number;
  readonly populated: boolean;
  /** Milliseconds since 1970 of the last maintenance, or null. */
  readonly lastUpdate: number | null;
  readonly stalenessMs: number;
  readonly updates: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly repairs: number;
  readonly error: string | null;
}

export type SystemRow = Record<string, Value>;

/** A table of `pg_catalog` or `information_schema`, computed when a query names it. */
export interface SystemTableDef {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  readonly oid: number;
  /** relkind: PostgreSQL's catalogs are tables ('r'), its convenience relations views ('v'). */
  readonly kind: 'r' | 'v';
  readonly columns: readonly ColumnDef[];
  /** Rows as column name → value; columns left out are NULL. */
  rows(ctx: SystemCatalogContext): SystemRow[];
}

function columnType(spec: string): SqlType {
  const array = spec.endsWith('[]');
  const base = array ? spec.slice(0, -2) : spec;
  // "char" (one byte) is not char(1).
  const t = base === 'char' ? T.char : typeFromName(base);
  if (!t) throw new Error(`system catalog: unknown type ${spec}`);
  return array ? arrayOf(t) : t;
}

/**
 * Defines a system table from a column list written `name type, name type[]` (PostgreSQL type
 * names; `char` is the one-byte "char").
 */
export function systemTable(
  schema: SystemTableDef['schema'],
  name: string,
  oid: number,
  kind: 'r' | 'v',
  columns: string,
  rows: (ctx: SystemCatalogContext) => SystemRow[] = () => [],
): SystemTableDef {
  const cols = columns
    .split(',')
    .map((c) => c.trim().split(/\s+/))
    .map(([n, t]): ColumnDef => ({ name: n!, type: columnType(t!), notNull: false }));
  return { schema, name, oid, kind, columns: cols, rows };
}

/** Values in column order for a row given by column names. */
export function rowValues(def: SystemTableDef, row: SystemRow): Value[] {
  return def.columns.map((c) => row[c.name] ?? null);
}

/** Oids of the schemas that always exist. */
export const PG_CATALOG_OID = 11;
export const INFORMATION_SCHEMA_OID = 13_000;
/** The one role (`admin`) and database. */
export const ADMIN_ROLE_OID = 10;
export const ADMIN_ROLE = 'admin';
export const DATABASE_OID = 16_383;
export const DATABASE_NAME = 'liveview';
