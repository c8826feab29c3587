import { settingRows } from './settings.js';
import { catalogProcs } from './procs.js';
import { relations } from './relations.js';
import { relationKey } from '../../storage/locks.js';
import {
  ADMIN_ROLE,
  ADMIN_ROLE_OID,
  DATABASE_NAME,
  DATABASE_OID,
  PG_CATALOG_OID,
  systemTable,
  type SystemCatalogContext,
  type SystemTableDef,
} from './system-table.js';

const UTF8_ENCODING = 6;

const roleColumns =
  'oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, ' +
  'rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text, ' +
  'rolvaliduntil timestamptz, rolbypassrls bool, rolconfig text[]';
const adminRole = {
  oid: ADMIN_ROLE_OID,
  rolname: ADMIN_ROLE,
  rolsuper: true,
  rolinherit: true,
  rolcreaterole: true,
  rolcreatedb: true,
  rolcanlogin: true,
  rolreplication: true,
  rolconnlimit: -1,
  rolpassword: '********',
  rolbypassrls: true,
};

/** Tables with no rows here (no indexes, constraints, inheritance, policies, publications...). */
const empty: [string, number, string][] = [
  ['pg_inherits', 2611, 'inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool'],
  ['pg_auth_members', 1261, 'roleid oid, member oid, grantor oid, admin_option bool'],
  [
    'pg_policy',
    3256,
    'oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], polqual text, polwithcheck text',
  ],
  [
    'pg_statistic_ext',
    3381,
    'oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, stxkeys int2[], stxkind char[]',
  ],
  [
    'pg_publication',
    6104,
    'oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, pubdelete bool, pubtruncate bool, pubviaroot bool',
  ],
  ['pg_publication_namespace', 6237, 'oid oid, pnpubid oid, pnnspid oid'],
  ['pg_publication_rel', 6106, 'oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]'],
  [
    'pg_trigger',
    2620,
    'oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char, tgisinternal bool',
  ],
  [
    'pg_rewrite',
    2618,
    'oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool',
  ],
  ['pg_enum', 3501, 'oid oid, enumtypid oid, enumsortorder float4, enumlabel name'],
  ['pg_range', 3541, 'rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid'],
  [
    'pg_sequence',
    2224,
    'seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8',
  ],
  ['pg_foreign_table', 3118, 'ftrelid oid, ftserver oid, ftoptions text[]'],
  ['pg_partitioned_table', 3350, 'partrelid oid, partstrat char, partnatts int2, partdefid oid'],
  [
    'pg_event_trigger',
    3466,
    'oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled char',
  ],
  [
    'pg_depend',
    2608,
    'classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char',
  ],
];

