import { connect as tcpConnect } from 'node:net';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { PgServer } from '../../src/server/pg/server.js';
import { pgFailure } from '../helpers/pg-client.js';

let db: Database;
let server: PgServer;
let secured: PgServer;

const config = (port: number, extra: Partial<pg.ClientConfig> = {}): pg.ClientConfig => ({
  host: '127.0.0.1',
  port,
  user: 'admin',
  database: 'liveview',
  ...extra,
});

async function client(extra: Partial<pg.ClientConfig> = {}, port = server.port): Promise<pg.Client> {
  const c = new pg.Client(config(port, extra));
  await c.connect();
  return c;
}

const failure = pgFailure;

beforeAll(async () => {
  db = await open();
  server = await PgServer.listen(db, { port: 0 });
  secured = await PgServer.listen(db, { port: 0, password: 's3cret' });
});

afterAll(async () => {
  await server.close();
  await secured.close();
  await db.close();
});

describe('startup', () => {
  it('reports server parameters and a backend key', async () => {
    const c = await client();
    const { processID } = c as unknown as { processID: number };
    expect(processID).toBeGreaterThan(0);
    const { rows } = await c.query('SHOW server_version');
    expect(rows[0].server_version).toMatch(/^15\.0 \(LiveViewDB/);
    await c.end();
  });

  it('accepts the admin password and rejects a wrong one with 28P01', async () => {
    const ok = await client({ password: 's3cret' }, secured.port);
    expect((await ok.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await ok.end();
    const bad = new pg.Client(config(secured.port, { password: 'nope' }));
    bad.on('error', () => {});
    const err = await failure(bad.connect());
    expect(err.code).toBe('28P01');
    expect(err.message).toBe('password authentication failed for user "admin"');
  });

  it('rejects databases other than liveview with 3D000', async () => {
    const c = new pg.Client(config(server.port, { database: 'other' }));
    c.on('error', () => {});
    const err = await failure(c.connect());
    expect(err.code).toBe('3D000');
    expect(err.message).toBe('database "other" does not exist');
  });

  it('answers an SSLRequest with N so clients that prefer TLS go on in plain text', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = tcpConnect(server.port, '127.0.0.1', () => {
        const req = Buffer.alloc(8);
        req.writeInt32BE(8, 0);
        req.writeInt32BE(80877103, 4);
        s.write(req);
      });
      s.once('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(reply).toBe('N');
  });
});

describe('simple query protocol', () => {
  it('runs statements with command tags, rows and type OIDs', async () => {
    const c = await client();
    const created = await c.query('CREATE TABLE s1 (id int, name text, v double precision, n bigint)');
    expect(created.command).toBe('CREATE');
    const ins = await c.query("INSERT INTO s1 VALUES (1, 'a', 1.5, 10), (2, NULL, 2.5, 20)");
    expect([ins.command, ins.rowCount]).toEqual(['INSERT', 2]);
    const r = await c.query('SELECT id, name, v, n FROM s1 ORDER BY id');
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 701, 20]);
    expect(r.rows).toEqual([
      { id: 1, name: 'a', v: 1.5, n: '10' },
      { id: 2, name: null, v: 2.5, n: '20' },
    ]);
    const upd = await c.query('UPDATE s1 SET v = 0 WHERE id = 2');
    expect([upd.command, upd.rowCount]).toEqual(['UPDATE', 1]);
    const del = await c.query('DELETE FROM s1');
    expect([del.command, del.rowCount]).toEqual(['DELETE', 2]);
    await c.end();
  });

  it('returns one result per statement of a multi-statement string', async () => {
    const c = await client();
    const results = (await c.query(
      'CREATE TABLE m1 (x int); INSERT INTO m1 VALUES (1), (2); SELECT sum(x) AS s FROM m1',
    )) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.command)).toEqual(['CREATE', 'INSERT', 'SELECT']);
    expect(results[2]!.rows).toEqual([{ s: '3' }]);
    await c.end();
  });

  it('reports errors with SQLSTATE and position, and the connection survives', async () => {
    const c = await client();
    const err = await failure(c.query('SELECT 1/0'));
    expect(err.code).toBe('22012');
    expect(err.message).toBe('division by zero');
    const syntax = await failure(c.query('SELECT 1; SELEC 2'));
    expect(syntax.code).toBe('42601');
    expect(syntax.position).toBe('11');
    const missing = await failure(c.query('SELECT * FROM nowhere'));
    expect([missing.code, missing.position]).toEqual(['42P01', '15']);
    expect((await c.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await c.end();
  });

  it('answers an empty query string with EmptyQueryResponse', async () => {
    const c = await client();
    // node-postgres refuses '' itself; a comment alone is an empty query string to the server too.
    const r = await c.query('-- nothing to run');
    expect(r.rows ?? []).toEqual([]);
    expect((await c.query('SELECT 3 AS x')).rows).toEqual([{ x: 3 }]);
    await c.end();
  });

  it('tracks the transaction status: idle, in a block, failed', async () => {
    const c = await client();
    const status = (): string => (c as unknown as { _txStatus: string })._txStatus;
    await c.query('CREATE TABLE tx1 (x int)');
    expect(status()).toBe('I');
    await c.query('BEGIN');
    expect(status()).toBe('T');
    await c.query('INSERT INTO tx1 VALUES (1)');
    await failure(c.query('SELECT 1/0'));
    expect(status()).toBe('E');
    const aborted = await failure(c.query('SELECT 1'));
    expect(aborted.code).toBe('25P02');
    await c.query('ROLLBACK');
    expect(status()).toBe('I');
    expect((await c.query('SELECT count(*) AS n FROM tx1')).rows).toEqual([{ n: '0' }]);
    await c.end();
  });
});

describe('extended query protocol', () => {
  it('binds parameters with declared and inferred types', async () => {
    const c = await client();
    await c.query('CREATE TABLE e1 (id int, name text, ts timestamp)');
    await c.query('INSERT INTO e1 VALUES ($1, $2, $3)', [1, 'one', '2026-01-05 10:00:00']);
    await c.query('INSERT INTO e1 VALUES ($1, $2, NULL)', [2, null]);
    const r = await c.query({ text: 'SELECT id, name FROM e1 WHERE id >= $1 ORDER BY id', values: [1] });
    expect(r.rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: null },
    ]);
    const typed = await c.query({ text: 'SELECT $1::int8 + 1 AS x', values: ['41'] });
    expect(typed.rows).toEqual([{ x: '42' }]);
    const err = await failure(c.query('SELECT * FROM e1 WHERE id = $1', ['not a number']));
    expect(err.code).toBe('22P02');
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });

  it('reuses a named prepared statement', async () => {
    const c = await client();
    const q = { name: 'square', text: 'SELECT $1::int * $1::int AS sq' };
    expect((await c.query({ ...q, values: [3] })).rows).toEqual([{ sq: 9 }]);
    expect((await c.query({ ...q, values: [4] })).rows).toEqual([{ sq: 16 }]);
    await c.end();
  });

  it('returns binary integers, floats, booleans and text when asked', async () => {
    // A client in binary mode asks for every result column in binary format.
    const c = await client({ binary: true } as Partial<pg.ClientConfig>);
    const r = await c.query({
      text: "SELECT 7::int2 AS a, 8::int4 AS b, 9::int8 AS c, 1.5::float4 AS d, 2.25::float8 AS e, true AS f, 'hé' AS g",
      values: [],
      queryMode: 'extended',
    } as pg.QueryConfig);
    expect(r.fields.map((f) => f.format)).toEqual(Array(7).fill('binary'));
    // node-postgres decodes these binary layouts itself (int8 as a decimal string). It passes
    // binary cells through a UTF-8 string, which mangles some float4 bytes, so d is checked in
    // format.test.ts instead.
    const { d: _d, ...rest } = r.rows[0] as Record<string, unknown>;
    expect(rest).toEqual({ a: 7, b: 8, c: '9', e: 2.25, f: true, g: 'hé' });
    await c.end();
  });

  it('reads binary parameters', async () => {
    const c = await client();
    // node-postgres sends a Buffer as a binary-format parameter.
    const r = await c.query('SELECT length($1::bytea) AS n, $1::bytea AS b', [Buffer.from([0, 1, 255])]);
    expect(r.rows).toEqual([{ n: 3, b: Buffer.from([0, 1, 255]) }]);
    await c.end();
  });

  it('hands out rows in slices with row-limited Execute (cursor)', async () => {
    const c = await client();
    const cursor = c.query(new Cursor('SELECT g FROM generate_series(1, 10) AS g ORDER BY g'));
    const first = await cursor.read(4);
    const second = await cursor.read(4);
    const third = await cursor.read(4);
    expect([first, second, third].map((rows) => rows.map((r: { g: number }) => r.g))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    await cursor.close();
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });
});

function sendCancel(processId: number, secretKey: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const s = tcpConnect(server.port, '127.0.0.1', () => {
      const req = Buffer.alloc(16);
      req.writeInt32BE(16, 0);
      req.writeInt32BE(80877102, 4);
      req.writeInt32BE(processId, 8);
      req.writeInt32BE(secretKey, 12);
      s.end(req);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

describe('cancel', () => {
  it('fails the running query with 57014 on a CancelRequest', async () => {
    const c = await client();
    const running = failure(
      c.query('SELECT count(*) FROM generate_series(1, 200000000) AS g WHERE g % 7 = 3'),
    );
    let settled = false;
    void running.then(() => (settled = true));
    const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
    // A cancel that arrives before the query starts has nothing to cancel: send until it lands.
    while (!settled) {
      await new Promise((r) => setTimeout(r, 100));
      await sendCancel(processID, secretKey);
    }
    const err = await running;
    expect(err.code).toBe('57014');
    expect(err.message).toBe('canceling statement due to user request');
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });
});
