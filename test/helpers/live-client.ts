// A WebSocket client of /api/v1/live that hands out the server's messages one at a time.
import { WebSocket } from 'ws';

export interface LiveClient {
  readonly ws: WebSocket;
  /** The next message (heartbeats skipped), parsed. */
  next(): Promise<any>;
}

/**
 * Opens `ws://127.0.0.1:<port>/api/v1/live` with `headers`.
 * @example
 * const { ws, next } = await connectLive(port);
 * ws.send(JSON.stringify({ type: 'subscribe', id: 1, sql: 'SELECT 1' }));
 * await next(); // { type: 'result', … }
 */
export function connectLive(port: number, headers: Record<string, string> = {}): Promise<LiveClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers });
  const queue: any[] = [];
  const waiters: ((m: any) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'heartbeat') return;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = (): Promise<any> =>
    queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
  });
}
