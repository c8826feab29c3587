// The live feed of a materialized view: its rows first, then each commit's change as a diff.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, type LiveClient } from '../../helpers/live-client.js';
import { open, type Database } from '../../../src/index.js';
import { createHttpApp } from '../../../src/server/http/app.js';

let db: Database;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  db = await open();
  app = await createHttpApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  await db.exec("CREATE TABLE s (region text, n int); INSERT INTO s VALUES ('eu', 1), ('us', 2)");
  await db.exec(
    'CREATE MATERIALIZED VIEW per_region AS SELECT region, sum(n) AS total FROM s GROUP BY region',
  );
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const connect = (): Promise<LiveClient> => connectLive(port);

describe('live view subscriptions', () => {
  it('sends the rows, then diffs of each commit', async () => {
    const { ws, next } = await connect();
    ws.send(JSON.stringify({ type: 'subscribe', id: 'v', view: 'per_region' }));
    const first = await next();
    expect(first.type).toBe('result');
    expect(first.rows.sort()).toEqual([
      ['eu', 1],
      ['us', 2],
    ]);
    await db.exec("INSERT INTO s VALUES ('eu', 5)");
    expect(await next()).toEqual({
      type: 'diff',
      id: 'v',
      seq: expect.any(Number),
      added: [['eu', 6]],
      removed: [['eu', 1]],
    });
    await db.exec("DELETE FROM s WHERE region = 'us'");
    expect(await next()).toMatchObject({ type: 'diff', id: 'v', added: [], removed: [['us', 2]] });
    ws.send(JSON.stringify({ type: 'unsubscribe', id: 'v' }));
    expect(await next()).toEqual({ type: 'unsubscribed', id: 'v' });
    ws.send(JSON.stringify({ type: 'subscribe', id: 'w', view: 's' }));
    expect(await next()).toMatchObject({ type: 'error', id: 'w', error: { code: '42P01' } });
    ws.close();
  });
});
