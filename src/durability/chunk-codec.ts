import { Chunk } from '../storage/chunk.js';
import { ChunkColumn, sharedArray, storageKind, type TypedData, type ZoneMap } from '../storage/column.js';
import { formatValue, parseValue, type TextIoContext } from '../types/text-io.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import type { ByteReader, ByteWriter } from './bytes.js';

/**
 * The stored form of chunks, shared by WAL insert records and checkpoint files. Fixed-width columns
 * are their typed arrays' bytes; text columns are the chunk's dictionary plus int32 codes; the
 * other types (numeric, interval, bytea, arrays) are PostgreSQL's text form, which round-trips
 * them exactly. NULLs are an Arrow-style validity bitmap, present only when the column has NULLs.
 */

/** Text I/O settings fixed for storage, so a stored value never depends on a session's settings. */
const STORAGE_TEXT: TextIoContext = { timezone: 'UTC', dateStyle: 'ISO, MDY', extraFloatDigits: 1 };

const WIDTH = { f64: 8, i64: 8, i32: 4, bool: 1, dict: 4 } as const;

const enum ZoneTag {
  Null = 0,
  Number = 1,
  BigInt = 2,
  String = 3,
  Bool = 4,
}

function writeZoneValue(w: ByteWriter, v: Value): void {
  if (typeof v === 'number') {
    w.u8(ZoneTag.Number);
    w.f64(v);
  } else if (typeof v === 'bigint') {
    w.u8(ZoneTag.BigInt);
    w.string(v.toString());
  } else if (typeof v === 'string') {
    w.u8(ZoneTag.String);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.u8(ZoneTag.Bool);
    w.u8(v ? 1 : 0);
  } else w.u8(ZoneTag.Null);
}

function readZoneValue(r: ByteReader): Value {
  switch (r.u8() as ZoneTag) {
    case ZoneTag.Number:
      return r.f64();
    case ZoneTag.BigInt:
      return BigInt(r.string());
    case ZoneTag.String:
      return r.string();
    case ZoneTag.Bool:
      return r.u8() === 1;
    default:
      return null;
  }
}

/** The validity bits of `rows` (all rows 0..count-1 when null), or null when none of them is NULL. */
function selectValidity(col: ChunkColumn, rows: Uint32Array | null, count: number): Uint8Array | null {
  if (!col.validity) return null;
  const out = new Uint8Array((count + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < count; i++) {
    const r = rows ? rows[i]! : i;
    if (col.isNull(r)) nulls++;
    else out[i >> 3]! |= 1 << (i & 7);
  }
  return nulls === 0 ? null : out;
}

function writeColumn(w: ByteWriter, col: ChunkColumn, rows: Uint32Array | null, count: number): void {
  const validity = selectValidity(col, rows, count);
  w.u8(validity ? 1 : 0);
  if (validity) w.bytes(validity);
  const kind = col.kind;
  if (kind === 'obj') {
    for (let i = 0; i < count; i++) {
      const v = col.get(rows ? rows[i]! : i);
      w.string(v === null ? '' : formatValue(v, col.type, STORAGE_TEXT));
    }
    return;
  }
  if (kind === 'dict') {
    const dict = col.dict!;
    w.u32(dict.length);
    for (const s of dict) w.string(s);
  }
  const data = col.data as TypedData;
  if (!rows) {
    w.bytes(data.subarray(0, count));
    return;
  }
  // A selection (a transaction's chunk with some of its own rows deleted): gather, then write.
  const gathered = sharedArray(kind, count) as Float64Array;
  for (let i = 0; i < count; i++) gathered[i] = (data as Float64Array)[rows[i]!]!;
  w.bytes(gathered);
}

function readColumn(
  r: ByteReader,
  type: SqlType,
  count: number,
  capacity: number,
  sealed: boolean,
): ChunkColumn {
  const validity = r.u8() === 1 ? new Uint8Array(new SharedArrayBuffer((capacity + 7) >> 3)) : null;
  if (validity) r.bytesInto(validity.subarray(0, (count + 7) >> 3));
  const kind = storageKind(type);
  let data: TypedData | Value[];
  let dict: string[] | null = null;
  if (kind === 'obj') {
    const values: Value[] = new Array<Value>(count);
    for (let i = 0; i < count; i++) {
      const s = r.string();
      const isNull = validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0;
      values[i] = isNull ? null : parseValue(s, type, STORAGE_TEXT);
    }
    data = values;
  } else {
    if (kind === 'dict') {
      const n = r.u32();
      dict = new Array<string>(n);
      for (let i = 0; i < n; i++) dict[i] = r.string();
    }
    data = sharedArray(kind, capacity);
    r.bytesInto(new Uint8Array(data.buffer, 0, count * WIDTH[kind]));
  }
  const zone: ZoneMap = { min: readZoneValue(r), max: readZoneValue(r), nullCount: r.u32() };
  return ChunkColumn.restore(type, capacity, data, validity, dict, zone, sealed);
}

/**
 * Writes rows of `chunk`: its first `count` rows (default: all), or those listed in `rows`. Delete
 * marks are not written (WAL records carry live rows; checkpoints store deletes beside the chunk).
 * `sealed` is stored as given (a checkpoint captures it with the row count).
 */
export function writeChunk(
  w: ByteWriter,
  chunk: Chunk,
  rows: Uint32Array | null = null,
  count: number = rows ? rows.length : chunk.rowCount,
  sealed: boolean = chunk.sealed,
): void {
  w.u32(count);
  w.u8(sealed ? 1 : 0);
  for (const col of chunk.columns) {
    writeColumn(w, col, rows, count);
    // A selection's zone map is the chunk's: wider than the rows need, which zone maps allow.
    writeZoneValue(w, col.zone.min);
    writeZoneValue(w, col.zone.max);
    w.u32(col.zone.nullCount);
  }
}

/**
 * Reads a chunk written by writeChunk, with room for `capacity` rows (at least its row count).
 */
export function readChunk(r: ByteReader, types: readonly SqlType[], maxRows?: number): Chunk {
  const count = r.u32();
  const sealed = r.u8() === 1;
  const capacity = Math.max(count, 1);
  const columns = types.map((t) => readColumn(r, t, count, capacity, sealed));
  return Chunk.restore(columns, count, sealed, maxRows);
}
