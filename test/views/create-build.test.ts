// CREATE MATERIALIZED VIEW fills the view a slice at a time: other sessions read and write while it
// is built, their commits reach the new view, and the CREATE can be cancelled or fail with nothing
// left behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database, type Value } from '../../src/index.js';
import type { Session } from '../../src/engine/session.js';

const BY_G = 'SELECT g, count(*) AS n, sum(v) AS s, min(v) AS lo FROM t GROUP BY g';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE t (g int, v int)');
  // Enough rows for the build to take many slices.
  await db.exec('INSERT INTO t SELECT i % 50, i FROM generate_series(1, 300000) i');
});
afterEach(async () => {
  await db.close();
});

async function rows(sql: string): Promise<string[]> {
  const res = await db.query(sql, [], { rowMode: 'array' });
  return res.rows
    .map((r: Value[]) => JSON.stringify(r, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}` : x)))
    .sort();
}

/** Lets the event loop run the build's next batch, as another client's next statement would arrive. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `statement` in `other` until `create` settles; returns how many ran while the view was building. */
async function whileBuilding(create: Promise<unknown>, other: Session, statement: string): Promise<number> {
  let settled = false;
  void create.then(
    () => (settled = true),
    () => (settled = true),
  );
  let during = 0;
  while (!settled) {
    // Another client's next statement arrives as I/O does, after the build's slice.
    await nextTurn();
    await other.execute(statement);
    if (db.engine.views.all().some((v) => v.building)) during++;
  }
  return during;
}

describe('CREATE MATERIALIZED VIEW', () => {
  it('lets other sessions read and write while the view is built, and takes their commits', async () => {
    const creator = db.session();
    const other = db.session();
    await creator.execute('CREATE MATERIALIZED VIEW base AS SELECT g FROM t WHERE v < 0');
    const listed = async (): Promise<unknown[][]> =>
      (
        await other.execute(
          'SELECT viewname, dependent_views FROM liveview_views UNION ALL SELECT matviewname, NULL FROM pg_matviews ORDER BY 1, 2',
        )
      )[0]!.rows;
    const create = creator.execute(
      `BEGIN; CREATE MATERIALIZED VIEW on_base AS SELECT count(*) AS n FROM base; CREATE MATERIALIZED VIEW by_g AS ${BY_G}`,
    );
    await nextTurn();
    // Not committed yet: neither view is listed for other sessions, nor is on_base among base's dependents.
    expect(await listed()).toEqual([
      ['base', []],
      ['base', null],
    ]);
    const during = await whileBuilding(create, other, 'INSERT INTO t VALUES (7, -1), (60, 5)');
    await create;
    await creator.execute('COMMIT');
    expect(during).toBeGreaterThan(0);
    expect(await listed()).toEqual([
      ['base', ['public.on_base']],
      ['base', null],
      ['by_g', []],
      ['by_g', null],
      ['on_base', []],
      ['on_base', null],
    ]);
    expect(await rows('SELECT * FROM on_base')).toEqual(await rows('SELECT count(*) FROM t WHERE v < 0'));
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
    // Maintained from then on.
    await other.execute('DELETE FROM t WHERE g = 60');
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
  });

  it('is cancelled like a query, leaving no view', async () => {
    const creator = db.session();
    const other = db.session();
    const create = creator.execute(`CREATE MATERIALIZED VIEW by_g AS ${BY_G}`);
    const failed = expect(create).rejects.toMatchObject({ code: '57014' });
    await nextTurn();
    await other.execute('SELECT 1');
    expect(db.engine.views.all().some((v) => v.building)).toBe(true);
    creator.cancel();
    await failed;
    await expect(db.exec('SELECT * FROM by_g')).rejects.toMatchObject({ code: '42P01' });
    expect(db.engine.views.size).toBe(0);
    // The session goes on, and the view can be made again.
    await creator.execute(`CREATE MATERIALIZED VIEW by_g AS ${BY_G}`);
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
  });

  it('fails with the error of a row committed during the build, leaving no view', async () => {
    const creator = db.session();
    const other = db.session();
    const view = 'SELECT g, sum(1000000 / v) AS q FROM t GROUP BY g';
    const create = creator.execute(`CREATE MATERIALIZED VIEW q AS ${view}`);
    const failed = expect(create).rejects.toMatchObject({ code: '22012' });
    await nextTurn();
    expect(db.engine.views.all().some((v) => v.building)).toBe(true);
    await other.execute('INSERT INTO t VALUES (3, 0)');
    await failed;
    // The other session's row is committed; the view is gone.
    expect(await rows('SELECT count(*) FROM t WHERE v = 0')).toEqual(['["1"]']);
    await expect(db.exec('SELECT * FROM q')).rejects.toMatchObject({ code: '42P01' });
    expect(db.engine.views.size).toBe(0);
  });
});

describe('REFRESH MATERIALIZED VIEW', () => {
  /** REFRESH of by_g while another session inserts; both sessions are returned for more. */
  async function refreshWhileWriting(): Promise<{ refresher: Session; other: Session }> {
    const refresher = db.session();
    const other = db.session();
    const refresh = refresher.execute('REFRESH MATERIALIZED VIEW by_g');
    const during = await whileBuilding(refresh, other, 'INSERT INTO t VALUES (8, -2), (61, 3)');
    await refresh;
    expect(during).toBeGreaterThan(0);
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
    return { refresher, other };
  }

  it('rebuilds a batch at a time: writers go on, readers of the view wait for it', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW by_g AS ${BY_G}`);
    const { refresher, other } = await refreshWhileWriting();
    // A reader during the rebuild waits for it and sees the rows of the latest commit.
    const again = refresher.execute('REFRESH MATERIALIZED VIEW CONCURRENTLY by_g');
    await nextTurn();
    await other.execute('INSERT INTO t VALUES (62, 1)');
    const seen = (await other.execute('SELECT n FROM by_g WHERE g = 62'))[0]!.rows;
    await again;
    expect(seen).toEqual([[1n]]);
    await other.execute('DELETE FROM t WHERE g >= 60');
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
  });

  it('fills an unpopulated view with the rows committed during its build too', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW by_g AS ${BY_G} WITH NO DATA`);
    await refreshWhileWriting();
  });

  it('is cancelled like a query, leaving the view whole and maintained', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW by_g AS ${BY_G}`);
    const refresher = db.session();
    const other = db.session();
    const refresh = refresher.execute('REFRESH MATERIALIZED VIEW by_g');
    const failed = expect(refresh).rejects.toMatchObject({ code: '57014' });
    await nextTurn();
    await other.execute('INSERT INTO t VALUES (9, 9)');
    expect(db.engine.views.all()[0]!.building).toBe(true);
    refresher.cancel();
    await failed;
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
    await other.execute('DELETE FROM t WHERE v = 9');
    expect(await rows('SELECT * FROM by_g')).toEqual(await rows(BY_G));
  });

  it('fails with the error of a row committed during the rebuild, leaving the view unpopulated', async () => {
    const view = 'SELECT g, sum(1000000 / v) AS q FROM t GROUP BY g';
    await db.exec(`CREATE MATERIALIZED VIEW q AS ${view}`);
    const refresher = db.session();
    const other = db.session();
    const refresh = refresher.execute('REFRESH MATERIALIZED VIEW q');
    const failed = expect(refresh).rejects.toMatchObject({ code: '22012' });
    await nextTurn();
    // Accepted: the view takes it only when its rebuild is done.
    await other.execute('INSERT INTO t VALUES (3, 0)');
    await failed;
    expect(
      await rows("SELECT populated, error IS NOT NULL FROM liveview_views WHERE viewname = 'q'"),
    ).toEqual(['[false,true]']);
    await expect(db.exec('SELECT * FROM q')).rejects.toMatchObject({ code: '55000' });
    await other.execute('DELETE FROM t WHERE v = 0');
    await other.execute('REFRESH MATERIALIZED VIEW q');
    expect(await rows('SELECT * FROM q')).toEqual(await rows(view));
  });
});
