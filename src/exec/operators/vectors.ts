import { storageKind } from '../../storage/column.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import { isNullAt, vectorGet, type Vector } from '../batch.js';
import type { ExecContext } from '../context.js';
import { growFloat64, growInt32 } from '../hash-tables.js';

/** Can the vector hold a NULL at all (a validity bitmap, or values inline)? */
export function mayHoldNull(v: Vector): boolean {
  return v.kind === 'obj' || v.validity !== null;
}

/** Is any of the vectors NULL at physical row i? */
export function hasNullAt(vecs: readonly Vector[], i: number): boolean {
  for (const v of vecs) if (isNullAt(v, i)) return true;
  return false;
}

const NULLS: readonly Value[] = Object.freeze(new Array<Value>(2048).fill(null));

/** A vector of n NULLs (shared and frozen up to a batch's size: vectors are read-only). */
export function nullVector(n: number): Vector {
  const data = n <= NULLS.length ? (NULLS as Value[]) : new Array<Value>(n).fill(null);
  return { kind: 'obj', data, validity: null, dict: null };
}

type TypedCtor = new (n: number) => Float64Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * A vector of the rows idx[0..n) of `v` (idx -1 = NULL), keeping the storage kind and dictionary.
 *
 * @example
 * gather(vec, Int32Array.of(4, -1, 0), 3); // rows 4, NULL, 0
 */
export function gather(v: Vector, idx: Int32Array, n: number): Vector {
  if (v.kind === 'obj') {
    const src = v.data as Value[];
    const out: Value[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      out[k] = i < 0 ? null : (src[i] ?? null);
    }
    return { kind: 'obj', data: out, validity: null, dict: null };
  }
  const src = v.data as Float64Array;
  const data = new (src.constructor as TypedCtor)(n) as Float64Array;
  const sv = v.validity;
  let validity: Uint8Array | null = null;
  let missing = false;
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    if (i >= 0) data[k] = src[i]!;
    else missing = true;
  }
  if (sv === null && !missing) return { kind: v.kind, data, validity: null, dict: v.dict };
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    if (i < 0 || (sv !== null && ((sv[i >> 3]! >> (i & 7)) & 1) === 0)) {
      if (validity === null) {
        validity = new Uint8Array((n + 7) >> 3).fill(255);
      }
      validity[k >> 3]! &= ~(1 << (k & 7));
    }
  }
  return { kind: v.kind, data, validity, dict: v.dict };
}

/**
 * Accumulates the live rows of batches into one vector per column (joins' build side): numbers in
 * a Float64Array, text dictionary-encoded, anything else as values.
 */
export class ColumnBuffer {
  private readonly kind: 'f64' | 'dict' | 'obj';
  private nums: Float64Array = new Float64Array(0);
  private codes: Int32Array = new Int32Array(0);
  private nulls: number[] = [];
  private readonly values: Value[] = [];
  private readonly dict: string[] = [];
  private readonly dictIndex = new Map<string, number>();
  private n = 0;

  constructor(type: SqlType) {
    const k = storageKind(type);
    this.kind = k === 'f64' || k === 'i32' ? 'f64' : k === 'dict' ? 'dict' : 'obj';
  }

  append(v: Vector, sel: Int32Array | null, count: number, ctx: ExecContext): void {
    const start = this.n;
    let bytes = count * 8;
    if (this.kind === 'f64') this.nums = growFloat64(this.nums, start + count);
    if (this.kind === 'dict') this.codes = growInt32(this.codes, start + count);
    for (let k = 0; k < count; k++) {
      const x = vectorGet(v, sel === null ? k : sel[k]!);
      const row = start + k;
      if (this.kind === 'obj') {
        this.values.push(x);
        if (typeof x === 'string') bytes += x.length * 2;
      } else if (x === null) this.nulls.push(row);
      else if (this.kind === 'f64') this.nums[row] = x as number;
      else {
        let c = this.dictIndex.get(x as string);
        if (c === undefined) {
          c = this.dict.length;
          this.dict.push(x as string);
          this.dictIndex.set(x as string, c);
          bytes += (x as string).length * 2 + 32;
        }
        this.codes[row] = c;
      }
    }
    this.n += count;
    ctx.reserve(bytes);
  }

  finish(): Vector {
    if (this.kind === 'obj') return { kind: 'obj', data: this.values, validity: null, dict: null };
    let validity: Uint8Array | null = null;
    if (this.nulls.length > 0) {
      validity = new Uint8Array((this.n + 7) >> 3).fill(255);
      for (const r of this.nulls) validity[r >> 3]! &= ~(1 << (r & 7));
    }
    if (this.kind === 'f64')
      return { kind: 'f64', data: this.nums.subarray(0, this.n), validity, dict: null };
    return { kind: 'dict', data: this.codes.subarray(0, this.n), validity, dict: this.dict };
  }
}
