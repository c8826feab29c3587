import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database, type ViewChange } from '../../src/index.js';
import { errorCode, failure } from '../helpers/db.js';
import { tickEngineViews } from '../../src/engine/matviews.js';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE sales (region text, product int, amount float8, qty int)');
  await db.exec('CREATE TABLE products (id int, category text)');
  await db.exec("INSERT INTO sales VALUES ('eu', 1, 10, 1), ('eu', 2, 5, 2), ('us', 1, 7, 3)");
  await db.exec("INSERT INTO products VALUES (1, 'tools'), (2, 'toys')");
});
afterEach(async () => {
  await db.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  return (await db.query(sql, [], { rowMode: 'array' })).rows;
}

/** A query's rows as sorted JSON texts: rows compared as a multiset, whatever their order. */
async function sorted(sql: string): Promise<string[]> {
  return (await rows(sql))
    .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))
    .sort();
}

describe('CREATE MATERIALIZED VIEW', () => {
  it('fills the view and reports its row count', async () => {
    const r = await db.exec(
      'CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(qty) AS q FROM sales GROUP BY region',
    );
    expect(r).toMatchObject({ command: 'SELECT', rowCount: 2 });
    expect(await rows('SELECT * FROM by_region ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 3n],
    ]);
  });

  it('names its columns from the column list', async () => {
    await db.exec('CREATE MATERIALIZED VIEW m (r, n) AS SELECT region, count(*) FROM sales GROUP BY 1');
    expect(await rows('SELECT r, n FROM m ORDER BY r')).toEqual([
      ['eu', 2n],
      ['us', 1n],
    ]);
  });

  it('keeps a view updated within the commit that changes its base, and not before it commits', async () => {
    await db.exec('CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c FROM sales');
    const writer = db.session();
    await writer.execute("BEGIN; INSERT INTO sales VALUES ('asia', 1, 1, 1)");
    expect(await rows('SELECT c FROM n')).toEqual([[3n]]);
    await writer.execute('COMMIT');
    expect(await rows('SELECT c FROM n')).toEqual([[4n]]);
  });

  it('sees only the surviving rows of a transaction that inserts, updates and deletes its own rows', async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW t AS SELECT region, count(*) AS n, sum(qty) AS q FROM sales GROUP BY region',
    );
    const writer = db.session();
    await writer.execute(
      "BEGIN; INSERT INTO sales VALUES ('asia', 1, 1, 1), ('asia', 2, 2, 2), ('eu', 3, 3, 3)",
    );
    await writer.execute("DELETE FROM sales WHERE region = 'asia' AND qty = 1");
    await writer.execute(
      "UPDATE sales SET qty = qty + 10 WHERE product = 3; UPDATE sales SET qty = 0 WHERE region = 'us'",
    );
    await writer.execute('COMMIT');
    const recomputed = 'SELECT region, count(*), sum(qty) FROM sales GROUP BY region';
    expect(await sorted('SELECT * FROM t')).toEqual(await sorted(recomputed));
    expect(await rows('SELECT region, n, q FROM t ORDER BY region')).toEqual([
      ['asia', 1n, 2n],
      ['eu', 3n, 16n],
      ['us', 1n, 0n],
    ]);
  });

  it('propagates a dimension update through a join', async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW by_cat AS SELECT p.category, sum(s.qty) AS q FROM sales s JOIN products p ON p.id = s.product GROUP BY 1',
    );
    await db.exec("UPDATE products SET category = 'gadgets' WHERE id = 1");
    expect(await rows('SELECT * FROM by_cat ORDER BY 1')).toEqual([
      ['gadgets', 4n],
      ['toys', 2n],
    ]);
  });

  it('keeps joins right when many rows share a join key (indexed buckets)', async () => {
    await db.exec('CREATE TABLE f (k int, v int, x float8)');
    await db.exec('CREATE TABLE dim (k int, name text)');
    await db.exec('INSERT INTO f SELECT g % 3, g, g / 7.0 FROM generate_series(1, 300) g');
    await db.exec('INSERT INTO f SELECT 1, g, 0 FROM generate_series(1, 40) g'); // duplicates (k, v) pairs
    await db.exec("INSERT INTO dim VALUES (0, 'zero'), (1, 'one'), (2, 'two')");
    const q = 'SELECT d.name, f.v, f.x FROM f JOIN dim d ON d.k = f.k';
    await db.exec(`CREATE MATERIALIZED VIEW fj AS ${q}`);
    for (const step of [
      'DELETE FROM f WHERE v % 5 = 0',
      'UPDATE f SET v = v + 1000 WHERE v % 7 = 1',
      "UPDATE dim SET name = 'uno' WHERE k = 1",
      'DELETE FROM f WHERE k = 1 AND v < 20',
      'INSERT INTO f SELECT 2, g, 1.5 FROM generate_series(1, 30) g',
      'DELETE FROM dim WHERE k = 0',
    ]) {
      await db.exec(step);
      expect(await sorted('SELECT * FROM fj'), step).toEqual(await sorted(q));
    }
  });

  it('keeps min and max right when the row holding them is deleted', async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW ext AS SELECT region, min(amount) AS lo, max(amount) AS hi FROM sales GROUP BY 1',
    );
    await db.exec('DELETE FROM sales WHERE amount = 10');
    expect(await rows("SELECT lo, hi FROM ext WHERE region = 'eu'")).toEqual([[5, 5]]);
  });

  it('sums floats exactly under deletes', async () => {
    await db.exec('CREATE TABLE f (x float8)');
    await db.exec('CREATE MATERIALIZED VIEW s AS SELECT sum(x) AS total FROM f');
    await db.exec('INSERT INTO f VALUES (1e20), (1)');
    await db.exec('DELETE FROM f WHERE x = 1e20');
    expect(await rows('SELECT total FROM s')).toEqual([[1]]);
  });

  it('keeps count(*), and a float sum and average of one column, from shared states', async () => {
    // count(*) reads the group's row count; sum(x) and avg(x) one exact pair sum. A filtered or
    // DISTINCT call, or one over another column, keeps its own state.
    const q =
      'SELECT g, count(*) AS n, sum(x) AS sx, avg(x) AS ax, count(x) AS nx, avg(x) FILTER (WHERE x > 0) AS pos, ' +
      'sum(DISTINCT x) AS dx, sum(y) AS sy, avg(y) AS ay FROM f GROUP BY g';
    const whole = 'SELECT count(*) AS n, sum(x) AS sx, avg(x) AS ax FROM f';
    await db.exec('CREATE TABLE f (g int, x float8, y float8)');
    await db.exec(`CREATE MATERIALIZED VIEW s AS ${q}`);
    await db.exec(`CREATE MATERIALIZED VIEW w AS ${whole}`);
    const check = async (): Promise<void> => {
      expect(await rows('SELECT * FROM s ORDER BY g')).toEqual(await rows(`${q} ORDER BY g`));
      expect(await rows('SELECT * FROM w')).toEqual(await rows(whole));
    };
    await check();
    expect(await rows('SELECT * FROM w')).toEqual([[0n, null, null]]);
    await db.exec('INSERT INTO f VALUES (1, 2, 0.5), (1, NULL, 1), (1, -4, NULL), (2, 3, 3), (2, 3, 2)');
    await check();
    expect(await rows('SELECT n, sx, ax, nx FROM s WHERE g = 1')).toEqual([[3n, -2, -1, 2n]]);
    await db.exec('UPDATE f SET x = x * 10 WHERE g = 2');
    await db.exec('DELETE FROM f WHERE x IS NULL');
    await check();
    await db.exec('BEGIN');
    await db.exec('INSERT INTO f VALUES (1, 100, 1), (3, 1, 1)');
    await db.exec('ROLLBACK');
    await check();
    await db.exec('DELETE FROM f');
    await check();
    expect(await rows('SELECT * FROM w')).toEqual([[0n, null, null]]);
  });

  it('maintains views on views, in dependency order within one commit', async () => {
    await db.exec('CREATE MATERIALIZED VIEW a AS SELECT region, sum(qty) AS q FROM sales GROUP BY region');
    await db.exec('CREATE MATERIALIZED VIEW b AS SELECT max(q) AS top, count(*) AS regions FROM a');
    await db.exec("INSERT INTO sales VALUES ('us', 2, 1, 10), ('asia', 1, 1, 1)");
    expect(await rows('SELECT * FROM b')).toEqual([[13n, 3n]]);
  });

  it('maintains a moving average over daily totals, recomputing only the partition changed', async () => {
    await db.exec('CREATE TABLE daily (day date, region text, amount float8)');
    await db.exec(
      "INSERT INTO daily SELECT date '2026-01-01' + g, r, g FROM generate_series(0, 9) g, (VALUES ('eu'), ('us')) v(r)",
    );
    await db.exec(
      'CREATE MATERIALIZED VIEW ma AS SELECT region, day, avg(total) OVER (PARTITION BY region ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7 ' +
        'FROM (SELECT region, day, sum(amount) AS total FROM daily GROUP BY 1, 2) d',
    );
    const changes: number[] = [];
    db.subscribeView('ma', (c) => changes.push(c.added.length));
    await db.exec("INSERT INTO daily VALUES ('2026-01-10', 'eu', 70)");
    expect(await rows("SELECT ma7 FROM ma WHERE region = 'eu' AND day = '2026-01-10'")).toEqual([
      [(3 + 4 + 5 + 6 + 7 + 8 + 9 + 70) / 7],
    ]);
    // Only eu's rows from 2026-01-10 on changed: us was not recomputed into the change.
    expect(changes).toEqual([1]);
  });

  it('rejects what it cannot maintain, naming it, unless refresh is full', async () => {
    for (const [sql, construct] of [
      ['SELECT * FROM sales ORDER BY amount OFFSET 2', 'OFFSET without LIMIT'],
      ['SELECT * FROM sales ORDER BY amount LIMIT (SELECT 2)', 'LIMIT or OFFSET that is not a constant'],
      [
        'SELECT * FROM sales s WHERE qty > (SELECT avg(qty) FROM sales t WHERE t.amount > s.amount)',
        'correlated subqueries with conditions other than equalities with the outer row',
      ],
      [
        'SELECT region, ARRAY(SELECT id FROM products) FROM sales',
        'subqueries in expressions other than scalar ones and EXISTS, NOT EXISTS and IN (SELECT …) AND-ed in WHERE',
      ],
      [
        'SELECT * FROM sales WHERE product IN (SELECT id FROM products) OR qty > 2',
        'subqueries in expressions other than scalar ones and EXISTS, NOT EXISTS and IN (SELECT …) AND-ed in WHERE',
      ],
      [
        'SELECT * FROM sales s WHERE product NOT IN (SELECT id FROM products p WHERE p.category = s.region)',
        'correlated NOT IN (SELECT …) (NOT EXISTS is maintained)',
      ],
      [
        'SELECT * FROM sales s WHERE EXISTS (SELECT 1 FROM products p WHERE p.id > s.product)',
        'correlated subqueries with conditions other than equalities with the outer row',
      ],
      ['SELECT region, random() FROM sales', 'volatile function random()'],
    ]) {
      const f = await failure(() => db.exec(`CREATE MATERIALIZED VIEW v AS ${sql}`));
      expect(f).toEqual({
        code: '0A000',
        message: `materialized view cannot be maintained incrementally: ${construct}`,
      });
    }
    await db.exec(
      "CREATE MATERIALIZED VIEW top2 WITH (refresh = 'full') AS SELECT region, amount FROM sales ORDER BY amount DESC OFFSET 0 LIMIT (SELECT 2)",
    );
    await db.exec("INSERT INTO sales VALUES ('asia', 1, 100, 1)");
    expect(await rows('SELECT * FROM top2 ORDER BY amount DESC')).toEqual([
      ['asia', 100],
      ['eu', 10],
    ]);
  });

  it('maintains ROLLUP, CUBE and GROUPING SETS per set, with NULL-filled keys and GROUPING() bits', async () => {
    const queries = [
      'SELECT region, product, sum(amount) AS s, count(*) AS n, GROUPING(region, product) AS g FROM sales GROUP BY ROLLUP (region, product)',
      'SELECT region, product, avg(qty) AS q FROM sales GROUP BY CUBE (region, product)',
      // Keys in another order than the sets name them, a repeated set and the empty set.
      'SELECT product, region, max(amount) AS hi, GROUPING(product) AS gp FROM sales GROUP BY GROUPING SETS ((product, region), (region), (), ())',
      'SELECT region, count(*) AS n, GROUPING(region) AS g FROM sales GROUP BY GROUPING SETS ((region))',
    ];
    for (const [i, q] of queries.entries()) await db.exec(`CREATE MATERIALIZED VIEW gs${i} AS ${q}`);
    const check = async (): Promise<void> => {
      for (const [i, q] of queries.entries())
        expect(await rows(`SELECT * FROM gs${i} ORDER BY 1, 2, 3`)).toEqual(
          await rows(`${q} ORDER BY 1, 2, 3`),
        );
    };
    await check();
    expect(await rows('SELECT * FROM gs0 WHERE g = 3')).toEqual([[null, null, 22, 3n, 3]]);
    await db.exec("INSERT INTO sales VALUES ('us', 2, 1, 1), (NULL, 2, 4, 4)");
    await db.exec("UPDATE sales SET product = 3 WHERE region = 'eu' AND product = 1");
    await check();
    await db.exec('DELETE FROM sales');
    await check();
    // The grand total stays, as a query over no rows gives it.
    expect(await rows('SELECT * FROM gs0')).toEqual([[null, null, null, 0n, 3]]);
    expect(await rows('SELECT hi, gp FROM gs2 ORDER BY 1')).toEqual([
      [null, 1],
      [null, 1],
    ]);
  });

  it('maintains DISTINCT ON as the first row of each partition, also under a LIMIT', async () => {
    // The latest reading per sensor, and the two sensors with the highest ids.
    await db.exec('CREATE TABLE readings (sensor int, ts int, value float8)');
    await db.exec('INSERT INTO readings VALUES (1, 10, 0.5), (1, 20, 0.7), (2, 15, 3), (3, 5, 9)');
    const latest = 'SELECT DISTINCT ON (sensor) sensor, ts, value FROM readings ORDER BY sensor, ts DESC';
    const top = `${latest.replace('sensor, ts DESC', 'sensor DESC, ts DESC')} LIMIT 2`;
    await db.exec(`CREATE MATERIALIZED VIEW latest AS ${latest}`);
    await db.exec(`CREATE MATERIALIZED VIEW top2 AS ${top}`);
    const check = async (): Promise<void> => {
      expect(await rows('SELECT * FROM latest ORDER BY sensor')).toEqual(await rows(`${latest}`));
      expect(await rows('SELECT * FROM top2 ORDER BY sensor DESC')).toEqual(await rows(top));
    };
    await check();
    expect(await rows('SELECT * FROM latest ORDER BY sensor')).toEqual([
      [1, 20, 0.7],
      [2, 15, 3],
      [3, 5, 9],
    ]);
    const changes: ViewChange[] = [];
    db.subscribeView('latest', (c) => changes.push(c));
    // A newer reading replaces its sensor's row; a late older one changes nothing.
    await db.exec('INSERT INTO readings VALUES (2, 30, 4), (1, 1, 0)');
    await check();
    expect(changes.map((c) => [c.removed, c.added])).toEqual([[[[2, 15, 3]], [[2, 30, 4]]]]);
    // The latest row deleted: the one before it comes back; a sensor's last row gone: so is the sensor.
    await db.exec('DELETE FROM readings WHERE (sensor = 1 AND ts = 20) OR sensor = 3');
    await check();
    expect(await rows('SELECT sensor, ts FROM latest ORDER BY sensor')).toEqual([
      [1, 10],
      [2, 30],
    ]);
    await db.exec('BEGIN');
    await db.exec('INSERT INTO readings VALUES (4, 1, 1), (1, 99, 1)');
    await db.exec('ROLLBACK');
    await check();
    await db.exec('DELETE FROM readings');
    await check();
  });

  it('maintains IN and EXISTS as semi-joins, NOT EXISTS and NOT IN as anti-joins, correlated or not', async () => {
    const queries = {
      listed: 'SELECT region, product, amount FROM sales WHERE product IN (SELECT id FROM products)',
      toys: "SELECT region, amount FROM sales s WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = s.product AND p.category = 'toys')",
      unlisted:
        'SELECT region, product FROM sales s WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = s.product)',
      // NOT IN minds NULLs: a NULL id makes it NULL for every sale; a NULL product passes only with no products.
      not_in: 'SELECT region, product FROM sales WHERE product NOT IN (SELECT id FROM products)',
      per_region:
        'SELECT region, sum(amount) AS total FROM sales WHERE product IN (SELECT id FROM products WHERE category <> $$x$$) GROUP BY region',
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    const check = async (): Promise<void> => {
      for (const [name, q] of Object.entries(queries))
        expect(await rows(`SELECT * FROM ${name} ORDER BY 1, 2`)).toEqual(await rows(`${q} ORDER BY 1, 2`));
    };
    await check();
    expect(await rows('SELECT * FROM toys')).toEqual([['eu', 5]]);
    // A product's rows appear and go with the product: a dimension change reaches every sale of it.
    await db.exec("INSERT INTO sales VALUES ('us', 3, 8, 1), ('asia', NULL, 1, 1)");
    await check();
    expect(await rows('SELECT * FROM unlisted ORDER BY 1')).toEqual([
      ['asia', null],
      ['us', 3],
    ]);
    await db.exec("INSERT INTO products VALUES (3, 'toys'), (3, 'x')");
    await check();
    await db.exec("UPDATE products SET category = 'toys' WHERE id = 1");
    await db.exec("DELETE FROM products WHERE id = 3 AND category = 'toys'");
    await check();
    await db.exec('BEGIN');
    await db.exec('DELETE FROM products');
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 100, 1)");
    await db.exec('ROLLBACK');
    await check();
    await db.exec("INSERT INTO sales VALUES ('eu', 7, 2, 1)");
    await check();
    expect(await rows('SELECT * FROM not_in')).toEqual([['eu', 7]]);
    await db.exec("INSERT INTO products VALUES (NULL, 'unknown')");
    await check();
    expect(await rows('SELECT count(*) FROM not_in')).toEqual([[0n]]);
    await db.exec('DELETE FROM products');
    await check();
    expect(await rows('SELECT count(*) FROM listed')).toEqual([[0n]]);
    expect(await rows('SELECT count(*) FROM not_in')).toEqual(await rows('SELECT count(*) FROM sales'));
  });

  it('maintains uncorrelated scalar subqueries; one returning two rows fails the write (21000)', async () => {
    await db.exec('CREATE TABLE cfg (name text, x float8)');
    await db.exec("INSERT INTO cfg VALUES ('min_amount', 6)");
    const queries = {
      shares:
        'SELECT region, sum(amount) / (SELECT sum(amount) FROM sales) AS share FROM sales GROUP BY region',
      big: "SELECT region, amount FROM sales WHERE amount >= (SELECT x FROM cfg WHERE name = 'min_amount')",
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    const check = async (): Promise<void> => {
      for (const [name, q] of Object.entries(queries))
        expect(await rows(`SELECT * FROM ${name} ORDER BY 1, 2`)).toEqual(await rows(`${q} ORDER BY 1, 2`));
    };
    await check();
    expect(await rows('SELECT * FROM shares ORDER BY 1')).toEqual([
      ['eu', 15 / 22],
      ['us', 7 / 22],
    ]);
    // A new sale changes every region's share; a new threshold the rows that pass it.
    await db.exec("INSERT INTO sales VALUES ('asia', 3, 18, 1)");
    await db.exec("UPDATE cfg SET x = 9 WHERE name = 'min_amount'");
    await check();
    expect(await rows('SELECT * FROM big ORDER BY 1')).toEqual([
      ['asia', 18],
      ['eu', 10],
    ]);
    // Without a row the subquery is NULL; with two the query fails, and so does the write.
    await db.exec('DELETE FROM cfg');
    await check();
    expect(await rows('SELECT count(*) FROM big')).toEqual([[0n]]);
    expect(
      await failure(() => db.exec("INSERT INTO cfg VALUES ('min_amount', 1), ('min_amount', 2)")),
    ).toEqual({ code: '21000', message: 'more than one row returned by a subquery used as an expression' });
    expect(await rows('SELECT count(*) FROM cfg')).toEqual([[0n]]);
    await db.exec("INSERT INTO cfg VALUES ('min_amount', 7)");
    await check();
  });

  it('maintains scalar subqueries correlated by equalities, grouped by their keys', async () => {
    const queries = {
      per_product:
        'SELECT id, category, (SELECT count(*) FROM sales s WHERE s.product = p.id) AS n, ' +
        '(SELECT max(amount) FROM sales s WHERE s.product = p.id AND s.qty > 0) AS top FROM products p',
      named:
        'SELECT region, amount, (SELECT category FROM products p WHERE p.id = s.product) AS cat FROM sales s',
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    const check = async (): Promise<void> => {
      for (const [name, q] of Object.entries(queries))
        expect(await sorted(`SELECT * FROM ${name}`)).toEqual(await sorted(q));
    };
    await check();
    expect(await rows('SELECT * FROM per_product ORDER BY id')).toEqual([
      [1, 'tools', 2n, 10],
      [2, 'toys', 1n, 5],
    ]);
    // A product without sales counts 0 (the aggregate over no rows), not NULL.
    await db.exec("INSERT INTO products VALUES (3, 'garden')");
    await db.exec("INSERT INTO sales VALUES ('us', 3, 4, 1), ('eu', NULL, 1, 1)");
    await check();
    await db.exec('DELETE FROM sales WHERE product = 1');
    await db.exec("UPDATE products SET category = 'games' WHERE id = 2");
    await check();
    expect(await rows('SELECT n, top FROM per_product WHERE id = 1')).toEqual([[0n, null]]);
    // A second product 2 gives sale 2 two categories: the query fails, and so does the write.
    expect((await failure(() => db.exec("INSERT INTO products VALUES (2, 'dup')"))).code).toBe('21000');
    await check();
  });

  it('maintains a top-N view and INTERSECT/EXCEPT incrementally', async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW top2 AS SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY total DESC LIMIT 2',
    );
    await db.exec(
      'CREATE MATERIALIZED VIEW both_ AS SELECT product FROM sales INTERSECT SELECT qty FROM sales',
    );
    await db.exec(
      'CREATE MATERIALIZED VIEW only_ AS SELECT product FROM sales EXCEPT ALL SELECT qty FROM sales',
    );
    const changes: [number, number][] = [];
    db.subscribeView('top2', (c) => changes.push([c.added.length, c.removed.length]));
    expect(await rows('SELECT * FROM top2 ORDER BY total DESC')).toEqual([
      ['eu', 15],
      ['us', 7],
    ]);
    // A region entering the top two displaces the last one; a change below the top two is no change.
    await db.exec("INSERT INTO sales VALUES ('asia', 3, 9, 3), ('la', 3, 1, 3)");
    expect(await rows('SELECT * FROM top2 ORDER BY total DESC')).toEqual([
      ['eu', 15],
      ['asia', 9],
    ]);
    await db.exec("UPDATE sales SET amount = 2 WHERE region = 'la'");
    expect(changes).toEqual([[1, 1]]);
    expect(await rows('SELECT * FROM both_ ORDER BY 1')).toEqual([[1], [2], [3]]);
    expect(await rows('SELECT * FROM only_ ORDER BY 1')).toEqual([[1]]);
    await db.exec('DELETE FROM sales WHERE qty = 3');
    expect(await rows('SELECT * FROM both_ ORDER BY 1')).toEqual([[1], [2]]);
    expect(await rows('SELECT * FROM only_ ORDER BY 1')).toEqual([]);
  });

  it('fails the write, with nothing changed, when maintenance fails', async () => {
    await db.exec('CREATE MATERIALIZED VIEW ratio AS SELECT region, 100 / qty AS r FROM sales');
    await db.exec('CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c FROM sales');
    const f = await failure(() => db.exec("INSERT INTO sales VALUES ('x', 1, 1, 0), ('y', 1, 1, 1)"));
    expect(f.code).toBe('22012');
    expect(await rows('SELECT count(*) FROM sales')).toEqual([[3n]]);
    expect(await rows('SELECT c FROM n')).toEqual([[3n]]);
    // The views' state was put back: later writes still maintain them correctly.
    await db.exec("INSERT INTO sales VALUES ('z', 1, 1, 4)");
    expect(await rows('SELECT c FROM n')).toEqual([[4n]]);
    expect(await rows("SELECT r FROM ratio WHERE region = 'z'")).toEqual([[25]]);
  });

  it('puts back every operator state a commit changed when a view maintained after them fails', async () => {
    // Each view is maintained (and changes its state) before the last one fails the commit.
    const queries = {
      frames:
        'SELECT region, product, sum(amount) OVER (PARTITION BY region ORDER BY product, amount ROWS 1 PRECEDING) AS s FROM sales',
      ranks: 'SELECT region, amount, rank() OVER (PARTITION BY region ORDER BY amount) AS rk FROM sales',
      // A group's change reaches the window as a retraction and an insertion it pairs and replaces.
      moving:
        'SELECT region, product, t, avg(t) OVER (PARTITION BY region ORDER BY product ROWS 1 PRECEDING) AS ma ' +
        'FROM (SELECT region, product, sum(amount) AS t FROM sales GROUP BY 1, 2) g',
      top: 'SELECT region, amount FROM sales ORDER BY amount DESC, region LIMIT 2',
      firsts: 'SELECT DISTINCT ON (region) region, amount FROM sales ORDER BY region, amount',
      listed: 'SELECT region, amount FROM sales WHERE product IN (SELECT id FROM products)',
      above: 'SELECT region, amount FROM sales WHERE amount > (SELECT avg(amount) FROM sales)',
      rolled: 'SELECT region, product, sum(qty) AS q FROM sales GROUP BY ROLLUP (region, product)',
      joined:
        'SELECT p.category, count(*) AS n, sum(s.amount) AS t FROM sales s JOIN products p ON s.product = p.id GROUP BY 1',
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    await db.exec('CREATE MATERIALIZED VIEW failing AS SELECT region, 100 / qty AS r FROM sales');
    const check = async (): Promise<void> => {
      for (const [name, q] of Object.entries(queries))
        expect(await sorted(`SELECT * FROM ${name}`)).toEqual(await sorted(q));
    };
    const f = await failure(() =>
      db.exec("INSERT INTO sales VALUES ('eu', 2, 1, 1), ('asia', 1, 50, 1), ('us', 2, 6, 0)"),
    );
    expect(f.code).toBe('22012');
    await check();
    // Later commits find the states as they were: a mistake would show as stale or doubled rows.
    await db.exec("INSERT INTO sales VALUES ('eu', 2, 1, 1), ('asia', 1, 50, 1), ('us', 2, 6, 2)");
    await check();
    await db.exec("UPDATE sales SET amount = amount + 3 WHERE region = 'eu'");
    await db.exec("DELETE FROM sales WHERE region = 'us' AND product = 1");
    await check();
  });

  it('counts ordered multisets, distinct sets and sketches against the memory limit', async () => {
    // One group each: the state grows with the values, not with the number of groups. Numbers in
    // an ordered multiset take 8 bytes a value, the distinct set ~30 bytes a distinct value.
    for (const [name, agg, limit] of [
      ['med', 'percentile_cont(0.5) WITHIN GROUP (ORDER BY amount)', '16kB'],
      ['lo', 'min(amount)', '16kB'],
      ['nd', 'count(DISTINCT amount)', '64kB'],
      ['ap', 'approx_percentile(amount, 0.5)', '64kB'],
    ])
      await db.exec(
        `CREATE MATERIALIZED VIEW ${name} WITH (memory_limit = '${limit}') AS SELECT region, ${agg} FROM sales WHERE region = 'big' GROUP BY region`,
      );
    const bytes = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (
          await rows(
            "SELECT viewname, state_bytes FROM liveview_views WHERE viewname IN ('med', 'lo', 'nd', 'ap')",
          )
        ).map((r) => [r[0] as string, Number(r[1])]),
      );
    await db.exec("INSERT INTO sales SELECT 'big', 1, g, 1 FROM generate_series(1, 100) g");
    const small = await bytes();
    await db.exec("INSERT INTO sales SELECT 'big', 1, g * 1.5, 1 FROM generate_series(1, 400) g");
    const grown = await bytes();
    for (const v of ['med', 'lo']) expect(grown[v]!).toBeGreaterThan(small[v]! + 400 * 8);
    expect(grown.nd!).toBeGreaterThan(small.nd! + 400 * 30);
    // The sketch's bins are counted, and stay bounded by the range of the values, not their number.
    expect(small.ap!).toBeGreaterThan(1000);
    expect(grown.ap!).toBeLessThan(4 * small.ap!);
    // 2,000 more values pass 16 kB in the multiset views: the write fails, nothing changes.
    const f = await failure(() =>
      db.exec("INSERT INTO sales SELECT 'big', 1, g + 0.25, 1 FROM generate_series(1, 2000) g"),
    );
    expect(f.code).toBe('53200');
    expect(f.message).toMatch(/"med"/);
    expect(await rows("SELECT count(*) FROM sales WHERE region = 'big'")).toEqual([[500n]]);
    expect(await bytes()).toEqual(grown);
  });

  it('fails a write whose view state would pass its memory limit', async () => {
    await db.exec(
      "CREATE MATERIALIZED VIEW big WITH (memory_limit = '2kB') AS SELECT qty, count(*) FROM sales GROUP BY qty",
    );
    const f = await failure(() =>
      db.exec("INSERT INTO sales SELECT 'r', 1, 1, g FROM generate_series(100, 200) g"),
    );
    expect(f.code).toBe('53200');
    expect(f.message).toMatch(
      /materialized view "big" would hold \d+ bytes of state, over its limit of 2048/,
    );
    expect(await rows('SELECT count(*) FROM sales')).toEqual([[3n]]);
  });

  it('rejects bad options', async () => {
    expect(
      await errorCode(() => db.exec("CREATE MATERIALIZED VIEW v WITH (refresh = 'sometimes') AS SELECT 1")),
    ).toBe('22023');
    expect(
      await errorCode(() => db.exec("CREATE MATERIALIZED VIEW v WITH (colour = 'red') AS SELECT 1")),
    ).toBe('22023');
  });

  it('goes away with the transaction that created it', async () => {
    await db.exec('BEGIN; CREATE MATERIALIZED VIEW gone AS SELECT count(*) FROM sales; ROLLBACK');
    expect(await errorCode(() => db.exec('SELECT * FROM gone'))).toBe('42P01');
    await db.exec("INSERT INTO sales VALUES ('x', 1, 1, 1)");
    expect(db.engine.views.size).toBe(0);
  });
});

