import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { PgServer } from '../../../src/server/pg/server.js';

let db: Database;
let server: PgServer;
let c: pg.Client;

beforeAll(async () => {
  db = await open();
  server = await PgServer.listen(db, { port: 0 });
  c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'admin', database: 'liveview' });
  await c.connect();
});

afterAll(async () => {
  await c.end();
  await server.close();
  await db.close();
});

beforeEach(async () => {
  await c.query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int NOT NULL)');
});

const ids = async (): Promise<number[]> =>
  (await c.query('SELECT id FROM t ORDER BY id')).rows.map((r: { id: number }) => r.id);

describe('a multi-statement query string', () => {
  it('is one implicit transaction: an error undoes the statements before it', async () => {
    const err = await c
      .query('INSERT INTO t VALUES (1); INSERT INTO t VALUES (NULL)')
      .catch((e: pg.DatabaseError) => e);
    expect((err as pg.DatabaseError).code).toBe('23502');
    expect(await ids()).toEqual([]);
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('commits when every statement succeeds', async () => {
    await c.query('INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)');
    expect(await ids()).toEqual([1, 2]);
  });

  it('keeps what an explicit COMMIT inside the string committed', async () => {
    const err = await c
      .query('BEGIN; INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (NULL)')
      .catch((e: pg.DatabaseError) => e);
    expect((err as pg.DatabaseError).code).toBe('23502');
    expect(await ids()).toEqual([1]);
  });
});
