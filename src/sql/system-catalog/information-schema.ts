import type { SqlType } from '../../types/types.js';
import { typeName } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import { defaultText } from './deparse.js';
import { relations, schemas } from './relations.js';
import { ADMIN_ROLE, DATABASE_NAME, systemTable, type SystemTableDef } from './system-table.js';

const BITS: Partial<Record<SqlType['id'], number>> = { int2: 16, int4: 32, int8: 64, float4: 24, float8: 53 };

/** information_schema.columns.data_type: the SQL-standard name, 'ARRAY' for arrays. */
function dataType(t: SqlType): string {
  if (t.id === 'array') return 'ARRAY';
  if (t.id === 'bpchar') return 'character';
  if (t.id === 'varchar') return 'character varying';
  if (t.id === 'numeric') return 'numeric';
  return typeName(t);
}

function udtName(t: SqlType): string {
  return t.id === 'array' ? `_${t.elem!.id}` : t.id;
}

/** The numeric and character facets of a column type. */
function facets(t: SqlType): Record<string, Value> {
  const out: Record<string, Value> = {};
  if (t.id === 'varchar' || t.id === 'bpchar') {
    const n = t.length ?? (t.id === 'bpchar' ? 1 : null);
    out.character_maximum_length = n;
    out.character_octet_length = n === null ? 1_073_741_824 : n * 4;
  } else if (t.id === 'text') out.character_octet_length = 1_073_741_824;
  const bits = BITS[t.id];
  if (bits !== undefined) {
    out.numeric_precision = bits;
    out.numeric_precision_radix = 2;
    if (t.id !== 'float4' && t.id !== 'float8') out.numeric_scale = 0;
  } else if (t.id === 'numeric') {
    out.numeric_precision = t.precision ?? null;
    out.numeric_precision_radix = 10;
    out.numeric_scale = t.precision !== undefined ? (t.scale ?? 0) : null;
  }
  if (t.id === 'date') out.datetime_precision = 0;
  if (t.id === 'time' || t.id === 'timestamp' || t.id === 'timestamptz' || t.id === 'interval')
    out.datetime_precision = 6;
  return out;
}

const yesNo = (b: boolean): string => (b ? 'YES' : 'NO');

/**
 * information_schema: schemata, tables, columns, views; and, empty as pg_constraint is,
 * table_constraints and key_column_usage (BI tools join them to find primary keys).
 */
export const informationSchemaTables: SystemTableDef[] = [
  systemTable(
    'information_schema',
    'schemata',
    13_001,
    'v',
    'catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name, ' +
      'default_character_set_schema name, default_character_set_name name, sql_path varchar',
    (ctx) =>
      schemas(ctx).map((s) => ({
        catalog_name: DATABASE_NAME,
        schema_name: s.name,
        schema_owner: ADMIN_ROLE,
      })),
  ),
  systemTable(
    'information_schema',
    'tables',
    13_002,
    'v',
    'table_catalog name, table_schema name, table_name name, table_type varchar, ' +
      'self_referencing_column_name name, reference_generation varchar, user_defined_type_catalog name, ' +
      'user_defined_type_schema name, user_defined_type_name name, is_insertable_into varchar, ' +
      'is_typed varchar, commit_action varchar',
    (ctx) =>
      // Like PostgreSQL, information_schema does not list materialized views.
      relations(ctx)
        .filter((r) => r.kind !== 'm')
        .map((r) => ({
          table_catalog: DATABASE_NAME,
          table_schema: r.schema,
          table_name: r.name,
          table_type: r.kind === 'r' ? 'BASE TABLE' : 'VIEW',
          is_insertable_into: yesNo(r.kind === 'r' && !r.system),
          is_typed: 'NO',
        })),
  ),
  systemTable(
    'information_schema',
    'columns',
    13_003,
    'v',
    'table_catalog name, table_schema name, table_name name, column_name name, ordinal_position int4, ' +
      'column_default varchar, is_nullable varchar, data_type varchar, character_maximum_length int4, ' +
      'character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, ' +
      'numeric_scale int4, datetime_precision int4, interval_type varchar, interval_precision int4, ' +
      'character_set_catalog name, character_set_schema name, character_set_name name, ' +
      'collation_catalog name, collation_schema name, collation_name name, domain_catalog name, ' +
      'domain_schema name, domain_name name, udt_catalog name, udt_schema name, udt_name name, ' +
      'dtd_identifier name, is_self_referencing varchar, is_identity varchar, identity_generation varchar, ' +
      'is_generated varchar, generation_expression varchar, is_updatable varchar',
    (ctx) =>
      relations(ctx).flatMap((r) =>
        r.columns.map((c, i) => ({
          table_catalog: DATABASE_NAME,
          table_schema: r.schema,
          table_name: r.name,
          column_name: c.name,
          ordinal_position: i + 1,
          column_default: c.defaultSql === undefined ? null : defaultText(c.defaultSql),
          is_nullable: yesNo(!c.notNull),
          data_type: dataType(c.type),
          ...facets(c.type),
          udt_catalog: DATABASE_NAME,
          udt_schema: 'pg_catalog',
          udt_name: udtName(c.type),
          dtd_identifier: String(i + 1),
          is_self_referencing: 'NO',
          is_identity: 'NO',
          is_generated: 'NEVER',
          is_updatable: yesNo(r.kind === 'r' && !r.system),
        })),
      ),
  ),
  systemTable(
    'information_schema',
    'views',
    13_004,
    'v',
    'table_catalog name, table_schema name, table_name name, view_definition varchar, ' +
      'check_option varchar, is_updatable varchar, is_insertable_into varchar, ' +
      'is_trigger_updatable varchar, is_trigger_deletable varchar, is_trigger_insertable_into varchar',
    (ctx) =>
      relations(ctx)
        .filter((r) => r.kind === 'v' && !r.system)
        .map((r) => ({
          table_catalog: DATABASE_NAME,
          table_schema: r.schema,
          table_name: r.name,
          view_definition: r.definition || null,
          check_option: 'NONE',
          is_updatable: 'NO',
          is_insertable_into: 'NO',
          is_trigger_updatable: 'NO',
          is_trigger_deletable: 'NO',
          is_trigger_insertable_into: 'NO',
        })),
  ),
  systemTable(
    'information_schema',
    'table_constraints',
    13_005,
    'v',
    'constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, ' +
      'table_schema name, table_name name, constraint_type varchar, is_deferrable varchar, ' +
      'initially_deferred varchar, enforced varchar, nulls_distinct varchar',
  ),
  systemTable(
    'information_schema',
    'key_column_usage',
    13_006,
    'v',
    'constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, ' +
      'table_schema name, table_name name, column_name name, ordinal_position int4, ' +
      'position_in_unique_constraint int4',
  ),
];