describe('writes, DDL and the catalog', () => {
  beforeEach(async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(qty) AS q FROM sales GROUP BY region',
    );
  });

  it('refuses writes to a view', async () => {
    for (const sql of [
      "INSERT INTO by_region VALUES ('x', 1)",
      'DELETE FROM by_region',
      'UPDATE by_region SET q = 0',
      'TRUNCATE by_region',
    ])
      expect(await failure(() => db.exec(sql))).toEqual({
        code: '42809',
        message: 'cannot change materialized view "by_region"',
      });
  });

  it('refuses DROP TABLE of a table a view reads, unless CASCADE', async () => {
    await db.exec('CREATE MATERIALIZED VIEW on_top AS SELECT count(*) AS n FROM by_region');
    const f = await failure(() => db.exec('DROP TABLE sales'));
    expect(f).toEqual({
      code: '2BP01',
      message: 'cannot drop table sales because other objects depend on it',
    });
    expect(await errorCode(() => db.exec('DROP MATERIALIZED VIEW by_region'))).toBe('2BP01');
    await db.exec('DROP TABLE sales CASCADE');
    expect(await errorCode(() => db.exec('SELECT * FROM on_top'))).toBe('42P01');
    expect(db.engine.views.size).toBe(0);
  });

  it('drops, renames and tells tables and views apart', async () => {
    expect(await errorCode(() => db.exec('DROP TABLE by_region'))).toBe('42809');
    expect(await errorCode(() => db.exec('DROP MATERIALIZED VIEW sales'))).toBe('42809');
    expect(await errorCode(() => db.exec('DROP MATERIALIZED VIEW nope'))).toBe('42P01');
    await db.exec('DROP MATERIALIZED VIEW IF EXISTS nope');
    await db.exec('ALTER MATERIALIZED VIEW by_region RENAME TO regions');
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 5)");
    expect(await rows("SELECT q FROM regions WHERE region = 'eu'")).toEqual([[8n]]);
    expect(await errorCode(() => db.exec('ALTER TABLE sales ADD COLUMN note text'))).toBe('2BP01');
    expect(await errorCode(() => db.exec('ALTER TABLE sales RENAME TO s2'))).toBe('2BP01');
    await db.exec('DROP MATERIALIZED VIEW regions');
    await db.exec('ALTER TABLE sales ADD COLUMN note text');
  });

  it('lists views in pg_class, pg_matviews and liveview_views', async () => {
    await db.exec('CREATE MATERIALIZED VIEW on_top AS SELECT count(*) AS n FROM by_region');
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 5)");
    expect(await rows("SELECT relkind FROM pg_class WHERE relname = 'by_region'")).toEqual([['m']]);
    expect(await rows('SELECT matviewname, ispopulated, definition FROM pg_matviews ORDER BY 1')).toEqual([
      ['by_region', true, ' SELECT region, sum(qty) AS q FROM sales GROUP BY region;'],
      ['on_top', true, ' SELECT count(*) AS n FROM by_region;'],
    ]);
    const [v] = (
      await db.query(
        "SELECT refresh, base_tables, dependent_views, rows, state_bytes > 0 AS has_state, updates, p50_ms >= 0 AS timed, staleness_ms FROM liveview_views WHERE viewname = 'by_region'",
      )
    ).rows;
    expect(v).toEqual({
      refresh: 'immediate',
      base_tables: ['public.sales'],
      dependent_views: ['public.on_top'],
      rows: 2n,
      has_state: true,
      updates: 1n,
      timed: true,
      staleness_ms: 0,
    });
    expect(
      await rows("SELECT table_name FROM information_schema.tables WHERE table_name = 'by_region'"),
    ).toEqual([]);
  });

  it('REFRESH recomputes, and WITH NO DATA empties until then', async () => {
    await db.exec('CREATE MATERIALIZED VIEW later AS SELECT region FROM sales WITH NO DATA');
    // As in PostgreSQL, reading it fails until it is refreshed.
    const unpopulated = await failure(() => db.exec('SELECT count(*) FROM later'));
    expect(unpopulated).toMatchObject({
      code: '55000',
      message: 'materialized view "later" has not been populated',
    });
    expect(await rows("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'later'")).toEqual([[false]]);
    await db.exec('REFRESH MATERIALIZED VIEW later');
    expect(await rows('SELECT count(*) FROM later')).toEqual([[3n]]);
    await db.exec("INSERT INTO sales VALUES ('x', 1, 1, 1)");
    expect(await rows('SELECT count(*) FROM later')).toEqual([[4n]]);
    await db.exec('REFRESH MATERIALIZED VIEW by_region');
    expect(await rows("SELECT repairs FROM liveview_views WHERE viewname = 'by_region'")).toEqual([[0n]]);
  });
});

