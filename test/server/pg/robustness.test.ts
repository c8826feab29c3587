/**
 * The PostgreSQL server under bad input and load. Invariants checked: a malformed, oversized or
 * unknown message, a client that never finishes startup, one that never reads its results, and
 * thousands of idle connections each affect only their own connection; the others keep being
 * answered, the failing one gets PostgreSQL's FATAL error (or is dropped, as PostgreSQL drops it)
 * and is closed, and the server logs it. Past maxConnections a client gets 53300.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { OUTPUT_HIGH_WATER } from '../../../src/server/pg/output.js';
import { PROTOCOL_3_0 } from '../../../src/server/pg/messages.js';
import { PgServer } from '../../../src/server/pg/server.js';
import { pgFailure } from '../../helpers/pg-client.js';

/** A backend message as received: its type byte and body. */
interface BackendMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** A client speaking the protocol byte by byte, to send what no driver would. */
class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = tcpConnect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  /** Sends a startup packet as `admin` and reads up to ReadyForQuery. */
  async startup(): Promise<void> {
    this.write(startupPacket({ user: 'admin', database: 'liveview' }));
    for (;;) {
      const m = await this.next();
      if (m === null) throw new Error('closed during startup');
      if (m.type === 'E') throw new Error(`startup failed: ${errorFields(m).get('M')}`);
      if (m.type === 'Z') return;
    }
  }

  /** The next message, or null once the server has closed the connection. */
  async next(): Promise<BackendMessage | null> {
    for (;;) {
      if (this.buffer.length >= 5) {
        const len = this.buffer.readInt32BE(1);
        if (this.buffer.length >= len + 1) {
          const m = { type: String.fromCharCode(this.buffer[0]!), body: this.buffer.subarray(5, len + 1) };
          this.buffer = this.buffer.subarray(len + 1);
          return m;
        }
      }
      if (this.socket.destroyed || this.socket.readableEnded) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Reads up to the next ErrorResponse; its fields by code letter. */
  async error(): Promise<Map<string, string>> {
    for (;;) {
      const m = await this.next();
      if (m === null) throw new Error('closed without an ErrorResponse');
      if (m.type === 'E') return errorFields(m);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function errorFields(m: BackendMessage): Map<string, string> {
  const fields = new Map<string, string>();
  for (let at = 0; m.body[at] !== 0 && at < m.body.length;) {
    const end = m.body.indexOf(0, at + 1);
    fields.set(String.fromCharCode(m.body[at]!), m.body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  return fields;
}

function startupPacket(params: Record<string, string>): Buffer {
  const pairs = Object.entries(params).flatMap(([k, v]) => [k, v]);
  const body = Buffer.from(`${pairs.join('\0')}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_3_0, 4);
  return Buffer.concat([head, body]);
}

/** A framed frontend message: type byte, int32 length (the body's plus 4), body. */
function message(type: string, body: Buffer, length = body.length + 4): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(length, 1);
  return Buffer.concat([head, body]);
}

const query = (sql: string): Buffer => message('Q', Buffer.from(`${sql}\0`));

let db: Database;
let server: PgServer;
let client: pg.Client;
const logLines: string[] = [];

async function connectPg(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'admin', database: 'liveview' });
  c.on('error', () => {});
  await c.connect();
  return c;
}

const failure = pgFailure;

/** The server still answers queries from a connection opened before the trouble. */
async function stillServing(): Promise<void> {
  expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
}

beforeAll(async () => {
  db = await open();
  await db.exec(
    `CREATE TABLE big AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g`,
  );
  await db.exec('CREATE TABLE hits (n int)');
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  server = await PgServer.listen(db, { port: 0, maxMessageSize: 64 * 1024, logger });
  client = await connectPg(server.port);
});

afterAll(async () => {
  await client.end();
  await server.close();
  await db.close();
});

describe('malformed input', () => {
  it('closes a connection that starts with bytes that are not a startup packet', async () => {
    const raw = await RawClient.connect(server.port);
    raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const err = await raw.error();
    expect(err.get('S')).toBe('FATAL');
    expect(err.get('C')).toBe('08P01');
    expect(err.get('M')).toBe('invalid length of startup packet');
    await raw.closed;
    await stillServing();
  });

  it('refuses a startup packet longer than 10,000 bytes before it arrives', async () => {
    const raw = await RawClient.connect(server.port);
    const head = Buffer.alloc(8);
    head.writeInt32BE(20_000, 0);
    head.writeInt32BE(PROTOCOL_3_0, 4);
    raw.write(head);
    expect((await raw.error()).get('M')).toBe('invalid length of startup packet');
    await raw.closed;
    await stillServing();
  });

  it('refuses a startup packet whose parameters are not terminated', async () => {
    const raw = await RawClient.connect(server.port);
    const packet = startupPacket({ user: 'admin' });
    raw.write(packet.subarray(0, packet.length - 1));
    raw.write(Buffer.from('x'));
    const err = await raw.error();
    expect(err.get('C')).toBe('08P01');
    expect(err.get('M')).toBe('invalid startup packet layout: expected terminator as last byte');
    await raw.closed;
  });

  it('refuses a message length of 0x7fffffff at once, naming the limit, and logs it', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('Q', Buffer.from('SELECT 1'), 0x7fffffff));
    const err = await raw.error();
    expect(err.get('S')).toBe('FATAL');
    expect(err.get('C')).toBe('08P01');
    expect(err.get('M')).toBe('invalid message length');
    expect(err.get('D')).toBe('The message is 2147483647 bytes; the largest accepted is 65536 bytes.');
    await raw.closed;
    await stillServing();
    expect(
      logLines.some((l) => l.includes('protocol violation') && l.includes('invalid message length')),
    ).toBe(true);
  });

  it('refuses a query longer than maxMessageSize through the pg driver', async () => {
    const c = await connectPg(server.port);
    const err = await failure(c.query(`SELECT '${'x'.repeat(100_000)}' AS long`));
    expect(err.code).toBe('08P01');
    expect(err.message).toBe('invalid message length');
    await stillServing();
  });

  it('answers an unknown message type with FATAL invalid frontend message type', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('z', Buffer.alloc(0)));
    const err = await raw.error();
    expect(err.get('S')).toBe('FATAL');
    expect(err.get('C')).toBe('08P01');
    expect(err.get('M')).toBe('invalid frontend message type 122');
    await raw.closed;
    await stillServing();
  });

  it('refuses a message other than a password while authenticating', async () => {
    const secured = await PgServer.listen(db, { port: 0, auth: 'password' });
    const raw = await RawClient.connect(secured.port);
    raw.write(startupPacket({ user: 'admin', database: 'liveview' }));
    raw.write(query('SELECT 1'));
    expect((await raw.error()).get('M')).toBe('expected password response, got message type 81');
    await raw.closed;
    await secured.close();
  });

  it('answers a Bind whose counts run past its end with 08P01 and closes only that connection', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('P', Buffer.from('\0SELECT $1::int\0\0\0')));
    // Portal "", statement "", no formats, then 5 parameters announced and none sent.
    raw.write(message('B', Buffer.from([0, 0, 0, 0, 0, 5])));
    raw.write(message('S', Buffer.alloc(0)));
    const err = await raw.error();
    expect(err.get('C')).toBe('08P01');
    expect(err.get('M')).toBe('insufficient data left in message');
    await raw.closed;
    await stillServing();
  });

  it('answers a Bind with a negative parameter count with 08P01', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('B', Buffer.from([0, 0, 0, 0, 0xff, 0xff])));
    expect((await raw.error()).get('M')).toBe('invalid message format');
    await raw.closed;
  });

  it('answers a query string without its terminating NUL with 08P01', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('Q', Buffer.from('SELECT 1')));
    expect((await raw.error()).get('M')).toBe('invalid string in message');
    await raw.closed;
    await stillServing();
  });

  it('answers a message with bytes left after its fields with 08P01', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.write(message('S', Buffer.from('extra')));
    expect((await raw.error()).get('M')).toBe('invalid message format');
    await raw.closed;
  });

  it('reads a message that arrives one byte at a time', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    for (const b of query('SELECT 7 AS seven')) raw.write(Buffer.from([b]));
    const types: string[] = [];
    for (let m = await raw.next(); m && m.type !== 'Z'; m = await raw.next()) types.push(m.type);
    expect(types).toEqual(['T', 'D', 'C']);
    raw.destroy();
  });
});

describe('connection limits', () => {
  it('refuses connections past maxConnections with 53300 and accepts one again after a client leaves', async () => {
    const small = await PgServer.listen(db, { port: 0, maxConnections: 2 });
    const a = await connectPg(small.port);
    const b = await connectPg(small.port);
    const err = await failure(connectPg(small.port));
    expect(err.code).toBe('53300');
    expect(err.message).toBe('sorry, too many clients already');
    expect(err.severity).toBe('FATAL');
    await a.end();
    await vi.waitFor(() => expect(small.connectionCount).toBe(1));
    const c = await connectPg(small.port);
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await Promise.all([b.end(), c.end()]);
    await small.close();
  });

  it('drops a connection that does not finish startup within authenticationTimeout', async () => {
    const strict = await PgServer.listen(db, { port: 0, authenticationTimeout: 100 });
    const raw = await RawClient.connect(strict.port);
    raw.write(Buffer.from([0, 0, 0]));
    await raw.closed;
    expect(await raw.next()).toBeNull();
    await vi.waitFor(() => expect(strict.connectionCount).toBe(0));
    // An authenticated connection stays however long it idles.
    const idle = await RawClient.connect(strict.port);
    await idle.startup();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idle.socket.destroyed).toBe(false);
    idle.destroy();
    await strict.close();
  });
});

describe('slow readers', () => {
  it('stops handling a client that does not read its results, and serves the others meanwhile', async () => {
    const raw = await RawClient.connect(server.port);
    await raw.startup();
    raw.socket.pause();
    // 40 results of 4 MB each if they were all produced; the client reads none of them.
    const queries = 40;
    for (let i = 0; i < queries; i++) {
      raw.write(query('INSERT INTO hits VALUES (1)'));
      raw.write(query('SELECT id, pad FROM big'));
    }
    await vi.waitFor(() => expect(server.slowReaders).toBe(1), { timeout: 20_000 });
    await stillServing();
    const handled = Number((await client.query('SELECT count(*) AS n FROM hits')).rows[0].n);
    expect(handled).toBeLessThan(queries);
    // The high-water mark plus one result, not 40 results.
    const oneResult = 20_000 * 220;
    expect(server.outputBacklog).toBeLessThan(OUTPUT_HIGH_WATER + 2 * oneResult);
    raw.destroy();
    await vi.waitFor(() => expect(server.connectionCount).toBe(1));
    expect(Number((await client.query('SELECT count(*) AS n FROM hits')).rows[0].n)).toBe(handled);
  });
});

describe('idle connections', () => {
  it('serves a client beside 2,000 idle connections and counts none once they close', async () => {
    const busy = await PgServer.listen(db, { port: 0, maxConnections: 2_100 });
    const raws: RawClient[] = [];
    // Half stop in the middle of their startup packet, half are authenticated and idle.
    for (let batch = 0; batch < 20; batch++) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => RawClient.connect(busy.port)));
      if (batch % 2 === 0) for (const r of opened) r.write(Buffer.from([0, 0, 0, 40, 0, 3]));
      else await Promise.all(opened.map((r) => r.startup()));
      raws.push(...opened);
    }
    await vi.waitFor(() => expect(busy.connectionCount).toBe(2_000));
    const c = await connectPg(busy.port);
    expect((await c.query('SELECT count(*) AS n FROM big')).rows).toEqual([{ n: '20000' }]);
    await c.end();
    for (const r of raws) r.destroy();
    await vi.waitFor(() => expect(busy.connectionCount).toBe(0));
    await busy.close();
  });
});
