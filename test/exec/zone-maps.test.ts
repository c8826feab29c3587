// Scans skip chunks whose zone map (per-column min/max) rules out a `column op constant` filter.
// A zone map that is wrong loses rows silently, so each kind of column is checked against the same
// filter written so that it cannot use the zone map (`x + 0`, `NOT`): the answers must agree.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

let db: Database;
beforeEach(async () => {
  db = await open();
});
afterEach(async () => {
  await db.close();
});

async function count(sql: string): Promise<number> {
  return Number((await db.query(sql, [], { rowMode: 'array' })).rows[0]![0]);
}

describe('zone maps', () => {
  it('never skip a chunk of numerics, intervals or byteas (columns that keep no min/max)', async () => {
    await db.exec('CREATE TABLE t (n numeric, i interval, b bytea)');
    await db.exec(
      "INSERT INTO t SELECT g / 8.0, make_interval(days => g), decode(lpad(to_hex(g), 8, '0'), 'hex') FROM generate_series(1, 5000) g",
    );
    expect(await count('SELECT count(*) FROM t WHERE n = 2.125')).toBe(1);
    expect(await count('SELECT count(*) FROM t WHERE n > 600')).toBe(
      await count('SELECT count(*) FROM t WHERE n + 0 > 600'),
    );
    expect(await count('SELECT count(*) FROM t WHERE n > 600')).toBe(200);
    expect(await count("SELECT count(*) FROM t WHERE i >= '4000 days'")).toBe(1001);
    expect(await count("SELECT count(*) FROM t WHERE b < '\\x00000010'::bytea")).toBe(15);
    expect((await db.exec('DELETE FROM t WHERE n <= 1'))?.rowCount).toBe(8);
  });

  it('keep NaN, which sorts above every float, in range', async () => {
    await db.exec("CREATE TABLE f (x float8, y real); INSERT INTO f VALUES (1, 1), ('NaN', 'NaN'), (2, 2)");
    expect(await count('SELECT count(*) FROM f WHERE x > 5')).toBe(1);
    expect(await count("SELECT count(*) FROM f WHERE x = 'NaN'")).toBe(1);
    expect(await count('SELECT count(*) FROM f WHERE y >= 2')).toBe(2);
    expect(await count('SELECT count(*) FROM f WHERE x < 1.5')).toBe(1);
    await db.exec("CREATE TABLE g (x float8); INSERT INTO g VALUES ('NaN'), (3)");
    expect(await count('SELECT count(*) FROM g WHERE x < 4')).toBe(1);
  });
});
