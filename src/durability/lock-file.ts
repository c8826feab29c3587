import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError, SqlState } from '../errors.js';

/** Whether process `pid` is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<data-dir>/LOCK`, holding the owner's process id: a second process (or a second open() in the
 * same one) gets 55006 instead of writing the same files. A lock left by a process that is gone
 * (a crash) is taken over, as PostgreSQL does with postmaster.pid.
 *
 * @example
 * const lock = DataDirLock.acquire('/data');
 * lock.release();
 */
export class DataDirLock {
  private static readonly held = new Set<string>();

  private constructor(private readonly file: string) {}

  static acquire(dir: string): DataDirLock {
    const file = join(dir, 'LOCK');
    if (DataDirLock.held.has(file)) throw inUse(dir, process.pid);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        DataDirLock.held.add(file);
        return new DataDirLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw inUse(dir, pid);
        // Stale (its process is gone, or it is ours from an earlier open that was not closed).
        rmSync(file, { force: true });
      }
    }
    throw inUse(dir, 0);
  }

  release(): void {
    DataDirLock.held.delete(this.file);
    rmSync(this.file, { force: true });
  }
}

function inUse(dir: string, pid: number): DatabaseError {
  return new DatabaseError(
    SqlState.objectInUse,
    `data directory "${dir}" is in use${pid > 0 ? ` by process ${pid}` : ''}`,
    { hint: 'Another LiveViewDB process has it open; stop it first, or use another --data-dir.' },
  );
}
