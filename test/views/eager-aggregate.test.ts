// Eager aggregation in views: a GROUP BY over a join whose aggregates read one side is maintained
// from partial aggregates of that side (eager-aggregate.ts). These tests pin what the random
// property test cannot see: numeric display scales, float4 rounding, int8 sums past 2^53, and that
// the view's state does not grow with the fact table.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
      partial: 'SELECT d.name, max(10 / f.v) AS m, count(*) AS n FROM f JOIN d USING (k) GROUP BY d.name',
      joined: 'SELECT d.name, 10 / f.v AS q FROM f JOIN d USING (k)',
    };
    for (const [name, sql] of Object.entries(views))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
    // The third row divides by zero: the commit fails after two rows went into every view's state.
    await expect(db.exec('INSERT INTO f (k, v) VALUES (1, 1), (2, 2), (1, 0)')).rejects.toMatchObject({
      code: '22012',
    });
    await db.exec('INSERT INTO f (k, v) VALUES (1, 5), (3, 10)');
    for (const [name, sql] of Object.entries(views)) await expectView(name, sql);
    expect(await text('SELECT n FROM fused')).toEqual(['2n']);
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
