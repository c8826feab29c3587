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
