// Transactional DDL, checked with two sessions: DDL inside a transaction block is seen by that
// transaction only, is published by COMMIT, and leaves no trace after ROLLBACK or ROLLBACK TO.
// Other sessions never see it half-done: a name created under the lock is absent to them, any other
// locked name makes them wait; here lock_timeout ends the wait with 55P03 (lock_not_available)
// after 20 ms (test/engine/lock-waits.test.ts covers waiting itself).
import { describe, expect, it } from 'vitest';
import { errorCode, withDb } from '../helpers/db.js';
import type { Session } from '../../src/engine/session.js';

let a: Session;
let b: Session;
withDb(async (db) => {
  a = db.session();
  b = db.session();
  await a.execute("SET lock_timeout = '20ms'");
  await b.execute("SET lock_timeout = '20ms'");
  await a.execute(`CREATE TABLE t (id int, v text); INSERT INTO t VALUES (1, 'x'), (2, 'y')`);
});

async function rows(s: Session, sql: string): Promise<unknown[][]> {
  const r = await s.execute(sql);
  return r[r.length - 1]!.rows;
}

const code = (s: Session, sql: string): Promise<string> => errorCode(() => s.execute(sql));

describe('CREATE TABLE in a transaction', () => {
  it('is invisible to other sessions until COMMIT, then visible with its rows', async () => {
    await a.execute(`BEGIN; CREATE TABLE n (k int); INSERT INTO n VALUES (7), (8)`);
    expect(await rows(a, 'SELECT k FROM n ORDER BY k')).toEqual([[7], [8]]);
    expect(await code(b, 'SELECT * FROM n')).toBe('42P01');
    expect(await code(b, 'INSERT INTO n VALUES (1)')).toBe('42P01');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT k FROM n ORDER BY k')).toEqual([[7], [8]]);
  });

  it('leaves nothing behind after ROLLBACK, so the name is free again', async () => {
    await a.execute(`BEGIN; CREATE TABLE n (k int); INSERT INTO n VALUES (1); ROLLBACK`);
    expect(await code(a, 'SELECT * FROM n')).toBe('42P01');
    expect(await code(b, 'CREATE TABLE n (other text)')).toBe('ok');
    expect(await rows(a, 'SELECT * FROM n')).toEqual([]);
  });

  it('makes a concurrent CREATE of the same name fail with 55P03 and not change anything', async () => {
    await a.execute(`BEGIN; CREATE TABLE n (k int)`);
    expect(await code(b, 'CREATE TABLE n (s text)')).toBe('55P03');
    await a.execute(`COMMIT`);
    expect(await code(b, 'CREATE TABLE n (s text)')).toBe('42P07');
    expect((await a.execute('SELECT * FROM n'))[0]!.columns.map((c) => c.name)).toEqual(['k']);
  });

  it('is undone by ROLLBACK TO SAVEPOINT while earlier DDL stays', async () => {
    await a.execute(`BEGIN; CREATE TABLE p (k int); SAVEPOINT s1; CREATE TABLE q (k int)`);
    await a.execute(`ROLLBACK TO SAVEPOINT s1`);
    // The savepoint's lock is gone too: another session may take the name.
    expect(await code(b, 'CREATE TABLE q (z int)')).toBe('ok');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT count(*) FROM p')).toEqual([[0n]]);
    expect((await b.execute('SELECT * FROM q'))[0]!.columns.map((c) => c.name)).toEqual(['z']);
  });
});

