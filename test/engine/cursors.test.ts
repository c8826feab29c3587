import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import type { Session } from '../../src/engine/session.js';
import { PgServer } from '../../src/server/pg/server.js';

let db: Database;
let server: PgServer;

beforeAll(async () => {
  db = await open();
  await db.exec('CREATE TABLE nums (n int); INSERT INTO nums SELECT * FROM generate_series(1, 10)');
  server = await PgServer.listen(db, { port: 0 });
});

afterAll(async () => {
  await server.close();
  await db.close();
});

async function run(s: Session, sql: string): Promise<unknown[]> {
  const r = (await s.execute(sql)).at(-1)!;
  return r.command === 'FETCH' ? r.rows.map((row) => row[0]) : [r.command, r.rowCount];
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('SQL cursors', () => {
  it('fetches forward in pieces, MOVE skips, and ALL takes the rest', async () => {
    const s = db.session();
    await s.execute('BEGIN');
    expect(await run(s, 'DECLARE c NO SCROLL CURSOR FOR SELECT n FROM nums ORDER BY n')).toEqual([
      'DECLARE CURSOR',
      0,
    ]);
    expect(await run(s, 'FETCH 3 FROM c')).toEqual([1, 2, 3]);
    expect(await run(s, 'FETCH c')).toEqual([4]);
    expect(await run(s, 'MOVE 2 IN c')).toEqual(['MOVE', 2]);
    expect(await run(s, 'FETCH FORWARD ALL FROM c')).toEqual([7, 8, 9, 10]);
    expect(await run(s, 'FETCH 5 FROM c')).toEqual([]);
    expect(await run(s, 'CLOSE c')).toEqual(['CLOSE CURSOR', 0]);
    expect((await failure(s.execute('FETCH c'))).message).toBe('cursor "c" does not exist');
    await s.execute('ROLLBACK');
  });

  it('needs a transaction block unless WITH HOLD, which outlives COMMIT', async () => {
    const s = db.session();
    const e = await failure(s.execute('DECLARE c CURSOR FOR SELECT 1'));
    expect([e.code, e.message]).toEqual(['25P01', 'DECLARE CURSOR can only be used in transaction blocks']);
    await s.execute('BEGIN');
    await s.execute('DECLARE plain CURSOR FOR SELECT n FROM nums ORDER BY n');
    await s.execute('DECLARE held CURSOR WITH HOLD FOR SELECT n FROM nums ORDER BY n');
    await s.execute('COMMIT');
    expect(await run(s, 'FETCH 2 FROM held')).toEqual([1, 2]);
    expect((await failure(s.execute('FETCH plain'))).code).toBe('34000');
    await s.execute('CLOSE ALL');
    expect((await failure(s.execute('FETCH held'))).code).toBe('34000');
  });

  it('drops a WITH HOLD cursor whose transaction rolls back', async () => {
    const s = db.session();
    await s.execute('BEGIN; DECLARE gone CURSOR WITH HOLD FOR SELECT n FROM nums');
    await s.execute('ROLLBACK');
    expect((await failure(s.execute('FETCH gone'))).code).toBe('34000');
    await s.execute('BEGIN; SAVEPOINT a; DECLARE undone CURSOR WITH HOLD FOR SELECT n FROM nums');
    await s.execute('ROLLBACK TO SAVEPOINT a; COMMIT');
    expect((await failure(s.execute('FETCH undone'))).code).toBe('34000');
  });

  it('reads the snapshot of its DECLARE', async () => {
    const s = db.session();
    await s.execute('BEGIN; DECLARE c CURSOR FOR SELECT count(*)::int FROM nums');
    await db.exec('INSERT INTO nums VALUES (100)');
    expect(await run(s, 'FETCH c')).toEqual([10]);
    await s.execute('ROLLBACK');
    await db.exec('DELETE FROM nums WHERE n = 100');
  });

  it('rejects a second cursor of the same name with 42P03', async () => {
    const s = db.session();
    await s.execute('BEGIN; DECLARE c CURSOR FOR SELECT 1');
    const e = await failure(s.execute('DECLARE c CURSOR FOR SELECT 2'));
    expect([e.code, e.message]).toEqual(['42P03', 'cursor "c" already exists']);
  });

  it('works through the simple and the extended protocol', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'admin', database: 'liveview' });
    await c.connect();
    await c.query('BEGIN');
    await c.query('DECLARE cur CURSOR FOR SELECT n, n * 2 AS twice FROM nums ORDER BY n');
    const simple = await c.query('FETCH 2 FROM cur');
    expect(simple.command).toBe('FETCH');
    expect(simple.rows).toEqual([
      { n: 1, twice: 2 },
      { n: 2, twice: 4 },
    ]);
    const extended = await c.query({ text: 'FETCH 2 FROM cur', queryMode: 'extended' } as pg.QueryConfig);
    expect(extended.fields.map((f) => f.name)).toEqual(['n', 'twice']);
    expect(extended.rows).toEqual([
      { n: 3, twice: 6 },
      { n: 4, twice: 8 },
    ]);
    await c.query('COMMIT');
    await c.end();
  });
});
