// A statement that needs a relation another transaction has locked (uncommitted DDL or REFRESH,
// or DDL against uncommitted rows) waits for that transaction to end and then runs, as in
// PostgreSQL: lock_timeout bounds the wait (55P03), two transactions waiting for each other fail
// one of them with 40P01, and cancel or statement_timeout end the wait with 57014.
import { describe, expect, it } from 'vitest';
import { errorCode, withDb } from '../helpers/db.js';
import type { Database } from '../../src/index.js';
import type { Session } from '../../src/engine/session.js';

let db: Database;
let a: Session;
let b: Session;
withDb(async (d) => {
  db = d;
  a = db.session();
  b = db.session();
  await a.execute(`CREATE TABLE t (id int, v text); INSERT INTO t VALUES (1, 'x'), (2, 'y')`);
  await a.execute('CREATE TABLE u (k int)');
});

async function rows(s: Session, sql: string): Promise<unknown[][]> {
  const r = await s.execute(sql);
  return r[r.length - 1]!.rows;
}

/** Whether `p` is still pending after the other sessions had a few turns of the event loop. */
async function pending(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return !done;
}

describe('lock waits', () => {
  it('makes a reader wait for uncommitted DDL and then see the committed table', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int DEFAULT 7');
    const read = rows(b, 'SELECT id, w FROM t ORDER BY id');
    expect(await pending(read)).toBe(true);
    await a.execute('COMMIT');
    expect(await read).toEqual([
      [1, 7],
      [2, 7],
    ]);
  });

  it('makes DDL wait for uncommitted rows, then apply to them', async () => {
    await b.execute(`BEGIN; INSERT INTO t VALUES (3, 'z')`);
    const alter = a.execute('ALTER TABLE t ADD COLUMN w int DEFAULT 1');
    expect(await pending(alter)).toBe(true);
    await b.execute('COMMIT');
    await alter;
    expect(await rows(a, 'SELECT sum(w) FROM t')).toEqual([[3n]]);
  });

  it('makes a reader of a view being refreshed wait for the refresh to commit', async () => {
    await a.execute('CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n FROM t');
    await a.execute('BEGIN; REFRESH MATERIALIZED VIEW m');
    const read = rows(b, 'SELECT n FROM m');
    expect(await pending(read)).toBe(true);
    await a.execute('COMMIT');
    expect(await read).toEqual([[2n]]);
  });

  it('goes on after the holder rolls back, with the table as it was', async () => {
    await a.execute('BEGIN; DROP TABLE t');
    const read = rows(b, 'SELECT count(*) FROM t');
    expect(await pending(read)).toBe(true);
    await a.execute('ROLLBACK');
    expect(await read).toEqual([[2n]]);
  });

  it('fails with 42P01 when the table it waited for was dropped', async () => {
    await a.execute('BEGIN; DROP TABLE t');
    const read = errorCode(() => b.execute('SELECT * FROM t'));
    await a.execute('COMMIT');
    expect(await read).toBe('42P01');
  });

  it('ends the wait after lock_timeout with 55P03, and the session goes on', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int');
    await b.execute("SET lock_timeout = '25ms'");
    await b.execute('BEGIN');
    expect(await errorCode(() => b.execute('SELECT * FROM t'))).toBe('55P03');
    // The transaction is aborted, as any failed statement leaves it.
    expect(await errorCode(() => b.execute('SELECT 1'))).toBe('25P02');
    await b.execute('ROLLBACK');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT count(w) FROM t')).toEqual([[0n]]);
  });

  it('fails one of two transactions waiting for each other with 40P01', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int');
    await b.execute('BEGIN; ALTER TABLE u ADD COLUMN z int');
    const first = rows(a, 'SELECT count(*) FROM u');
    expect(await pending(first)).toBe(true);
    // b would wait for a, which waits for b.
    expect(await errorCode(() => b.execute('SELECT count(*) FROM t'))).toBe('40P01');
    await b.execute('ROLLBACK');
    expect(await first).toEqual([[0n]]);
    await a.execute('COMMIT');
    expect((await a.execute('SELECT * FROM u'))[0]!.columns.map((c) => c.name)).toEqual(['k']);
  });

  it('is ended by cancel and by statement_timeout with 57014', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int');
    const read = errorCode(() => b.execute('SELECT * FROM t'));
    expect(await pending(read)).toBe(true);
    b.cancel();
    expect(await read).toBe('57014');
    await b.execute("SET statement_timeout = '25ms'");
    expect(await errorCode(() => b.execute('SELECT * FROM t'))).toBe('57014');
    await b.execute('RESET statement_timeout');
    await a.execute('ROLLBACK');
    expect(await rows(b, 'SELECT count(*) FROM t')).toEqual([[2n]]);
  });

  it('makes db.append wait for uncommitted DDL, then append to the committed table', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int');
    const append = db.append('t', { id: [5], v: ['q'] });
    expect(await pending(append)).toBe(true);
    await a.execute('COMMIT');
    expect(await append).toBe(1);
    expect(await rows(b, 'SELECT id, v, w FROM t WHERE id = 5')).toEqual([[5, 'q', null]]);
  });

  it('lets writers of a table another transaction writes go on at once', async () => {
    await a.execute(`BEGIN; INSERT INTO t VALUES (3, 'z')`);
    await b.execute(`INSERT INTO t VALUES (4, 'w')`);
    await a.execute('COMMIT');
    expect(await rows(db.session(), 'SELECT count(*) FROM t')).toEqual([[4n]]);
  });
});
