import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';
import { open } from '../../src/index.js';

const { db, rows, code } = withDb([
  `
    CREATE TABLE acct (id int NOT NULL, balance int, owner text);
    INSERT INTO acct VALUES (1, 100, 'ann'), (2, 200, 'bob'), (3, 300, 'cy');
    CREATE TABLE pay (acct_id int, amount int, memo text);
    INSERT INTO pay VALUES (1, 5, 'p1'), (2, 7, 'p2'), (9, 1, 'orphan');
  `,
]);

const snapshot = () => rows('SELECT id, balance, owner FROM acct ORDER BY id');

describe('UPDATE ... FROM', () => {
  it('updates only the target rows that join, with values from the joined row', async () => {
    const r = await db().query(
      'UPDATE acct SET balance = balance + pay.amount, owner = pay.memo FROM pay WHERE acct.id = pay.acct_id',
    );
    expect(r.rowCount).toBe(2);
    expect(await snapshot()).toEqual([
      [1, 105, 'p1'],
      [2, 207, 'p2'],
      [3, 300, 'cy'],
    ]);
  });

  it('updates a target row once when several FROM rows match, using the first', async () => {
    await db().exec(`INSERT INTO pay VALUES (1, 1000, 'second')`);
    const r = await db().query(
      'UPDATE acct SET balance = balance + p.amount FROM pay p WHERE acct.id = p.acct_id',
    );
    expect(r.rowCount).toBe(2);
    expect(await rows('SELECT count(*) FROM acct')).toEqual([[3n]]);
    const [[b1]] = (await rows('SELECT balance FROM acct WHERE id = 1')) as [[number]];
    expect([105, 1100]).toContain(b1);
  });

  it('returns target columns (new values) and FROM columns, and * expands over both', async () => {
    const r = await db().query(
      'UPDATE acct AS a SET balance = 0 FROM pay WHERE a.id = pay.acct_id AND pay.memo = $1 RETURNING a.id, balance, pay.memo, *',
      ['p2'],
      { rowMode: 'array' },
    );
    expect(r.columns.map((c) => c.name)).toEqual([
      'id',
      'balance',
      'memo',
      'id',
      'balance',
      'owner',
      'acct_id',
      'amount',
      'memo',
    ]);
    expect(r.rows).toEqual([[2, 0, 'p2', 2, 0, 'bob', 2, 7, 'p2']]);
  });

  it('joins several FROM items, subqueries and CTEs', async () => {
    await db().exec(`CREATE TABLE bonus (acct_id int, pct int); INSERT INTO bonus VALUES (1, 10), (3, 50)`);
    await db().exec(`
      UPDATE acct SET balance = balance + pay.amount * bonus.pct
      FROM pay, bonus WHERE acct.id = pay.acct_id AND bonus.acct_id = pay.acct_id`);
    expect(await snapshot()).toEqual([
      [1, 150, 'ann'],
      [2, 200, 'bob'],
      [3, 300, 'cy'],
    ]);
    await db().exec(`
      WITH totals AS (SELECT acct_id, sum(amount) AS s FROM pay GROUP BY acct_id)
      UPDATE acct SET balance = t.s FROM (SELECT * FROM totals WHERE s > 6) AS t WHERE t.acct_id = acct.id`);
    expect(await snapshot()).toEqual([
      [1, 150, 'ann'],
      [2, 7, 'bob'],
      [3, 300, 'cy'],
    ]);
  });

  it('changes nothing when one new row fails a NOT NULL check or a cast', async () => {
    await db().exec(`INSERT INTO pay VALUES (3, NULL, 'null id')`);
    expect(await code('UPDATE acct SET id = pay.amount FROM pay WHERE acct.id = pay.acct_id')).toBe('23502');
    expect(await code(`UPDATE acct SET balance = pay.memo::int FROM pay WHERE acct.id = pay.acct_id`)).toBe(
      '22P02',
    );
    expect(await snapshot()).toEqual([
      [1, 100, 'ann'],
      [2, 200, 'bob'],
      [3, 300, 'cy'],
    ]);
  });

  it('works inside a transaction on uncommitted rows and is undone by ROLLBACK', async () => {
    const s = db().session();
    const other = db().session();
    await s.execute('BEGIN');
    await s.execute(`INSERT INTO acct VALUES (9, 0, 'new')`);
    await s.execute('UPDATE acct SET balance = balance + pay.amount FROM pay WHERE acct.id = pay.acct_id');
    expect((await s.execute('SELECT id, balance FROM acct WHERE id IN (1, 9) ORDER BY id'))[0]!.rows).toEqual(
      [
        [1, 105],
        [9, 1],
      ],
    );
    expect((await other.execute('SELECT balance FROM acct WHERE id = 1'))[0]!.rows).toEqual([[100]]);
    await s.execute('ROLLBACK');
    expect(await snapshot()).toEqual([
      [1, 100, 'ann'],
      [2, 200, 'bob'],
      [3, 300, 'cy'],
    ]);
  });

  it('rejects the target named again in FROM without an alias, and allows a self-join with one', async () => {
    expect(await code('UPDATE acct SET balance = 1 FROM acct')).toBe('42712');
    await db().exec('UPDATE acct SET balance = o.balance * 2 FROM acct o WHERE o.id = acct.id - 1');
    expect(await snapshot()).toEqual([
      [1, 100, 'ann'],
      [2, 200, 'bob'],
      [3, 400, 'cy'],
    ]);
  });

  it('reports unknown FROM tables and columns with their SQLSTATEs', async () => {
    expect(await code('UPDATE acct SET balance = 1 FROM nope WHERE true')).toBe('42P01');
    expect(await code('UPDATE acct SET balance = pay.nope FROM pay')).toBe('42703');
    expect(await code('UPDATE acct SET id = pay.amount FROM pay WHERE id = acct_id')).toBe('ok');
  });
});

