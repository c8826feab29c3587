import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/index.js';
import { withDb } from '../../helpers/db.js';

const { db, rows } = withDb([
  `CREATE SCHEMA other`,
  `CREATE TABLE t (a int)`,
  `CREATE TABLE other.hidden (a int)`,
]);

const one = async (sql: string): Promise<unknown[]> => (await rows(sql))[0]!;

describe('session information functions', () => {
  it('version, database, user and schema', async () => {
    const [v] = await one(`SELECT version()`);
    expect(v).toMatch(/^PostgreSQL 15\.0 \(LiveViewDB 0\.1\.0\)/);
    expect(await one(`SELECT current_database(), current_user, session_user, user, current_schema`)).toEqual([
      'liveview',
      'admin',
      'admin',
      'admin',
      'public',
    ]);
    expect(await one(`SELECT current_schemas(true), current_schemas(false)`)).toEqual([
      ['pg_catalog', 'public'],
      ['public'],
    ]);
    expect(await one(`SELECT pg_backend_pid() > 0`)).toEqual([true]);
  });

  it('current_setting reads settings; missing_ok gives NULL for unknown ones', async () => {
    expect(await one(`SELECT current_setting('server_version_num'), current_setting('nope', true)`)).toEqual([
      '150000',
      null,
    ]);
    await expect(db().query(`SELECT current_setting('nope')`)).rejects.toMatchObject({
      code: '42704',
      message: 'unrecognized configuration parameter "nope"',
    });
  });

  it('set_config changes a setting for the session', async () => {
    expect(await one(`SELECT set_config('application_name', 'etl', false)`)).toEqual(['etl']);
    expect(await one(`SHOW application_name`)).toEqual(['etl']);
  });

  it('follows SET search_path', async () => {
    await db().exec(`SET search_path = other, public`);
    expect(await one(`SELECT current_schema()`)).toEqual(['other']);
  });
});

describe('catalog introspection functions', () => {
  it('pg_table_is_visible follows the search path', async () => {
    expect(
      await one(`SELECT pg_table_is_visible('t'::regclass), pg_table_is_visible('other.hidden'::regclass)`),
    ).toEqual([true, false]);
    expect(await one(`SELECT 'other.hidden'::regclass::text`)).toEqual(['other.hidden']);
  });

  it('format_type prints types with their modifiers', async () => {
    expect(
      await one(
        `SELECT format_type(23, -1), format_type(1043, 14), format_type(1700, 655366), format_type(1, -1)`,
      ),
    ).toEqual(['integer', 'character varying(10)', 'numeric(10,2)', '???']);
  });

  it('owner, encoding, description and privilege functions answer as for a superuser', async () => {
    expect(
      await one(
        `SELECT pg_get_userbyid(10), pg_encoding_to_char(6), obj_description(1::oid, 'pg_class'),
                col_description(1::oid, 1), has_table_privilege('t', 'SELECT'),
                has_schema_privilege('public', 'USAGE'), has_database_privilege('liveview', 'CONNECT')`,
      ),
    ).toEqual(['admin', 'UTF8', null, null, true, true, true]);
  });

  it('parse_ident and quote_ident', async () => {
    expect(await one(`SELECT parse_ident('Public."My Table"'), quote_ident('My Table')`)).toEqual([
      ['public', 'My Table'],
      '"My Table"',
    ]);
    await expect(db().query(`SELECT parse_ident('a..b')`)).rejects.toBeInstanceOf(DatabaseError);
  });

  it('string_to_array splits on a delimiter, into characters on NULL, and maps null_string to NULL', async () => {
    expect(
      await one(
        `SELECT string_to_array('"$user", public', ','), string_to_array('abc', NULL),
                string_to_array('abc', ''), string_to_array('', ','), string_to_array(NULL, ','),
                string_to_array('a,*,b', ',', '*')`,
      ),
    ).toEqual([['"$user"', ' public'], ['a', 'b', 'c'], ['abc'], [], null, ['a', null, 'b']]);
  });

  it('string_to_array over search_path finds the schemas as Grafana splits them', async () => {
    expect(
      await rows(
        `SELECT trim(s[i]) FROM generate_series(array_lower(string_to_array(current_setting('search_path'), ','), 1),
           array_upper(string_to_array(current_setting('search_path'), ','), 1)) AS i,
           (SELECT string_to_array(current_setting('search_path'), ',') AS s) AS p ORDER BY 1`,
      ),
    ).toEqual([['"$user"'], ['public']]);
  });

  it('pg_get_function_result and arguments describe pg_proc rows', async () => {
    expect(
      await one(
        `SELECT pg_get_function_result(oid), pg_get_function_arguments(oid) FROM pg_proc
         WHERE proname = 'left' LIMIT 1`,
      ),
    ).toEqual(['text', 'text, integer']);
  });

  it('pg_table_size measures a table and pg_size_pretty prints sizes as PostgreSQL does', async () => {
    await db().exec(`INSERT INTO t VALUES (1), (2)`);
    const [n] = (await one(`SELECT pg_table_size('t')`)) as [bigint];
    expect(n > 0n).toBe(true);
    expect(
      await one(
        `SELECT pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint),
                pg_size_pretty(1234567890::bigint), pg_size_pretty(-987654321098::bigint)`,
      ),
    ).toEqual(['10239 bytes', '10 kB', '1177 MB', '-920 GB']);
  });

  it('to_regclass gives NULL for a missing relation', async () => {
    expect(await one(`SELECT to_regclass('nope'), to_regclass('t')::oid > 0`)).toEqual([null, true]);
  });
});
