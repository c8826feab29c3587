import { describe, expect, it } from 'vitest';
import { decodeParam, encodeValue, typeForOid } from '../../../src/server/pg/format.js';
import { T, type SqlType } from '../../../src/types/types.js';
import { Interval, type Value } from '../../../src/types/values.js';

const ctx = { timezone: 'UTC', dateStyle: 'ISO, MDY', extraFloatDigits: 1 };
const hex = (v: Value, t: SqlType): string | undefined => encodeValue(v, t, 1, ctx)?.toString('hex');

describe('binary format', () => {
  it("writes PostgreSQL's send layouts for scalar types", () => {
    expect(hex(7, T.int2)).toBe('0007');
    expect(hex(-2, T.int4)).toBe('fffffffe');
    expect(hex(9n, T.int8)).toBe('0000000000000009');
    expect(hex(1.5, T.float4)).toBe('3fc00000');
    expect(hex(2.25, T.float8)).toBe('4002000000000000');
    expect(hex(true, T.bool)).toBe('01');
    expect(hex('hé', T.text)).toBe('68c3a9');
    // Dates and timestamps count from 2000-01-01.
    expect(hex(10_958, T.date)).toBe('00000001');
    expect(hex(946_684_800_000_001, T.timestamp)).toBe('0000000000000001');
    expect(hex(new Interval(1, 2, 3), T.interval)).toBe('00000000000000030000000200000001');
  });

  it('reads binary parameters back to the same values', () => {
    const cases: [Value, SqlType][] = [
      [7, T.int2],
      [-2, T.int4],
      [9n, T.int8],
      [1.5, T.float4],
      [2.25, T.float8],
      [false, T.bool],
      ['hé', T.text],
      [10_958, T.date],
      [946_684_800_000_001, T.timestamptz],
      ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', T.uuid],
      [new Uint8Array([0, 255]), T.bytea],
    ];
    for (const [v, t] of cases) expect(decodeParam(encodeValue(v, t, 1, ctx), t, 1, 1)).toEqual(v);
  });

  it('rejects a binary value of the wrong size with 22P03', () => {
    expect(() => decodeParam(Buffer.from([1, 2]), T.int4, 1, 1)).toThrow(
      expect.objectContaining({ code: '22P03', message: 'incorrect binary data format in bind parameter 1' }),
    );
  });

  it('fails with 0A000 for types without a binary layout here', () => {
    expect(() => encodeValue([1], { id: 'array', elem: T.int4 } as SqlType, 1, ctx)).toThrow(
      expect.objectContaining({ code: '0A000' }),
    );
  });
});

describe('text format', () => {
  it('writes values with the text output functions and keeps text parameters as text', () => {
    expect(encodeValue(3n, T.int8, 0, ctx)?.toString()).toBe('3');
    expect(encodeValue(true, T.bool, 0, ctx)?.toString()).toBe('t');
    expect(encodeValue(null, T.int4, 0, ctx)).toBeNull();
    expect(decodeParam(Buffer.from('42'), T.int4, 0, 1)).toBe('42');
  });

  it('maps parameter type OIDs to types; 0 leaves the type to inference', () => {
    expect(typeForOid(23)).toEqual(T.int4);
    expect(typeForOid(0)).toBeUndefined();
  });
});
