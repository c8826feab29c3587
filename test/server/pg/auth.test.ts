import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';
import type { AuthMethod } from '../../../src/server/pg/auth.js';
import { PgServer } from '../../../src/server/pg/server.js';
import { md5Secret } from '../../../src/tenancy/passwords.js';
import { initAdminPassword } from '../../../src/tenancy/roles.js';

const opened: { db: Database; server: PgServer }[] = [];

async function start(auth?: AuthMethod, password: string | null = 's3cret'): Promise<PgServer> {
  const db = await open();
  const server = await PgServer.listen(db, {
    port: 0,
    password: password ?? undefined,
    ...(auth ? { auth } : {}),
  });
  opened.push({ db, server });
  return server;
}

afterEach(async () => {
  for (const { db, server } of opened.splice(0)) {
    await server.close();
    await db.close();
  }
});

async function connect(server: PgServer, user: string, password?: string): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, database: 'liveview', user, password });
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function refusal(server: PgServer, user: string, password?: string): Promise<pg.DatabaseError> {
  try {
    const c = await connect(server, user, password);
    await c.end();
  } catch (e) {
    return e as pg.DatabaseError;
  }
  throw new Error('expected the connection to be refused');
}

async function roundTrip(server: PgServer, user: string, password: string): Promise<number> {
  const c = await connect(server, user, password);
  const { rows } = await c.query('SELECT 41 + 1 AS n');
  await c.end();
  return rows[0].n as number;
}

describe('authentication methods', () => {
  it('uses SCRAM-SHA-256 by default once a password exists', async () => {
    const server = await start();
    expect(server.auth).toBe('scram-sha-256');
    expect(await roundTrip(server, 'admin', 's3cret')).toBe(42);
    const err = await refusal(server, 'admin', 'wrong');
    expect(err.code).toBe('28P01');
    expect(err.message).toBe('password authentication failed for user "admin"');
  });

  it('refuses unknown users the same way as wrong passwords', async () => {
    const server = await start();
    const err = await refusal(server, 'nobody', 'x');
    expect([err.code, err.message]).toEqual(['28P01', 'password authentication failed for user "nobody"']);
  });

  it('trusts every client when no role has a password', async () => {
    const server = await start(undefined, null);
    expect(server.auth).toBe('trust');
    const c = await connect(server, 'admin');
    await c.end();
  });

  it('checks md5 and cleartext passwords', async () => {
    expect(await roundTrip(await start('md5'), 'admin', 's3cret')).toBe(42);
    const clear = await start('password');
    expect(await roundTrip(clear, 'admin', 's3cret')).toBe(42);
    expect((await refusal(clear, 'admin', 'nope')).code).toBe('28P01');
  });

  it('falls back to SCRAM under md5 for a role with only a SCRAM verifier, as PostgreSQL does', async () => {
    const server = await start('md5');
    const c = await connect(server, 'admin', 's3cret');
    await c.query("CREATE ROLE scrammy LOGIN PASSWORD 'pw1'");
    await c.end();
    expect(await roundTrip(server, 'scrammy', 'pw1')).toBe(42);
    expect((await refusal(server, 'scrammy', 'pw2')).code).toBe('28P01');
  });

  it('refuses a role with only an md5 secret under scram-sha-256', async () => {
    const server = await start('scram-sha-256');
    const c = await connect(server, 'admin', 's3cret');
    await c.query(`CREATE ROLE old LOGIN PASSWORD '${md5Secret('pw', 'old')}'`);
    await c.end();
    expect((await refusal(server, 'old', 'pw')).code).toBe('28P01');
  });
});

