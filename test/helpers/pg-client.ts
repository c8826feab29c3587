// A pg client connected, for the whole test file, to a PgServer over a fresh embedded database.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { PgServer } from '../../src/server/pg/server.js';

/**
 * Opens a database, serves it on a free port and connects a client as `admin` before the file's
 * tests; closes all three after them. Call at the top level of a test file.
 *
 * @example
 * const client = withPgClient();
 * it('answers', async () => expect((await client().query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]));
 */
export function withPgClient(): () => pg.Client {
  let db: Database;
  let server: PgServer;
  let c: pg.Client | undefined;
  beforeAll(async () => {
    db = await open();
    server = await PgServer.listen(db, { port: 0 });
    c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'admin', database: 'liveview' });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await server.close();
    await db.close();
  });
  return () => {
    if (c === undefined) throw new Error('no client: withPgClient() connects one only inside tests');
    return c;
  };
}

/** A PgServer over a fresh database for a test file (or describe block), and clients of it. */
export interface PgTestServer {
  readonly db: Database;
  readonly server: PgServer;
  /** Connects a client as `admin` (ended after the tests); `extra` adds client options. */
  client(extra?: Record<string, unknown>): Promise<pg.Client>;
}

/**
 * Opens a database and serves it on a free port before the tests of the enclosing file or describe
 * block; ends every client made with `client()` and closes both after them.
 *
 * @example
 * const pgt = withPgServer();
 * it('answers', async () => expect((await (await pgt.client()).query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]));
 */
export function withPgServer(): PgTestServer {
  let db: Database | undefined;
  let server: PgServer | undefined;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    db = await open();
    server = await PgServer.listen(db, { port: 0 });
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await server?.close();
    await db?.close();
  });
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('withPgServer(): the server starts only inside tests');
    return v;
  };
  return {
    get db() {
      return need(db);
    },
    get server() {
      return need(server);
    },
    async client(extra = {}) {
      const config = {
        host: '127.0.0.1',
        port: need(server).port,
        user: 'admin',
        database: 'liveview',
        ...extra,
      };
      const c = new pg.Client(config as pg.ClientConfig);
      c.on('error', () => undefined);
      await c.connect();
      clients.push(c);
      return c;
    },
  };
}

/** The error `p` rejects with (a pg DatabaseError); fails the test when it resolves. */
export async function pgFailure(p: Promise<unknown>): Promise<pg.DatabaseError> {
  try {
    await p;
  } catch (e) {
    return e as pg.DatabaseError;
  }
  throw new Error('expected an error');
}
