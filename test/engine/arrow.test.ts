import { Type, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DatabaseError, Decimal, Interval, type Value } from '../../src/index.js';
import { withDb } from '../helpers/db.js';
import { createTypedTable } from './typed-fixture.js';

const { db } = withDb(createTypedTable);

const MS_PER_DAY = 86_400_000;

/** Signed 128-bit little-endian integer from four 32-bit words. */
function int128(words: Uint32Array): bigint {
  let x = 0n;
  for (let w = 3; w >= 0; w--) x = (x << 32n) | BigInt(words[w]!);
  return BigInt.asIntN(128, x);
}

/** Reads row i of an Arrow column back into the engine's row representation. */
function fromArrow(vec: Vector, i: number, typeId: string): Value {
  if (!vec.isValid(i)) return null;
  const data = vec.data[0]!;
  switch (typeId) {
    case 'date':
      return vec.get(i) / MS_PER_DAY;
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return Number((data.values as BigInt64Array)[i]);
    case 'interval': {
      const w = data.values as Int32Array;
      const nanos = new BigInt64Array(w.buffer, w.byteOffset)[2 * i + 1]!;
      return new Interval(w[4 * i]!, w[4 * i + 1]!, Number(nanos / 1000n));
    }
    case 'numeric': {
      if (vec.type.typeId === Type.Utf8) return Decimal.parse(vec.get(i));
      const words = (data.values as Uint32Array).subarray(4 * i, 4 * i + 4);
      return new Decimal(int128(words), vec.type.scale);
    }
    default:
      return vec.get(i);
  }
}

describe('queryArrow', () => {
  it('maps SQL types to Arrow types', async () => {
    const table = await db().queryArrow('SELECT * FROM typed');
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toEqual({
      id: 'Int32',
      s: 'Int16',
      big: 'Int64',
      f: 'Float32',
      v: 'Float64',
      bo: 'Bool',
      k: 'Utf8',
      vc: 'Utf8',
      n: 'Decimal[10e+2]',
      un: 'Utf8',
      d: 'Date32<DAY>',
      tm: 'Time64<MICROSECOND>',
      ts: 'Timestamp<MICROSECOND>',
      tz: 'Timestamp<MICROSECOND, UTC>',
      i: 'Interval<MONTH_DAY_NANO>',
      b: 'Binary',
      u: 'Utf8',
      j: 'Utf8',
      arr: 'Utf8',
    });
    expect(table.schema.fields.every((f) => f.nullable)).toBe(true);
  });

  it('round-trips every column: values read back from Arrow equal the row results', async () => {
    const sql = 'SELECT * FROM typed ORDER BY id';
    const { rows, columns } = await db().query(sql, [], { rowMode: 'array' });
    const table = await db().queryArrow(sql);
    expect(table.numRows).toBe(rows.length);
    columns.forEach((c, ci) => {
      const vec = table.getChildAt(ci)!;
      rows.forEach((r, i) => {
        const got = fromArrow(vec, i, c.type.id);
        const want = r[ci]!;
        if (want instanceof Decimal) expect((got as Decimal).cmp(want), `${c.name}[${i}]`).toBe(0);
        else if (c.type.id === 'array') expect(got).toBe(i === 0 ? '{1,NULL,3}' : i === 1 ? '{}' : null);
        else expect(got, `${c.name}[${i}]`).toEqual(want);
      });
    });
  });

  it('marks timestamptz columns as UTC and keeps microseconds exact', async () => {
    const table = await db().queryArrow(`SELECT '2024-01-02 03:04:05.123456'::timestamptz AS t`);
    const vec = table.getChild('t')!;
    expect(vec.type.timezone).toBe('UTC');
    expect(vec.data[0]!.values[0]).toBe(1704164645123456n);
    expect(vec.get(0)).toBe(1704164645123.456); // Arrow JS reads timestamps as epoch milliseconds
  });

  it('writes numerics at the column scale, negatives as two’s complement Decimal128', async () => {
    const table = await db().queryArrow(`SELECT x::numeric(5,1) AS x FROM (VALUES (-1.5), (3)) v(x)`);
    const vec = table.getChild('x')!;
    expect(vec.type.typeId).toBe(Type.Decimal);
    const words = vec.data[0]!.values as Uint32Array;
    expect([int128(words.subarray(0, 4)), int128(words.subarray(4, 8))]).toEqual([-15n, 30n]);
  });

  it('returns an empty table with the schema when the query has no rows', async () => {
    const table = await db().queryArrow('SELECT id, k FROM typed WHERE id > $1', [100]);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'k']);
  });

  it('fails with 0A000 on a numeric NaN in a Decimal128 column', async () => {
    const err = await db()
      .queryArrow(`SELECT 'NaN'::numeric(5,1) AS x`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).code).toBe('0A000');
  });

  it('comes from prepared statements too', async () => {
    const stmt = await db().prepare('SELECT id, v FROM typed WHERE id = $1');
    const table = await stmt.queryArrow([2]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{ id: 2, v: -1e300 }]);
  });
});
