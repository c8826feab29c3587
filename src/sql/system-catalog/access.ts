import { DatabaseError, SqlState } from '../../errors.js';
import type { Catalog, ViewDef } from '../../storage/catalog.js';
import type { LockOwner } from '../../storage/locks.js';
import { Table } from '../../storage/table.js';
import type { SqlType } from '../../types/types.js';
import { SelectBinder } from '../binder/select-binder.js';
import { Scope } from '../binder/scope.js';
import type { FunctionRegistry } from '../functions/index.js';
import type { FunctionContext } from '../functions/registry.js';
import type { RelationInfo, SystemAccess } from '../functions/system-access.js';
import { informationSchemaTables } from './information-schema.js';
import { coreCatalogTables } from './pg-catalog-core.js';
import { moreCatalogTables } from './pg-catalog-more.js';
import { catalogProcs } from './procs.js';
import { isVisible, relations } from './relations.js';
import {
  rowValues,
  type MatViewStat,
  type SystemCatalogContext,
  type SystemTableDef,
} from './system-table.js';

/** Every table of pg_catalog and information_schema. */
export const SYSTEM_TABLES: readonly SystemTableDef[] = [
  ...coreCatalogTables,
  ...moreCatalogTables,
  ...informationSchemaTables,
];
const BY_NAME = new Map(SYSTEM_TABLES.map((d) => [`${d.schema}.${d.name}`, d]));

/** What the system catalog of one session is computed from. */
export interface SystemAccessOptions {
  readonly catalog: Catalog;
  /** The transaction looking (see Catalog), null outside one. */
  readonly viewer: LockOwner | null;
  /** The session's settings: pg_settings reads them, set_config writes them. */
  readonly settings: Map<string, string>;
  /** Checks and applies set_config() (with is_local); without it the value is stored as given. */
  readonly setSetting?: (name: string, value: string, local: boolean) => void;
  /** The search path as the session resolves names (pg_catalog last is dropped). */
  readonly searchPath: readonly string[];
  readonly functions: FunctionRegistry;
  /** Materialized views' statistics, for liveview_views. */
  readonly matviews?: () => readonly MatViewStat[];
}

/** Splits `schema.name` into parts, folding unquoted parts to lower case as the parser does. */
function identParts(text: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.trim().toLowerCase());
    if (m[3] === '') break;
  }
  return parts;
}

/**
 * The session's system catalog: pg_catalog and information_schema relations computed from the
 * live catalog each time a query names one, and the lookups catalog functions need.
 */
export function createSystemAccess(o: SystemAccessOptions): SystemAccess {
  const searchPath = o.searchPath.filter((s) => s !== 'pg_catalog');
  const viewTypes = (v: ViewDef): readonly SqlType[] => {
    const fc: FunctionContext = {
      timezone: o.settings.get('timezone') ?? 'UTC',
      transactionStart: 0,
      clock: () => Date.now() * 1000,
      setting: (n) => o.settings.get(n.toLowerCase()),
    };
    const b = new SelectBinder(o.catalog.reader(o.viewer), o.functions, fc, o.searchPath, []);
    return b.bindSelect(v.query, new Scope(null)).types;
  };
  const ctx: SystemCatalogContext = {
    catalog: o.catalog,
    viewer: o.viewer,
    settings: o.settings,
    searchPath,
    functions: o.functions,
    systemTables: SYSTEM_TABLES,
    viewTypes,
    ...(o.matviews ? { matviews: o.matviews } : {}),
  };
  const findDef = (name: string, schema: string | undefined): SystemTableDef | undefined =>
    BY_NAME.get(`${schema ?? 'pg_catalog'}.${name}`);
  const relationInfo = (oid: number): RelationInfo | undefined => {
    const r = relations(ctx).find((x) => x.oid === oid);
    if (!r) return undefined;
    const info = { oid, schema: r.schema, name: r.name, kind: r.kind, visible: isVisible(ctx, r) };
    return r.definition !== undefined ? { ...info, definition: r.definition } : info;
  };
  return {
    searchPath,
    systemRelation(name, schema) {
      const def = findDef(name, schema);
      if (!def) return undefined;
      const t = new Table(def.schema, def.name, [...def.columns], def.oid);
      t.appendRows(def.rows(ctx).map((r) => rowValues(def, r)));
      return t;
    },
    relationOid(text) {
      const parts = identParts(text);
      const name = parts[parts.length - 1];
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      const def = name !== undefined && parts.length <= 3 ? findDef(name, schema) : undefined;
      if (def) return def.oid;
      const rel =
        name !== undefined && parts.length <= 3
          ? o.catalog.findRelation(name, schema, searchPath, o.viewer)
          : undefined;
      if (!rel) throw new DatabaseError(SqlState.undefinedTable, `relation "${text}" does not exist`);
      return rel.oid;
    },
    relation: relationInfo,
    relationBytes(oid) {
      const t = o.catalog.allTables().find((x) => x.oid === oid);
      if (t) return t.byteSize();
      return relationInfo(oid) ? 0 : undefined;
    },
    proc: (oid) => catalogProcs(o.functions).find((p) => p.oid === oid),
    setSetting(name, value, local) {
      if (o.setSetting) o.setSetting(name, value, local);
      else o.settings.set(name.toLowerCase(), value);
    },
  };
}
