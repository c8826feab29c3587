import { describe, expect, it } from 'vitest';
import { withClient } from './pg-client.js';

/**
 * The queries Metabase's PostgreSQL driver sends when it syncs a database (describe-database,
 * describe-fields, describe-fks, the enum lookup, the select-privilege probe), written here as
 * its query builder renders them. Metabase connects through pgjdbc, whose own metadata queries
 * the pgjdbc test covers.
 */
const client = withClient(`
  CREATE SCHEMA mb;
  CREATE TABLE mb.orders (id int NOT NULL, customer text DEFAULT 'guest', total numeric(10,2), at timestamptz);
  INSERT INTO mb.orders VALUES (1, 'ann', 10.50, '2025-01-01 10:00:00+00'), (2, 'bob', 3.25, NULL);
  CREATE VIEW mb.big_orders AS SELECT id, total FROM mb.orders WHERE total > 5;
`);

const rows = async (sql: string): Promise<unknown[][]> =>
  (await client().query({ text: sql, rowMode: 'array' })).rows as unknown[][];

describe('Metabase sync', () => {
  it('reads the time zone and finds no enum types', async () => {
    expect(await rows(`show timezone;`)).toEqual([['UTC']]);
    expect(
      await rows(
        `SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)`,
      ),
    ).toEqual([]);
  });

  it('describe-database lists tables and views with row estimates', async () => {
    expect(
      await rows(
        `SELECT n.nspname AS "schema", c.relname AS "name",
           CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
             WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type",
           d.description AS "description", stat.n_live_tup AS "estimated_row_count"
         FROM pg_catalog.pg_class AS c
         INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
         LEFT JOIN pg_catalog.pg_description AS d
           ON (c.oid = d.objoid) AND (d.objsubid = 0) AND (d.classoid = 'pg_class'::regclass)
         LEFT JOIN pg_stat_user_tables AS stat ON (n.nspname = stat.schemaname) AND (c.relname = stat.relname)
         WHERE (c.relnamespace = n.oid) AND (n.nspname !~ '^pg_') AND (n.nspname <> 'information_schema')
           AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND (n.nspname IN ('mb'))
         ORDER BY "type" ASC, "schema" ASC, "name" ASC`,
      ),
    ).toEqual([
      ['mb', 'orders', 'TABLE', null, '2'],
      ['mb', 'big_orders', 'VIEW', null, null],
    ]);
  });

  it('checks SELECT privilege with a query that returns no rows', async () => {
    expect(await rows(`SELECT TRUE AS "_" FROM "mb"."orders" WHERE 1 <> 1 LIMIT 0`)).toEqual([]);
    expect(await rows(`SELECT has_table_privilege('mb.orders', 'SELECT')`)).toEqual([[true]]);
  });

  it('describe-fields reads types, positions, primary keys and required columns', async () => {
    expect(
      await rows(
        `SELECT c.column_name AS "name",
           CASE WHEN c.udt_schema IN ('public', 'pg_catalog') THEN format('%s', c.udt_name)
             ELSE format('"%s"."%s"', c.udt_schema, c.udt_name) END AS "database-type",
           c.ordinal_position - 1 AS "database-position", c.table_schema AS "table-schema",
           c.table_name AS "table-name", pk.column_name IS NOT NULL AS "pk?",
           col_description(CAST(CAST(format('%I.%I', CAST(c.table_schema AS TEXT), CAST(c.table_name AS TEXT))
             AS regclass) AS oid), c.ordinal_position) AS "field-comment",
           ((column_default IS NULL) OR (LOWER(column_default) = 'null')) AND (is_nullable = 'NO')
             AND NOT (((column_default IS NOT NULL) AND (column_default LIKE '%nextval(%'))
               OR (is_identity <> 'NO')) AS "database-required",
           ((column_default IS NOT NULL) AND (column_default LIKE '%nextval(%'))
             OR (is_identity <> 'NO') AS "database-is-auto-increment"
         FROM information_schema.columns AS c
         LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name
                    FROM information_schema.table_constraints AS tc
                    INNER JOIN information_schema.key_column_usage AS kc
                      ON (tc.constraint_name = kc.constraint_name) AND (tc.table_schema = kc.table_schema)
                        AND (tc.table_name = kc.table_name)
                    WHERE tc.constraint_type = 'PRIMARY KEY') AS pk
           ON (c.table_schema = pk.table_schema) AND (c.table_name = pk.table_name)
             AND (c.column_name = pk.column_name)
         WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND (c.table_schema IN ('mb'))
         UNION ALL
         SELECT pa.attname AS "name",
           CASE WHEN ptn.nspname IN ('public', 'pg_catalog') THEN format('%s', pt.typname)
             ELSE format('"%s"."%s"', ptn.nspname, pt.typname) END AS "database-type",
           pa.attnum - 1 AS "database-position", pn.nspname AS "table-schema", pc.relname AS "table-name",
           FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required",
           FALSE AS "database-is-auto-increment"
         FROM pg_catalog.pg_class AS pc
         INNER JOIN pg_catalog.pg_namespace AS pn ON pn.oid = pc.relnamespace
         INNER JOIN pg_catalog.pg_attribute AS pa ON pa.attrelid = pc.oid
         INNER JOIN pg_catalog.pg_type AS pt ON pt.oid = pa.atttypid
         INNER JOIN pg_catalog.pg_namespace AS ptn ON ptn.oid = pt.typnamespace
         WHERE (pc.relkind = 'm') AND (pa.attnum >= 1) AND (pn.nspname IN ('mb'))
         ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC`,
      ),
    ).toEqual([
      ['id', 'int4', 0, 'mb', 'big_orders', false, null, false, false],
      ['total', 'numeric', 1, 'mb', 'big_orders', false, null, false, false],
      ['id', 'int4', 0, 'mb', 'orders', false, null, true, false],
      ['customer', 'text', 1, 'mb', 'orders', false, null, false, false],
      ['total', 'numeric', 2, 'mb', 'orders', false, null, false, false],
      ['at', 'timestamptz', 3, 'mb', 'orders', false, null, false, false],
    ]);
  });

  it('describe-fks finds no foreign keys', async () => {
    expect(
      await rows(
        `SELECT fk_ns.nspname AS "fk-table-schema", fk_table.relname AS "fk-table-name",
           fk_column.attname AS "fk-column-name", pk_ns.nspname AS "pk-table-schema",
           pk_table.relname AS "pk-table-name", pk_column.attname AS "pk-column-name"
         FROM pg_constraint AS c
         INNER JOIN pg_class AS fk_table ON c.conrelid = fk_table.oid
         INNER JOIN pg_namespace AS fk_ns ON c.connamespace = fk_ns.oid
         INNER JOIN pg_attribute AS fk_column ON c.conrelid = fk_column.attrelid
         INNER JOIN pg_class AS pk_table ON c.confrelid = pk_table.oid
         INNER JOIN pg_namespace AS pk_ns ON pk_table.relnamespace = pk_ns.oid
         INNER JOIN pg_attribute AS pk_column ON c.confrelid = pk_column.attrelid
         WHERE fk_ns.nspname !~ '^information_schema|catalog_history|pg_' AND (c.contype = 'f'::char)
           AND (fk_column.attnum = ANY(c.conkey)) AND (pk_column.attnum = ANY(c.confkey))
           AND (fk_ns.nspname IN ('mb'))
         ORDER BY "fk-table-schema" ASC, "fk-table-name" ASC`,
      ),
    ).toEqual([]);
  });

  it('samples column values for fingerprinting', async () => {
    expect(
      await rows(
        `SELECT "mb"."orders"."customer" AS "customer", "mb"."orders"."total" AS "total"
         FROM "mb"."orders" ORDER BY "mb"."orders"."id" ASC LIMIT 10000`,
      ),
    ).toEqual([
      ['ann', '10.50'],
      ['bob', '3.25'],
    ]);
  });
});
