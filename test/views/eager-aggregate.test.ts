// Eager aggregation in views: a GROUP BY over a join whose aggregates read one side is maintained
// from partial aggregates of that side (eager-aggregate.ts). These tests pin what the random
// property test cannot see: numeric display scales, float4 rounding, int8 sums past 2^53, and that
// the view's state does not grow with the fact table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeltaAggregate } from '../../src/views/operators/aggregate.js';
import { Decimal, open, type Database, type Value } from '../../src/index.js';

let db: Database;
beforeEach(async () => {
  db = await open();
  await db.exec('CREATE TABLE f (k int, x numeric, i8 int8, r real, v int)');
  await db.exec("CREATE TABLE d (k int, name text); INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'a')");
});
afterEach(async () => {
  await db.close();
});

/** Rows as text, sorted: numerics keep their display scale, floats their exact digits. */
async function text(sql: string): Promise<string[]> {
  const res = await db.query(sql, [], { rowMode: 'array' });
  const show = (v: Value): string =>
    v instanceof Decimal ? `D${v.toString()}` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
  return res.rows.map((r) => r.map(show).join('|')).sort();
}

async function expectView(view: string, query: string): Promise<void> {
  expect(await text(`SELECT * FROM ${view}`)).toEqual(await text(query));
}

const LINEAR =
  'SELECT d.name, count(*) AS n, sum(f.x) AS sx, avg(f.x) AS ax, sum(f.i8) AS s8, avg(f.i8) AS a8, ' +
  'sum(f.r) AS sr, avg(f.r) AS ar, sum(f.v) AS sv, avg(f.v) AS av FROM f JOIN d ON f.k = d.k GROUP BY d.name';
const MINMAX =
  'SELECT d.name, min(f.x) AS lo, max(f.r) AS hi, sum(f.x) AS sx, count(f.v) AS nv FROM f LEFT JOIN d ON f.k = d.k GROUP BY d.name';

