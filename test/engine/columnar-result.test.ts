import { describe, expect, it } from 'vitest';
import type { ColumnVector, Value } from '../../src/index.js';
import { isNullAt } from '../../src/engine/columnar-result.js';
import { withDb } from '../helpers/db.js';
import { createTypedTable } from './typed-fixture.js';

const { db } = withDb(createTypedTable);

function column(cols: ColumnVector[], name: string): ColumnVector {
  const c = cols.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/** Reads row i of a column back into the row representation. */
function valueAt(c: ColumnVector, i: number): Value {
  if (isNullAt(c, i)) return null;
  const v = c.values[i]!;
  switch (c.type.id) {
    case 'bool':
      return v === 1;
    case 'date':
      return v === 2147483647 ? Infinity : v === -2147483648 ? -Infinity : (v as number);
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return Number(v as bigint);
    default:
      return v as Value;
  }
}

describe("query rowMode 'columns'", () => {
  it('returns fixed-width columns as typed arrays of the matching width', async () => {
    const { columns, rowCount } = await db().query('SELECT * FROM typed ORDER BY id', [], {
      rowMode: 'columns',
    });
    expect(rowCount).toBe(3);
    const kinds = Object.fromEntries(columns.map((c) => [c.name, c.values.constructor.name]));
    expect(kinds).toMatchObject({
      id: 'Int32Array',
      s: 'Int16Array',
      big: 'BigInt64Array',
      f: 'Float32Array',
      v: 'Float64Array',
      bo: 'Uint8Array',
      d: 'Int32Array',
      tm: 'BigInt64Array',
      ts: 'BigInt64Array',
      tz: 'BigInt64Array',
      k: 'Array',
      n: 'Array',
      i: 'Array',
      b: 'Array',
    });
    expect(column(columns, 'big').values).toEqual(new BigInt64Array([9007199254740993n, -(2n ** 63n), 0n]));
  });

  it('leaves out the validity bitmap when a column has no NULLs', async () => {
    const { columns } = await db().query('SELECT id, v FROM typed WHERE id < 3 ORDER BY id', [], {
      rowMode: 'columns',
    });
    expect(columns.map((c) => [c.nullCount, c.validity])).toEqual([
      [0, null],
      [0, null],
    ]);
    expect(column(columns, 'v').values).toEqual(new Float64Array([2.25, -1e300]));
  });

  it('marks NULL rows in an Arrow validity bitmap and zeroes their slots', async () => {
    const { columns } = await db().query('SELECT s, k FROM typed ORDER BY id', [], { rowMode: 'columns' });
    const s = column(columns, 's');
    expect(s.nullCount).toBe(1);
    expect(Array.from(s.validity!)).toEqual([0b011]);
    expect(Array.from(s.values as Int16Array)).toEqual([7, -32768, 0]);
    expect(column(columns, 'k').values).toEqual(['héllo', '', null]);
  });

  it('stores infinite dates and timestamps as the integer extremes', async () => {
    const { columns } = await db().query(
      `SELECT 'infinity'::date AS d1, '-infinity'::date AS d2, 'infinity'::timestamp AS t1, '-infinity'::timestamptz AS t2`,
      [],
      { rowMode: 'columns' },
    );
    expect(columns.map((c) => c.values[0])).toEqual([2147483647, -2147483648, 2n ** 63n - 1n, -(2n ** 63n)]);
  });

  it('holds the same values as the row result, column by column', async () => {
    const sql = 'SELECT * FROM typed ORDER BY id';
    const rows = (await db().query(sql, [], { rowMode: 'array' })).rows;
    const { columns } = await db().query(sql, [], { rowMode: 'columns' });
    columns.forEach((c, ci) => {
      expect(c.length).toBe(rows.length);
      rows.forEach((r, i) => expect(valueAt(c, i), `${c.name}[${i}]`).toEqual(r[ci]));
    });
  });

  it('describes a query with no rows by its columns', async () => {
    const { columns, rowCount } = await db().query('SELECT id, k FROM typed WHERE false', [], {
      rowMode: 'columns',
    });
    expect(rowCount).toBe(0);
    expect(columns.map((c) => [c.name, c.type.id, c.length])).toEqual([
      ['id', 'int4', 0],
      ['k', 'text', 0],
    ]);
  });
});
