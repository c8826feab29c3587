// The real server killed with SIGKILL at random moments while several connections write, then
// restarted on the same data directory, again and again. Invariants checked after every restart:
// - every acknowledged transaction is present exactly once;
// - no transaction is half visible: each one's rows in two tables and its counter update are all
//   there or none is;
// - the counter rows (updated in place: delete + insert) agree with the transactions present.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServer } from '../helpers/serve.js';
import { mulberry32 } from '../../src/demo/random.js';

const PASSWORD = 'crash-test';
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const WRITERS = 4;

const dir = mkdtempSync(join(tmpdir(), 'lvdb-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function client(port: number): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user: 'admin', password: PASSWORD, database: 'liveview' });
}

/** Writes transactions until the connection dies; returns the numbers acknowledged. */
async function writer(port: number, w: number, firstN: number, acked: Set<number>): Promise<void> {
  const c = client(port);
  c.on('error', () => undefined);
  try {
    await c.connect();
    for (let n = firstN; ; n++) {
      await c.query(
        `BEGIN; INSERT INTO a VALUES (${w}, ${n}, 1), (${w}, ${n}, 2); INSERT INTO b VALUES (${w}, ${n}, repeat('x', ${n % 50}));` +
          ` UPDATE counters SET v = v + 1 WHERE writer = ${w}; COMMIT`,
      );
      acked.add(n);
    }
  } catch {
    // The server was killed: whatever was in flight may or may not have committed.
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe('crash recovery of the server', () => {
  it(`keeps every acknowledged transaction whole across ${KILLS} SIGKILLs`, async () => {
    const rnd = mulberry32(20261121);
    const acked = Array.from({ length: WRITERS }, () => new Set<number>());
    const nextN = Array.from({ length: WRITERS }, () => 0);
    let server: RunningServer | null = null;
    try {
      for (let round = 0; round <= KILLS; round++) {
        server = await startServe(PASSWORD, ['--checkpoint-interval', '300'], dir);
        const c = client(server.port);
        await c.connect();
        if (round === 0) {
          await c.query(
            'CREATE TABLE a (writer int, n int, part int); CREATE TABLE b (writer int, n int, pad text)',
          );
          await c.query('CREATE TABLE counters (writer int, v int)');
          await c.query(`INSERT INTO counters SELECT g, 0 FROM generate_series(0, ${WRITERS - 1}) g`);
        }
        // Check what survived the last kill.
        const a = await c.query<{ writer: number; n: number; parts: string }>(
          'SELECT writer, n, count(*) AS parts FROM a GROUP BY writer, n',
        );
        const b = await c.query<{ writer: number; n: number; k: string }>(
          'SELECT writer, n, count(*) AS k FROM b GROUP BY writer, n',
        );
        const counters = await c.query<{ writer: number; v: number; k: string }>(
          'SELECT writer, max(v) AS v, count(*) AS k FROM counters GROUP BY writer ORDER BY writer',
        );
        const present = Array.from({ length: WRITERS }, () => new Map<number, string>());
        for (const r of a.rows) present[r.writer]!.set(r.n, `a${r.parts}`);
        for (const r of b.rows) present[r.writer]!.set(r.n, `${present[r.writer]!.get(r.n) ?? 'a0'} b${r.k}`);
        for (let w = 0; w < WRITERS; w++) {
          for (const [n, shape] of present[w]!) expect(shape, `writer ${w} transaction ${n}`).toBe('a2 b1');
          for (const n of acked[w]!) expect(present[w]!.has(n), `acknowledged ${w}/${n} lost`).toBe(true);
          const row = counters.rows.find((r) => r.writer === w);
          expect(row?.k, `counter rows of writer ${w}`).toBe('1');
          expect(row?.v, `counter of writer ${w}`).toBe(present[w]!.size);
          nextN[w] = Math.max(nextN[w]!, ...present[w]!.keys(), ...acked[w]!) + 1;
        }
        await c.end();
        if (round === KILLS) break;
        const writers = acked.map((set, w) => writer(server!.port, w, nextN[w]!, set));
        await new Promise((r) => setTimeout(r, 150 + rnd() * 600));
        await server.kill('SIGKILL');
        await Promise.all(writers);
      }
      const total = acked.reduce((n, s) => n + s.size, 0);
      expect(total).toBeGreaterThan(KILLS);
    } finally {
      if (server) await server.kill('SIGTERM');
    }
  }, 600_000);
});