describe('statements writing more rows than one chunk holds', () => {
  it('keeps every row of a 70000-row INSERT ... SELECT and UPDATE ... FROM', async () => {
    await db().exec(`CREATE TABLE big (id int, v int); CREATE TABLE odd (id int, d int)`);
    await db().exec(`INSERT INTO big SELECT g, 0 FROM generate_series(1, 70000) g`);
    await db().exec(`INSERT INTO odd SELECT g, 1 FROM generate_series(1, 70000, 2) g`);
    expect(await rows('SELECT count(*), max(id), sum(id) FROM big')).toEqual([[70000n, 70000, 2450035000n]]);
    const r = await db().query('UPDATE big SET v = odd.d FROM odd WHERE big.id = odd.id');
    expect(r.rowCount).toBe(35000);
    expect(await rows('SELECT count(*), sum(v), max(id) FROM big')).toEqual([[70000n, 35000n, 70000]]);
  });
});

describe('DELETE ... USING', () => {
  it('deletes the target rows that join, each once', async () => {
    await db().exec(`INSERT INTO pay VALUES (1, 3, 'again')`);
    const r = await db().query('DELETE FROM acct USING pay WHERE acct.id = pay.acct_id AND pay.amount > 4');
    expect(r.rowCount).toBe(2);
    expect(await snapshot()).toEqual([[3, 300, 'cy']]);
  });

  it('returns target and USING columns', async () => {
    const r = await db().query(
      'DELETE FROM acct a USING pay p WHERE a.id = p.acct_id RETURNING a.owner, p.memo',
      [],
      {
        rowMode: 'array',
      },
    );
    expect([...r.rows].sort()).toEqual([
      ['ann', 'p1'],
      ['bob', 'p2'],
    ]);
  });

  it('is undone by ROLLBACK TO SAVEPOINT', async () => {
    const s = db().session();
    await s.execute('BEGIN; SAVEPOINT sp');
    await s.execute('DELETE FROM acct USING pay WHERE acct.id = pay.acct_id');
    expect((await s.execute('SELECT count(*) FROM acct'))[0]!.rows).toEqual([[1n]]);
    await s.execute('ROLLBACK TO SAVEPOINT sp');
    expect((await s.execute('SELECT count(*) FROM acct'))[0]!.rows).toEqual([[3n]]);
    await s.execute('COMMIT');
    expect(await rows('SELECT count(*) FROM acct')).toEqual([[3n]]);
  });
});

