import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows, error: failure } = withDb();

async function show(name: string): Promise<unknown> {
  return (await rows(`SHOW ${name}`))[0]![0];
}

async function columnsOf(sql: string): Promise<string[]> {
  return (await db().query(sql)).columns.map((c) => c.name);
}

describe('SET and SHOW', () => {
  it('names the SHOW column as PostgreSQL spells the parameter', async () => {
    expect(await columnsOf('SHOW timezone')).toEqual(['TimeZone']);
  });

  it('normalizes DateStyle, keeping the part not given', async () => {
    await db().exec(`SET datestyle = 'German'`);
    expect(await show('DateStyle')).toBe('German, DMY');
    await db().exec(`SET datestyle = 'ISO'`);
    expect(await show('datestyle')).toBe('ISO, DMY');
    await db().exec(`SET datestyle = 'SQL, MDY'`);
    expect(await show('datestyle')).toBe('SQL, MDY');
    expect(await failure(`SET datestyle = 'ISO, SQL'`)).toMatchObject({ code: '22023' });
  });

  it('shows timeouts in the largest unit that divides them', async () => {
    await db().exec('SET statement_timeout = 5000');
    expect(await show('statement_timeout')).toBe('5s');
    await db().exec(`SET lock_timeout = '2min'`);
    expect(await show('lock_timeout')).toBe('2min');
    await db().exec(`SET idle_in_transaction_session_timeout = 1500`);
    expect(await show('idle_in_transaction_session_timeout')).toBe('1500ms');
    expect(await failure(`SET statement_timeout = 'soon'`)).toMatchObject({ code: '22023' });
  });

  it('checks integer ranges and booleans', async () => {
    expect(await failure('SET extra_float_digits = 4')).toEqual({
      code: '22023',
      message: '4 is outside the valid range for parameter "extra_float_digits" (-15 .. 3)',
    });
    expect(await failure('SET jit = maybe')).toEqual({
      code: '22023',
      message: 'parameter "jit" requires a Boolean value',
    });
    await db().exec('SET jit = true');
    expect(await show('jit')).toBe('on');
  });

  it('rejects unknown parameters but accepts custom dotted ones', async () => {
    expect(await failure('SET nope = 1')).toEqual({
      code: '42704',
      message: 'unrecognized configuration parameter "nope"',
    });
    expect(await failure('SHOW myapp.tenant')).toMatchObject({ code: '42704' });
    await db().exec(`SET myapp.tenant = 'acme'`);
    expect(await show('myapp.tenant')).toBe('acme');
    const r = await db().query(`SELECT current_setting('myapp.tenant') AS v`);
    expect(r.rows).toEqual([{ v: 'acme' }]);
  });

  it('refuses to change read-only parameters', async () => {
    expect(await failure(`SET server_version = '9'`)).toEqual({
      code: '55P02',
      message: 'parameter "server_version" cannot be changed',
    });
  });

  it('accepts only UTF8 as client encoding', async () => {
    await db().exec(`SET client_encoding = 'unicode'`);
    expect(await show('client_encoding')).toBe('UTF8');
    await db().exec(`SET NAMES 'utf-8'`);
    expect(await show('client_encoding')).toBe('UTF8');
    expect(await failure(`SET client_encoding = 'LATIN1'`)).toEqual({
      code: '0A000',
      message: 'conversion between LATIN1 and UTF8 is not supported',
    });
    expect(await failure(`SET client_encoding = 'klingon'`)).toMatchObject({ code: '22023' });
  });

  it('accepts only the values LiveViewDB implements for output formats', async () => {
    expect(await failure(`SET standard_conforming_strings = off`)).toMatchObject({ code: '0A000' });
    expect(await failure(`SET bytea_output = 'escape'`)).toMatchObject({ code: '0A000' });
    expect(await failure(`SET IntervalStyle = 'iso_8601'`)).toMatchObject({ code: '0A000' });
    expect(await failure(`SET IntervalStyle = 'nope'`)).toMatchObject({ code: '22023' });
    await db().exec(`SET intervalstyle = 'POSTGRES'`);
    expect(await show('IntervalStyle')).toBe('postgres');
  });

  it('validates time zones', async () => {
    await db().exec(`SET TIME ZONE 'Europe/Berlin'`);
    expect(await show('TimeZone')).toBe('Europe/Berlin');
    expect(await failure(`SET TIME ZONE 'Mars/Phobos'`)).toEqual({
      code: '22023',
      message: 'invalid value for parameter "TimeZone": "Mars/Phobos"',
    });
    await db().exec('SET TIME ZONE LOCAL');
    expect(await show('TimeZone')).toBe('UTC');
  });

  it('quotes search_path elements that need it', async () => {
    await db().exec(`SET search_path TO "$user", "My Schema", public`);
    expect(await show('search_path')).toBe('"$user", "My Schema", public');
  });

  it('SHOW ALL lists name, setting and description', async () => {
    expect(await columnsOf('SHOW ALL')).toEqual(['name', 'setting', 'description']);
    expect((await rows('SHOW ALL')).find((row) => row[0] === 'DateStyle')?.[1]).toBe('ISO, MDY');
  });
});

