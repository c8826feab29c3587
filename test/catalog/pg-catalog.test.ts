import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows, error } = withDb([
  `CREATE TABLE t (id int NOT NULL, name varchar(10) DEFAULT 'x', at timestamptz)`,
  `INSERT INTO t (id) VALUES (1), (2)`,
  `CREATE VIEW v AS SELECT id FROM t`,
]);

describe('pg_catalog tables', () => {
  it('are found without a schema, pg_catalog being first on the search path', async () => {
    expect(await rows(`SELECT relname, relkind FROM pg_class WHERE relnamespace = 2200 ORDER BY 1`)).toEqual([
      ['t', 'r'],
      ['v', 'v'],
    ]);
  });

  it('pg_class reflects row counts and column counts', async () => {
    expect(
      await rows(`SELECT reltuples, relnatts FROM pg_catalog.pg_class WHERE oid = 't'::regclass`),
    ).toEqual([[2, 3]]);
  });

  it('keeps an oid stable across queries and new tables', async () => {
    const [[before]] = (await rows(`SELECT oid FROM pg_class WHERE relname = 't'`)) as [[number]];
    await db().exec(`CREATE TABLE u (a int)`);
    expect(await rows(`SELECT oid FROM pg_class WHERE relname = 't'`)).toEqual([[before]]);
  });

  it('pg_attribute lists columns with types, typmods and NOT NULL', async () => {
    expect(
      await rows(
        `SELECT attname, atttypid, atttypmod, attnotnull, atthasdef, attisdropped
         FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum`,
      ),
    ).toEqual([
      ['id', 23, -1, true, false, false],
      ['name', 1043, 14, false, true, false],
      ['at', 1184, -1, false, false, false],
    ]);
  });

  it('pg_attrdef holds the default expression text', async () => {
    expect(await rows(`SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef`)).toEqual([[2, "'x'"]]);
  });

  it('pg_type has the built-in types with PostgreSQL oids and array types', async () => {
    expect(
      await rows(
        `SELECT oid, typname, typlen, typtype, typarray FROM pg_type WHERE typname IN ('int4', 'text', '_int8') ORDER BY oid`,
      ),
    ).toEqual([
      [23, 'int4', 4, 'b', 1007],
      [25, 'text', -1, 'b', 1009],
      [1016, '_int8', -1, 'b', 0],
    ]);
  });

  it('pg_namespace, pg_database and pg_roles describe the server', async () => {
    expect(await rows(`SELECT nspname FROM pg_namespace ORDER BY oid`)).toEqual([
      ['pg_catalog'],
      ['public'],
      ['information_schema'],
    ]);
    expect(await rows(`SELECT datname FROM pg_database`)).toEqual([['liveview']]);
    expect(await rows(`SELECT rolname, rolsuper FROM pg_roles`)).toEqual([['admin', true]]);
    expect(await rows(`SELECT usename FROM pg_user`)).toEqual([['admin']]);
  });

  it('pg_tables, pg_views and pg_stat_user_tables list user relations', async () => {
    expect(await rows(`SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public'`)).toEqual([
      ['public', 't'],
    ]);
    expect(await rows(`SELECT viewname FROM pg_views`)).toEqual([['v']]);
    expect(await rows(`SELECT relname, n_live_tup FROM pg_stat_user_tables`)).toEqual([['t', 2n]]);
  });

  it('pg_proc lists registered functions with argument and result types', async () => {
    expect(
      await rows(`SELECT prorettype, proargtypes, prokind FROM pg_proc WHERE proname = 'upper'`),
    ).toEqual([[25, [25], 'f']]);
    expect(await rows(`SELECT count(*) > 0 FROM pg_proc WHERE proname = 'sum' AND prokind = 'a'`)).toEqual([
      [true],
    ]);
  });

  it('pg_settings shows the session settings, including ones changed by SET', async () => {
    await db().exec(`SET application_name = 'grafana'`);
    expect(
      await rows(
        `SELECT setting FROM pg_settings WHERE name IN ('application_name', 'server_version_num') ORDER BY name`,
      ),
    ).toEqual([['grafana'], ['150000']]);
  });

  it('the empty catalogs can be queried', async () => {
    for (const t of [
      'pg_index',
      'pg_constraint',
      'pg_description',
      'pg_inherits',
      'pg_matviews',
      'pg_extension',
    ])
      expect(await rows(`SELECT count(*) FROM pg_catalog.${t}`)).toEqual([[0n]]);
  });

  it('a system table name is not found in other schemas', async () => {
    expect(await error(`SELECT * FROM public.pg_class`)).toEqual({
      code: '42P01',
      message: 'relation "public.pg_class" does not exist',
    });
    expect((await error(`SELECT * FROM tables`)).code).toBe('42P01');
  });
});

