// Recovery of a data directory: the newest valid checkpoint plus the WAL after it gives back every
// committed change (rows, deletes, updates, DDL, views, roles, tokens) and nothing uncommitted; a
// torn WAL tail ends replay at the last whole record; a corrupt checkpoint falls back to the older
// one plus the log; a second process cannot open the same directory.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { open, type Database } from '../../src/index.js';
import { errorCode } from '../helpers/db.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lvdb-recovery-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Stops the database as a crash would after its last fsync: no checkpoint, no clean shutdown. */
async function crash(db: Database): Promise<void> {
  await db.durability!.close({ checkpoint: false });
}

async function rows(db: Database, sql: string): Promise<unknown[][]> {
  return (await db.query(sql, [], { rowMode: 'array' })).rows;
}

function walFiles(dir: string): string[] {
  return readdirSync(join(dir, 'wal'))
    .filter((f) => f.endsWith('.wal'))
    .sort()
    .map((f) => join(dir, 'wal', f));
}

describe('recovery', () => {
  it('replays rows, deletes, updates and DDL committed after the last checkpoint', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec(
      'CREATE SCHEMA s; CREATE TABLE s.t (id int NOT NULL, name text, amount numeric(10,2), at timestamptz, tags text[], raw bytea, span interval)',
    );
    await db.exec(
      "INSERT INTO s.t SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END, g * 1.25, '2026-01-01'::timestamptz + g * interval '1 minute', ARRAY['a', g::text], '\\x00ff'::bytea, interval '1 day 2 hours' FROM generate_series(1, 70000) g",
    );
    await db.exec(
      "BEGIN; DELETE FROM s.t WHERE id % 10 = 0; UPDATE s.t SET name = 'changed' WHERE id = 5; COMMIT",
    );
    await db.exec('CREATE VIEW s.v AS SELECT count(*) AS n, sum(amount) AS total FROM s.t');
    await db.exec('CREATE TABLE s.small AS SELECT id FROM s.t WHERE id < 4');
    await db.exec("ALTER TABLE s.small ADD COLUMN note text DEFAULT 'd'");
    await db.exec('ALTER TABLE s.small RENAME TO little');
    await db.exec("BEGIN; INSERT INTO s.little VALUES (100, 'rolled back'); ROLLBACK");
    await db.exec(
      "BEGIN; INSERT INTO s.little VALUES (200, 'kept'); SAVEPOINT a; INSERT INTO s.little VALUES (300, 'undone'); ROLLBACK TO a; COMMIT",
    );
    await db.exec("CREATE ROLE reader LOGIN PASSWORD 'pw'");
    db.engine.tokens.create('dash');
    const expected = {
      total: await rows(db, 'SELECT * FROM s.v'),
      little: await rows(db, 'SELECT * FROM s.little ORDER BY id'),
      sample: await rows(db, 'SELECT * FROM s.t WHERE id IN (5, 7, 69999) ORDER BY id'),
    };
    await crash(db);

    const again = await open({ path: dir });
    expect(again.durability!.recovery.checkpoint).toBeNull();
    expect(again.durability!.recovery.replayed).toBeGreaterThan(5);
    expect(await rows(again, 'SELECT * FROM s.v')).toEqual(expected.total);
    expect(await rows(again, 'SELECT * FROM s.little ORDER BY id')).toEqual(expected.little);
    expect(await rows(again, 'SELECT * FROM s.t WHERE id IN (5, 7, 69999) ORDER BY id')).toEqual(
      expected.sample,
    );
    expect(again.engine.roles.get('reader')?.secrets).toHaveLength(1);
    expect(again.engine.tokens.list().map((t) => t.name)).toEqual(['dash']);
    // Writes after recovery go on where the log ended.
    await again.exec('INSERT INTO s.little VALUES (400, null)');
    await again.close();
    const third = await open({ path: dir });
    expect(third.durability!.recovery.checkpoint).not.toBeNull();
    expect(third.durability!.recovery.replayed).toBe(0);
    expect(await rows(third, 'SELECT count(*) FROM s.little')).toEqual([[5n]]);
    expect(await rows(third, 'SELECT * FROM s.v')).toEqual(expected.total);
    await third.close();
  });

  it('recovers a checkpoint plus the log after it, and restarts the commit sequence after both', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int, v float8)');
    await db.append('t', { id: [1, 2, 3], v: [0.5, 1.5, 2.5] });
    expect(await db.checkpoint()).toBe(true);
    await db.exec('DELETE FROM t WHERE id = 2');
    await db.append('t', { id: [4], v: [4.5] });
    const seq = db.engine.seq;
    await crash(db);
    const again = await open({ path: dir });
    expect(again.durability!.recovery.checkpoint).toMatch(/\.manifest$/);
    expect(again.durability!.recovery.replayed).toBe(2);
    expect(again.engine.seq).toBe(seq);
    expect(await rows(again, 'SELECT id, v FROM t ORDER BY id')).toEqual([
      [1, 0.5],
      [3, 2.5],
      [4, 4.5],
    ]);
    await again.close();
  });

  it('writes only changed chunks at the next checkpoint', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int)');
    await db.exec('INSERT INTO t SELECT g FROM generate_series(1, 200000) g');
    await db.checkpoint();
    expect(db.durability!.stats.lastCheckpointChunksWritten).toBe(4);
    await db.exec('INSERT INTO t VALUES (0)');
    await db.checkpoint();
    // Three sealed chunks keep their files; only the growing tail is written again.
    expect(db.durability!.stats.lastCheckpointChunksWritten).toBe(1);
    await db.exec('DELETE FROM t WHERE id = 1');
    await db.checkpoint();
    // Deletes live in the manifest: no chunk file changes.
    expect(db.durability!.stats.lastCheckpointChunksWritten).toBe(0);
    await db.close();
    const again = await open({ path: dir });
    expect(await rows(again, 'SELECT count(*), min(id), max(id) FROM t')).toEqual([[200000n, 0, 200000]]);
    await again.close();
  });

  it('ends replay at a torn last record, whatever byte it was cut at', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int, note text)');
    for (let i = 1; i <= 3; i++) await db.exec(`INSERT INTO t VALUES (${i}, 'row ${i}')`);
    await crash(db);
    const [segment] = walFiles(dir);
    const full = readFileSync(segment!);
    // The last record: INSERT of row 3. Find where it starts by cutting until recovery loses it.
    const sizes: number[] = [];
    const probe = tempDir();
    let lastStart = full.length;
    for (let cut = full.length - 1; cut >= 0; cut--) {
      rmSync(probe, { recursive: true, force: true });
      cpSync(dir, probe, { recursive: true });
      truncateSync(walFiles(probe)[0]!, cut);
      const r = await open({ path: probe });
      const n = (await rows(r, 'SELECT count(*) FROM t').catch(() => [[-1n]]))[0]![0] as bigint;
      await r.close();
      if (n === 3n) throw new Error(`cut at ${cut} kept the torn record`);
      if (n !== 2n) {
        lastStart = cut + 1;
        break;
      }
      sizes.push(cut);
    }
    // Every cut inside the last record (header or payload) lost exactly that record.
    expect(sizes.length).toBe(full.length - lastStart);
    expect(sizes.length).toBeGreaterThan(16);
  });

  it('cuts a torn tail off, so later commits are not hidden behind it', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int)');
    await db.exec('INSERT INTO t VALUES (1)');
    await db.exec('INSERT INTO t VALUES (2)');
    await crash(db);
    const seg = walFiles(dir)[0]!;
    truncateSync(seg, statSync(seg).size - 3);
    const r = await open({ path: dir });
    expect(r.durability!.recovery.stoppedAt).toMatch(/cut short/);
    await r.exec('INSERT INTO t VALUES (3)');
    await crash(r);
    const again = await open({ path: dir });
    expect(await rows(again, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [3]]);
    await again.close();
  });

  it('falls back to the older checkpoint plus the log when the newest is corrupt', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int)');
    await db.exec('INSERT INTO t SELECT g FROM generate_series(1, 1000) g');
    await db.checkpoint();
    await db.exec('INSERT INTO t VALUES (5000)');
    await db.checkpoint();
    await db.exec('INSERT INTO t VALUES (6000)');
    await crash(db);
    const manifests = readdirSync(join(dir, 'checkpoint'))
      .filter((f) => f.endsWith('.manifest'))
      .sort();
    expect(manifests).toHaveLength(2);
    const newest = join(dir, 'checkpoint', manifests[1]!);
    const bytes = readFileSync(newest);
    bytes[10]! ^= 0xff;
    writeFileSync(newest, bytes);
    const again = await open({ path: dir });
    expect(again.durability!.recovery.checkpoint).toBe(join(dir, 'checkpoint', manifests[0]!));
    expect(await rows(again, 'SELECT count(*), max(id) FROM t')).toEqual([[1002n, 6000]]);
    await again.close();
  });

  it('fails with a message naming the file when no checkpoint loads and the log does not reach back', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int)');
    await db.exec('INSERT INTO t VALUES (1)');
    await db.close();
    // A second run and checkpoint: the first segment is covered by both kept checkpoints and goes.
    const second = await open({ path: dir });
    await second.exec('INSERT INTO t VALUES (2)');
    await second.close();
    expect(walFiles(dir)[0]).not.toMatch(/0000000000000001\.wal$/);
    const chunkDir = join(dir, 'checkpoint', 'chunks');
    const chunks = readdirSync(chunkDir).map((f) => join(chunkDir, f));
    for (const chunk of chunks) {
      const bytes = readFileSync(chunk);
      bytes[0]! ^= 1;
      writeFileSync(chunk, bytes);
    }
    await expect(open({ path: dir })).rejects.toMatchObject({
      code: 'XX001',
      message: expect.stringContaining(chunks[0]!.slice(0, -8)),
    });
    // The failed open left the directory unlocked.
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('replays the whole log when no checkpoint loads but the log reaches back to its start', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    await db.exec('CREATE TABLE t (id int)');
    await db.exec('INSERT INTO t VALUES (1), (2)');
    await db.close();
    const chunkDir = join(dir, 'checkpoint', 'chunks');
    for (const f of readdirSync(chunkDir)) writeFileSync(join(chunkDir, f), 'garbage');
    const again = await open({ path: dir });
    expect(again.durability!.recovery.checkpoint).toBeNull();
    expect(await rows(again, 'SELECT count(*) FROM t')).toEqual([[2n]]);
    await again.close();
  });

  it('refuses a data directory another open database holds', async () => {
    const dir = tempDir();
    const db = await open({ path: dir });
    expect(await errorCode(() => open({ path: dir }))).toBe('55006');
    await db.close();
    const again = await open({ path: dir });
    await again.close();
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'LOCK'), '999999999\n');
    const db = await open({ path: dir });
    await db.close();
  });

  it('keeps every acknowledged commit in batch and off modes after a clean close', async () => {
    for (const sync of ['batch', 'off'] as const) {
      const dir = tempDir();
      const db = await open({ path: dir, durability: { sync, batchIntervalMs: 5 } });
      await db.exec('CREATE TABLE t (id int)');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => db.session().execute(`INSERT INTO t VALUES (${i})`)),
      );
      await crash(db);
      const again = await open({ path: dir });
      expect(await rows(again, 'SELECT count(*), sum(id) FROM t')).toEqual([[20n, 190n]]);
      await again.close();
    }
  });

  it('rotates segments and removes those the kept checkpoints cover', async () => {
    const dir = tempDir();
    const db = await open({ path: dir, durability: { segmentBytes: 1024 } });
    await db.exec('CREATE TABLE t (id int, pad text)');
    for (let i = 0; i < 40; i++)
      await db.exec(
        `INSERT INTO t SELECT g, repeat('x', 20) FROM generate_series(${i * 10}, ${i * 10 + 9}) g`,
      );
    expect(walFiles(dir).length).toBeGreaterThan(3);
    await db.checkpoint();
    await db.exec('INSERT INTO t VALUES (-1, null)');
    await db.checkpoint();
    expect(walFiles(dir).length).toBeLessThanOrEqual(2);
    await crash(db);
    const again = await open({ path: dir });
    expect(await rows(again, 'SELECT count(*) FROM t')).toEqual([[401n]]);
    await again.close();
  });
});