describe('RESET', () => {
  it('returns one parameter or all to the session start value', async () => {
    await db().exec(`SET application_name = 'etl'; SET extra_float_digits = 0`);
    await db().exec('RESET application_name');
    expect(await show('application_name')).toBe('');
    expect(await show('extra_float_digits')).toBe('0');
    await db().exec('RESET ALL');
    expect(await show('extra_float_digits')).toBe('1');
  });
});

describe('settings in transactions', () => {
  it('undoes SET when the transaction rolls back', async () => {
    await db().exec(`BEGIN; SET application_name = 'inside'; ROLLBACK`);
    expect(await show('application_name')).toBe('');
    await db().exec(`BEGIN; SET application_name = 'kept'; COMMIT`);
    expect(await show('application_name')).toBe('kept');
  });

  it('undoes SET after a savepoint rolled back to', async () => {
    await db().exec(`BEGIN; SET extra_float_digits = 2; SAVEPOINT a; SET extra_float_digits = 3`);
    await db().exec('ROLLBACK TO SAVEPOINT a; COMMIT');
    expect(await show('extra_float_digits')).toBe('2');
  });

  it('keeps SET LOCAL only until the transaction ends', async () => {
    await db().exec(`SET application_name = 'outer'`);
    await db().exec(`BEGIN; SET LOCAL application_name = 'local'`);
    expect(await show('application_name')).toBe('local');
    await db().exec('COMMIT');
    expect(await show('application_name')).toBe('outer');
    await db().exec(`SET LOCAL application_name = 'ignored'`);
    expect(await show('application_name')).toBe('outer');
  });

  it('keeps a plain SET made after SET LOCAL in the same transaction', async () => {
    await db().exec(`BEGIN; SET LOCAL extra_float_digits = 2; SET extra_float_digits = 3; COMMIT`);
    expect(await show('extra_float_digits')).toBe('3');
  });

  it('set_config with is_local acts as SET LOCAL', async () => {
    await db().exec(`BEGIN; SELECT set_config('application_name', 'x', true)`);
    expect(await show('application_name')).toBe('x');
    await db().exec('COMMIT');
    expect(await show('application_name')).toBe('');
    expect(await failure(`SELECT set_config('extra_float_digits', '9', false)`)).toMatchObject({
      code: '22023',
    });
  });

  it('accepts isolation levels per transaction and as the session default', async () => {
    expect(await show('transaction_isolation')).toBe('read committed');
    await db().exec('BEGIN ISOLATION LEVEL SERIALIZABLE');
    expect(await show('transaction_isolation')).toBe('serializable');
    await db().exec('COMMIT');
    expect(await show('transaction_isolation')).toBe('read committed');
    await db().exec('BEGIN; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    expect(await show('transaction isolation level')).toBe('repeatable read');
    await db().exec('ROLLBACK');
    await db().exec('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    expect(await show('default_transaction_isolation')).toBe('serializable');
    expect(await show('transaction_isolation')).toBe('serializable');
  });
});

describe('extra_float_digits', () => {
  it('prints shortest round-trip digits when positive and %.{15+n}g otherwise', async () => {
    const v = async (): Promise<unknown> =>
      (await db().query('SELECT (0.1::float8 + 0.2::float8)::text AS v')).rows[0];
    expect(await v()).toEqual({ v: '0.30000000000000004' });
    await db().exec('SET extra_float_digits = 0');
    expect(await v()).toEqual({ v: '0.3' });
  });
});

describe('statement_timeout', () => {
  it('cancels a statement that runs longer with 57014', async () => {
    await db().exec(`SET statement_timeout = '20ms'`);
    expect(await failure('SELECT count(*) FROM generate_series(1, 200000000) a')).toEqual({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    await db().exec('SET statement_timeout = 0');
    expect((await db().query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('pg_settings', () => {
  it('lists parameters with their type, unit and current value', async () => {
    await db().exec('SET statement_timeout = 5000');
    const r = await db().query(
      `SELECT name, setting, unit, vartype FROM pg_settings WHERE name IN ('statement_timeout', 'DateStyle') ORDER BY name`,
    );
    expect(r.rows).toEqual([
      { name: 'DateStyle', setting: 'ISO, MDY', unit: null, vartype: 'string' },
      { name: 'statement_timeout', setting: '5000', unit: 'ms', vartype: 'integer' },
    ]);
  });
});
