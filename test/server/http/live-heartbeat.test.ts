// Heartbeats of the live feed: the server sends heartbeat messages and pings, answers an
// application-level ping, and drops a client that stops answering pings.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { open, type Database } from '../../../src/index.js';
import { createHttpApp } from '../../../src/server/http/app.js';

let db: Database;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  db = await open();
  app = await createHttpApp(db, { liveHeartbeatMs: 40 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
  await db.close();
});

function connect(autoPong: boolean): Promise<{ ws: WebSocket; messages: { type: string }[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { autoPong });
  const messages: { type: string }[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as { type: string }));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('live feed heartbeats', () => {
  it('sends heartbeats to a client that answers pings, and keeps it', async () => {
    const { ws, messages } = await connect(true);
    await until(() => messages.filter((m) => m.type === 'heartbeat').length >= 4);
    expect(messages.filter((m) => m.type === 'heartbeat').length).toBeGreaterThanOrEqual(4);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ type: 'ping' }));
    await until(() => messages.some((m) => m.type === 'pong'));
    expect(messages.some((m) => m.type === 'pong')).toBe(true);
    ws.close();
  });

  it('drops a client that does not answer pings', async () => {
    const { ws } = await connect(false);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await until(() => ws.readyState === WebSocket.CLOSED);
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    expect(await closed).toBe(1006);
  });
});