describe('views on the clock', () => {
  it('follow now() in an aggregate over a join, the window set by the dimension row', async () => {
    let now = Date.UTC(2026, 10, 21, 12) * 1000;
    db.engine.views.clock = () => now;
    const at = (hoursAgo: number): string => new Date(now / 1000 - hoursAgo * 3_600_000).toISOString();
    await db.exec(
      'CREATE TABLE ev (ts timestamptz, k int, v float8); CREATE TABLE dd (k int, name text, hours int)',
    );
    await db.exec("INSERT INTO dd VALUES (1, 'a', 24), (2, 'b', 24)");
    await db.exec(
      `INSERT INTO ev VALUES ('${at(1)}', 1, 1), ('${at(23)}', 2, 2), ('${at(25)}', 1, 4), ('${at(2)}', 1, 0.5)`,
    );
    await db.exec(
      'CREATE MATERIALIZED VIEW recent_by AS SELECT d.name, count(*) AS n, sum(e.v) AS s FROM ev e ' +
        "LEFT JOIN dd d ON e.k = d.k WHERE e.ts > now() - coalesce(d.hours, 24) * interval '1 hour' GROUP BY d.name",
    );
    const view = async () => rows('SELECT name, n, s FROM recent_by ORDER BY name');
    expect(await view()).toEqual([
      ['a', 2n, 1.5],
      ['b', 1n, 2],
    ]);
    now += 2 * 3_600_000_000;
    tickEngineViews(db.engine);
    expect(await view()).toEqual([['a', 2n, 1.5]]);
    const half = at(0.5);
    await db.exec(`INSERT INTO ev VALUES ('${half}', 2, 8), ('${at(30)}', 2, 16)`);
    await db.exec('UPDATE ev SET v = v * 2 WHERE k = 1');
    expect(await view()).toEqual([
      ['a', 2n, 3],
      ['b', 1n, 8],
    ]);
    // The same fact again, in a commit of its own: the filter holds equal rows from two commits.
    await db.exec(`INSERT INTO ev VALUES ('${half}', 2, 8)`);
    expect(await view()).toEqual([
      ['a', 2n, 3],
      ['b', 2n, 16],
    ]);
    await db.exec('DELETE FROM ev WHERE v = 8');
    await db.exec(`INSERT INTO ev VALUES ('${half}', 2, 8)`);
    // 22 hours on: a's rows (3 and 4 hours old) leave, b's new one (half an hour old) stays.
    now += 22 * 3_600_000_000;
    tickEngineViews(db.engine);
    expect(await view()).toEqual([['b', 1n, 8]]);
  });

  it('follow now(): rows leave a last-24-hours window as time passes', async () => {
    let now = Date.UTC(2026, 10, 21, 12) * 1000;
    db.engine.views.clock = () => now;
    const at = (hoursAgo: number): string => new Date(now / 1000 - hoursAgo * 3_600_000).toISOString();
    await db.exec('CREATE TABLE ev (ts timestamptz, v int)');
    await db.exec(`INSERT INTO ev VALUES ('${at(1)}', 1), ('${at(23)}', 2), ('${at(25)}', 4)`);
    await db.exec(
      "CREATE MATERIALIZED VIEW recent AS SELECT count(*) AS n, sum(v) AS s FROM ev WHERE ts > now() - interval '24 hours'",
    );
    expect(await rows('SELECT n, s FROM recent')).toEqual([[2n, 3n]]);
    now += 2 * 3_600_000_000;
    tickEngineViews(db.engine);
    expect(await rows('SELECT n, s FROM recent')).toEqual([[1n, 1n]]);
    await db.exec(`INSERT INTO ev VALUES ('${at(0.5)}', 8), ('${at(30)}', 16)`);
    expect(await rows('SELECT n, s FROM recent')).toEqual([[2n, 9n]]);
    await db.exec('DELETE FROM ev WHERE v = 1');
    expect(await rows('SELECT n, s FROM recent')).toEqual([[1n, 8n]]);
    const f = await failure(() =>
      db.exec('CREATE MATERIALIZED VIEW stamped AS SELECT v, now() AS seen FROM ev'),
    );
    expect(f.code).toBe('0A000');
    expect(f.message).toMatch(/function now\(\) outside WHERE/);
  });
});

