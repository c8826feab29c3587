/**
 * `/api/v1/export` on a real database: a table and a query downloaded as CSV, Parquet and Arrow,
 * read back with hyparquet and apache-arrow; attachment headers; errors and authentication.
 */
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { createHttpApp } from '../../../src/server/http/app.js';

let db: Database;
let app: FastifyInstance;
let token: string;

const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

function exportTable(table: string, format?: string, headers: Record<string, string> = auth()) {
  const q = new URLSearchParams({ table, ...(format ? { format } : {}) });
  return app.inject({ method: 'GET', url: `/api/v1/export?${q}`, headers });
}

/** A fetch-style ArrayBuffer over a response body. */
function arrayBuffer(raw: Buffer): ArrayBuffer {
  return raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
}

beforeAll(async () => {
  db = await open();
  app = await createHttpApp(db);
  await db.exec(`CREATE TABLE events (
    id int, small smallint, big bigint, ratio double precision, r real, ok boolean, name text,
    amount numeric(10,2), day date, ts timestamp, tstz timestamptz, doc jsonb, raw bytea)`);
  await db.exec(`INSERT INTO events VALUES
    (1, 2, 9007199254740993, 0.5, 1.5, true, 'a, "quoted"', 12.50, '2026-01-05',
     '2026-01-05 10:00:00.123456', '2026-01-05 10:00:00+00', '{"k": [1, 2]}', '\\xdead'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  token = (await db.query(`SELECT liveview_create_token('export') AS t`)).rows[0]!.t as string;
});

afterAll(async () => {
  await app.close();
  await db.close();
});

describe('GET /api/v1/export', () => {
  it('downloads a table as CSV with a header, NULLs as empty fields', async () => {
    const res = await exportTable('events', 'csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="events.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('id,small,big,ratio,r,ok,name,amount,day,ts,tstz,doc,raw');
    expect(lines[1]).toBe(
      '1,2,9007199254740993,0.5,1.5,t,"a, ""quoted""",12.50,2026-01-05,2026-01-05 10:00:00.123456,' +
        '2026-01-05 10:00:00+00,"{""k"": [1, 2]}",\\xdead',
    );
    expect(lines[2]).toBe('2,,,,,,,,,,,,');
  });

  it('defaults to CSV', async () => {
    const res = await exportTable('events');
    expect(res.headers['content-disposition']).toBe('attachment; filename="events.csv"');
  });

  it('downloads a table as Parquet with typed columns', async () => {
    const res = await exportTable('events', 'parquet');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="events.parquet"');
    const file = arrayBuffer(res.rawPayload);
    const types = Object.fromEntries(
      parquetMetadata(file)
        .schema.slice(1)
        .map((e) => [e.name, [e.type, e.logical_type?.type ?? e.converted_type]]),
    );
    expect(types).toMatchObject({
      id: ['INT32', undefined],
      small: ['INT32', 'INT_16'],
      big: ['INT64', undefined],
      ratio: ['DOUBLE', undefined],
      r: ['FLOAT', undefined],
      ok: ['BOOLEAN', undefined],
      name: ['BYTE_ARRAY', 'STRING'],
      amount: ['BYTE_ARRAY', 'STRING'],
      day: ['INT32', 'DATE'],
      ts: ['INT64', 'TIMESTAMP'],
      tstz: ['INT64', 'TIMESTAMP'],
      doc: ['BYTE_ARRAY', 'STRING'],
      raw: ['BYTE_ARRAY', undefined],
    });
    const rows = await parquetReadObjects({ file, utf8: true });
    expect(rows).toHaveLength(2);
    const [first, second] = rows as Record<string, unknown>[];
    expect(first).toMatchObject({
      id: 1,
      small: 2,
      big: 9007199254740993n,
      ratio: 0.5,
      r: 1.5,
      ok: true,
      name: 'a, "quoted"',
      amount: '12.50',
      doc: '{"k": [1, 2]}',
    });
    expect(first!.day).toEqual(new Date('2026-01-05T00:00:00Z'));
    expect(first!.tstz).toEqual(new Date('2026-01-05T10:00:00Z'));
    // hyparquet reads TIMESTAMP(MICROS) into a Date, so to the millisecond.
    expect(first!.ts).toEqual(new Date('2026-01-05T10:00:00.123Z'));
    expect(Buffer.from(first!.raw as Uint8Array).toString('hex')).toBe('dead');
    expect(Object.values(second!).slice(1)).toEqual(Array(12).fill(null));
  });

  it('downloads a table as an Arrow IPC file', async () => {
    const res = await exportTable('events', 'arrow');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.file');
    expect(res.headers['content-disposition']).toBe('attachment; filename="events.arrow"');
    // The IPC file format opens and closes with the ARROW1 magic.
    expect(res.rawPayload.subarray(0, 6).toString()).toBe('ARROW1');
    const table = tableFromIPC(res.rawPayload);
    expect(table.numRows).toBe(2);
    const first = table.get(0)!.toJSON();
    expect(first).toMatchObject({ id: 1, small: 2, big: 9007199254740993n, ok: true, name: 'a, "quoted"' });
    expect(first.ratio).toBe(0.5);
    expect(table.getChild('ts')!.get(0)).toBe(Date.UTC(2026, 0, 5, 10, 0, 0, 123) + 0.456);
    expect(table.getChild('day')!.get(0)).toBe(Date.UTC(2026, 0, 5));
    const second = table.get(1)!.toJSON();
    expect(Object.values(second).slice(1)).toEqual(Array(12).fill(null));
  });

  it('exports a table with no rows', async () => {
    await db.exec('CREATE TABLE empty_one (a int, b text)');
    const parquet = await exportTable('empty_one', 'parquet');
    expect(await parquetReadObjects({ file: arrayBuffer(parquet.rawPayload) })).toEqual([]);
    expect((await exportTable('empty_one', 'csv')).body).toBe('a,b\r\n');
    expect(tableFromIPC((await exportTable('empty_one', 'arrow')).rawPayload).numRows).toBe(0);
  });

  it('answers 404 with 42P01 for a missing table', async () => {
    const res = await exportTable('nowhere', 'parquet');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: { code: '42P01', message: 'relation "nowhere" does not exist' } });
  });

  it('takes the name as stored, never as SQL', async () => {
    const res = await exportTable('events; DROP TABLE events', 'csv');
    expect(res.statusCode).toBe(404);
    expect((await exportTable('events')).statusCode).toBe(200);
  });

  it('rejects an unknown format and a missing table parameter', async () => {
    const bad = await exportTable('events', 'xlsx');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: '22023', message: 'unknown export format "xlsx"' });
    const none = await app.inject({ method: 'GET', url: '/api/v1/export', headers: auth() });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('08P01');
  });

  it('answers 401 without a token once tokens exist', async () => {
    const res = await exportTable('events', 'csv', {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('28000');
    const wrong = await exportTable('events', 'csv', { authorization: 'Bearer nope' });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('POST /api/v1/export', () => {
  const post = (payload: unknown, url = '/api/v1/export', headers = auth()) =>
    app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });

  it("downloads a query's result in the format of the body", async () => {
    const res = await post({
      sql: 'SELECT id, name FROM events WHERE id = $1',
      params: [1],
      format: 'parquet',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="query.parquet"');
    const rows = await parquetReadObjects({ file: arrayBuffer(res.rawPayload) });
    expect(rows).toEqual([{ id: 1, name: 'a, "quoted"' }]);
  });

  it('takes the format from the query string too, CSV by default', async () => {
    const arrow = await post({ sql: 'SELECT 1 AS x, 1 AS x' }, '/api/v1/export?format=arrow');
    expect(tableFromIPC(arrow.rawPayload).numRows).toBe(1);
    const csv = await post({ sql: "SELECT 'v' AS x" });
    expect(csv.headers['content-disposition']).toBe('attachment; filename="query.csv"');
    expect(csv.body).toBe('x\r\nv\r\n');
  });

  it('writes duplicate column names apart in Parquet', async () => {
    const res = await post({ sql: 'SELECT 1 AS x, 2 AS x', format: 'parquet' });
    expect(await parquetReadObjects({ file: arrayBuffer(res.rawPayload) })).toEqual([{ x: 1, x_2: 2 }]);
  });

  it('answers SQL errors as JSON with the SQLSTATE', async () => {
    const res = await post({ sql: 'SELECT * FROM nowhere', format: 'csv' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: '42P01', position: 15 });
  });

  it('answers 401 without a token', async () => {
    const res = await post({ sql: 'SELECT 1' }, '/api/v1/export', {});
    expect(res.statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('describes both export routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const route = doc.paths['/api/v1/export'];
    expect(Object.keys(route.get.responses)).toEqual(['200', '400', '401', '404']);
    expect(Object.keys(route.post.responses['200'].content)).toEqual([
      'text/csv',
      'application/vnd.apache.parquet',
      'application/vnd.apache.arrow.file',
    ]);
    expect(doc.components.schemas.ExportRequest.required).toEqual(['sql']);
  });
});
