import { typeOid, isStringType } from '../../types/types.js';
import { BUILTIN_TYPES, typCategory, typmodOf } from './builtin-types.js';
import { defaultText } from './deparse.js';
import { relations, schemas } from './relations.js';
import { ADMIN_ROLE_OID, PG_CATALOG_OID, systemTable, type SystemTableDef } from './system-table.js';

const DEFAULT_COLLATION = 100;
const HEAP_AM = 2;

/** pg_namespace, pg_class, pg_attribute, pg_attrdef, pg_type, pg_am and their empty neighbours. */
export const coreCatalogTables: SystemTableDef[] = [
  systemTable(
    'pg_catalog',
    'pg_namespace',
    2615,
    'r',
    'oid oid, nspname name, nspowner oid, nspacl text[]',
    (ctx) => schemas(ctx).map((s) => ({ oid: s.oid, nspname: s.name, nspowner: ADMIN_ROLE_OID })),
  ),
  systemTable(
    'pg_catalog',
    'pg_class',
    1259,
    'r',
    'oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, ' +
      'relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, ' +
      'reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind char, ' +
      'relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, ' +
      'relrowsecurity bool, relforcerowsecurity bool, relispopulated bool, relreplident char, ' +
      'relispartition bool, relrewrite oid, relacl text[], reloptions text[], relpartbound text',
    (ctx) =>
      relations(ctx).map((r) => ({
        oid: r.oid,
        relname: r.name,
        relnamespace: r.schemaOid,
        reltype: 0,
        reloftype: 0,
        relowner: ADMIN_ROLE_OID,
        relam: r.kind !== 'v' ? HEAP_AM : 0,
        relfilenode: r.kind !== 'v' ? r.oid : 0,
        reltablespace: 0,
        relpages: 0,
        reltuples: r.kind !== 'v' ? r.rowCount : -1,
        relallvisible: 0,
        reltoastrelid: 0,
        relhasindex: false,
        relisshared: false,
        relpersistence: 'p',
        relkind: r.kind,
        relnatts: r.columns.length,
        relchecks: 0,
        relhasrules: r.kind === 'v',
        relhastriggers: false,
        relhassubclass: false,
        relrowsecurity: false,
        relforcerowsecurity: false,
        relispopulated: true,
        relreplident: r.kind === 'r' ? 'd' : 'n',
        relispartition: false,
        relrewrite: 0,
      })),
  ),
  systemTable(
    'pg_catalog',
    'pg_attribute',
    1249,
    'r',
    'attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, ' +
      'attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char, ' +
      'attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char, ' +
      'attgenerated char, attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, ' +
      'attacl text[], attoptions text[], attfdwoptions text[]',
    (ctx) =>
      relations(ctx).flatMap((r) =>
        r.columns.map((c, i) => {
          const t = BUILTIN_TYPES.find((b) => b.oid === typeOid(c.type));
          return {
            attrelid: r.oid,
            attname: c.name,
            atttypid: typeOid(c.type),
            attstattarget: -1,
            attlen: t?.len ?? -1,
            attnum: i + 1,
            attndims: c.type.id === 'array' ? 1 : 0,
            attcacheoff: -1,
            atttypmod: typmodOf(c.type),
            attbyval: t !== undefined && t.len > 0 && t.len <= 8,
            attalign: 'i',
            attstorage: t !== undefined && t.len > 0 ? 'p' : 'x',
            attcompression: '',
            attnotnull: c.notNull,
            atthasdef: c.defaultSql !== undefined,
            atthasmissing: false,
            attidentity: '',
            attgenerated: '',
            attisdropped: false,
            attislocal: true,
            attinhcount: 0,
            attcollation: isStringType(c.type) && c.type.id !== 'char' ? DEFAULT_COLLATION : 0,
          };
        }),
      ),
  ),
  systemTable('pg_catalog', 'pg_attrdef', 2604, 'r', 'oid oid, adrelid oid, adnum int2, adbin text', (ctx) =>
    relations(ctx).flatMap((r) =>
      r.columns.flatMap((c, i) =>
        c.defaultSql === undefined
          ? []
          : [{ oid: r.oid * 1000 + i + 1, adrelid: r.oid, adnum: i + 1, adbin: defaultText(c.defaultSql) }],
      ),
    ),
  ),
  systemTable(
    'pg_catalog',
    'pg_type',
    1247,
    'r',
    'oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char, ' +
      'typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, ' +
      'typsubscript oid, typelem oid, typarray oid, typinput text, typoutput text, typreceive text, ' +
      'typsend text, typalign char, typstorage char, typnotnull bool, typbasetype oid, typtypmod int4, ' +
      'typndims int4, typcollation oid, typdefault text, typacl text[]',
    () =>
      BUILTIN_TYPES.map((t) => ({
        oid: t.oid,
        typname: t.name,
        typnamespace: PG_CATALOG_OID,
        typowner: ADMIN_ROLE_OID,
        typlen: t.len,
        typbyval: t.len > 0 && t.len <= 8,
        typtype: t.kind,
        typcategory: typCategory(t),
        typispreferred: ['float8', 'text', 'timestamptz', 'oid', 'bool', 'interval'].includes(t.name),
        typisdefined: true,
        typdelim: ',',
        typrelid: 0,
        typsubscript: 0,
        typelem: t.elem,
        typarray: t.array,
        typinput: `${t.elem ? 'array' : t.name}_in`,
        typoutput: `${t.elem ? 'array' : t.name}_out`,
        typreceive: `${t.elem ? 'array' : t.name}_recv`,
        typsend: `${t.elem ? 'array' : t.name}_send`,
        typalign: t.len === 8 ? 'd' : t.len === 2 ? 's' : t.len === 1 ? 'c' : 'i',
        typstorage: t.len > 0 ? 'p' : 'x',
        typnotnull: false,
        typbasetype: 0,
        typtypmod: -1,
        typndims: 0,
        typcollation: isStringType(t.type) && t.name !== 'char' ? DEFAULT_COLLATION : 0,
      })),
  ),
  systemTable('pg_catalog', 'pg_am', 2601, 'r', 'oid oid, amname name, amhandler text, amtype char', () => [
    { oid: HEAP_AM, amname: 'heap', amhandler: 'heap_tableam_handler', amtype: 't' },
    { oid: 403, amname: 'btree', amhandler: 'bthandler', amtype: 'i' },
  ]),
  systemTable(
    'pg_catalog',
    'pg_index',
    2610,
    'r',
    'indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, ' +
      'indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, ' +
      'indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, ' +
      'indisreplident bool, indkey int2[], indcollation oid[], indclass oid[], indoption int2[], ' +
      'indexprs text, indpred text',
  ),
  systemTable(
    'pg_catalog',
    'pg_constraint',
    2606,
    'r',
    'oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool, ' +
      'convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, ' +
      'confupdtype char, confdeltype char, confmatchtype char, conislocal bool, coninhcount int4, ' +
      'connoinherit bool, conkey int2[], confkey int2[], conbin text',
  ),
  systemTable(
    'pg_catalog',
    'pg_description',
    2609,
    'r',
    'objoid oid, classoid oid, objsubid int4, description text',
  ),
  systemTable('pg_catalog', 'pg_shdescription', 2396, 'r', 'objoid oid, classoid oid, description text'),
  systemTable(
    'pg_catalog',
    'pg_collation',
    3456,
    'r',
    'oid oid, collname name, collnamespace oid, collowner oid, collprovider char, ' +
      'collisdeterministic bool, collencoding int4, collcollate text, collctype text',
    () =>
      [
        {
          oid: DEFAULT_COLLATION,
          collname: 'default',
          collprovider: 'd',
          collencoding: -1,
          collcollate: null,
          collctype: null,
        },
        { oid: 950, collname: 'C', collprovider: 'c', collencoding: -1, collcollate: 'C', collctype: 'C' },
      ].map((c) => ({
        ...c,
        collnamespace: PG_CATALOG_OID,
        collowner: ADMIN_ROLE_OID,
        collisdeterministic: true,
      })),
  ),
];