describe('eager aggregation over joins', () => {
  it('keeps numeric scales, float4 rounding and int8 sums exact through inserts, deletes and dimension moves', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    await db.exec(`CREATE MATERIALIZED VIEW mm AS ${MINMAX}`);
    const check = async (): Promise<void> => {
      await expectView('lin', LINEAR);
      await expectView('mm', MINMAX);
    };
    await db.exec(
      'INSERT INTO f VALUES (1, 1.5, 4611686018427387904, 0.1, 7), (1, 2.125, 4611686018427387904, 0.2, NULL), ' +
        '(2, 3, -5, 1e30, 1), (3, NULL, NULL, NULL, NULL), (4, 9.99, 1, 1, 1)',
    );
    await check();
    // The row with the largest scale goes: the sum's scale goes back to 1.
    await db.exec('DELETE FROM f WHERE x = 2.125');
    await check();
    expect(await text("SELECT sx FROM lin WHERE name = 'a'")).toEqual(['D1.5']);
    // A dimension row moves its facts to another group, another joins the unmatched fact.
    await db.exec("UPDATE d SET name = 'b' WHERE k = 1");
    await check();
    await db.exec("INSERT INTO d VALUES (4, 'c')");
    await check();
    await db.exec('DELETE FROM d WHERE k = 2');
    await check();
    // Facts under a dimension key that has none: gone from the inner join, NULL-named in the left one.
    await db.exec('INSERT INTO f VALUES (9, 0.001, 2, 2, 2)');
    await check();
    await db.exec('DELETE FROM f');
    await check();
    expect(await text('SELECT * FROM lin')).toEqual([]);
  });

  it('merges a batch of facts per partial group, numeric scales and float sums exact', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    await db.exec(
      'INSERT INTO f VALUES (1, 1.50, 1, 0.5, 1), (1, 2.25, 2, 1e30, 2), (3, 0.125, 3, 0.75, 3), (2, 7, 4, -1e30, 4)',
    );
    await expectView('lin', LINEAR);
    // One statement retracts and re-adds rows of the same partial groups: only the scale changes
    // (1.50 to 1.5, 0.125 to 0.13), or a huge float leaves while a tiny one stays.
    await db.exec('UPDATE f SET x = round(x, 1) WHERE k = 1');
    await expectView('lin', LINEAR);
    expect(await text("SELECT sx FROM lin WHERE name = 'a'")).toEqual(['D3.925']);
    await db.exec('UPDATE f SET x = round(x, 2), r = r * 2 WHERE k IN (1, 3)');
    await expectView('lin', LINEAR);
    expect(await text("SELECT sx FROM lin WHERE name = 'a'")).toEqual(['D3.93']);
    await db.exec('UPDATE f SET r = 0.5 WHERE r > 1e29');
    await expectView('lin', LINEAR);
    // A batch whose changes cancel: nothing moves.
    await db.exec('BEGIN; DELETE FROM f WHERE k = 2; INSERT INTO f VALUES (2, 7, 4, -1e30, 4); COMMIT');
    await expectView('lin', LINEAR);
  });

  it('rolls partial states back with a rolled-back transaction', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    await db.exec('INSERT INTO f VALUES (1, 1, 1, 1, 1), (2, 2, 2, 2, 2)');
    await db.exec(
      "BEGIN; INSERT INTO f VALUES (1, 5, 5, 5, 5); UPDATE d SET name = 'z' WHERE k = 2; ROLLBACK",
    );
    await expectView('lin', LINEAR);
  });

  it('undoes the rows before one whose expression fails, in every kind of view', async () => {
    const views: Record<string, string> = {
      grouped: 'SELECT k, sum(10 / v) AS s, count(*) AS n FROM f GROUP BY k',
      fused: 'SELECT d.name, sum(10 / f.v) AS s, count(*) AS n FROM f JOIN d USING (k) GROUP BY d.name',
      // Fails joining, after the batch is folded into the partials.
      fused_condition:
        'SELECT d.name, sum(f.x) AS s, count(*) AS n FROM f JOIN d ON f.k = d.k AND 10 / f.v > 0 GROUP BY d.name',
      partial: 'SELECT d.name, max(10 / f.v) AS m, count(*) AS n FROM f JOIN d USING (k) GROUP BY d.name',
      joined: 'SELECT d.name, 10 / f.v AS q FROM f JOIN d USING (k)',
    };
    // Made first, maintained before the failing view: its whole batch is undone.
    const ok =
      'SELECT d.name, sum(f.v) AS s, count(*) AS n, avg(f.x) AS ax FROM f JOIN d USING (k) GROUP BY d.name';
    await db.exec(`CREATE MATERIALIZED VIEW ok AS ${ok}`);
    for (const [name, sql] of Object.entries(views)) {
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
      await db.exec('INSERT INTO f (k, x, v) VALUES (1, 0.25, 4), (2, 4, 1)');
      // The third row divides by zero: the commit fails after two rows went into the view's state.
      await expect(
        db.exec('INSERT INTO f (k, x, v) VALUES (1, 1.5, 1), (2, 2.25, 2), (1, 3, 0)'),
      ).rejects.toMatchObject({ code: '22012' });
      await db.exec('INSERT INTO f (k, x, v) VALUES (1, 0.5, 5), (3, 1, 10)');
      // A dimension change reads the partial states (the fused join passes on only their changes).
      await db.exec("UPDATE d SET name = name || 'x' WHERE k IN (1, 2)");
      await expectView(name, sql);
      await expectView('ok', ok);
      expect(await text('SELECT sum(n) FROM ok'), name).toEqual(['D4']);
      await db.exec(`DROP MATERIALIZED VIEW ${name}; DELETE FROM f`);
    }
  });

  it('puts partials and dimension rows back together when a later view fails the commit', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    await db.exec('CREATE TABLE g (x int)');
    await db.exec('CREATE MATERIALIZED VIEW fails AS SELECT 1 / x AS q FROM g');
    await db.exec('INSERT INTO f VALUES (1, 1.5, 1, 1, 1), (2, 2, 2, 2, 2)');
    // One commit drops key 1's only partial and its only dimension row, then fails in `fails`.
    await expect(
      db.exec(
        'BEGIN; DELETE FROM f WHERE k = 1; DELETE FROM d WHERE k = 1; INSERT INTO g VALUES (0); COMMIT',
      ),
    ).rejects.toMatchObject({ code: '22012' });
    await expectView('lin', LINEAR);
    // Key 1's facts still join its dimension row.
    await db.exec('INSERT INTO f VALUES (1, 0.5, 1, 1, 1)');
    await expectView('lin', LINEAR);
    await db.exec("UPDATE d SET name = 'z' WHERE k = 1");
    await expectView('lin', LINEAR);
  });

  it('adds no group for a partial whose facts a commit removed while moving its dimension row', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    await db.exec('INSERT INTO f VALUES (1, 1.5, 1, 1, 1), (2, 2, 2, 2, 2)');
    // Key 1's facts go, then its dimension row moves to a new name, in one commit.
    await db.exec("BEGIN; DELETE FROM f WHERE k = 1; UPDATE d SET name = 'new' WHERE k = 1; COMMIT");
    await expectView('lin', LINEAR);
    expect(await text('SELECT name FROM lin')).toEqual(['"b"']);
    // Emptied and refilled in one commit; emptied, then refilled in the next.
    await db.exec('BEGIN; DELETE FROM f WHERE k = 2; INSERT INTO f VALUES (2, 5, 5, 5, 5); COMMIT');
    await expectView('lin', LINEAR);
    await db.exec('DELETE FROM f WHERE k = 2');
    await expectView('lin', LINEAR);
    await db.exec('INSERT INTO f VALUES (2, 0.25, 1, 0.5, 1), (1, 1, 1, 1, 1)');
    await expectView('lin', LINEAR);
    expect(await text('SELECT name FROM lin')).toEqual(['"b"', '"new"']);
  });

  it('holds one partial per join key, not the fact rows', async () => {
    await db.exec(`CREATE MATERIALIZED VIEW lin AS ${LINEAR}`);
    const bytes = async (): Promise<number> =>
      Number(
        (
          await db.query("SELECT state_bytes FROM liveview_views WHERE viewname = 'lin'", [], {
            rowMode: 'array',
          })
        ).rows[0]![0],
      );
    await db.exec('INSERT INTO f SELECT 1 + i % 3, i, i, i % 7, i FROM generate_series(1, 100) i');
    const small = await bytes();
    await db.exec('INSERT INTO f SELECT 1 + i % 3, i, i, i % 7, i FROM generate_series(1, 20000) i');
    expect(await bytes()).toBe(small);
    await expectView('lin', LINEAR);
  });
});

