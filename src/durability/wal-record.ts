import { crc32c } from './crc32c.js';

/**
 * The WAL's record framing: a 16-byte header — payload length (u32), log sequence number (u64, as
 * two u32), CRC-32C (u32) of the first 12 header bytes and the payload — then the payload. All
 * little-endian. A record whose header or payload is cut short, whose checksum does not match, or
 * whose sequence number does not follow the previous one ends a scan: it is a torn write (power
 * lost mid-append) or corruption, and nothing after it can be trusted.
 */

export const RECORD_HEADER = 16;
/** Largest payload accepted when reading: a length past it is corruption, not a record. */
export const MAX_RECORD = 1 << 30;

/** Frames `payload` as record `lsn`. */
export function encodeRecord(lsn: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(lsn % 0x1_0000_0000, 4);
  out.writeUInt32LE(Math.floor(lsn / 0x1_0000_0000), 8);
  out.set(payload, RECORD_HEADER);
  const crc = crc32c(out.subarray(RECORD_HEADER), crc32c(out.subarray(0, 12)));
  out.writeUInt32LE(crc, 12);
  return out;
}

export interface WalRecord {
  readonly lsn: number;
  readonly payload: Buffer;
  /** Offset of the record's first byte in the scanned buffer. */
  readonly offset: number;
}

/** Why a scan stopped before the end of its buffer. */
export interface ScanStop {
  readonly offset: number;
  readonly reason: string;
}

/**
 * The records of one segment's bytes, in order, up to the first torn or corrupt one. `firstLsn` is
 * the sequence number the first record must carry.
 */
export function scanRecords(buf: Buffer, firstLsn: number): { records: WalRecord[]; stop: ScanStop | null } {
  const records: WalRecord[] = [];
  let off = 0;
  let expected = firstLsn;
  while (off < buf.length) {
    if (buf.length - off < RECORD_HEADER)
      return { records, stop: { offset: off, reason: 'record header cut short' } };
    const len = buf.readUInt32LE(off);
    const lsn = buf.readUInt32LE(off + 4) + buf.readUInt32LE(off + 8) * 0x1_0000_0000;
    if (len > MAX_RECORD) return { records, stop: { offset: off, reason: `invalid record length ${len}` } };
    if (buf.length - off - RECORD_HEADER < len)
      return { records, stop: { offset: off, reason: 'record payload cut short' } };
    const crc = crc32c(
      buf.subarray(off + RECORD_HEADER, off + RECORD_HEADER + len),
      crc32c(buf.subarray(off, off + 12)),
    );
    if (crc !== buf.readUInt32LE(off + 12))
      return { records, stop: { offset: off, reason: 'record checksum mismatch' } };
    if (lsn !== expected)
      return {
        records,
        stop: { offset: off, reason: `record sequence ${lsn} where ${expected} was expected` },
      };
    records.push({ lsn, payload: buf.subarray(off + RECORD_HEADER, off + RECORD_HEADER + len), offset: off });
    off += RECORD_HEADER + len;
    expected++;
  }
  return { records, stop: null };
}
