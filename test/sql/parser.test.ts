import { beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { loadParser, parseSql, statementSource } from '../../src/sql/parser.js';

beforeAll(async () => {
  await loadParser();
});

type Body = Record<string, unknown>;

/** Each statement's kind and body. */
function parsed(sql: string): { kind: string; body: Body; sql: string; offset: number }[] {
  return parseSql(sql).map((s) => {
    const [kind, body] = Object.entries(s.stmt as Record<string, Body>)[0]!;
    return { kind, body, sql: s.sql, offset: s.offset };
  });
}

function syntaxError(sql: string): { code: string; message: string; position?: number } {
  try {
    parseSql(sql);
  } catch (e) {
    if (e instanceof DatabaseError) return { code: e.code, message: e.message, position: e.position };
    throw e;
  }
  throw new Error(`parsed: ${sql}`);
}

describe('parseSql', () => {
  it('gives each statement its own text and offset', () => {
    expect(parsed('SELECT 1; /* c */ SELECT 2').map((s) => [s.sql, s.offset])).toEqual([
      ['SELECT 1', 0],
      ['SELECT 2', 18],
    ]);
  });

  it('counts offsets in characters when text before a statement is not ASCII', () => {
    const sql = "SELECT 'éé'; SELECT 'ü'; SELECT 3";
    expect(parsed(sql).map((s) => [s.sql, s.offset])).toEqual([
      ["SELECT 'éé'", 0],
      ["SELECT 'ü'", sql.indexOf("SELECT 'ü'")],
      ['SELECT 3', sql.indexOf('SELECT 3')],
    ]);
  });

  it('reports syntax errors as 42601 with their position', () => {
    expect(syntaxError('SELECT FROM WHERE')).toMatchObject({
      code: '42601',
      message: 'syntax error at or near "WHERE"',
      position: 13,
    });
  });
});

describe('CREATE OR REPLACE MATERIALIZED VIEW', () => {
  it('parses as CREATE MATERIALIZED VIEW with replace set, keeping the original text', () => {
    const [s] = parsed('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT 1 AS x');
    expect(s!.kind).toBe('CreateTableAsStmt');
    expect(s!.body).toMatchObject({ objtype: 'OBJECT_MATVIEW', replace: true });
    expect(s!.sql).toBe('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT 1 AS x');
    expect(statementSource(s!.body)).toBe(s!.sql);
  });

  it('takes any case and whitespace between the words, after comments and other statements', () => {
    const sql =
      "SELECT 'é'; -- first\n/* a /* nested */ comment */ create\n or \t replace  materialized\nview v AS SELECT 2";
    const [first, second] = parsed(sql);
    expect(first!.body.replace).toBeUndefined();
    expect(second!.body).toMatchObject({ objtype: 'OBJECT_MATVIEW', replace: true });
    expect(second!.sql).toBe('create\n or \t replace  materialized\nview v AS SELECT 2');
  });

  it('leaves a plain CREATE MATERIALIZED VIEW without replace', () => {
    expect(parsed('CREATE MATERIALIZED VIEW v AS SELECT 1')[0]!.body.replace).toBeUndefined();
  });

  it('leaves the words alone inside string literals, quoted names and comments', () => {
    const [s] = parsed(
      'CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT \'create or replace materialized view\' AS "CREATE OR REPLACE MATERIALIZED VIEW" -- CREATE OR REPLACE MATERIALIZED VIEW',
    );
    expect(s!.body.replace).toBe(true);
    const target = JSON.stringify(s!.body.query);
    expect(target).toContain('"sval":"create or replace materialized view"');
    expect(target).toContain('"name":"CREATE OR REPLACE MATERIALIZED VIEW"');
    const [lit] = parsed(
      "SELECT 'CREATE OR REPLACE MATERIALIZED VIEW' /* create or replace materialized view */",
    );
    expect(lit!.kind).toBe('SelectStmt');
    expect(JSON.stringify(lit!.body)).toContain('"sval":"CREATE OR REPLACE MATERIALIZED VIEW"');
  });

  it('does not blank the words in the middle of a statement', () => {
    expect(syntaxError('SELECT 1 CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT 1')).toMatchObject({
      code: '42601',
      message: 'syntax error at or near "CREATE"',
      position: 10,
    });
  });

  it('keeps error positions of the original text', () => {
    const sql = 'SELECT 1;\nCREATE OR REPLACE MATERIALIZED VIEW v AS SELECT FROM WHERE';
    expect(syntaxError(sql)).toMatchObject({
      code: '42601',
      message: 'syntax error at or near "WHERE"',
      position: sql.indexOf('WHERE') + 1,
    });
  });

  it('rejects IF NOT EXISTS with OR REPLACE as a syntax error', () => {
    expect(syntaxError('CREATE OR REPLACE MATERIALIZED VIEW if not exists v AS SELECT 1')).toMatchObject({
      code: '42601',
      message: 'syntax error at or near "not"',
      position: 40,
    });
  });

  it('is a syntax error where PostgreSQL has none: OR REPLACE with a table', () => {
    expect(syntaxError('CREATE OR REPLACE TABLE t AS SELECT 1')).toMatchObject({ code: '42601' });
  });
});
