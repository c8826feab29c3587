import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { ResultColumn, StatementResult } from '../../engine/session.js';
import { formatValue, type TextIoContext } from '../../types/text-io.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';

/**
 * Query results as Parquet files. Types map to Parquet's physical and logical types:
 *
 * | SQL                            | Parquet                                                          |
 * |--------------------------------|------------------------------------------------------------------|
 * | bool                           | BOOLEAN                                                          |
 * | int2, int4                     | INT32 (int2 with converted type INT_16)                          |
 * | int8, oid                      | INT64                                                            |
 * | float4, float8                 | FLOAT, DOUBLE                                                    |
 * | date                           | INT32 DATE                                                       |
 * | time                           | INT64 TIME_MICROS                                                |
 * | timestamp, timestamptz         | INT64 TIMESTAMP(MICROS), isAdjustedToUTC false / true            |
 * | bytea                          | BYTE_ARRAY                                                       |
 * | everything else                | BYTE_ARRAY STRING: PostgreSQL's text output                      |
 *
 * numeric is a string so that no digit is lost whatever its precision (a numeric column's scale may
 * differ by row); json, jsonb, uuid, interval and arrays are their text too. Date and timestamp
 * ±infinity become the int32/int64 extremes, as PostgreSQL's binary format writes them.
 */

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

/** How one SQL type is written: its schema element (without name) and the value conversion. */
interface ParquetColumnType {
  readonly element: Omit<SchemaElement, 'name'>;
  readonly convert: (v: Value) => unknown;
}

const same = (v: Value): unknown => v;

function int64Micros(v: Value): bigint {
  const n = v as number;
  return n === Infinity ? INT64_MAX : n === -Infinity ? INT64_MIN : BigInt(Math.round(n));
}

function parquetType(t: SqlType, ctx: TextIoContext): ParquetColumnType {
  switch (t.id) {
    case 'bool':
      return { element: { type: 'BOOLEAN' }, convert: same };
    case 'int2':
      return {
        // Converted type only: hyparquet-writer 0.17 writes an INTEGER logical type DuckDB cannot read.
        element: { type: 'INT32', converted_type: 'INT_16' },
        convert: same,
      };
    case 'int4':
      return { element: { type: 'INT32' }, convert: same };
    case 'int8':
    case 'oid':
    case 'regclass':
    case 'regtype':
      return { element: { type: 'INT64' }, convert: (v) => BigInt(v as number | bigint) };
    case 'float4':
      return { element: { type: 'FLOAT' }, convert: same };
    case 'float8':
      return { element: { type: 'DOUBLE' }, convert: same };
    case 'date':
      return {
        element: { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
        convert: (v) => (v === Infinity ? INT32_MAX : v === -Infinity ? INT32_MIN : v),
      };
    case 'time':
      return {
        // Converted type only: hyparquet-writer 0.17 writes a TIME logical type as a timestamp.
        element: { type: 'INT64', converted_type: 'TIME_MICROS' },
        convert: int64Micros,
      };
    case 'timestamp':
    case 'timestamptz':
      return {
        element: {
          type: 'INT64',
          converted_type: 'TIMESTAMP_MICROS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: t.id === 'timestamptz', unit: 'MICROS' },
        },
        convert: int64Micros,
      };
    case 'bytea':
      return { element: { type: 'BYTE_ARRAY' }, convert: same };
    default:
      return {
        element: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
        convert: (v) => formatValue(v, t, ctx),
      };
  }
}

function columnData(index: number, rows: readonly (readonly Value[])[], pt: ParquetColumnType): unknown[] {
  const data: unknown[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![index]!;
    data[i] = v === null ? null : pt.convert(v);
  }
  return data;
}

/** Column names made unique (`a`, `a_2`): a Parquet schema addresses columns by name. */
function uniqueNames(columns: readonly ResultColumn[]): string[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    let name = c.name;
    for (let k = 2; seen.has(name); k++) name = `${c.name}_${k}`;
    seen.add(name);
    return name;
  });
}

/**
 * A result as a Parquet file (one file, Snappy-compressed, every column OPTIONAL).
 *
 * @example
 * const bytes = toParquet(await session.execute('SELECT * FROM sales').then((r) => r[0]!), ctx);
 */
export function toParquet(r: StatementResult, ctx: TextIoContext): Uint8Array {
  const types = r.columns.map((c) => parquetType(c.type, ctx));
  const names = uniqueNames(r.columns);
  const schema: SchemaElement[] = [
    { name: 'root', num_children: r.columns.length },
    ...types.map((pt, i) => ({ name: names[i]!, repetition_type: 'OPTIONAL' as const, ...pt.element })),
  ];
  const sources = types.map((pt, i): ColumnSource => ({
    name: names[i]!,
    data: columnData(i, r.rows, pt) as ColumnSource['data'],
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData: sources, schema, createdBy: 'liveviewdb' }));
}