describe('combining a batch per upper group in the fused join', () => {
  const FLOATS =
    'SELECT d.name, count(*) AS n, sum(f.r) AS sr, avg(f.r) AS ar FROM f JOIN d ON f.k = d.k WHERE f.v <> 13 GROUP BY d.name';

  it('passes the aggregate one row per upper group a batch changed, none when they cancel', async () => {
    await db.exec(
      "INSERT INTO d SELECT i, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END FROM generate_series(4, 300) i",
    );
    await db.exec(`CREATE MATERIALIZED VIEW fl AS ${FLOATS}`);
    // What the upper aggregate is given, batch by batch.
    const pushes: number[] = [];
    const push = DeltaAggregate.prototype.push;
    DeltaAggregate.prototype.push = function (
      this: DeltaAggregate,
      ...args: Parameters<DeltaAggregate['push']>
    ) {
      pushes.push(args[1].rows.length);
      return push.apply(this, args);
    };
    try {
      // 600 facts over 300 join keys of four names, one filtered out between join and aggregate.
      await db.exec('INSERT INTO f (k, r, v) SELECT 1 + i % 300, i, i FROM generate_series(1, 600) i');
      expect(pushes).toEqual([4]);
      await expectView('fl', FLOATS);
      // Facts moved between keys of the same names, values kept: every group's change cancels.
      pushes.length = 0;
      await db.exec('UPDATE f SET k = k + 2 WHERE k BETWEEN 4 AND 200');
      expect(pushes).toEqual([]);
      // Moved to keys of the other parity: two names lose, two gain.
      pushes.length = 0;
      await db.exec('UPDATE f SET k = k + 1 WHERE k BETWEEN 10 AND 20');
      expect(pushes).toEqual([2]);
      await db.exec("UPDATE f SET r = 'NaN' WHERE v = 7");
    } finally {
      DeltaAggregate.prototype.push = push;
    }
    await expectView('fl', FLOATS);
  });
});
