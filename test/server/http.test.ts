/**
 * The HTTP and WebSocket API over a real database: query formats, errors with SQLSTATE, bearer
 * tokens, metrics, the OpenAPI document and live subscriptions on a listening server.
 */
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, type LiveClient } from '../helpers/live-client.js';
import WebSocket from 'ws';
import { open, type Database } from '../../src/index.js';
import { createHttpApp } from '../../src/server/http/app.js';

let db: Database;
let app: FastifyInstance;
let token: string;

const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

function query(
  sql: string,
  params?: unknown[],
  extra: { url?: string; headers?: Record<string, string> } = {},
) {
  return app.inject({
    method: 'POST',
    url: extra.url ?? '/api/v1/query',
    headers: { ...auth(), ...extra.headers },
    payload: { sql, ...(params ? { params } : {}) },
  });
}

beforeAll(async () => {
  db = await open();
  app = await createHttpApp(db, { liveIntervalMs: 20 });
  await db.exec(
    `CREATE TABLE sales (id int, region text, amount numeric(10,2), big bigint, ts timestamptz, b bytea)`,
  );
  await db.exec(`INSERT INTO sales VALUES
    (1, 'eu', 12.50, 9007199254740993, '2026-01-05 10:00:00+00', '\\xdead'),
    (2, 'us, "west"', 3.00, 42, '2026-01-06 00:00:00+00', NULL)`);
  token = (await db.query(`SELECT liveview_create_token('tests') AS t`)).rows[0]!.t as string;
});

afterAll(async () => {
  await app.close();
  await db.close();
});

describe('POST /api/v1/query', () => {
  it('returns columns, JSON-safe rows and stats', async () => {
    const res = await query('SELECT id, region, amount, big, ts, b FROM sales WHERE id = $1', [1]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'region', type: 'text' },
      { name: 'amount', type: 'numeric(10,2)' },
      { name: 'big', type: 'bigint' },
      { name: 'ts', type: 'timestamp with time zone' },
      { name: 'b', type: 'bytea' },
    ]);
    expect(body.rows).toEqual([[1, 'eu', '12.50', '9007199254740993', '2026-01-05 10:00:00+00', '\\xdead']]);
    expect(body.stats.rowCount).toBe(1);
    expect(typeof body.stats.elapsedMs).toBe('number');
  });

  it('gives bigints within 2^53 as numbers', async () => {
    const res = await query('SELECT big FROM sales WHERE id = 2');
    expect(res.json().rows).toEqual([[42]]);
  });

  it('writes CSV with a header and RFC 4180 quoting', async () => {
    const res = await query('SELECT id, region, b FROM sales ORDER BY id', [], {
      headers: { accept: 'text/csv' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body).toBe('id,region,b\r\n1,eu,\\xdead\r\n2,"us, ""west""",\r\n');
  });

  it('streams NDJSON, one object per row', async () => {
    const res = await query('SELECT id, amount FROM sales ORDER BY id', [], {
      url: '/api/v1/query?format=ndjson',
    });
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 1, amount: '12.50' },
      { id: 2, amount: '3.00' },
    ]);
  });

  it('returns an Arrow IPC stream that apache-arrow reads back', async () => {
    const res = await query('SELECT id, region FROM sales ORDER BY id', [], {
      headers: { accept: 'application/vnd.apache.arrow.stream' },
    });
    expect(res.statusCode).toBe(200);
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(2);
    expect([...table.getChild('id')!.toArray()]).toEqual([1, 2]);
    expect(table.getChild('region')!.get(1)).toBe('us, "west"');
  });

  it('answers a failing statement with its SQLSTATE and 400', async () => {
    const res = await query('SELECT * FROM nowhere');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: '42P01', message: 'relation "nowhere" does not exist' });
    const div = await query('SELECT 1/0');
    expect(div.statusCode).toBe(400);
    expect(div.json().error.code).toBe('22012');
  });

  it('rejects a body without sql and an unknown format', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: auth(),
      payload: { q: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('08P01');
    const fmt = await query('SELECT 1', [], { url: '/api/v1/query?format=xml' });
    expect(fmt.statusCode).toBe(400);
  });

  it('rolls back a transaction the request leaves open', async () => {
    await query('BEGIN; INSERT INTO sales (id) VALUES (99)');
    const res = await query('SELECT count(*) AS n FROM sales WHERE id = 99');
    expect(res.json().rows).toEqual([[0]]);
  });
});

