/**
 * Isolation levels. READ COMMITTED (the default): each statement sees the latest commit.
 * REPEATABLE READ / SERIALIZABLE: every statement of the block sees the snapshot taken at its first
 * statement; changing a row another transaction changed since fails the commit with 40001.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE acc (id int, bal int); INSERT INTO acc VALUES (1, 100), (2, 50)');
  await db.exec('CREATE TABLE other (x int); INSERT INTO other VALUES (1)');
});
afterEach(async () => db.close());

const one = async (s: ReturnType<Database['session']>, sql: string): Promise<unknown> =>
  (await s.execute(sql))[0]!.rows[0]![0];

describe('isolation levels', () => {
  it('READ COMMITTED sees commits between statements', async () => {
    const a = db.session();
    await a.execute('BEGIN');
    expect(await one(a, 'SELECT count(*) FROM acc')).toBe(2n);
    await db.exec('INSERT INTO acc VALUES (3, 10)');
    expect(await one(a, 'SELECT count(*) FROM acc')).toBe(3n);
    await a.execute('COMMIT');
  });

  for (const level of ['REPEATABLE READ', 'SERIALIZABLE']) {
    it(`${level} keeps the first statement's snapshot for every table`, async () => {
      const a = db.session();
      await a.execute(`BEGIN ISOLATION LEVEL ${level}`);
      expect(await one(a, 'SELECT sum(bal) FROM acc')).toBe(150n);
      await db.exec('INSERT INTO acc VALUES (3, 10); UPDATE acc SET bal = 0 WHERE id = 1; DELETE FROM other');
      expect(await one(a, 'SELECT sum(bal) FROM acc')).toBe(150n);
      // A table not read before is still seen as of the same snapshot.
      expect(await one(a, 'SELECT count(*) FROM other')).toBe(1n);
      // Its own writes are visible to it.
      await a.execute('INSERT INTO other VALUES (2)');
      expect(await one(a, 'SELECT count(*) FROM other')).toBe(2n);
      await a.execute('COMMIT');
      expect((await db.query('SELECT count(*) AS n FROM other')).rows).toEqual([{ n: 1n }]);
      expect((await db.query('SELECT sum(bal) AS s FROM acc')).rows).toEqual([{ s: 60n }]);
    });
  }

  it('REPEATABLE READ fails the commit with 40001 after changing a row changed concurrently', async () => {
    const a = db.session();
    await a.execute('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect(await one(a, 'SELECT bal FROM acc WHERE id = 1')).toBe(100);
    await db.exec('UPDATE acc SET bal = bal - 30 WHERE id = 1');
    await a.execute('UPDATE acc SET bal = bal + 5 WHERE id = 1');
    await expect(a.execute('COMMIT')).rejects.toMatchObject({ code: '40001' });
    expect((await db.query('SELECT bal FROM acc WHERE id = 1')).rows).toEqual([{ bal: 70 }]);
  });

  it('a table created after the snapshot reads as empty; a later block sees it', async () => {
    const a = db.session();
    await a.execute('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await a.execute('SELECT 1 FROM acc');
    await db.exec('CREATE TABLE late (y int); INSERT INTO late VALUES (1)');
    expect(await one(a, 'SELECT count(*) FROM late')).toBe(0n);
    await a.execute('COMMIT');
    expect(await one(a, 'SELECT count(*) FROM late')).toBe(1n);
  });

  it('SET TRANSACTION inside the block and SHOW report the level; it ends with the block', async () => {
    const a = db.session();
    await a.execute('BEGIN');
    await a.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    expect(await one(a, 'SHOW transaction_isolation')).toBe('repeatable read');
    expect(await one(a, 'SELECT count(*) FROM acc')).toBe(2n);
    await db.exec('INSERT INTO acc VALUES (9, 9)');
    expect(await one(a, 'SELECT count(*) FROM acc')).toBe(2n);
    await a.execute('COMMIT');
    expect(await one(a, 'SHOW transaction_isolation')).toBe('read committed');
  });
});
