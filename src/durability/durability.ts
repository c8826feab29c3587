import type { Logger } from 'pino';
import pino from 'pino';
import type { CommitLog, Engine } from '../engine/database.js';
import type { Transaction } from '../engine/transaction.js';
import type { Role } from '../tenancy/roles.js';
import { join } from 'node:path';
import type { CheckpointWriter } from './checkpoint.js';
import { DataDirLock } from './lock-file.js';
import { encodeCommit, encodeRoles, encodeTokens } from './records.js';
import { recover, type RecoveryReport } from './recovery.js';
import { WalWriter, type SyncMode } from './wal.js';

/**
 * Durability settings of a database with a data directory.
 * @example
 * const db = await open({ path: './data', durability: { sync: 'batch', batchIntervalMs: 20 } });
 */
export interface DurabilityOptions {
  /** When a commit counts as durable (see SyncMode); default 'fsync'. */
  readonly sync?: SyncMode;
  /** In 'batch' mode, the longest time between fsyncs: the loss window on power failure. Default 10. */
  readonly batchIntervalMs?: number;
  /** WAL segment size before rotation; default 64 MiB. */
  readonly segmentBytes?: number;
  /** Checkpoint at least this often while there are changes; default 60 s (0: only at close). */
  readonly checkpointIntervalMs?: number;
  /** Checkpoint once this much WAL has been written since the last one; default 256 MiB. */
  readonly checkpointWalBytes?: number;
  readonly logger?: Logger;
}

/**
 * Figures for monitoring (and tests).
 * @example
 * db.durability?.stats.lastCheckpointChunksWritten; // 1
 */
export interface DurabilityStats {
  readonly recovery: RecoveryReport;
  readonly walLsn: number;
  readonly durableLsn: number;
  readonly checkpoints: number;
  readonly lastCheckpointLsn: number;
  readonly lastCheckpointChunksWritten: number;
}

/**
 * The write-ahead log and checkpoints of one data directory, attached to an engine as its
 * CommitLog: every commit is logged before it is applied and acknowledged once durable.
 *
 * @example
 * const d = await Durability.open(engine, '/data', {});
 * await d.checkpoint();
 * await d.close();
 */
export class Durability implements CommitLog {
  private roles: readonly Role[];
  private checkpointing: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private walBytesAtCheckpoint = 0;
  private bytesLogged = 0;
  private checkpoints = 0;
  private lastCheckpointLsn: number;
  private lastChunksWritten = 0;
  private closed = false;

  private constructor(
    private readonly engine: Engine,
    private readonly wal: WalWriter,
    private readonly writer: CheckpointWriter,
    private readonly lock: DataDirLock,
    readonly recovery: RecoveryReport,
    private readonly options: DurabilityOptions,
    private readonly log: Logger,
  ) {
    this.roles = recovery.roles;
    this.lastCheckpointLsn = recovery.checkpointLsn;
  }

