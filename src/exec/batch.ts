import type { StorageKind, TypedData } from '../storage/column.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { isNumberRepr } from '../types/values.js';

/**
 * A column of a batch: the storage layout (typed array, validity bitmap, dictionary) or, for
 * computed values of non-number types, a plain array with NULL inline. Kept tiny on purpose.
 */
export interface Vector {
  readonly kind: StorageKind;
  readonly data: TypedData | Value[];
  /** Bit i set = row i not NULL; null = no NULLs. Only for typed kinds. */
  readonly validity: Uint8Array | null;
  readonly dict: readonly string[] | null;
}

/**
 * Rows flowing between operators. Vectors are indexed by physical row i < size; `sel` lists the
 * live rows (count of them), or is null when all `size` rows are live. Filters only shrink `sel`.
 */
export interface Batch {
  readonly size: number;
  readonly count: number;
  readonly sel: Int32Array | null;
  readonly cols: readonly Vector[];
}

export const BATCH_ROWS = 2048;

/** Is the vector NULL at physical row i? */
export function isNullAt(v: Vector, i: number): boolean {
  if (v.kind === 'obj') return ((v.data as Value[])[i] ?? null) === null;
  return v.validity !== null && ((v.validity[i >> 3]! >> (i & 7)) & 1) === 0;
}

export function vectorGet(v: Vector, i: number): Value {
  if (v.kind === 'obj') return (v.data as Value[])[i] ?? null;
  if (v.validity !== null && ((v.validity[i >> 3]! >> (i & 7)) & 1) === 0) return null;
  switch (v.kind) {
    case 'bool':
      return (v.data as Uint8Array)[i] === 1;
    case 'dict':
      return v.dict![(v.data as Int32Array)[i]!]!;
    default:
      return (v.data as Float64Array)[i]!;
  }
}

export function objVector(data: Value[]): Vector {
  return { kind: 'obj', data, validity: null, dict: null };
}

/** A batch of row arrays, as generic vectors. */
export function batchFromRows(rows: readonly (readonly Value[])[], ncols: number): Batch {
  const cols: Vector[] = [];
  for (let c = 0; c < ncols; c++) {
    const data: Value[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) data[r] = rows[r]![c] ?? null;
    cols.push(objVector(data));
  }
  return { size: rows.length, count: rows.length, sel: null, cols };
}

/** Row arrays of a batch's live rows. */
export function batchRows(b: Batch): Value[][] {
  const out: Value[][] = new Array(b.count);
  const ncols = b.cols.length;
  for (let k = 0; k < b.count; k++) {
    const i = b.sel === null ? k : b.sel[k]!;
    const row: Value[] = new Array(ncols);
    for (let c = 0; c < ncols; c++) row[c] = vectorGet(b.cols[c]!, i);
    out[k] = row;
  }
  return out;
}

/** A new output vector for computed values of type `t`, `size` rows long. */
export function allocVector(
  t: SqlType,
  size: number,
): { vec: Vector; data: Float64Array | Value[]; validity: Uint8Array | null } {
  if (isNumberRepr(t)) {
    const data = new Float64Array(size);
    const validity = new Uint8Array((size + 7) >> 3);
    return { vec: { kind: 'f64', data, validity, dict: null }, data, validity };
  }
  const data: Value[] = new Array(size).fill(null);
  return { vec: objVector(data), data, validity: null };
}

/** A vector holding `values` (typed when the type is number-represented). */
export function vectorOf(t: SqlType, values: readonly Value[]): Vector {
  if (!isNumberRepr(t)) return objVector(values as Value[]);
  const { vec, data, validity } = allocVector(t, values.length);
  const d = data as Float64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== null) {
      d[i] = v as number;
      validity![i >> 3]! |= 1 << (i & 7);
    }
  }
  return vec;
}
