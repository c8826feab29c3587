// After a restart the database opens as soon as its tables are recovered; materialized views are
// rebuilt in the background. Writes go on meanwhile (queued for the views being built), statements
// reading a view wait for it, DDL waits for every view, and close() stops a build part-way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database, type Value } from '../../src/index.js';

let dir: string;
const durability = { sync: 'off' as const, checkpointIntervalMs: 0 };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lvdb-views-bg-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const BY_G = 'SELECT g, count(*) AS n, sum(v) AS s, min(v) AS lo FROM t GROUP BY g';
const JOINED = 'SELECT d.name, count(*) AS n, sum(t.v) AS s FROM t JOIN d USING (g) GROUP BY d.name';
const ON_VIEW = 'SELECT max(s) AS top, sum(n) AS total FROM by_g';

/** A data directory holding 200,000 rows and three views over them (enough for a build to yield). */
async function prepare(): Promise<void> {
  const db = await open({ path: dir, durability });
  await db.exec('CREATE TABLE t (g int, v int); CREATE TABLE d (g int, name text)');
  await db.exec('INSERT INTO t SELECT i % 50, i FROM generate_series(1, 200000) i');
  await db.exec("INSERT INTO d SELECT i, 'n' || (i % 7) FROM generate_series(0, 49) i");
  await db.exec(`CREATE MATERIALIZED VIEW by_g AS ${BY_G}`);
  await db.exec(`CREATE MATERIALIZED VIEW joined AS ${JOINED}`);
  await db.exec(`CREATE MATERIALIZED VIEW on_view AS ${ON_VIEW}`);
  await db.close();
}

async function rows(db: Database, sql: string): Promise<string[]> {
  const res = await db.query(sql, [], { rowMode: 'array' });
  return res.rows
    .map((r: Value[]) => JSON.stringify(r, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}` : x)))
    .sort();
}

async function expectViews(db: Database): Promise<void> {
  expect(await rows(db, 'SELECT * FROM by_g')).toEqual(await rows(db, BY_G));
  expect(await rows(db, 'SELECT * FROM joined')).toEqual(await rows(db, JOINED));
  expect(await rows(db, 'SELECT * FROM on_view')).toEqual(
    await rows(db, `SELECT max(s) AS top, sum(n) AS total FROM (${BY_G}) x`),
  );
}

describe('views rebuilt in the background after a restart', () => {
  it('take the writes committed while they are built, and readers wait for them', async () => {
    await prepare();
    const db = await open({ path: dir, durability });
    try {
      const building = db.engine.views.all().filter((v) => v.building);
      expect(building.length).toBeGreaterThan(0);
      // A write reading a view being built (here in VALUES) waits for it.
      await db.exec('INSERT INTO d VALUES (100, (SELECT count(*) FROM by_g)::text)');
      expect(await rows(db, 'SELECT name FROM d WHERE g = 100')).toEqual(['["50"]']);
      // So does a query reading a view only in a subquery.
      expect(await rows(db, 'SELECT (SELECT sum(n) FROM by_g) AS total')).toEqual(
        await rows(db, `SELECT sum(n) AS total FROM (${BY_G}) x`),
      );
      // Writes do not wait for the views: deletes and updates of rows the build is reading, inserts.
      // (rows near the end of the table: the build has not read them yet)
      await db.exec('DELETE FROM t WHERE v BETWEEN 199000 AND 199099');
      await db.exec('UPDATE t SET v = v + 1 WHERE v >= 199900');
      await db.exec('INSERT INTO t VALUES (1, 1000000), (99, 5)');
      await db.exec("UPDATE d SET name = 'moved' WHERE g = 3");
      await expectViews(db);
      await db.viewsReady();
      expect(db.engine.views.all().every((v) => !v.building && v.populated)).toBe(true);
      await db.exec('INSERT INTO t VALUES (2, 7)');
      await expectViews(db);
    } finally {
      await db.close();
    }
  });

  it('make DDL wait for them', async () => {
    await prepare();
    const db = await open({ path: dir, durability });
    try {
      await db.exec('DROP MATERIALIZED VIEW on_view');
      expect(db.engine.views.all().some((v) => v.building)).toBe(false);
      await db.exec('REFRESH MATERIALIZED VIEW joined');
      expect(await rows(db, 'SELECT * FROM joined')).toEqual(await rows(db, JOINED));
    } finally {
      await db.close();
    }
  });

  it('stop at close, and are built again at the next open', async () => {
    await prepare();
    const first = await open({ path: dir, durability });
    await first.exec('INSERT INTO t VALUES (5, 5)');
    await first.close();
    const db = await open({ path: dir, durability });
    try {
      await expectViews(db);
    } finally {
      await db.close();
    }
  });
});