/** pg_database, roles, pg_proc, pg_settings, the pg_tables-style views and the empty catalogs. */
export const moreCatalogTables: SystemTableDef[] = [
  systemTable(
    'pg_catalog',
    'pg_database',
    1262,
    'r',
    'oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool, ' +
      'datallowconn bool, datconnlimit int4, dattablespace oid, datcollate text, datctype text, ' +
      'daticulocale text, datcollversion text, datacl text[]',
    () => [
      {
        oid: DATABASE_OID,
        datname: DATABASE_NAME,
        datdba: ADMIN_ROLE_OID,
        encoding: UTF8_ENCODING,
        datlocprovider: 'c',
        datistemplate: false,
        datallowconn: true,
        datconnlimit: -1,
        dattablespace: 1663,
        datcollate: 'C.UTF-8',
        datctype: 'C.UTF-8',
      },
    ],
  ),
  systemTable('pg_catalog', 'pg_roles', 12_001, 'v', roleColumns, () => [adminRole]),
  systemTable('pg_catalog', 'pg_authid', 1260, 'r', roleColumns, () => [adminRole]),
  systemTable(
    'pg_catalog',
    'pg_user',
    12_002,
    'v',
    'usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, ' +
      'passwd text, valuntil timestamptz, useconfig text[]',
    () => [
      {
        usename: ADMIN_ROLE,
        usesysid: ADMIN_ROLE_OID,
        usecreatedb: true,
        usesuper: true,
        userepl: true,
        usebypassrls: true,
        passwd: '********',
      },
    ],
  ),
  systemTable(
    'pg_catalog',
    'pg_proc',
    1255,
    'r',
    'oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4, ' +
      'provariadic oid, prokind char, prosecdef bool, proleakproof bool, proisstrict bool, ' +
      'proretset bool, provolatile char, proparallel char, pronargs int2, pronargdefaults int2, ' +
      'prorettype oid, proargtypes oid[], proallargtypes oid[], proargmodes char[], proargnames text[], ' +
      'prosrc text, proconfig text[], proacl text[]',
    (ctx) =>
      catalogProcs(ctx.functions).map((p) => ({
        oid: p.oid,
        proname: p.name,
        pronamespace: PG_CATALOG_OID,
        proowner: ADMIN_ROLE_OID,
        prolang: 12,
        procost: 1,
        prorows: p.retSet ? 1000 : 0,
        provariadic: p.variadic,
        prokind: p.kind,
        prosecdef: false,
        proleakproof: false,
        proisstrict: p.strict,
        proretset: p.retSet,
        provolatile: p.volatile ? 'v' : 'i',
        proparallel: 's',
        pronargs: p.argTypes.length,
        pronargdefaults: 0,
        prorettype: p.retType,
        proargtypes: [...p.argTypes],
        prosrc: p.name,
      })),
  ),
  systemTable(
    'pg_catalog',
    'pg_settings',
    12_003,
    'v',
    'name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, ' +
      'vartype text, source text, min_val text, max_val text, enumvals text[], boot_val text, ' +
      'reset_val text, sourcefile text, sourceline int4, pending_restart bool',
    (ctx) => settingRows(ctx.settings),
  ),
  systemTable(
    'pg_catalog',
    'pg_tables',
    12_004,
    'v',
    'schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, ' +
      'hasrules bool, hastriggers bool, rowsecurity bool',
    (ctx) =>
      relations(ctx)
        .filter((r) => r.kind === 'r')
        .map((r) => ({
          schemaname: r.schema,
          tablename: r.name,
          tableowner: ADMIN_ROLE,
          hasindexes: false,
          hasrules: false,
          hastriggers: false,
          rowsecurity: false,
        })),
  ),
  systemTable(
    'pg_catalog',
    'pg_views',
    12_005,
    'v',
    'schemaname name, viewname name, viewowner name, definition text',
    (ctx) =>
      relations(ctx)
        .filter((r) => r.kind === 'v' && !r.system)
        .map((r) => ({
          schemaname: r.schema,
          viewname: r.name,
          viewowner: ADMIN_ROLE,
          definition: r.definition || null,
        })),
  ),
  systemTable(
    'pg_catalog',
    'pg_matviews',
    12_006,
    'v',
    'schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool, ' +
      'ispopulated bool, definition text',
    (ctx) =>
      relations(ctx)
        .filter((r) => r.kind === 'm')
        .map((r) => ({
          schemaname: r.schema,
          matviewname: r.name,
          matviewowner: ADMIN_ROLE,
          hasindexes: false,
          ispopulated: ctx.catalog.schemas.get(r.schema)?.tables.get(r.name)?.matview?.populated ?? false,
          definition: r.definition ?? null,
        })),
  ),
  systemTable(
    'pg_catalog',
    'liveview_views',
    12_100,
    'v',
    'schemaname name, viewname name, refresh text, base_tables text[], dependent_views text[], ' +
      'rows int8, state_bytes int8, populated bool, last_update timestamptz, staleness_ms float8, ' +
      'updates int8, p50_ms float8, p99_ms float8, repairs int8, error text',
    (ctx) =>
      (ctx.matviews?.() ?? [])
        .filter((v) => !createdUnseen(ctx, v.schema, v.name))
        .map((v) => ({
          schemaname: v.schema,
          viewname: v.name,
          refresh: v.refresh,
          base_tables: v.baseTables,
          dependent_views: v.dependentViews.filter((q) => {
            const dot = q.indexOf('.');
            return !createdUnseen(ctx, q.slice(0, dot), q.slice(dot + 1));
          }),
          rows: BigInt(v.rows),
          state_bytes: BigInt(v.stateBytes),
          populated: v.populated,
          last_update: v.lastUpdate === null ? null : v.lastUpdate * 1000,
          staleness_ms: v.stalenessMs,
          updates: BigInt(v.updates),
          p50_ms: v.p50Ms,
          p99_ms: v.p99Ms,
          repairs: BigInt(v.repairs),
          error: v.error,
        })),
  ),
  systemTable(
    'pg_catalog',
    'pg_stat_user_tables',
    12_007,
    'v',
    'relid oid, schemaname name, relname name, seq_scan int8, seq_tup_read int8, idx_scan int8, ' +
      'idx_tup_fetch int8, n_tup_ins int8, n_tup_upd int8, n_tup_del int8, n_tup_hot_upd int8, ' +
      'n_live_tup int8, n_dead_tup int8, last_vacuum timestamptz, last_autovacuum timestamptz, ' +
      'last_analyze timestamptz, last_autoanalyze timestamptz',
    (ctx) =>
      relations(ctx)
        .filter((r) => r.kind === 'r' && !r.system)
        .map((r) => ({
          relid: r.oid,
          schemaname: r.schema,
          relname: r.name,
          n_live_tup: BigInt(r.rowCount),
        })),
  ),
  systemTable(
    'pg_catalog',
    'pg_extension',
    3079,
    'r',
    'oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion text, ' +
      'extconfig oid[], extcondition text[]',
  ),
  systemTable(
    'pg_catalog',
    'pg_tablespace',
    1213,
    'r',
    'oid oid, spcname name, spcowner oid, spcacl text[]',
    () => [
      { oid: 1663, spcname: 'pg_default', spcowner: ADMIN_ROLE_OID },
      { oid: 1664, spcname: 'pg_global', spcowner: ADMIN_ROLE_OID },
    ],
  ),
  systemTable(
    'pg_catalog',
    'pg_language',
    2612,
    'r',
    'oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool',
    () =>
      (
        [
          [12, 'internal'],
          [13, 'c'],
          [14, 'sql'],
        ] as const
      ).map(([oid, lanname]) => ({
        oid,
        lanname,
        lanowner: ADMIN_ROLE_OID,
        lanispl: false,
        lanpltrusted: oid === 14,
      })),
  ),
  ...empty.map(([name, oid, cols]) => systemTable('pg_catalog', name, oid, 'r', cols)),
];

/**
 * Whether a view was created by another transaction that has not committed (a CREATE still
 * building it, or an open transaction block): like its table, it is not there for this session.
 */
function createdUnseen(ctx: SystemCatalogContext, schema: string, name: string): boolean {
  try {
    return ctx.catalog.locks.check(relationKey(schema, name), ctx.viewer, `relation "${name}"`) === 'hidden';
  } catch {
    // Locked by a REFRESH or ALTER of another transaction: it existed before, so it is listed.
    return false;
  }
}
