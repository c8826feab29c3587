import type { Table } from '../../storage/table.js';

/** A relation as catalog functions see it (pg_table_is_visible, regclass, pg_get_viewdef). */
export interface RelationInfo {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** pg_class.relkind: 'r' table, 'v' view, 'm' materialized view. */
  readonly kind: 'r' | 'v' | 'm';
  /** Found by its bare name along the search path (pg_table_is_visible). */
  readonly visible: boolean;
  /** A view's defining SQL. */
  readonly definition?: string;
}

/** A function as pg_proc shows it (pg_get_function_result, pg_get_function_arguments). */
export interface ProcInfo {
  readonly oid: number;
  readonly name: string;
  readonly argTypes: readonly number[];
  readonly retType: number;
}

/**
 * The session's view of the catalog for the system catalog (`pg_catalog`, `information_schema`)
 * and the functions that introspect it. Implemented by sql/system-catalog/access.ts.
 */
export interface SystemAccess {
  /** The explicit search path (without the implicit pg_catalog). */
  readonly searchPath: readonly string[];
  /** A system relation computed now, or undefined when `name` is not one. */
  systemRelation(name: string, schema: string | undefined): Table | undefined;
  /** The oid of a relation named as in `'public.t'::regclass`; throws 42P01 when there is none. */
  relationOid(qualifiedName: string): number;
  relation(oid: number): RelationInfo | undefined;
  proc(oid: number): ProcInfo | undefined;
  /** Bytes a table's columns take in memory (pg_table_size); 0 for views, undefined when no relation. */
  relationBytes(oid: number): number | undefined;
  /** set_config(): changes a session setting. */
  setSetting(name: string, value: string, local: boolean): void;
}