describe('authentication', () => {
  it('answers 401 without a token and runs nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      payload: { sql: `INSERT INTO sales (id) VALUES (500)` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('28000');
    expect((await db.query('SELECT count(*) AS n FROM sales WHERE id = 500')).rows[0]!.n).toBe(0n);
  });

  it('creates, uses and drops a token through SQL', async () => {
    const created = await query(`SELECT liveview_create_token('ci') AS secret`);
    const secret = created.json().rows[0][0] as string;
    const headers = { authorization: `Bearer ${secret}` };
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers,
      payload: { sql: 'SELECT 1 AS x' },
    });
    expect(ok.json().rows).toEqual([[1]]);
    const listed = await query(`SELECT name FROM liveview_tokens() ORDER BY name`);
    expect(listed.json().rows).toEqual([['ci'], ['tests']]);
    await query(`SELECT liveview_drop_token('ci')`);
    const after = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers,
      payload: { sql: 'SELECT 1' },
    });
    expect(after.statusCode).toBe(401);
  });

  it('trusts loopback only while no token exists, and takes the password as a bearer', async () => {
    const fresh = await open();
    const open1 = await createHttpApp(fresh);
    const anon = await open1.inject({ method: 'POST', url: '/api/v1/query', payload: { sql: 'SELECT 1' } });
    expect(anon.statusCode).toBe(200);
    await fresh.query(`SELECT liveview_create_token('x')`);
    const denied = await open1.inject({ method: 'POST', url: '/api/v1/query', payload: { sql: 'SELECT 1' } });
    expect(denied.statusCode).toBe(401);
    await open1.close();
    const secured = await createHttpApp(await open(), { password: 'pw' });
    const noToken = await secured.inject({
      method: 'POST',
      url: '/api/v1/query',
      payload: { sql: 'SELECT 1' },
    });
    expect(noToken.statusCode).toBe(401);
    const withPw = await secured.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { authorization: 'Bearer pw' },
      payload: { sql: 'SELECT 1' },
    });
    expect(withPw.statusCode).toBe(200);
    await secured.close();
  });
});

describe('health, metrics and OpenAPI', () => {
  it('reports health without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('exposes query counters, latency, ingest and memory in Prometheus text', async () => {
    await query('SELECT 1');
    await query('SELECT * FROM nowhere');
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth() });
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const value = (line: string): number => Number(new RegExp(`^${line} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('liveviewdb_queries_total\\{outcome="ok"\\}')).toBeGreaterThan(0);
    expect(value('liveviewdb_queries_total\\{outcome="client_error"\\}')).toBeGreaterThan(0);
    expect(value('liveviewdb_query_duration_seconds_count')).toBeGreaterThan(1);
    expect(text).toMatch(/^liveviewdb_query_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(value('liveviewdb_rows_ingested_total')).toBeGreaterThanOrEqual(2);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^# TYPE liveviewdb_query_duration_seconds histogram$/m);
  });

  it('serves an OpenAPI 3.1 document describing the endpoints', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/query',
        '/api/v1/live',
        '/health',
        '/metrics',
        '/api/v1/openapi.json',
      ]),
    );
    expect(doc.paths['/api/v1/query'].post.responses['200']).toBeDefined();
  });
});

describe('WebSocket /api/v1/live', () => {
  let port: number;
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });

  const connect = (): Promise<LiveClient> => connectLive(port, auth());

  it('sends the result, then a new one after another session inserts', async () => {
    await db.exec('CREATE TABLE events (k text, n int)');
    const { ws, next } = await connect();
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 's1',
        sql: 'SELECT count(*) AS c, sum(n) AS s FROM events WHERE k = $1',
        params: ['a'],
      }),
    );
    const first = await next();
    expect(first).toEqual({
      type: 'result',
      id: 's1',
      columns: [
        { name: 'c', type: 'bigint' },
        { name: 's', type: 'bigint' },
      ],
      rows: [[0, null]],
    });
    await db.session().execute(`INSERT INTO events VALUES ('a', 5), ('b', 7)`);
    const second = await next();
    expect(second).toMatchObject({ type: 'result', id: 's1', rows: [[1, 5]] });
    ws.send(JSON.stringify({ type: 'unsubscribe', id: 's1' }));
    expect(await next()).toEqual({ type: 'unsubscribed', id: 's1' });
    ws.close();
  });

  it('reports errors with the subscription id and refuses non-SELECT statements', async () => {
    const { ws, next } = await connect();
    ws.send(JSON.stringify({ type: 'subscribe', id: 7, sql: 'SELECT * FROM missing' }));
    expect(await next()).toMatchObject({ type: 'error', id: 7, error: { code: '42P01' } });
    ws.send(JSON.stringify({ type: 'subscribe', id: 8, sql: 'DELETE FROM events' }));
    expect(await next()).toMatchObject({ type: 'error', id: 8, error: { code: '0A000' } });
    ws.close();
  });

  it('refuses the upgrade without a token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`);
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });
});