describe('DROP and ALTER in a transaction', () => {
  it('keeps a dropped table from other sessions with 55P03, and restores it on ROLLBACK', async () => {
    await a.execute('BEGIN; DROP TABLE t');
    expect(await code(a, 'SELECT * FROM t')).toBe('42P01');
    expect(await code(b, 'SELECT * FROM t')).toBe('55P03');
    await a.execute('ROLLBACK');
    expect(await rows(b, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2]]);
  });

  it('publishes a DROP at COMMIT', async () => {
    await a.execute('BEGIN; DROP TABLE t; COMMIT');
    expect(await code(b, 'SELECT * FROM t')).toBe('42P01');
  });

  it('hides added, dropped and renamed columns from other sessions until COMMIT', async () => {
    await a.execute(`BEGIN; ALTER TABLE t ADD COLUMN w int DEFAULT 5; ALTER TABLE t DROP COLUMN v`);
    await a.execute(`ALTER TABLE t RENAME COLUMN id TO ident`);
    expect(await rows(a, 'SELECT ident, w FROM t ORDER BY ident')).toEqual([
      [1, 5],
      [2, 5],
    ]);
    expect(await code(b, 'SELECT * FROM t')).toBe('55P03');
    expect(await code(b, 'INSERT INTO t VALUES (3, 3)')).toBe('55P03');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT ident, w FROM t ORDER BY ident')).toEqual([
      [1, 5],
      [2, 5],
    ]);
  });

  it('restores columns and data after ROLLBACK of ALTER TABLE', async () => {
    await a.execute(`BEGIN; ALTER TABLE t DROP COLUMN v; ALTER TABLE t ADD COLUMN w int; ROLLBACK`);
    expect(await rows(b, 'SELECT id, v FROM t ORDER BY id')).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('refuses DDL on a table another transaction has uncommitted rows in', async () => {
    await b.execute(`BEGIN; INSERT INTO t VALUES (3, 'z')`);
    expect(await code(a, 'ALTER TABLE t ADD COLUMN w int')).toBe('55P03');
    expect(await code(a, 'DROP TABLE t')).toBe('55P03');
    await b.execute('COMMIT');
    await a.execute('ALTER TABLE t ADD COLUMN w int');
    expect(await rows(a, 'SELECT id, v, w FROM t WHERE id = 3')).toEqual([[3, 'z', null]]);
  });

  it("carries the transaction's own inserted rows through ALTER TABLE", async () => {
    await a.execute(`BEGIN; CREATE TABLE n (k int); INSERT INTO n VALUES (1)`);
    await a.execute(`ALTER TABLE n ADD COLUMN w int DEFAULT 3; INSERT INTO n VALUES (2, 4); COMMIT`);
    expect(await rows(b, 'SELECT k, w FROM n ORDER BY k')).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it("keeps the transaction's deletes and rows right across ALTER TABLE and ROLLBACK TO", async () => {
    await a.execute(`BEGIN; DELETE FROM t WHERE id = 1; INSERT INTO t VALUES (3, 'z'); SAVEPOINT s`);
    await a.execute(`ALTER TABLE t ADD COLUMN w int; INSERT INTO t VALUES (4, 'q', 4)`);
    await a.execute(`DELETE FROM t WHERE id = 3; ROLLBACK TO s; INSERT INTO t VALUES (5, 'r'); COMMIT`);
    expect(await rows(b, 'SELECT * FROM t ORDER BY id')).toEqual([
      [2, 'y'],
      [3, 'z'],
      [5, 'r'],
    ]);
  });

  it('lets CREATE ... IF NOT EXISTS of an existing table pass while another transaction writes it', async () => {
    await b.execute(`BEGIN; INSERT INTO t VALUES (3, 'z')`);
    expect(await code(a, 'CREATE TABLE IF NOT EXISTS t (id int)')).toBe('ok');
    expect(await code(a, 'CREATE SCHEMA IF NOT EXISTS public')).toBe('ok');
    await b.execute('COMMIT');
    expect(await rows(a, 'SELECT count(*) FROM t')).toEqual([[3n]]);
  });

  it('keeps a renamed table under its old name for others until COMMIT', async () => {
    await a.execute('BEGIN; ALTER TABLE t RENAME TO t2');
    expect(await code(b, 'SELECT * FROM t')).toBe('55P03');
    expect(await code(b, 'SELECT * FROM t2')).toBe('42P01');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT count(*) FROM t2')).toEqual([[2n]]);
  });
});

describe('views and schemas in a transaction', () => {
  it('hides a new view and a new schema until COMMIT', async () => {
    await a.execute(`BEGIN; CREATE SCHEMA s; CREATE TABLE s.u (k int); CREATE VIEW tv AS SELECT id FROM t`);
    expect(await code(b, 'SELECT * FROM tv')).toBe('42P01');
    expect(await code(b, 'SELECT * FROM s.u')).toBe('42P01');
    expect(await code(b, 'CREATE TABLE s.other (k int)')).toBe('3F000');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT count(*) FROM tv')).toEqual([[2n]]);
    expect(await rows(b, 'SELECT count(*) FROM s.u')).toEqual([[0n]]);
  });

  it('undoes CREATE SCHEMA IF NOT EXISTS of an existing schema without dropping it', async () => {
    await a.execute('BEGIN; CREATE SCHEMA IF NOT EXISTS public; ROLLBACK');
    expect(await rows(b, 'SELECT count(*) FROM public.t')).toEqual([[2n]]);
  });

  it('keeps a dropped view from other sessions until COMMIT', async () => {
    await a.execute('CREATE VIEW tv AS SELECT id FROM t');
    await a.execute('BEGIN; DROP VIEW tv');
    expect(await code(b, 'SELECT * FROM tv')).toBe('55P03');
    await a.execute('ROLLBACK');
    expect(await rows(b, 'SELECT count(*) FROM tv')).toEqual([[2n]]);
  });
});

describe('concurrent DDL', () => {
  it('lets only the first of two transactions alter a table', async () => {
    await a.execute('BEGIN; ALTER TABLE t ADD COLUMN w int');
    await b.execute('BEGIN');
    expect(await code(b, 'ALTER TABLE t ADD COLUMN z int')).toBe('55P03');
    await b.execute('ROLLBACK');
    await a.execute('COMMIT');
    expect((await b.execute('SELECT * FROM t'))[0]!.columns.map((c) => c.name)).toEqual(['id', 'v', 'w']);
  });

  it('keeps a schema from being dropped under a table created in it', async () => {
    await a.execute('CREATE SCHEMA s');
    await a.execute('BEGIN; CREATE TABLE s.u (k int); INSERT INTO s.u VALUES (1)');
    expect(await code(b, 'DROP SCHEMA s CASCADE')).toBe('55P03');
    await a.execute('COMMIT');
    expect(await rows(b, 'SELECT k FROM s.u')).toEqual([[1]]);
  });
});

describe('failures inside a transaction', () => {
  it('releases the locks of a failed statement when the block is rolled back', async () => {
    await a.execute('BEGIN; CREATE TABLE n (k int)');
    expect(await code(a, 'SELECT 1/0')).toBe('22012');
    await a.execute('COMMIT');
    expect(await code(b, 'SELECT * FROM n')).toBe('42P01');
    expect(await code(b, 'CREATE TABLE n (k int)')).toBe('ok');
  });

  it('lets prepared statements of other sessions rebind after DDL commits', async () => {
    await b.execute('PREPARE q AS SELECT id, v FROM t ORDER BY id');
    await a.execute(`BEGIN; ALTER TABLE t ADD COLUMN w int DEFAULT 0`);
    expect(await code(b, 'EXECUTE q')).toBe('55P03');
    await a.execute('COMMIT');
    expect(await rows(b, 'EXECUTE q')).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });
});
