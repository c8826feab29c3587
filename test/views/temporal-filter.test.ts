// Views on the clock: a tick judges again only the rows whose time has come when every clock
// condition is a threshold (`ts > now() - interval …`, `ts <= now()`, `d > current_date - 7`), and
// every held row otherwise; either way the view equals its query at each moment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database, type Value } from '../../src/index.js';
import { tickEngineViews } from '../../src/engine/matviews.js';
import type { Expr } from '../../src/plan/expr.js';
import type { LogicalPlan } from '../../src/plan/logical.js';
import { DeltaTemporalFilter, setViewClock } from '../../src/views/operators/temporal-filter.js';
import { MaintenanceRound } from '../../src/views/round.js';

const HOUR = 3_600_000_000;
const T0 = Date.UTC(2026, 10, 21, 12) * 1000;
let db: Database;
let now = T0;
beforeEach(async () => {
  db = await open();
  now = T0;
  db.engine.views.clock = () => now;
  await db.exec('CREATE TABLE ev (ts timestamptz, d date, v int)');
});
afterEach(async () => {
  await db.close();
});

const iso = (us: number): string => new Date(us / 1000).toISOString();

async function sorted(sql: string): Promise<string[]> {
  const res = await db.query(sql, [], { rowMode: 'array' });
  return res.rows
    .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))
    .sort();
}

/** The view against its query run at the view's clock (now() of a query is the statement's time). */
async function expectCurrent(view: string, query: string): Promise<void> {
  const at = `'${iso(now)}'::timestamptz`;
  const d = `'${iso(now).slice(0, 10)}'::date`;
  expect(await sorted(`SELECT * FROM ${view}`)).toEqual(
    await sorted(query.replaceAll('now()', at).replaceAll('current_date', d)),
  );
}

function predicatesOf(p: LogicalPlan): Expr[] {
  if (p.kind === 'filter') return [p.predicate];
  if (p.kind === 'scan') return [...p.filters];
  return predicatesOf((p as { input: LogicalPlan }).input);
}

describe('clock conditions as thresholds', () => {
  it('judge only the rows whose time has come at a tick', async () => {
    await db.exec(
      "CREATE MATERIALIZED VIEW m AS SELECT v FROM ev WHERE ts > now() - interval '1 hour' AND ts <= now() AND v >= 0",
    );
    const view = db.engine.views.all().find((v) => v.name === 'm')!;
    const op = new DeltaTemporalFilter(predicatesOf(view.plan));
    const at = (t: number): MaintenanceRound => {
      setViewClock(view.ctx, t);
      return new MaintenanceRound(view.ctx);
    };
    // 1,000 rows a minute apart from 10 hours ago to 6 hours ahead, every tenth with v < 0.
    const rows: Value[][] = Array.from({ length: 1000 }, (_r, i) => [
      T0 - 10 * HOUR + i * 60_000_000,
      null,
      i % 10 === 0 ? -1 : i,
    ]);
    const inWindow = (r: Value[], t: number): boolean =>
      (r[0] as number) > t - HOUR && (r[0] as number) <= t && (r[2] as number) >= 0;
    const added = op.push(0, { rows, weights: rows.map(() => 1) }, at(T0));
    expect(added.rows.length).toBe(rows.filter((r) => inWindow(r, T0)).length);
    // Ten minutes on: the rows that left and came in, and only the rows that could have changed judged.
    const change = op.tick(at(T0 + HOUR / 6));
    const flipped = rows.filter((r) => inWindow(r, T0) !== inWindow(r, T0 + HOUR / 6));
    expect(change.rows.length).toBe(flipped.length);
    for (let i = 0; i < change.rows.length; i++)
      expect(change.weights[i]).toBe(inWindow(change.rows[i]!, T0) ? -1 : 1);
    expect(op.judged).toBeLessThanOrEqual(22);
    expect(op.judged).toBeGreaterThanOrEqual(flipped.length);
    // Nothing due: nothing judged.
    const before = op.judged;
    expect(op.tick(at(T0 + HOUR / 6 + 1000)).rows).toEqual([]);
    expect(op.judged).toBe(before);
    // Rows past the falling threshold are not held: the state is the window and the rows ahead of it.
    const alive = (t: number): number => rows.filter((r) => (r[0] as number) > t - HOUR).length;
    expect(op.heldRows).toBe(alive(T0 + HOUR / 6));
    // Their deletes (the retention's) and late old rows (a backfill) pass without a trace.
    const old = rows.slice(0, 5);
    expect(op.push(0, { rows: old, weights: old.map(() => -1) }, at(T0 + HOUR / 6)).rows).toEqual([]);
    expect(op.push(0, { rows: [[T0 - 5 * HOUR, null, 7]], weights: [1] }, at(T0 + HOUR / 6)).rows).toEqual(
      [],
    );
    expect(op.heldRows).toBe(alive(T0 + HOUR / 6));
  });

  it('keep views equal to their query as time passes, rows arrive, change and go', async () => {
    const queries = {
      last_hour: "SELECT v FROM ev WHERE ts > now() - interval '1 hour'",
      due: 'SELECT v, ts FROM ev WHERE ts <= now() AND v > 2',
      week: 'SELECT count(*) AS n FROM ev WHERE d > current_date - 7',
      month: "SELECT v FROM ev WHERE ts >= now() - interval '1 month' AND now() + interval '1 day' > ts",
      // Not thresholds: judged at every tick, the same answers.
      age: "SELECT v FROM ev WHERE now() - ts < interval '2 hours'",
    };
    for (const [name, q] of Object.entries(queries))
      await db.exec(`CREATE MATERIALIZED VIEW ${name} AS ${q}`);
    const check = async (): Promise<void> => {
      for (const [name, q] of Object.entries(queries)) await expectCurrent(name, q);
    };
    const values = (hours: number[]): string =>
      hours
        .map((h, i) => `('${iso(now + h * HOUR)}', '${iso(now + h * HOUR).slice(0, 10)}', ${i})`)
        .join(', ');
    await db.exec(`INSERT INTO ev VALUES ${values([-0.5, -1.5, -30, -24 * 40, 0.25, 2, 24 * 3, -24 * 6.5])}`);
    await check();
    for (const step of [0.3, 1, 0.5, 20, 30, 24 * 3, 24 * 30]) {
      now += step * HOUR;
      tickEngineViews(db.engine);
      await check();
      await db.exec(`INSERT INTO ev VALUES ${values([-0.1, 0.1, 5])}`);
      await db.exec('UPDATE ev SET v = v + 1 WHERE v % 3 = 0');
      await db.exec('DELETE FROM ev WHERE v = 4');
      await check();
    }
  });
});