describe('SET lists and RETURNING', () => {
  it('assigns several columns from a row constructor or a subquery', async () => {
    expect(
      await rows(`UPDATE acct SET (balance, owner) = (balance * 2, 'x') WHERE id = 1 RETURNING *`),
    ).toEqual([[1, 200, 'x']]);
    const updated = await rows(
      `UPDATE acct SET (balance, owner) = (SELECT amount, memo FROM pay WHERE acct_id = acct.id) WHERE id <= 3 RETURNING *`,
    );
    expect(updated.sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual([
      [1, 5, 'p1'],
      [2, 7, 'p2'],
      [3, null, null],
    ]);
    expect(
      await rows(`UPDATE acct SET (balance, owner) = (DEFAULT, 'd') WHERE id = 1 RETURNING balance`),
    ).toEqual([[null]]);
  });

  it('rejects mismatched column counts and values of the wrong type', async () => {
    expect(await code('UPDATE acct SET (balance, owner) = (1, 2, 3)')).toBe('42601');
    expect(await code(`UPDATE acct SET balance = 'abc'`)).toBe('22P02');
    expect(await code(`UPDATE acct SET balance = now()`)).toBe('42804');
    expect(await code(`UPDATE acct SET balance[1] = 2`)).toBe('0A000');
  });

  it('lets the last assignment to a column win', async () => {
    expect(await rows('UPDATE acct SET balance = 1, balance = 2 WHERE id = 1 RETURNING balance')).toEqual([
      [2],
    ]);
  });

  it('fills every default for INSERT ... DEFAULT VALUES', async () => {
    await db().exec(`CREATE TABLE d (a int DEFAULT 5, b text)`);
    expect(await rows('INSERT INTO d DEFAULT VALUES RETURNING *')).toEqual([[5, null]]);
  });

  it('returns * from INSERT, UPDATE and DELETE, under the table alias', async () => {
    expect(await rows(`INSERT INTO acct VALUES (4, 1, 'dee') RETURNING *`)).toEqual([[4, 1, 'dee']]);
    expect(await rows(`UPDATE acct AS a SET balance = 2 WHERE a.id = 4 RETURNING a.*, 'ok' AS tag`)).toEqual([
      [4, 2, 'dee', 'ok'],
    ]);
    expect(await rows(`DELETE FROM acct WHERE id = 4 RETURNING *`)).toEqual([[4, 2, 'dee']]);
  });
});

describe('INSERT ... ON CONFLICT', () => {
  it('is rejected as not supported and inserts nothing', async () => {
    expect(await code(`INSERT INTO acct VALUES (1, 0, 'z') ON CONFLICT DO NOTHING`)).toBe('0A000');
    expect(await code(`INSERT INTO acct VALUES (1, 0, 'z') ON CONFLICT (id) DO UPDATE SET balance = 0`)).toBe(
      '0A000',
    );
    expect(await rows('SELECT count(*) FROM acct')).toEqual([[3n]]);
  });
});

describe('UPDATE and DELETE over many chunks', () => {
  it('run to completion even when finding the rows outlasts a time slice', async () => {
    const db = await open();
    const s = db.session();
    await s.execute('CREATE TABLE big (id int, v int)');
    await s.execute('INSERT INTO big SELECT g, g % 10 FROM generate_series(1, 200000) g');
    // Every batch is past the slice: the row search must not wait for a yield that never comes.
    s.setLimits({ sliceMs: 1 });
    const [upd] = await s.execute('UPDATE big SET v = v + 100 WHERE id % 1000 = 0');
    expect(upd!.rowCount).toBe(200);
    const [del] = await s.execute('DELETE FROM big WHERE v >= 100 OR id <= 10');
    expect(del!.rowCount).toBe(210);
    const [left] = await s.execute('SELECT count(*) AS n FROM big');
    expect(left!.rows).toEqual([[199_790n]]);
    await db.close();
  });
});
