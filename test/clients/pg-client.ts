import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/** A node-postgres client on the suite's server for the file's tests, set up by `setupSql`. */
export function withClient(setupSql: string): () => pg.Client {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({
      host: '127.0.0.1',
      port: inject('pgPort'),
      user: 'admin',
      password: inject('pgPassword'),
      database: 'liveview',
    });
    await client.connect();
    await client.query(setupSql);
  });
  afterAll(async () => {
    await client?.end();
  });
  return () => client;
}