describe('information_schema', () => {
  it('columns carries types, nullability, defaults and facets', async () => {
    expect(
      await rows(
        `SELECT column_name, ordinal_position, is_nullable, data_type, column_default,
                character_maximum_length, numeric_precision, datetime_precision
         FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`,
      ),
    ).toEqual([
      ['id', 1, 'NO', 'integer', null, null, 32, null],
      ['name', 2, 'YES', 'character varying', "'x'", 10, null, null],
      ['at', 3, 'YES', 'timestamp with time zone', null, null, null, 6],
    ]);
  });

  it('tables, views and schemata list the user objects', async () => {
    expect(
      await rows(
        `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      ),
    ).toEqual([
      ['t', 'BASE TABLE'],
      ['v', 'VIEW'],
    ]);
    expect(await rows(`SELECT table_name FROM information_schema.views`)).toEqual([['v']]);
    expect(
      await rows(`SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'public'`),
    ).toEqual([['public']]);
  });

  it('table_constraints and key_column_usage are empty, so primary-key lookups join to nothing', async () => {
    expect(
      await rows(
        `SELECT c.column_name, pk.column_name IS NOT NULL FROM information_schema.columns c
         LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name
                    FROM information_schema.table_constraints tc
                    JOIN information_schema.key_column_usage kc ON tc.constraint_name = kc.constraint_name
                    WHERE tc.constraint_type = 'PRIMARY KEY') pk
           ON c.table_schema = pk.table_schema AND c.table_name = pk.table_name AND c.column_name = pk.column_name
         WHERE c.table_name = 't' ORDER BY c.ordinal_position`,
      ),
    ).toEqual([
      ['id', false],
      ['name', false],
      ['at', false],
    ]);
  });
});

describe('object identifier casts', () => {
  it('regclass resolves names along the search path and prints as the name', async () => {
    expect(await rows(`SELECT 't'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 't')`)).toEqual([
      [true],
    ]);
    expect(await rows(`SELECT 'public.t'::regclass::text, 'pg_class'::regclass::oid`)).toEqual([['t', 1259]]);
    expect(await rows(`SELECT c.oid::regclass::text FROM pg_class c WHERE relname = 'v'`)).toEqual([['v']]);
  });

  it('regclass looks up a name computed per row, schema-qualified or not', async () => {
    expect(
      await rows(
        `SELECT format('%I.%I', table_schema::text, table_name::text)::regclass::oid = 't'::regclass::oid,
                (table_name || '')::regclass::text
         FROM information_schema.tables WHERE table_name = 't'`,
      ),
    ).toEqual([[true, 't']]);
    expect((await error(`SELECT ('no' || 'where')::regclass`)).code).toBe('42P01');
  });

  it('regtype resolves type names to PostgreSQL oids', async () => {
    expect(
      await rows(
        `SELECT 'int4'::regtype::oid, 'integer'::regtype::oid, 'text[]'::regtype::oid, 'int8'::regtype::text`,
      ),
    ).toEqual([[23, 23, 1009, 'bigint']]);
  });

  it('unknown names fail as in PostgreSQL', async () => {
    expect(await error(`SELECT 'nope'::regclass`)).toEqual({
      code: '42P01',
      message: 'relation "nope" does not exist',
    });
    expect(await error(`SELECT 'nope'::regtype`)).toEqual({
      code: '42704',
      message: 'type "nope" does not exist',
    });
  });

  it('OPERATOR(pg_catalog.~) is the regex match operator', async () => {
    expect(
      await rows(`SELECT relname FROM pg_class WHERE relname OPERATOR(pg_catalog.~) '^(t|v)$' ORDER BY 1`),
    ).toEqual([['t'], ['v']]);
  });
});
