import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from './crc32c.js';

/** fsync of a directory, so that files created or renamed in it survive a power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file, fsync, rename over the target, fsync of
 * the directory. A crash leaves either the old file or the new one, never part of it.
 */
export async function writeFileAtomic(
  path: string,
  dir: string,
  data: Uint8Array,
  syncDirectory = true,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const f = await open(tmp, 'w', 0o600);
  try {
    await f.writeFile(data);
    await f.sync();
  } catch (e) {
    await f.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await f.close();
  await rename(tmp, path);
  // Callers writing many files into one directory sync it once, after the last.
  if (syncDirectory) await fsyncDirectory(dir);
}

const TRAILER = 8;
const MAGIC = 0x4c56_4442; // 'LVDB'

/** `body` followed by a trailer: magic (u32) and CRC-32C (u32) of the body. */
export function sealChecksummed(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(body.length + TRAILER);
  out.set(body, 0);
  out.writeUInt32LE(MAGIC, body.length);
  out.writeUInt32LE(crc32c(body), body.length + 4);
  return out;
}

/** The body of a file written by sealChecksummed; throws when it is cut short or its checksum fails. */
export function openChecksummed(data: Buffer, file: string): Buffer {
  if (data.length < TRAILER || data.readUInt32LE(data.length - TRAILER) !== MAGIC)
    throw new Error(`${file}: file is truncated or not a LiveViewDB file`);
  const body = data.subarray(0, data.length - TRAILER);
  if (crc32c(body) !== data.readUInt32LE(data.length - 4))
    throw new Error(`${file}: checksum mismatch (the file is corrupt)`);
  return body;
}

/** The name of a file numbered by a log sequence number: 16 hex digits and `ext`. */
export function lsnFileName(lsn: number, ext: string): string {
  return `${lsn.toString(16).padStart(16, '0')}.${ext}`;
}

/** The files of `dir` named by lsnFileName with `ext`, in ascending sequence-number order. */
export async function listLsnFiles(dir: string, ext: string): Promise<{ lsn: number; file: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const pattern = new RegExp(`^[0-9a-f]{16}\\.${ext}$`);
  return names
    .filter((n) => pattern.test(n))
    .map((n) => ({ lsn: parseInt(n.slice(0, 16), 16), file: join(dir, n) }))
    .sort((a, b) => a.lsn - b.lsn);
}
