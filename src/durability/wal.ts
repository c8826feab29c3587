import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecord } from './wal-record.js';
import { fsyncDirectory, listLsnFiles, lsnFileName } from './files.js';

/**
 * When a commit counts as durable:
 * - `fsync` (default): after its record is written and fdatasync'ed. Commits that arrive while a
 *   sync runs wait for the next one and share it (group commit).
 * - `batch`: after its record is written to the operating system; an fdatasync runs at most every
 *   `batchIntervalMs`. A process crash loses nothing; a power loss, at most that interval.
 * - `off`: at once; records are written in the background and synced only at rotation and close.
 *   A crash may lose the last commits.
 *
 * @example
 * const db = await open({ path: './data', durability: { sync: 'batch' } });
 */
export type SyncMode = 'fsync' | 'batch' | 'off';

export interface WalOptions {
  readonly sync: SyncMode;
  readonly batchIntervalMs: number;
  /** A segment rotates once it reaches this many bytes. */
  readonly segmentBytes: number;
}

/** File name of the segment whose first record is `lsn`. */
export function segmentName(lsn: number): string {
  return lsnFileName(lsn, 'wal');
}

/** The segments in `dir`, oldest first, with the sequence number of each one's first record. */
export function listSegments(dir: string): Promise<{ lsn: number; file: string }[]> {
  return listLsnFiles(dir, 'wal');
}

interface Waiter {
  readonly lsn: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * The write-ahead log's writer: records are appended in commit order (synchronously, so the order
 * is the order commits were applied), written by one background loop, and made durable as the
 * sync mode says. A new segment starts at every open and whenever the current one is full.
 *
 * @example
 * const wal = await WalWriter.open('/data/wal', 42, { sync: 'fsync', batchIntervalMs: 10, segmentBytes: 64 << 20 });
 * const lsn = wal.append(payload);
 * await wal.durable(lsn);
 */
export class WalWriter {
  private file: FileHandle | null = null;
  private segmentSize = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Sequence number of the last record appended, written, and made durable. */
  private appended: number;
  private written: number;
  private synced: number;
  private waiters: Waiter[] = [];
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly dir: string,
    lastLsn: number,
    private readonly options: WalOptions,
  ) {
    this.appended = this.written = this.synced = lastLsn;
  }

  /** Opens the log for appending after record `lastLsn` (the last one recovery found). */
  static async open(dir: string, lastLsn: number, options: WalOptions): Promise<WalWriter> {
    await mkdir(dir, { recursive: true });
    const w = new WalWriter(dir, lastLsn, options);
    await w.startSegment();
    if (options.sync === 'batch')
      w.timer = setInterval(
        () => {
          w.forceSync = true;
          w.kick();
        },
        Math.max(1, options.batchIntervalMs),
      ).unref();
    return w;
  }

  /** Sequence number of the last record appended. */
  get lastLsn(): number {
    return this.appended;
  }

  /** Sequence number through which records are fsync'ed. */
  get durableLsn(): number {
    return this.synced;
  }

  /** Bytes in the current segment (including records not yet written). */
  get currentSegmentBytes(): number {
    return this.segmentSize + this.pendingBytes;
  }

  /** Appends one record; returns its sequence number. It is written by the background loop. */
  append(payload: Uint8Array): number {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('write-ahead log is closed');
    const lsn = ++this.appended;
    const rec = encodeRecord(lsn, payload);
    this.pending.push(rec);
    this.pendingBytes += rec.length;
    return lsn;
  }

  /** Resolves when record `lsn` is durable as the sync mode defines it. */
  durable(lsn: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.kick();
    if (this.options.sync === 'off') return Promise.resolve();
    if (this.doneLsn() >= lsn) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.waiters.push({ lsn, resolve, reject }));
  }

  /** Writes and fsyncs everything appended so far (checkpoints, close). */
  async sync(): Promise<void> {
    const lsn = this.appended;
    while (this.synced < lsn) {
      if (this.failure) throw this.failure;
      this.forceSync = true;
      this.kick();
      await this.loop;
    }
  }

  /** Set by sync() and the batch timer: the next loop turn fsyncs even outside fsync mode. */
  private forceSync = false;

  private doneLsn(): number {
    return this.options.sync === 'fsync' ? this.synced : this.written;
  }

  private hasWork(): boolean {
    return this.pending.length > 0 || (this.forceSync && this.synced < this.written);
  }

  /** Starts the write loop unless it is running or has nothing to do. */
  private kick(): void {
    if (this.loop || this.failure || !this.file) return;
    if (!this.hasWork()) {
      this.forceSync = false;
      return;
    }
    this.loop = this.run().finally(() => {
      this.loop = null;
      this.kick();
    });
  }

  /** One loop turn per batch: whatever was appended meanwhile goes in the next write (group commit). */
  private async run(): Promise<void> {
    try {
      while (this.hasWork()) {
        const batch = this.pending;
        const bytes = this.pendingBytes;
        const upto = this.appended;
        this.pending = [];
        this.pendingBytes = 0;
        if (batch.length > 0) {
          await this.file!.writev(batch);
          this.segmentSize += bytes;
          this.written = upto;
        }
        if (this.options.sync === 'fsync' || this.forceSync) {
          this.forceSync = false;
          await this.file!.datasync();
          this.synced = this.written;
        }
        this.release();
        if (this.segmentSize >= this.options.segmentBytes) await this.rotate();
      }
    } catch (e) {
      this.failure = new Error(`write-ahead log write failed: ${(e as Error).message}`);
      for (const w of this.waiters) w.reject(this.failure);
      this.waiters = [];
    }
  }

  private release(): void {
    const done = this.doneLsn();
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.lsn <= done) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private async rotate(): Promise<void> {
    await this.file!.datasync();
    this.synced = this.written;
    this.release();
    await this.file!.close();
    await this.startSegment();
  }

  private async startSegment(): Promise<void> {
    const name = join(this.dir, segmentName(this.written + 1));
    // A segment left by a crash at this very sequence number holds no valid record: replace it.
    const tmp = `${name}.new`;
    const f = await open(tmp, 'w', 0o600);
    await f.datasync();
    await f.close();
    await rename(tmp, name);
    await fsyncDirectory(this.dir);
    this.file = await open(name, 'a', 0o600);
    this.segmentSize = 0;
  }

  /**
   * Deletes the segments holding only records at or before `lsn` (a checkpoint covers them). The
   * current segment always stays.
   */
  async removeThrough(lsn: number): Promise<number> {
    const segs = await listSegments(this.dir);
    let removed = 0;
    for (let i = 0; i + 1 < segs.length; i++) {
      if (segs[i + 1]!.lsn - 1 > lsn) break;
      await rm(segs[i]!.file, { force: true });
      removed++;
    }
    return removed;
  }

  /** Writes and syncs what is pending, then closes the segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (!this.failure) await this.sync();
    this.closed = true;
    await this.loop;
    await this.file?.close();
    this.file = null;
  }
}
