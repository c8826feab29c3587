import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';

/** How a column's values sit in memory. */
export type StorageKind = 'f64' | 'i32' | 'i64' | 'bool' | 'dict' | 'obj';

export function storageKind(t: SqlType): StorageKind {
  switch (t.id) {
    case 'float4':
    case 'float8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'f64';
    case 'int2':
    case 'int4':
    case 'oid':
    case 'regclass':
    case 'regtype':
      return 'i32';
    case 'int8':
      return 'i64';
    case 'bool':
      return 'bool';
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'char':
    case 'uuid':
    case 'json':
    case 'jsonb':
      return 'dict';
    default:
      return 'obj';
  }
}

export type TypedData = Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Allocates a typed array on a SharedArrayBuffer so worker threads can scan it later without copying. */
export function sharedArray(kind: StorageKind, capacity: number): TypedData {
  switch (kind) {
    case 'f64':
      return new Float64Array(new SharedArrayBuffer(capacity * 8));
    case 'i64':
      return new BigInt64Array(new SharedArrayBuffer(capacity * 8));
    case 'bool':
      return new Uint8Array(new SharedArrayBuffer(capacity));
    default:
      // i32 values and dictionary codes
      return new Int32Array(new SharedArrayBuffer(capacity * 4));
  }
}

/** Zone map of one column in one chunk: scans skip chunks whose range cannot match. */
export interface ZoneMap {
  min: Value;
  max: Value;
  nullCount: number;
}

/**
 * One column of one chunk. `data` holds values (or dictionary codes); `validity` is a bitmap with
 * bit i set when row i is not NULL (Arrow's convention), or null while the column has no NULLs.
 */
export class ChunkColumn {
  readonly type: SqlType;
  readonly kind: StorageKind;
  data: TypedData | Value[];
  validity: Uint8Array | null = null;
  /** Dictionary for 'dict' columns: code → string. */
  dict: string[] | null = null;
  private dictIndex: Map<string, number> | null = null;
  readonly zone: ZoneMap = { min: null, max: null, nullCount: 0 };
  capacity: number;

  constructor(type: SqlType, capacity: number) {
    this.type = type;
    this.kind = storageKind(type);
    this.capacity = capacity;
    if (this.kind === 'obj') this.data = [];
    else this.data = sharedArray(this.kind, capacity);
    if (this.kind === 'dict') {
      this.dict = [];
      this.dictIndex = new Map();
    }
  }

  /**
   * A column rebuilt from stored parts (checkpoint load, WAL replay): `data` holds `capacity`
   * slots; an unsealed column gets its dictionary index back so it can take appends.
   */
  static restore(
    type: SqlType,
    capacity: number,
    data: TypedData | Value[],
    validity: Uint8Array | null,
    dict: string[] | null,
    zone: ZoneMap,
    sealed: boolean,
  ): ChunkColumn {
    const c = new ChunkColumn(type, 0);
    c.capacity = capacity;
    c.data = data;
    c.validity = validity;
    c.dict = dict;
    c.dictIndex = dict && !sealed ? new Map(dict.map((s, i) => [s, i])) : null;
    Object.assign(c.zone, zone);
    return c;
  }

  /** Grows the buffers; existing readers keep the old arrays, which stay valid for their rows. */
  grow(capacity: number, rows: number): void {
    if (capacity <= this.capacity) return;
    if (this.kind !== 'obj') {
      const next = sharedArray(this.kind, capacity);
      (next as Float64Array).set((this.data as Float64Array).subarray(0, rows));
      this.data = next;
    }
    if (this.validity) {
      const v = new Uint8Array(new SharedArrayBuffer((capacity + 7) >> 3));
      v.set(this.validity.subarray(0, (rows + 7) >> 3));
      this.validity = v;
    }
    this.capacity = capacity;
  }

  private markNull(row: number): void {
    if (!this.validity) {
      this.validity = new Uint8Array(new SharedArrayBuffer((this.capacity + 7) >> 3));
      // Every earlier row is valid.
      this.validity.fill(0xff, 0, row >> 3);
      for (let r = row & ~7; r < row; r++) this.validity[r >> 3]! |= 1 << (r & 7);
    }
    this.validity[row >> 3]! &= ~(1 << (row & 7));
    this.zone.nullCount++;
  }

  private markValid(row: number): void {
    if (this.validity) this.validity[row >> 3]! |= 1 << (row & 7);
  }

