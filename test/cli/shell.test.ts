import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSqlShell } from '../../src/cli/shell.js';
import { open, type Database } from '../../src/index.js';
import { createHttpApp } from '../../src/server/http/app.js';
import { PgServer } from '../../src/server/pg/server.js';
import { cli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lvdb-cli-sql-'));

describe('liveviewdb sql -f', () => {
  it('runs every statement of a script and prints each result', async () => {
    const file = join(dir, 'ok.sql');
    writeFileSync(
      file,
      "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (2);\n-- a; comment\nSELECT sum(a) AS s, ';' AS v FROM t;\n",
    );
    const r = await cli(['sql', '-f', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CREATE TABLE\nINSERT 0 2\n');
    expect(r.stdout).toMatch(/ s \| v\s*\n.*\n 3 \| ;/);
  });

  it('stops at the first error with exit code 1', async () => {
    const file = join(dir, 'bad.sql');
    writeFileSync(file, 'SELECT 1 AS first;\nSELECT nope;\nSELECT 3 AS never;\n');
    const r = await cli(['sql', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('first');
    expect(r.stdout).not.toContain('never');
    expect(r.stderr).toContain('ERROR:  column "nope" does not exist');
  });
});

describe('liveviewdb sql --url', () => {
  let db: Database;
  let pgServer: PgServer;
  let http: FastifyInstance;
  let pgUrl: string;
  let httpUrl: string;

  beforeAll(async () => {
    db = await open();
    pgServer = await PgServer.listen(db, { port: 0 });
    http = await createHttpApp(db, { password: 'pw' });
    await http.listen({ host: '127.0.0.1', port: 0 });
    pgUrl = `postgres://admin@127.0.0.1:${pgServer.port}/liveview`;
    httpUrl = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await http.close();
    await pgServer.close();
    await db.close();
  });

  /** Runs the shell in-process, collecting what it prints. */
  async function shell(args: string[], input: string[] = []) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSqlShell(args, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      input: Readable.from(input.map((l) => l + '\n')),
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  const TYPES_SQL =
    "SELECT 1 AS i, 'x y' AS t, true AS b, NULL::int AS n, date '2026-01-05' AS d, 1.50::numeric AS num, " +
    'ARRAY[1, 2] AS arr, 9007199254740993::bigint AS big, 0.1::float8 AS f, \'{"k": 1}\'::jsonb AS j';

  it('prints the same table embedded, over pg and over HTTP', async () => {
    const embedded = await shell(['-c', TYPES_SQL]);
    expect(embedded.code).toBe(0);
    expect(embedded.stdout).toBe(
      [
        ' i | t   | b | n | d          | num  | arr   | big              | f   | j       ',
        '---+-----+---+---+------------+------+-------+------------------+-----+----------',
        ' 1 | x y | t |   | 2026-01-05 | 1.50 | {1,2} | 9007199254740993 | 0.1 | {"k": 1}',
        '(1 row)\n',
      ].join('\n'),
    );
    expect(await shell(['--url', pgUrl, '-c', TYPES_SQL])).toEqual(embedded);
    expect(await shell(['--url', httpUrl, '--token', 'pw', '-c', TYPES_SQL])).toEqual(embedded);
  });

  it('runs several statements over pg, printing full command tags', async () => {
    const r = await shell([
      '--url',
      pgUrl,
      '-c',
      'CREATE TABLE remote_t (a int, s text); INSERT INTO remote_t VALUES (1, NULL), (2, $$b$$); ' +
        'UPDATE remote_t SET s = $$a$$ WHERE a = 1; SELECT * FROM remote_t ORDER BY a',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('CREATE TABLE\nINSERT 0 2\nUPDATE 1\n a | s\n---+---\n 1 | a\n 2 | b\n(2 rows)\n');
  });

  it('prints errors as psql does and exits 1, over pg and HTTP', async () => {
    for (const url of [pgUrl, httpUrl]) {
      const r = await shell(['--url', url, '--token', 'pw', '-c', 'SELECT nope']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('ERROR:  column "nope" does not exist');
    }
  });

  it('runs a script over HTTP until its first error', async () => {
    const file = join(dir, 'remote.sql');
    writeFileSync(
      file,
      'CREATE TABLE http_t (a int);\nINSERT INTO http_t VALUES (7);\nSELECT bad FROM http_t;\nSELECT 1 AS never;\n',
    );
    process.env.LIVEVIEWDB_TOKEN = 'pw';
    try {
      const r = await shell(['--url', httpUrl, '-f', file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('CREATE TABLE\nINSERT 0 1');
      expect(r.stderr).toBe('ERROR:  column "bad" does not exist');
    } finally {
      delete process.env.LIVEVIEWDB_TOKEN;
    }
  });

  it('reports a missing HTTP token as an error', async () => {
    const r = await shell(['--url', httpUrl, '-c', 'SELECT 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR: {2}authentication required\nHINT: {2}Send 'Authorization: Bearer <token>'/,
    );
  });

  it('reads statements interactively over pg, across lines, until \\q', async () => {
    const r = await shell(['--url', pgUrl], ['SELECT 40 + 2', '  AS answer;', '\\q', 'SELECT 1 AS never;']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('over the PostgreSQL protocol');
    expect(r.stdout).toContain(' answer\n--------\n 42    \n(1 row)\n');
    expect(r.stdout).not.toContain('never');
  });

  it('keeps a transaction open across interactive lines when embedded', async () => {
    const r = await shell(
      [],
      [
        'CREATE TABLE e (a int);',
        'BEGIN;',
        'INSERT INTO e VALUES (1);',
        'ROLLBACK;',
        'SELECT count(*) AS n FROM e;',
      ],
    );
    expect(r.stdout).toContain('BEGIN\nINSERT 0 1\nROLLBACK\n n\n---\n 0\n(1 row)\n');
  });

  it('exits 2 when the server cannot be reached or the URL is not one it knows', async () => {
    const closed = await PgServer.listen(db, { port: 0 });
    const port = closed.port;
    await closed.close();
    const pgDown = await shell(['--url', `postgres://admin@127.0.0.1:${port}/liveview`, '-c', 'SELECT 1']);
    expect(pgDown.code).toBe(2);
    expect(pgDown.stderr).toMatch(/^liveviewdb: error: connection to server at 127\.0\.0\.1:\d+ failed/);
    const httpDown = await shell(['--url', `http://127.0.0.1:${port}`, '-c', 'SELECT 1']);
    expect(httpDown.code).toBe(2);
    const ftp = await shell(['--url', 'ftp://example.org', '-c', 'SELECT 1']);
    expect(ftp).toMatchObject({ code: 2, stderr: expect.stringContaining('unsupported URL scheme "ftp:"') });
  });
});
