/**
 * Cooperative execution: long operators give the event loop back between slices, including while a
 * hash join reads its build side and while an aggregate consumes its input, and a cancel between
 * slices fails the statement with 57014 and leaves the session usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';

let db: Database;
const N = 400_000;

beforeAll(async () => {
  db = await open();
  await db.exec('CREATE TABLE big (k int, v double precision)');
  await db.append('big', {
    k: Int32Array.from({ length: N }, (_x, i) => (i * 7919) % 100_000),
    v: Float64Array.from({ length: N }, (_x, i) => i % 1000),
  });
});
afterAll(async () => db.close());

/** Runs `sql` on a fresh session with tiny slices; counts event-loop turns seen meanwhile. */
async function turnsDuring(sql: string): Promise<{ turns: number; rows: unknown[][] }> {
  const s = db.session();
  s.setLimits({ sliceMs: 1 });
  let turns = 0;
  let running = true;
  const tick = (): void => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const [res] = await s.execute(sql);
  running = false;
  return { turns, rows: res!.rows };
}

describe('cooperative execution', () => {
  it('yields while a hash join builds a large right side', async () => {
    // The probe side is one row: the turns can only come from reading the build side.
    const { turns, rows } = await turnsDuring(
      'SELECT count(*) FROM (VALUES (7919)) a(k) JOIN big b ON a.k = b.k',
    );
    expect(rows).toEqual([[4n]]);
    expect(turns).toBeGreaterThan(3);
  });

  it('yields while aggregating', async () => {
    const { turns, rows } = await turnsDuring('SELECT count(DISTINCT k), sum(v) FROM big');
    expect(rows).toEqual([[100_000n, 199_800_000]]);
    expect(turns).toBeGreaterThan(3);
  });

  it('a cancel between slices fails the statement with 57014; the session keeps working', async () => {
    const s = db.session();
    s.setLimits({ sliceMs: 1 });
    setImmediate(() => s.cancel());
    await expect(s.execute('SELECT count(*) FROM big a JOIN big b ON a.k = b.k')).rejects.toMatchObject({
      code: '57014',
    });
    const [res] = await s.execute('SELECT count(*) FROM big');
    expect(res!.rows).toEqual([[400_000n]]);
  });
});
