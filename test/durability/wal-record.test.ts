// The WAL's record framing: records read back exactly; a cut or corrupted record ends the scan at
// its first byte and never yields a partial record.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/durability/crc32c.js';
import { encodeRecord, RECORD_HEADER, scanRecords } from '../../src/durability/wal-record.js';

const payloads = [
  Buffer.from('first'),
  Buffer.alloc(0),
  Buffer.from('x'.repeat(1000)),
  Buffer.from([0, 1, 2, 255]),
];

function log(firstLsn = 1): Buffer {
  return Buffer.concat(payloads.map((p, i) => encodeRecord(firstLsn + i, p)));
}

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('continues across pieces as over the whole', () => {
    const all = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.');
    expect(crc32c(all.subarray(13), crc32c(all.subarray(0, 13)))).toBe(crc32c(all));
  });
});

describe('WAL records', () => {
  it('read back in order with their sequence numbers', () => {
    const { records, stop } = scanRecords(log(41), 41);
    expect(stop).toBeNull();
    expect(records.map((r) => r.lsn)).toEqual([41, 42, 43, 44]);
    expect(records.map((r) => r.payload.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
  });

  it('stop at every cut inside the last record, keeping the ones before', () => {
    const full = log();
    const lastStart = full.length - RECORD_HEADER - payloads.at(-1)!.length;
    for (let cut = lastStart; cut < full.length; cut++) {
      const { records, stop } = scanRecords(full.subarray(0, cut), 1);
      expect(records).toHaveLength(3);
      if (cut === lastStart) expect(stop).toBeNull();
      else expect(stop?.offset).toBe(lastStart);
    }
  });

  it('stop at a flipped bit anywhere in a record', () => {
    const full = log();
    const secondStart = RECORD_HEADER + payloads[0]!.length;
    for (let i = secondStart; i < secondStart + RECORD_HEADER; i++) {
      const bad = Buffer.from(full);
      bad[i]! ^= 0x10;
      const { records, stop } = scanRecords(bad, 1);
      expect(records).toHaveLength(1);
      expect(stop?.offset).toBe(secondStart);
    }
  });

  it('stop at a record whose sequence number does not follow', () => {
    const buf = Buffer.concat([encodeRecord(1, Buffer.from('a')), encodeRecord(3, Buffer.from('b'))]);
    const { records, stop } = scanRecords(buf, 1);
    expect(records).toHaveLength(1);
    expect(stop?.reason).toMatch(/sequence 3 where 2 was expected/);
  });
});