describe('refresh modes and notifications', () => {
  it('deferred views catch up within max_delay and report staleness meanwhile', async () => {
    await db.exec(
      "CREATE MATERIALIZED VIEW lazy WITH (refresh = 'deferred', max_delay = '30ms') AS SELECT count(*) AS n FROM sales",
    );
    await db.exec("INSERT INTO sales VALUES ('x', 1, 1, 1)");
    expect(await rows('SELECT n FROM lazy')).toEqual([[3n]]);
    const [[stale]] = (await rows("SELECT staleness_ms FROM liveview_views WHERE viewname = 'lazy'")) as [
      [number],
    ];
    expect(stale).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 100 && (await rows('SELECT n FROM lazy'))[0]![0] !== 4n; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await rows('SELECT n FROM lazy')).toEqual([[4n]]);
    expect(await rows("SELECT staleness_ms FROM liveview_views WHERE viewname = 'lazy'")).toEqual([[0]]);
  });

  it('tells subscribers the rows each commit added and removed', async () => {
    await db.exec(
      'CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(qty) AS q FROM sales GROUP BY region',
    );
    const changes: ViewChange[] = [];
    const stop = db.subscribeView('by_region', (c) => changes.push(c));
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 4), ('asia', 1, 1, 1)");
    stop();
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 4)");
    expect(changes).toHaveLength(1);
    expect(changes[0]!.view).toBe('by_region');
    expect(changes[0]!.removed).toEqual([['eu', 3n]]);
    expect(changes[0]!.added.sort()).toEqual([
      ['asia', 1n],
      ['eu', 7n],
    ]);
    expect(() => db.subscribeView('sales', () => undefined)).toThrow(
      /materialized view "sales" does not exist/,
    );
  });
});

