import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Engine } from '../engine/database.js';
import { Session } from '../engine/session.js';
import { DatabaseError, SqlState } from '../errors.js';
import type { Role } from '../tenancy/roles.js';
import type { ByteReader } from './bytes.js';
import { CheckpointWriter, listManifests, loadCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { readChunk } from './chunk-codec.js';
import { openRecord, readDeleteBlock, RecordKind, type CommitHeader } from './records.js';
import { listSegments } from './wal.js';
import { scanRecords } from './wal-record.js';

/** What recovery found and did. */
export interface RecoveryReport {
  /** The checkpoint loaded (its manifest file), or null when replay started from an empty database. */
  readonly checkpoint: string | null;
  readonly checkpointLsn: number;
  /** Records replayed from the WAL after the checkpoint. */
  readonly replayed: number;
  /** The last valid record's sequence number (new records follow it). */
  readonly lastLsn: number;
  /** Where replay stopped early (a torn or corrupt record), if it did. */
  readonly stoppedAt: string | null;
  /** The roles as last committed. */
  readonly roles: readonly Role[];
  readonly writer: CheckpointWriter;
  readonly ms: number;
  /** Of `ms`, the time spent filling materialized views from their base tables. */
  /**
   * Resolves, with the milliseconds it took, once the materialized views are rebuilt from the
   * recovered tables (in the background: the database is open before; statements reading a view
   * wait for it).
   */
  readonly viewsBuilt: Promise<number>;
}

/** Applies one commit record: its DDL through `session`, then its rows. */
async function replayCommit(
  engine: Engine,
  session: Session,
  r: ByteReader,
): Promise<readonly Role[] | null> {
  const seq = r.f64();
  const header = r.json<CommitHeader>();
  for (const entry of header.ddl) await session.replayDdl(entry);
  if (header.roles) engine.roles.import(header.roles);
  for (const t of header.tables) {
    const table = engine.catalog.schemas.get(t.schema)?.tables.get(t.name);
    if (!table) throw new Error(`commit ${seq} changes table ${t.schema}.${t.name}, which does not exist`);
    if (table.columns.length !== t.columns)
      throw new Error(
        `commit ${seq}: table ${t.schema}.${t.name} has ${table.columns.length} columns, the log ${t.columns}`,
      );
    if (t.inserted > 0) table.appendChunk(readChunk(r, table.types, Infinity));
    for (let i = 0; i < t.deleteChunks; i++) {
      const { chunk, rows } = readDeleteBlock(r);
      const c = table.chunks[chunk];
      if (!c)
        throw new Error(
          `commit ${seq} deletes in chunk ${chunk} of ${t.name}, which has ${table.chunks.length}`,
        );
      for (const row of rows) c.markDeleted(row, seq);
      table.version++;
    }
  }
  engine.seq = seq;
  return header.roles ?? null;
}

/**
 * Brings `engine` (fresh, empty) to the last durable state in `dir`: the newest checkpoint that
 * loads (falling back to an older one when one is corrupt), then every WAL record after it up to
 * the first torn or corrupt one, which is cut off with a warning.
 */
export async function recover(engine: Engine, dir: string, log: Logger): Promise<RecoveryReport> {
  const started = performance.now();
  const cpDir = join(dir, 'checkpoint');
  const walDir = join(dir, 'wal');
  await mkdir(cpDir, { recursive: true });
  await mkdir(walDir, { recursive: true });
  const writer = new CheckpointWriter(cpDir, 1);
  const segments = await listSegments(walDir);
  let checkpoint: string | null = null;
  let fromLsn = 0;
  let roles: readonly Role[] = engine.roles.export();
  let matviews: LoadedCheckpoint['matviews'] = [];
  const failures: string[] = [];
  for (const m of await listManifests(cpDir)) {
    try {
      const loaded = await loadCheckpoint(engine, cpDir, m.file, writer);
      checkpoint = loaded.file;
      fromLsn = loaded.lsn;
      roles = loaded.roles;
      matviews = loaded.matviews;
      break;
    } catch (e) {
      const msg = (e as Error).message;
      failures.push(msg);
      log.error({ file: m.file, err: msg }, 'checkpoint is unusable; trying an older one');
    }
  }
  // Without a usable checkpoint, the log must reach back to the first record.
  if (failures.length > 0 && checkpoint === null && segments[0]?.lsn !== 1)
    throw new DatabaseError(SqlState.dataCorrupted, `cannot recover "${dir}": ${failures.join('; ')}`, {
      hint: 'Restore the data directory from a backup.',
    });
  const session = new Session(engine);
  // Views are defined during replay but filled only at the end, from the recovered tables.
  engine.views.suspended = true;
  for (const m of matviews) await session.replayDdl({ stmt: null, sql: m.sql, searchPath: m.searchPath });
  let expected = fromLsn + 1;
  let replayed = 0;
  let stoppedAt: string | null = null;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    if (next && next.lsn <= expected) continue; // wholly before the checkpoint
    if (seg.lsn > expected) {
      stoppedAt = `${seg.file}: records ${expected} to ${seg.lsn - 1} are missing`;
      log.error({ file: seg.file }, stoppedAt);
      await setAside(segments.slice(i), log);
      break;
    }
    const buf = await readFile(seg.file);
    const { records, stop } = scanRecords(buf, seg.lsn);
    for (const rec of records) {
      if (rec.lsn < expected) continue;
      const { kind, reader } = openRecord(rec.payload);
      if (kind === RecordKind.Commit) roles = (await replayCommit(engine, session, reader)) ?? roles;
      else if (kind === RecordKind.Tokens) engine.tokens.import(reader.json());
      else if (kind === RecordKind.Roles) engine.roles.import((roles = reader.json<Role[]>()));
      else throw new Error(`${seg.file}: record ${rec.lsn} has unknown kind ${kind as number}`);
      expected = rec.lsn + 1;
      replayed++;
    }
    if (stop) {
      stoppedAt = `${seg.file} at byte ${stop.offset}: ${stop.reason}`;
      log.warn(
        { file: seg.file, offset: stop.offset, reason: stop.reason },
        'WAL ends in a torn or corrupt record; replay stops there',
      );
      await truncateFile(seg.file, stop.offset);
      await setAside(segments.slice(i + 1), log);
      break;
    }
  }
  const viewsStarted = performance.now();
  const viewsBuilt = session.resumeViews().then(() => {
    const built = performance.now() - viewsStarted;
    if (engine.views.size > 0 && !engine.views.stopped)
      log.info({ views: engine.views.size, ms: Math.round(built) }, 'materialized views rebuilt');
    return built;
  });
  const ms = performance.now() - started;
  log.info({ checkpoint, replayed, lastLsn: expected - 1, ms: Math.round(ms) }, 'recovery done');
  return {
    checkpoint,
    checkpointLsn: fromLsn,
    replayed,
    lastLsn: expected - 1,
    stoppedAt,
    roles,
    writer,
    ms,
    viewsBuilt,
  };
}

async function truncateFile(file: string, length: number): Promise<void> {
  const f = await open(file, 'r+');
  try {
    await f.truncate(length);
    await f.sync();
  } finally {
    await f.close();
  }
}

/** Moves segments after a break in the log out of the way (kept for inspection, never replayed). */
async function setAside(segments: readonly { file: string }[], log: Logger): Promise<void> {
  for (const s of segments) {
    await rename(s.file, `${s.file}.unreplayed`);
    log.error({ file: s.file }, 'WAL segment after the end of the valid log set aside');
  }
}
