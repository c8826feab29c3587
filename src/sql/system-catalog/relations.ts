import { isTable } from '../../storage/catalog.js';
import type { ColumnDef } from '../../storage/table.js';
import { INFORMATION_SCHEMA_OID, PG_CATALOG_OID, type SystemCatalogContext } from './system-table.js';

/** A schema as pg_namespace lists it. */
export interface CatalogSchema {
  readonly oid: number;
  readonly name: string;
}

/** A relation (user table or view, or a system table) as pg_class lists it. */
export interface CatalogRelation {
  readonly oid: number;
  readonly schema: string;
  readonly schemaOid: number;
  readonly name: string;
  readonly kind: 'r' | 'v' | 'm';
  readonly columns: readonly ColumnDef[];
  readonly rowCount: number;
  readonly definition?: string;
  readonly system: boolean;
}

export function schemas(ctx: SystemCatalogContext): CatalogSchema[] {
  const out: CatalogSchema[] = [
    { oid: PG_CATALOG_OID, name: 'pg_catalog' },
    { oid: INFORMATION_SCHEMA_OID, name: 'information_schema' },
  ];
  for (const s of ctx.catalog.schemas.values()) {
    try {
      ctx.catalog.schema(s.name, ctx.viewer);
      out.push({ oid: s.oid, name: s.name });
    } catch {
      // Created by a transaction not yet committed (or locked by one): not listed.
    }
  }
  return out;
}

/** User relations as this session sees them, then the system tables. */
export function relations(ctx: SystemCatalogContext): CatalogRelation[] {
  const out: CatalogRelation[] = [];
  for (const s of schemas(ctx)) {
    const sch = ctx.catalog.schemas.get(s.name);
    if (!sch) continue;
    for (const name of [...sch.tables.keys(), ...sch.views.keys()]) {
      let rel;
      try {
        rel = ctx.catalog.findRelation(name, s.name, [], ctx.viewer);
      } catch {
        continue;
      }
      if (!rel) continue;
      if (isTable(rel)) {
        const kind = rel.matview ? ('m' as const) : ('r' as const);
        const base = { oid: rel.oid, schema: s.name, schemaOid: s.oid, name, kind };
        const def = rel.matview ? { definition: ` ${rel.matview.definition};` } : {};
        out.push({ ...base, columns: rel.columns, rowCount: rel.liveRowCount(), ...def, system: false });
      } else {
        const types = ctx.viewTypes(rel);
        const columns = rel.columnNames.map((n, i) => ({ name: n, type: types[i]!, notNull: false }));
        const base = { oid: rel.oid, schema: s.name, schemaOid: s.oid, name, kind: 'v' as const };
        // Shaped as PostgreSQL prints a view's query: a leading space and a closing semicolon.
        const def = rel.sql === '' ? {} : { definition: ` ${rel.sql};` };
        out.push({ ...base, columns, rowCount: 0, ...def, system: false });
      }
    }
  }
  for (const d of ctx.systemTables) {
    const schemaOid = d.schema === 'pg_catalog' ? PG_CATALOG_OID : INFORMATION_SCHEMA_OID;
    const base = { oid: d.oid, schema: d.schema, schemaOid, name: d.name, kind: d.kind };
    out.push({ ...base, columns: d.columns, rowCount: 0, system: true });
  }
  return out;
}

/** pg_table_is_visible: the relation is what its bare name finds along the search path. */
export function isVisible(ctx: SystemCatalogContext, r: CatalogRelation): boolean {
  if (r.schema === 'pg_catalog') return true;
  for (const sp of ctx.searchPath) {
    if (sp === r.schema) return true;
    const sch = ctx.catalog.schemas.get(sp);
    if (sch && (sch.tables.has(r.name) || sch.views.has(r.name))) return false;
  }
  return false;
}