describe('roles through SQL', () => {
  it('creates, alters and drops login roles', async () => {
    const server = await start();
    const admin = await connect(server, 'admin', 's3cret');
    expect((await admin.query("CREATE ROLE bob WITH LOGIN PASSWORD 'one'")).command).toBe('CREATE');
    expect(await roundTrip(server, 'bob', 'one')).toBe(42);
    await admin.query("ALTER ROLE bob WITH PASSWORD 'two'");
    expect((await refusal(server, 'bob', 'one')).code).toBe('28P01');
    expect(await roundTrip(server, 'bob', 'two')).toBe(42);
    await admin.query('DROP ROLE bob');
    expect((await refusal(server, 'bob', 'two')).code).toBe('28P01');
    await admin.end();
  });

  it('stores md5 secrets when password_encryption is md5', async () => {
    const server = await start('md5');
    const admin = await connect(server, 'admin', 's3cret');
    await admin.query("SET password_encryption = 'md5'");
    await admin.query("CREATE USER carol PASSWORD 'pw'");
    await admin.end();
    expect(await roundTrip(server, 'carol', 'pw')).toBe(42);
  });

  it('refuses roles without LOGIN after their password checks', async () => {
    const server = await start();
    const admin = await connect(server, 'admin', 's3cret');
    await admin.query("CREATE ROLE reader PASSWORD 'pw'");
    await admin.end();
    const err = await refusal(server, 'reader', 'pw');
    expect([err.code, err.message]).toEqual(['28000', 'role "reader" is not permitted to log in']);
  });

  it('reports duplicate and missing roles with PostgreSQL codes', async () => {
    const server = await start();
    const c = await connect(server, 'admin', 's3cret');
    const fail = (sql: string): Promise<pg.DatabaseError> =>
      c.query(sql).then(
        () => {
          throw new Error('expected an error');
        },
        (e: pg.DatabaseError) => e,
      );
    await c.query("CREATE ROLE dup LOGIN PASSWORD 'x'");
    expect((await fail("CREATE ROLE dup LOGIN PASSWORD 'x'")).message).toBe('role "dup" already exists');
    expect((await fail("ALTER ROLE ghost PASSWORD 'x'")).code).toBe('42704');
    expect((await fail('DROP ROLE ghost')).message).toBe('role "ghost" does not exist');
    expect((await c.query('DROP ROLE IF EXISTS ghost')).command).toBe('DROP');
    expect((await fail('DROP ROLE admin')).code).toBe('2BP01');
    await c.end();
  });

  it('undoes CREATE ROLE when its transaction rolls back', async () => {
    const server = await start();
    const c = await connect(server, 'admin', 's3cret');
    await c.query("BEGIN; CREATE ROLE temp LOGIN PASSWORD 'pw'; ROLLBACK");
    await c.end();
    expect((await refusal(server, 'temp', 'pw')).code).toBe('28P01');
  });
});

/** Every file under `dir`, concatenated (to check what a data directory holds). */
function allBytes(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
    .join('');
}

describe('the admin password of a data directory', () => {
  it('generates one at first start and keeps only its SCRAM verifier, through a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvdb-auth-'));
    const db = await open({ path: dir });
    const generated = initAdminPassword(db.engine.roles, undefined)!;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const server = await PgServer.listen(db, { port: 0 });
    expect(await roundTrip(server, 'admin', generated)).toBe(42);
    await server.close();
    await db.close();
    const stored = allBytes(dir);
    expect(stored).not.toContain(generated);
    expect(stored).toMatch(/SCRAM-SHA-256\$4096:[^$]+\$[^:]+:/);
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
      if (e.isFile()) expect(statSync(join(e.parentPath, e.name)).mode & 0o077).toBe(0);
    // md5 needs md5(password || user), which a SCRAM verifier cannot give: SCRAM is used instead.
    const again = await open({ path: dir });
    expect(initAdminPassword(again.engine.roles, undefined)).toBeUndefined();
    const s2 = await PgServer.listen(again, { port: 0, auth: 'md5' });
    opened.push({ db: again, server: s2 });
    expect(await roundTrip(s2, 'admin', generated)).toBe(42);
  });

  it('persists roles created through SQL, and not those rolled back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvdb-auth-'));
    const db = await open({ path: dir });
    initAdminPassword(db.engine.roles, 'envpw');
    const server = await PgServer.listen(db, { port: 0, password: 'envpw' });
    const c = await connect(server, 'admin', 'envpw');
    await c.query("CREATE ROLE dave LOGIN PASSWORD 'pw'");
    await c.query("BEGIN; CREATE ROLE eve LOGIN PASSWORD 'pw'; ROLLBACK");
    await c.end();
    await server.close();
    await db.durability!.close({ checkpoint: false });
    const again = await open({ path: dir });
    initAdminPassword(again.engine.roles, undefined);
    const s2 = await PgServer.listen(again, { port: 0 });
    opened.push({ db: again, server: s2 });
    expect(await roundTrip(s2, 'dave', 'pw')).toBe(42);
    expect(await roundTrip(s2, 'admin', 'envpw')).toBe(42);
    expect((await refusal(s2, 'eve', 'pw')).code).toBe('28P01');
  });
});
