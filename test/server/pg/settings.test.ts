import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { open } from '../../../src/index.js';
import { PgServer } from '../../../src/server/pg/server.js';
import { createHttpApp } from '../../../src/server/http/app.js';
import { withPgClient } from '../../helpers/pg-client.js';

const client = withPgClient();

/** ParameterStatus messages the server sends while `fn` runs, as name → value. */
async function reported(fn: () => Promise<unknown>): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  const conn = (client() as unknown as { connection: NodeJS.EventEmitter }).connection;
  const on = (m: { parameterName: string; parameterValue: string }): void => {
    seen[m.parameterName] = m.parameterValue;
  };
  conn.on('parameterStatus', on);
  try {
    await fn();
  } finally {
    conn.off('parameterStatus', on);
  }
  return seen;
}

describe('ParameterStatus', () => {
  it('reports a GUC_REPORT parameter when SET changes it, by its PostgreSQL name', async () => {
    const seen = await reported(() =>
      client().query(`SET datestyle = 'German'; SET application_name = 'wire'`),
    );
    expect(seen).toEqual({ DateStyle: 'German, DMY', application_name: 'wire' });
    await client().query(`RESET ALL`);
  });

  it('reports nothing for parameters clients are not told about', async () => {
    expect(await reported(() => client().query('SET extra_float_digits = 0'))).toEqual({});
    await client().query('RESET extra_float_digits');
  });

  it('reports the value back when a rolled-back SET is undone', async () => {
    const seen = await reported(() => client().query(`BEGIN; SET TIME ZONE 'Europe/Paris'; ROLLBACK`));
    expect(seen).toEqual({});
    expect((await client().query('SHOW TimeZone')).rows).toEqual([{ TimeZone: 'UTC' }]);
  });

  it('fails the statement with 57014 when statement_timeout passes', async () => {
    await client().query(`SET statement_timeout = '20ms'`);
    const err = await client()
      .query('SELECT count(*) FROM generate_series(1, 200000000) a')
      .catch((e: pg.DatabaseError) => e);
    await client().query('RESET statement_timeout');
    expect(err).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
  });
});

describe('startup parameters', () => {
  it('applies the client startup settings, which RESET returns to', async () => {
    const db = await open();
    const server = await PgServer.listen(db, { port: 0 });
    const c = new pg.Client({
      host: '127.0.0.1',
      port: server.port,
      user: 'admin',
      database: 'liveview',
      application_name: 'startup-app',
      client_encoding: 'SQL_ASCII',
    });
    try {
      await c.connect();
      expect(server.connectionCount).toBe(1);
      await c.query(`SET application_name = 'other'; RESET application_name`);
      expect((await c.query('SHOW application_name')).rows).toEqual([{ application_name: 'startup-app' }]);
      expect((await c.query('SHOW is_superuser')).rows).toEqual([{ is_superuser: 'on' }]);
      // A client asking for another encoding at startup is told UTF8 rather than turned away.
      expect((await c.query('SHOW client_encoding')).rows).toEqual([{ client_encoding: 'UTF8' }]);
      const app = await createHttpApp(db, { pgConnections: () => server.connectionCount });
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.body).toContain('liveviewdb_open_connections{protocol="pg"} 1');
      await app.close();
    } finally {
      await c.end();
      await server.close();
      await db.close();
    }
  });
});