describe('materialized views across restarts', () => {
  it('are rebuilt from the recovered tables after a crash and after a clean restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvdb-views-'));
    try {
      let d = await open({ path: dir });
      await d.exec('CREATE TABLE t (k text, v int)');
      await d.exec("INSERT INTO t VALUES ('a', 1), ('b', 2)");
      await d.exec('CREATE MATERIALIZED VIEW m AS SELECT k, sum(v) AS s FROM t GROUP BY k');
      await d.exec('CREATE MATERIALIZED VIEW m2 AS SELECT sum(s) AS total FROM m');
      await d.checkpoint();
      await d.exec("INSERT INTO t VALUES ('a', 10)");
      await d.durability!.close({ checkpoint: false });
      d = await open({ path: dir });
      expect((await d.query('SELECT * FROM m ORDER BY k', [], { rowMode: 'array' })).rows).toEqual([
        ['a', 11n],
        ['b', 2n],
      ]);
      await d.exec("DELETE FROM t WHERE k = 'b'");
      await d.close();
      d = await open({ path: dir });
      expect((await d.query('SELECT total::int8 FROM m2', [], { rowMode: 'array' })).rows).toEqual([[11n]]);
      await d.exec("INSERT INTO t VALUES ('c', 1)");
      expect((await d.query('SELECT total::int8 FROM m2', [], { rowMode: 'array' })).rows).toEqual([[12n]]);
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('approx_percentile in views', () => {
  /** The view's rows against the query recomputed, floats equal to 1e-9 relative. */
  async function expectMatchesRecompute(view: string, query: string): Promise<void> {
    const got = await rows(`SELECT * FROM ${view} ORDER BY 1`);
    const want = await rows(`${query} ORDER BY 1`);
    expect(got.length, `${view} rows`).toBe(want.length);
    got.forEach((row, i) =>
      row.forEach((x, j) => {
        const y = want[i]![j];
        if (typeof x === 'number' && typeof y === 'number')
          expect(Math.abs(x - y), `${view} row ${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
        else expect(x).toEqual(y);
      }),
    );
  }

  it('maintains approx_percentile under inserts, updates and deletes like recomputing it', async () => {
    await db.exec('CREATE TABLE pct (id int, g text, v float8)');
    const queries = {
      pct_median: 'SELECT g, approx_percentile(v, 0.5) AS p FROM pct GROUP BY g',
      pct_tail: 'SELECT g, approx_percentile(v, 0.95) AS p, count(*) AS n FROM pct GROUP BY g',
      pct_all: 'SELECT approx_percentile(v, 0.1) AS p FROM pct',
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    let seed = 12345;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const value = (): string =>
      String(rnd() < 0.1 ? 0 : (rnd() < 0.3 ? -1 : 1) * Math.exp(rnd() * 30 - 10) * (1 + rnd()));
    let nextId = 0;
    for (let step = 0; step < 40; step++) {
      const op = rnd();
      if (op < 0.5 || nextId < 20) {
        const vals = Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => {
          const g = ['a', 'b', 'c'][Math.floor(rnd() * 3)]!;
          return `(${nextId++}, '${g}', ${value()})`;
        });
        await db.exec(`INSERT INTO pct VALUES ${vals.join(', ')}`);
      } else if (op < 0.75) {
        const lo = Math.floor(rnd() * nextId);
        await db.exec(`UPDATE pct SET v = ${value()}, g = 'b' WHERE id BETWEEN ${lo} AND ${lo + 3}`);
      } else {
        const lo = Math.floor(rnd() * nextId);
        await db.exec(`DELETE FROM pct WHERE id BETWEEN ${lo} AND ${lo + 6}`);
      }
      for (const [name, q] of Object.entries(queries)) await expectMatchesRecompute(name, q);
    }
    // Emptying a group removes its row; emptying the table leaves the global row NULL.
    await db.exec("DELETE FROM pct WHERE g = 'a'");
    for (const [name, q] of Object.entries(queries)) await expectMatchesRecompute(name, q);
    await db.exec('DELETE FROM pct');
    expect(await rows('SELECT * FROM pct_median')).toEqual([]);
    expect(await rows('SELECT * FROM pct_all')).toEqual([[null]]);
  });

  it('keeps a sketch per group instead of buffering the group inputs', async () => {
    await db.exec('CREATE TABLE pct (g int, v float8)');
    await db.exec('INSERT INTO pct SELECT i % 4, i FROM generate_series(1, 40) AS s(i)');
    await db.exec(
      'CREATE MATERIALIZED VIEW pct_sketch AS SELECT g, approx_percentile(v, 0.5) AS p FROM pct GROUP BY g',
    );
    // approx_count_distinct cannot retract a row, so its view keeps every input: the control.
    await db.exec(
      'CREATE MATERIALIZED VIEW pct_buffered AS SELECT g, approx_count_distinct(v) AS d FROM pct GROUP BY g',
    );
    const stateBytes = async (): Promise<bigint[]> =>
      (
        await rows(
          "SELECT state_bytes FROM liveview_views WHERE viewname IN ('pct_sketch', 'pct_buffered') ORDER BY viewname DESC",
        )
      ).map((r) => r[0] as bigint);
    await db.exec('INSERT INTO pct SELECT i % 4, i FROM generate_series(41, 2040) AS s(i)');
    // More values within the range seen: the sketch's bins stay as they are, the buffer grows.
    const [sketchBefore, bufferedBefore] = await stateBytes();
    for (const frac of [0.25, 0.5])
      await db.exec(`INSERT INTO pct SELECT i % 4, i + ${frac} FROM generate_series(41, 2039) AS s(i)`);
    await db.exec('DELETE FROM pct WHERE v < 20');
    const [sketchAfter, bufferedAfter] = await stateBytes();
    expect(bufferedAfter).toBeGreaterThan(bufferedBefore!);
    expect(sketchAfter).toBe(sketchBefore);
    await expectMatchesRecompute('pct_sketch', 'SELECT g, approx_percentile(v, 0.5) FROM pct GROUP BY g');
  });
});

describe('CREATE OR REPLACE and transactional REFRESH', () => {
  const byRegion = 'SELECT region, sum(qty) AS q FROM sales GROUP BY region';
  const countByRegion = 'SELECT region, count(*) AS n FROM sales GROUP BY region';

  /** The error `sql` fails with (a DatabaseError: code, message, detail, hint). */
  async function thrown(
    sql: string,
  ): Promise<{ code: string; message: string; detail?: string; hint?: string }> {
    try {
      await db.exec(sql);
    } catch (e) {
      if (e instanceof Error && 'code' in e) return e as Error & { code: string };
      throw e;
    }
    throw new Error(`succeeded: ${sql}`);
  }

  it('replaces the definition and rows, and keeps maintaining the new view', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    const r = await db.exec(`CREATE OR REPLACE MATERIALIZED VIEW m AS ${countByRegion}`);
    expect(r).toMatchObject({ command: 'SELECT', rowCount: 2 });
    expect(await rows('SELECT region, n FROM m ORDER BY region')).toEqual([
      ['eu', 2n],
      ['us', 1n],
    ]);
    expect(await rows("SELECT definition FROM pg_matviews WHERE matviewname = 'm'")).toEqual([
      [expect.stringContaining('count(*)')],
    ]);
    expect(db.engine.views.size).toBe(1);
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 9)");
    expect(await rows('SELECT region, n FROM m ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 1n],
    ]);
  });

  it('creates the view when there is none, and WITH NO DATA leaves it unpopulated', async () => {
    await db.exec(`CREATE OR REPLACE MATERIALIZED VIEW fresh AS ${countByRegion}`);
    expect(await rows('SELECT count(*) FROM fresh')).toEqual([[2n]]);
    await db.exec(`CREATE OR REPLACE MATERIALIZED VIEW fresh AS ${byRegion} WITH NO DATA`);
    expect(await rows("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'fresh'")).toEqual([[false]]);
    await db.exec('REFRESH MATERIALIZED VIEW fresh');
    expect(await rows('SELECT region, q FROM fresh ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 3n],
    ]);
  });

  it('brings the old view back on rollback, caught up with commits made meanwhile and maintained', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    const s = db.session();
    await s.execute(`BEGIN; CREATE OR REPLACE MATERIALIZED VIEW m AS ${countByRegion}`);
    expect((await s.execute('SELECT region, n FROM m ORDER BY region'))[0]!.rows).toEqual([
      ['eu', 2n],
      ['us', 1n],
    ]);
    // Another session commits to the base table while the old view is replaced.
    await db.exec("INSERT INTO sales VALUES ('us', 1, 1, 10)");
    await s.execute('ROLLBACK');
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 13n],
    ]);
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 5)");
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['eu', 8n],
      ['us', 13n],
    ]);
    expect(await rows('SELECT q FROM m')).toHaveLength(2);
    expect(db.engine.views.size).toBe(1);
  });

  it('leaves the old view in place when the new query fails', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    expect(
      await errorCode(() => db.exec('CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT nope FROM sales')),
    ).toBe('42703');
    expect(await errorCode(() => db.exec('CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT * FROM m'))).toBe(
      '42P01',
    );
    await db.exec("INSERT INTO sales VALUES ('us', 1, 1, 1)");
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 4n],
    ]);
  });

  it('refuses to replace a view other views read (2BP01), changing nothing', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    await db.exec('CREATE MATERIALIZED VIEW top AS SELECT max(q) AS best FROM m');
    const e = await thrown(`CREATE OR REPLACE MATERIALIZED VIEW m AS ${countByRegion}`);
    expect(e.code).toBe('2BP01');
    expect(e.message).toBe('cannot replace materialized view "m" because other objects depend on it');
    expect(e.detail).toBe('materialized view top depends on materialized view m');
    expect(e.hint).toMatch(/Drop the dependent materialized views first/);
    await db.exec("INSERT INTO sales VALUES ('us', 1, 1, 7)");
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['eu', 3n],
      ['us', 10n],
    ]);
    expect(await rows('SELECT best FROM top')).toEqual([[10n]]);
  });

  it('refuses to replace a table or a plain view (42809), and OR REPLACE with IF NOT EXISTS (42601)', async () => {
    let e = await thrown(`CREATE OR REPLACE MATERIALIZED VIEW sales AS ${byRegion}`);
    expect([e.code, e.message]).toEqual(['42809', '"sales" is not a materialized view']);
    await db.exec('CREATE VIEW plain AS SELECT 1 AS x');
    e = await thrown(`CREATE OR REPLACE MATERIALIZED VIEW plain AS ${byRegion}`);
    expect([e.code, e.message]).toEqual(['42809', '"plain" is not a materialized view']);
    expect(await rows('SELECT count(*) FROM sales')).toEqual([[3n]]);
    e = await thrown(`CREATE OR REPLACE MATERIALIZED VIEW IF NOT EXISTS m AS ${byRegion}`);
    expect(e.code).toBe('42601');
  });

  it('keeps the new definition across restarts, and not one that was rolled back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvdb-views-'));
    try {
      let d = await open({ path: dir });
      const q = async (sql: string): Promise<unknown[][]> =>
        (await d.query(sql, [], { rowMode: 'array' })).rows;
      await d.exec('CREATE TABLE t (k text, v int)');
      await d.exec("INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)");
      await d.exec('CREATE MATERIALIZED VIEW m AS SELECT k, sum(v) AS s FROM t GROUP BY k');
      await d.exec('CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT k, count(*) AS n FROM t GROUP BY k');
      await d.exec('BEGIN; CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT 1 AS one; ROLLBACK');
      // A crash: recovery replays the log.
      await d.durability!.close({ checkpoint: false });
      d = await open({ path: dir });
      expect(await q('SELECT k, n FROM m ORDER BY k')).toEqual([
        ['a', 2n],
        ['b', 1n],
      ]);
      await d.exec("INSERT INTO t VALUES ('b', 1)");
      await d.exec('CREATE OR REPLACE MATERIALIZED VIEW m AS SELECT k, max(v) AS top FROM t GROUP BY k');
      // A clean restart: from the checkpoint.
      await d.close();
      d = await open({ path: dir });
      expect(await q('SELECT k, top FROM m ORDER BY k')).toEqual([
        ['a', 2],
        ['b', 5],
      ]);
      await d.exec("INSERT INTO t VALUES ('a', 9)");
      expect(await q('SELECT k, top FROM m ORDER BY k')).toEqual([
        ['a', 9],
        ['b', 5],
      ]);
      await d.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('REFRESH WITH NO DATA rolled back leaves the view populated, caught up and maintained', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    const s = db.session();
    await s.execute('BEGIN; REFRESH MATERIALIZED VIEW m WITH NO DATA');
    expect((await s.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'm'"))[0]!.rows).toEqual(
      [[false]],
    );
    // Others wait to read the view meanwhile (up to lock_timeout), as in PostgreSQL; writes to
    // its base table do not wait.
    const reader = db.session();
    await reader.execute("SET lock_timeout = '30ms'");
    expect(await errorCode(() => reader.execute('SELECT * FROM m'))).toBe('55P03');
    await reader.execute('RESET lock_timeout');
    const waiting = reader.execute('SELECT count(*) FROM m');
    await db.exec("INSERT INTO sales VALUES ('asia', 1, 1, 4)");
    await s.execute('ROLLBACK');
    expect((await waiting)[0]!.rows).toEqual([[3n]]);
    expect(await rows("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'm'")).toEqual([[true]]);
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['asia', 4n],
      ['eu', 3n],
      ['us', 3n],
    ]);
    await db.exec("DELETE FROM sales WHERE region = 'eu'");
    expect(await rows('SELECT region, q FROM m ORDER BY region')).toEqual([
      ['asia', 4n],
      ['us', 3n],
    ]);
  });

  it('REFRESH WITH NO DATA rolled back brings the views reading the view up to date too', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    await db.exec('CREATE MATERIALIZED VIEW top AS SELECT max(q) AS best FROM m');
    const s = db.session();
    await s.execute('BEGIN; REFRESH MATERIALIZED VIEW m WITH NO DATA');
    await db.exec("INSERT INTO sales VALUES ('asia', 1, 1, 20)");
    await s.execute('ROLLBACK');
    expect(await rows('SELECT best FROM top')).toEqual([[20n]]);
    await db.exec("DELETE FROM sales WHERE region = 'asia'");
    expect(await rows('SELECT best FROM top')).toEqual([[3n]]);
  });

  it('REFRESH of an unpopulated view rolled back leaves it unpopulated, also after a failed statement', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW later AS ${byRegion} WITH NO DATA`);
    const s = db.session();
    await s.execute('BEGIN; REFRESH MATERIALIZED VIEW later');
    expect((await s.execute('SELECT count(*) FROM later'))[0]!.rows).toEqual([[2n]]);
    await expect(s.execute('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
    await s.execute('ROLLBACK');
    expect(await errorCode(() => db.exec('SELECT count(*) FROM later'))).toBe('55000');
    expect(await rows("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'later'")).toEqual([[false]]);
    await db.exec("INSERT INTO sales VALUES ('x', 1, 1, 1)");
    expect(await rows("SELECT rows FROM liveview_views WHERE viewname = 'later'")).toEqual([[0n]]);
  });

  it('REFRESH in a committed transaction stays, and ROLLBACK TO SAVEPOINT undoes it', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    await db.exec(`CREATE MATERIALIZED VIEW later AS ${byRegion} WITH NO DATA`);
    await db.exec(
      'BEGIN; REFRESH MATERIALIZED VIEW m WITH NO DATA; SAVEPOINT a; REFRESH MATERIALIZED VIEW later; ROLLBACK TO a; COMMIT',
    );
    expect(await rows('SELECT matviewname, ispopulated FROM pg_matviews ORDER BY 1')).toEqual([
      ['later', false],
      ['m', false],
    ]);
    expect(await errorCode(() => db.exec('SELECT count(*) FROM m'))).toBe('55000');
    await db.exec('BEGIN; REFRESH MATERIALIZED VIEW later; COMMIT');
    await db.exec("INSERT INTO sales VALUES ('eu', 1, 1, 1)");
    expect(await rows('SELECT region, q FROM later ORDER BY region')).toEqual([
      ['eu', 4n],
      ['us', 3n],
    ]);
  });

  it('REFRESH … CONCURRENTLY refreshes a populated view and lets others read it meanwhile', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW m AS ${byRegion}`);
    await db.exec(`CREATE MATERIALIZED VIEW later AS ${byRegion} WITH NO DATA`);
    const s = db.session();
    await s.execute('BEGIN; REFRESH MATERIALIZED VIEW CONCURRENTLY m');
    expect(await rows('SELECT count(*) FROM m')).toEqual([[2n]]);
    await s.execute('COMMIT');
    expect(await rows("SELECT repairs FROM liveview_views WHERE viewname = 'm'")).toEqual([[0n]]);
    let e = await thrown('REFRESH MATERIALIZED VIEW CONCURRENTLY later');
    expect([e.code, e.message]).toEqual([
      '0A000',
      'CONCURRENTLY cannot be used when the materialized view is not populated',
    ]);
    e = await thrown('REFRESH MATERIALIZED VIEW CONCURRENTLY m WITH NO DATA');
    expect([e.code, e.message]).toEqual([
      '42601',
      'REFRESH options CONCURRENTLY and WITH NO DATA cannot be used together',
    ]);
  });
});
