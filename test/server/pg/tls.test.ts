import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import { PgServer } from '../../../src/server/pg/server.js';

/** A self-signed certificate made with the openssl CLI, or null when it is not installed. */
function selfSigned(): { cert: Buffer; key: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'lvdb-tls-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return null;
  }
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

const tls = selfSigned();
let db: Database;
let server: PgServer;
let plain: PgServer;

beforeAll(async () => {
  db = await open();
  if (tls) server = await PgServer.listen(db, { port: 0, password: 'pw', tls });
  plain = await PgServer.listen(db, { port: 0, password: 'pw' });
});

afterAll(async () => {
  await server?.close();
  await plain.close();
  await db.close();
});

const client = (port: number, ssl: pg.ClientConfig['ssl']): pg.Client => {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: 'pw',
    database: 'liveview',
    ssl,
  });
  c.on('error', () => {});
  return c;
};

describe.skipIf(!tls)('TLS', () => {
  it('upgrades the connection after SSLRequest and runs queries over it', async () => {
    const c = client(server.port, { rejectUnauthorized: false });
    await c.connect();
    const stream = (c as unknown as { connection: { stream: unknown } }).connection.stream;
    expect(stream).toBeInstanceOf(TLSSocket);
    expect((stream as TLSSocket).encrypted).toBe(true);
    expect((await c.query("SELECT 'secret' AS s")).rows).toEqual([{ s: 'secret' }]);
    await c.end();
  });

  it('still serves clients that do not ask for TLS', async () => {
    const c = client(server.port, false);
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });
});

describe('without a certificate', () => {
  it('answers N, so a client that requires TLS gives up', async () => {
    const c = client(plain.port, { rejectUnauthorized: false });
    await expect(c.connect()).rejects.toThrow(/does not support SSL/);
  });
});