  /** Writes row `row` (rows are written in order; the caller has grown the column). */
  set(row: number, v: Value): void {
    if (v === null) {
      this.markNull(row);
      if (this.kind === 'obj') (this.data as Value[])[row] = null;
      return;
    }
    this.markValid(row);
    switch (this.kind) {
      case 'f64':
      case 'i32':
        (this.data as Float64Array)[row] = v as number;
        this.updateZoneNumber(v as number);
        return;
      case 'i64':
        (this.data as BigInt64Array)[row] = v as bigint;
        this.updateZone(v);
        return;
      case 'bool':
        (this.data as Uint8Array)[row] = v ? 1 : 0;
        this.updateZone(v);
        return;
      case 'dict': {
        const s = v as string;
        let code = this.dictIndex!.get(s);
        if (code === undefined) {
          code = this.dict!.length;
          this.dict!.push(s);
          this.dictIndex!.set(s, code);
        }
        (this.data as Int32Array)[row] = code;
        this.updateZone(s);
        return;
      }
      default:
        (this.data as Value[])[row] = v;
    }
  }

  /**
   * Writes rows to..to+count from numbers src[from..from+count) (an 'f64' or 'i32' column; the
   * caller checked the values fit): one typed copy, the zone map updated once, nothing boxed.
   */
  setNumbers(to: number, src: Float64Array | Int32Array, from: number, count: number): void {
    if (count <= 0) return;
    (this.data as Float64Array | Int32Array).set(src.subarray(from, from + count), to);
    if (this.validity) for (let r = to; r < to + count; r++) this.markValid(r);
    // The batch's least and greatest values, NaN above every other (as updateZoneNumber orders).
    let lo = src[from]!;
    let hi = lo;
    for (let r = from + 1; r < from + count; r++) {
      const v = src[r]!;
      if (v < lo || lo !== lo) lo = v;
      if (v !== v || (v > hi && hi === hi)) hi = v;
    }
    this.updateZoneNumber(lo);
    this.updateZoneNumber(hi);
  }

  /**
   * Writes rows to..to+count from rows from..from+count of `src`, a column of the same type: typed
   * columns by one copy of the data and the validity bits, without a value made per row.
   */
  copyRows(src: ChunkColumn, from: number, to: number, count: number): void {
    if ((this.kind !== 'f64' && this.kind !== 'i32') || src.kind !== this.kind) {
      for (let r = 0; r < count; r++) this.set(to + r, src.get(from + r));
      return;
    }
    if (!src.validity) {
      this.setNumbers(to, src.data as Float64Array | Int32Array, from, count);
      return;
    }
    // Nulls among them: row by row, as set would (a null's data slot is left as it is).
    const data = this.data as Float64Array | Int32Array;
    const values = src.data as Float64Array | Int32Array;
    for (let r = 0; r < count; r++) {
      if (src.isNull(from + r)) {
        this.markNull(to + r);
        continue;
      }
      this.markValid(to + r);
      const v = values[from + r]!;
      data[to + r] = v;
      this.updateZoneNumber(v);
    }
  }

  /** NaN sorts above every other float (as compareValues and PostgreSQL order them). */
  private updateZoneNumber(v: number): void {
    const z = this.zone;
    const min = z.min as number | null;
    const max = z.max as number | null;
    if (v !== v) {
      if (min === null) z.min = v;
      z.max = v;
      return;
    }
    if (min === null || v < min || min !== min) z.min = v;
    if (max === null || (v > max && max === max)) z.max = v;
  }

  private updateZone(v: Value): void {
    const z = this.zone;
    if (z.min === null || (v as number) < (z.min as number)) z.min = v;
    if (z.max === null || (v as number) > (z.max as number)) z.max = v;
  }

  isNull(row: number): boolean {
    return this.validity !== null && ((this.validity[row >> 3]! >> (row & 7)) & 1) === 0;
  }

  get(row: number): Value {
    if (this.isNull(row)) return null;
    switch (this.kind) {
      case 'bool':
        return (this.data as Uint8Array)[row] === 1;
      case 'dict':
        return this.dict![(this.data as Int32Array)[row]!]!;
      case 'obj':
        return (this.data as Value[])[row] ?? null;
      default:
        return (this.data as Float64Array)[row]!;
    }
  }

  /** Drops the build-time dictionary index once the chunk is sealed. */
  seal(): void {
    this.dictIndex = null;
  }

  /** Approximate bytes held, for memory accounting and bytes-per-row reporting. */
  byteSize(rows: number): number {
    let n = this.validity ? this.validity.byteLength : 0;
    if (this.kind === 'obj') n += rows * 16;
    else n += (this.data as TypedData).byteLength;
    if (this.dict) for (const s of this.dict) n += 16 + s.length * 2;
    return n;
  }
}