  /**
   * Locks `dir`, recovers its contents into `engine` (fresh), and attaches the log to it.
   */
  static async open(engine: Engine, dir: string, options: DurabilityOptions = {}): Promise<Durability> {
    const log = options.logger ?? pino({ level: 'silent' });
    const lock = DataDirLock.acquire(dir);
    try {
      const report = await recover(engine, dir, log);
      const wal = await WalWriter.open(join(dir, 'wal'), report.lastLsn, {
        sync: options.sync ?? 'fsync',
        batchIntervalMs: options.batchIntervalMs ?? 10,
        segmentBytes: options.segmentBytes ?? 64 << 20,
      });
      const d = new Durability(engine, wal, report.writer, lock, report, options, log);
      engine.log = d;
      engine.tokens.onChange = () => d.tokensChanged();
      engine.roles.onChange = () => d.rolesChanged();
      const every = options.checkpointIntervalMs ?? 60_000;
      if (every > 0) d.timer = setInterval(() => void d.checkpointIfChanged(), every).unref();
      return d;
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  commit(txn: Transaction, seq: number): Promise<void> {
    const roles = txn.rolesChanged ? this.engine.roles.export() : null;
    const payload = encodeCommit(txn, seq, roles);
    const lsn = this.wal.append(payload);
    if (roles) this.roles = roles;
    this.logged(payload.length);
    return this.wal.durable(lsn);
  }

  tokensChanged(): void {
    this.appendDetached(encodeTokens(this.engine.tokens.export()));
  }

  rolesChanged(): void {
    this.roles = this.engine.roles.export();
    this.appendDetached(encodeRoles(this.roles));
  }

  /** Logs a change made outside a transaction; its durability is waited for by the next commit. */
  private appendDetached(payload: Buffer): void {
    const lsn = this.wal.append(payload);
    this.logged(payload.length);
    this.wal
      .durable(lsn)
      .catch((e: Error) => this.log.error({ err: e.message }, 'write-ahead log write failed'));
  }

  private logged(bytes: number): void {
    this.bytesLogged += bytes;
    const limit = this.options.checkpointWalBytes ?? 256 << 20;
    if (this.bytesLogged - this.walBytesAtCheckpoint >= limit) void this.checkpointIfChanged();
  }

  private async checkpointIfChanged(): Promise<void> {
    if (this.wal.lastLsn === this.lastCheckpointLsn || this.closed) return;
    try {
      await this.checkpoint();
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'checkpoint failed');
    }
  }

  /**
   * Takes a checkpoint now (waiting for one already running). Returns false when it has to wait
   * for transactions with uncommitted DDL to end and could not within `waitMs`.
   */
  async checkpoint(waitMs = 10_000): Promise<boolean> {
    while (this.checkpointing) await this.checkpointing;
    const run = this.runCheckpoint(waitMs);
    this.checkpointing = run;
    try {
      return await run;
    } finally {
      this.checkpointing = null;
    }
  }

  private async runCheckpoint(waitMs: number): Promise<boolean> {
    // DDL is applied in place before commit: capture only when none is in flight.
    const deadline = Date.now() + waitMs;
    while (this.engine.catalog.locks.hasExclusive()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    const started = performance.now();
    const lsn = this.wal.lastLsn;
    const image = this.writer.capture(this.engine, lsn, this.roles);
    this.walBytesAtCheckpoint = this.bytesLogged;
    // The checkpoint must not get ahead of the log it replaces.
    await this.wal.sync();
    this.lastChunksWritten = await this.writer.write(image, () => new Promise((r) => setImmediate(r)));
    const oldest = await this.writer.oldestKeptLsn();
    const removed = await this.wal.removeThrough(oldest);
    this.lastCheckpointLsn = lsn;
    this.checkpoints++;
    this.log.info(
      {
        lsn,
        chunksWritten: this.lastChunksWritten,
        segmentsRemoved: removed,
        ms: Math.round(performance.now() - started),
      },
      'checkpoint',
    );
    return true;
  }

  get stats(): DurabilityStats {
    return {
      recovery: this.recovery,
      walLsn: this.wal.lastLsn,
      durableLsn: this.wal.durableLsn,
      checkpoints: this.checkpoints,
      lastCheckpointLsn: this.lastCheckpointLsn,
      lastCheckpointChunksWritten: this.lastChunksWritten,
    };
  }

  /** A clean shutdown: a last checkpoint, the log synced and closed, the directory unlocked. */
  async close(options: { checkpoint?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    try {
      if (options.checkpoint !== false) {
        while (this.checkpointing) await this.checkpointing;
        if (this.wal.lastLsn !== this.lastCheckpointLsn) await this.runCheckpoint(1_000);
      }
      await this.wal.close();
    } finally {
      this.engine.log = null;
      this.engine.tokens.onChange = null;
      this.engine.roles.onChange = null;
      this.lock.release();
    }
  }
}
