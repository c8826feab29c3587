import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withPgServer } from '../../helpers/pg-client.js';
import { decodeParam, encodeValue, typeForOid } from '../../../src/server/pg/format.js';
import { T, type SqlType } from '../../../src/types/types.js';
import { Decimal, Interval, type Value } from '../../../src/types/values.js';

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

  it('reads back every type clients commonly bind in binary', () => {
    const cases: [Value, SqlType][] = [
      ['ab', T.varchar],
      ['{"a": [1, 2]}', T.json],
      ['{"a": [1, 2]}', T.jsonb],
      [-1_000_000_000n, T.int8],
      [true, T.bool],
      [-Infinity, T.date],
      [Infinity, T.timestamp],
      [-1_000_000, T.timestamptz],
      [new Interval(-14, 3, 7_200_000_001), T.interval],
      [new Uint8Array([]), T.bytea],
      [NaN, T.float8],
    ];
    for (const [v, t] of cases) expect(decodeParam(encodeValue(v, t, 1, ctx), t, 1, 1)).toEqual(v);
  });

  it('writes jsonb with its version byte and uuid as 16 bytes', () => {
    expect(hex('{}', T.jsonb)).toBe('017b7d');
    expect(hex('{}', T.json)).toBe('7b7d');
    expect(hex('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', T.uuid)).toBe('a0eebc999c0b4ef8bb6d6bb9bd380a11');
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

describe('binary numeric', () => {
  const num = (s: string): string | undefined => hex(Decimal.parse(s), T.numeric);

  it("writes numeric_send's layout: ndigits, weight, sign, dscale, base-10000 digits", () => {
    expect(num('0')).toBe('0000000000000000');
    expect(num('0.00')).toBe('0000000000000002');
    expect(num('1.50')).toBe('0002000000000002' + '00011388');
    expect(num('0.0001')).toBe('0001ffff00000004' + '0001');
    expect(num('-12345.678')).toBe('0003000140000003' + '000109291a7c');
    // Trailing zero digits are left out; the weight still places the first digit.
    expect(num('100000000')).toBe('0001000200000000' + '0001');
    expect(hex(Decimal.NaN, T.numeric)).toBe('00000000c0000000');
  });

  it('reads back the value and display scale it wrote', () => {
    for (const s of [
      '0',
      '0.000',
      '-7',
      '1.50',
      '0.0001',
      '-0.00012',
      '12345678901234567890.123456789',
      '-98765432109876543210987654321.000000000000000000001',
      '100000000',
      '3.14159265358979323846264338327950288419716939937510',
    ]) {
      const back = decodeParam(encodeValue(Decimal.parse(s), T.numeric, 1, ctx), T.numeric, 1, 1);
      expect(back).toBeInstanceOf(Decimal);
      expect((back as Decimal).toString()).toBe(s);
    }
    const nan = decodeParam(encodeValue(Decimal.NaN, T.numeric, 1, ctx), T.numeric, 1, 1) as Decimal;
    expect(nan.nan).toBe(true);
  });

  it('truncates digits past dscale, as numeric_recv does', () => {
    // 1.2345 sent with dscale 2.
    const v = decodeParam(Buffer.from('000200000000000200010929', 'hex'), T.numeric, 1, 1) as Decimal;
    expect(v.toString()).toBe('1.23');
  });

  it('rejects a malformed or infinite numeric', () => {
    const bad = expect.objectContaining({ code: '22P03' });
    expect(() => decodeParam(Buffer.from('0001000000000000', 'hex'), T.numeric, 1, 1)).toThrow(bad);
    expect(() => decodeParam(Buffer.from('00010000000000002710', 'hex'), T.numeric, 1, 1)).toThrow(bad);
    expect(() => decodeParam(Buffer.from('0000000012340000', 'hex'), T.numeric, 1, 1)).toThrow(bad);
    expect(() => decodeParam(Buffer.from('00000000d0000000', 'hex'), T.numeric, 1, 2)).toThrow(
      expect.objectContaining({ code: '0A000', message: 'numeric infinity is not supported' }),
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

describe('binary numeric through node-postgres', () => {
  const pgt = withPgServer();
  // `binary` is a node-postgres option its type declarations leave out.
  const connect = (binary: boolean): Promise<pg.Client> => pgt.client({ binary });

  it('sends numeric result columns that the driver decodes', async () => {
    const c = await connect(true);
    try {
      // node-postgres passes binary cells through a UTF-8 string, so these values keep every byte
      // below 0x80 (the exact layouts are checked above).
      const r = await c.query({
        text: 'SELECT 3.0001::numeric AS a, -100.01::numeric AS b, 0::numeric AS z, NULL::numeric AS n',
        values: [],
        queryMode: 'extended',
      } as pg.QueryConfig);
      expect(r.fields.map((f) => f.format)).toEqual(Array(4).fill('binary'));
      expect(r.rows).toEqual([{ a: 3.0001, b: -100.01, z: 0, n: null }]);
    } finally {
      await c.end();
    }
  });

  it('reads a binary numeric Bind parameter at its inferred type', async () => {
    const c = await connect(false);
    try {
      // node-postgres sends a Buffer as a binary-format parameter.
      const param = encodeValue(Decimal.parse('12345678901234567890.123456789'), T.numeric, 1, ctx)!;
      const r = await c.query('SELECT $1::numeric + 1 AS n, $2::numeric AS z', [
        param,
        encodeValue(Decimal.parse('-0.0001'), T.numeric, 1, ctx)!,
      ]);
      expect(r.rows).toEqual([{ n: '12345678901234567891.123456789', z: '-0.0001' }]);
    } finally {
      await c.end();
    }
  });
});
