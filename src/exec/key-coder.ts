import { hashKey, type Value } from '../types/values.js';
import { vectorGet, type Vector } from './batch.js';
import { NumberIdMap, PairIdMap } from './hash-tables.js';

/**
 * Dense codes for the values of one key column, as grouping and joins compare them (NULL is one
 * value; NaN = NaN; -0 = 0; 1.0 = 1.00). Numbers go through a typed hash table, dictionary codes
 * through a per-dictionary translation array, other values through a Map on their hash key.
 */
export class KeyCoder {
  private readonly nums = new NumberIdMap();
  private readonly others = new Map<unknown, number>();
  /** Code → the value first seen for it. */
  readonly values: Value[] = [];
  private nullCode = -1;
  private lastDict: readonly string[] | null = null;
  private dictCodes = new Int32Array(0);

  get size(): number {
    return this.values.length;
  }

  private add(v: Value): number {
    this.values.push(v);
    return this.values.length - 1;
  }

  private codeOfNull(): number {
    if (this.nullCode < 0) this.nullCode = this.add(null);
    return this.nullCode;
  }

  private codeOfNumber(v: number): number {
    const fresh = this.values.length;
    const code = this.nums.getOrInsert(v, fresh);
    if (code === fresh) this.values.push(v);
    return code;
  }

  /** The code of one value (adding it when new). */
  codeOf(v: Value): number {
    if (v === null) return this.codeOfNull();
    if (typeof v === 'number') return this.codeOfNumber(v);
    const k = typeof v === 'string' || typeof v === 'bigint' ? v : hashKey(v);
    let c = this.others.get(k);
    if (c === undefined) {
      c = this.add(v);
      this.others.set(k, c);
    }
    return c;
  }

  /** The code of a value seen before, or -1 (probing joins: unseen keys and NULL cannot match). */
  find(v: Value): number {
    if (v === null) return -1;
    if (typeof v === 'number') return this.nums.get(v);
    return this.others.get(typeof v === 'string' || typeof v === 'bigint' ? v : hashKey(v)) ?? -1;
  }

  /**
   * Codes of the live rows of `vec` (row `rows[k]`, or k when rows is null) into out[k]. With
   * `probe`, unseen values and NULL get -1 instead of a code.
   */
  encode(vec: Vector, rows: Int32Array | null, count: number, out: Int32Array, probe = false): void {
    const valid = vec.validity;
    switch (vec.kind) {
      case 'f64':
      case 'i32': {
        const d = vec.data as Float64Array;
        let last = NaN;
        let lastCode = -1;
        for (let k = 0; k < count; k++) {
          const i = rows === null ? k : rows[k]!;
          if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
            out[k] = probe ? -1 : this.codeOfNull();
            continue;
          }
          const v = d[i]!;
          if (v !== last) {
            last = v;
            lastCode = probe ? this.find(v) : this.codeOfNumber(v);
          }
          out[k] = lastCode;
        }
        return;
      }
      case 'dict': {
        const d = vec.data as Int32Array;
        const codes = this.dictCodesFor(vec.dict!, probe);
        for (let k = 0; k < count; k++) {
          const i = rows === null ? k : rows[k]!;
          if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
            out[k] = probe ? -1 : this.codeOfNull();
            continue;
          }
          const c = d[i]!;
          let code = codes[c]!;
          if (code === -2) {
            code = probe ? this.find(vec.dict![c]!) : this.codeOf(vec.dict![c]!);
            if (!probe || code >= 0) codes[c] = code;
          }
          out[k] = code;
        }
        return;
      }
      default: {
        let last: unknown = undefined;
        let lastCode = -1;
        for (let k = 0; k < count; k++) {
          const i = rows === null ? k : rows[k]!;
          const v = vectorGet(vec, i);
          // Computed vectors repeat the same object for equal inputs (memoised calls): skip the hash.
          if (v !== last || v === null) {
            last = v;
            lastCode = probe ? this.find(v) : this.codeOf(v);
          }
          out[k] = lastCode;
        }
      }
    }
  }

  /** Translation from a dictionary's codes to ours (-2 = not looked up yet), cached per dictionary. */
  private dictCodesFor(dict: readonly string[], probe: boolean): Int32Array {
    if (dict !== this.lastDict || this.dictCodes.length < dict.length) {
      const prev = dict === this.lastDict ? this.dictCodes : null;
      const next = new Int32Array(Math.max(dict.length, 16)).fill(-2);
      if (prev) next.set(prev);
      this.dictCodes = next;
      this.lastDict = dict;
    }
    // A probe must not cache "unseen" as final: the build side may grow later (it does not today).
    void probe;
    return this.dictCodes;
  }
}

/**
 * Dense ids for tuples of key columns: each column coded by a KeyCoder, the codes paired left to
 * right. One key column needs no pairing.
 */
export class TupleCoder {
  readonly coders: KeyCoder[];
  private readonly pairs: PairIdMap[];
  private scratch = new Int32Array(0);

  constructor(width: number) {
    this.coders = Array.from({ length: width }, () => new KeyCoder());
    this.pairs = Array.from({ length: Math.max(0, width - 1) }, () => new PairIdMap());
  }

  /** Number of distinct tuples seen. */
  get size(): number {
    if (this.coders.length === 0) return 1;
    return this.pairs.length === 0 ? this.coders[0]!.size : this.pairs[this.pairs.length - 1]!.size;
  }

  /** Tuple ids of the live rows into out[k]; with `probe`, unseen tuples get -1 instead of an id. */
  encode(
    vecs: readonly Vector[],
    rows: Int32Array | null,
    count: number,
    out: Int32Array,
    probe = false,
  ): void {
    if (vecs.length === 0) {
      out.fill(0, 0, count);
      return;
    }
    this.coders[0]!.encode(vecs[0]!, rows, count, out, probe);
    if (vecs.length === 1) return;
    if (this.scratch.length < count) this.scratch = new Int32Array(Math.max(count, 2048));
    const col = this.scratch;
    for (let c = 1; c < vecs.length; c++) {
      this.coders[c]!.encode(vecs[c]!, rows, count, col, probe);
      const pairs = this.pairs[c - 1]!;
      if (!probe) for (let k = 0; k < count; k++) out[k] = pairs.getOrAdd(out[k]!, col[k]!);
      else
        for (let k = 0; k < count; k++) {
          const a = out[k]!;
          const b = col[k]!;
          out[k] = a < 0 || b < 0 ? -1 : pairs.get(a, b);
        }
    }
  }

  /** The key values of tuple id `t`. */
  tuple(t: number): Value[] {
    const n = this.coders.length;
    const out: Value[] = new Array(n);
    for (let c = n - 1; c >= 1; c--) {
      const p = this.pairs[c - 1]!;
      out[c] = this.coders[c]!.values[p.b[t]!]!;
      t = p.a[t]!;
    }
    if (n > 0) out[0] = this.coders[0]!.values[t]!;
    return out;
  }
}

/** The key values of tuple ids [from, to), one array per key column. */
export function coderColumns(coder: TupleCoder, from: number, to: number): Value[][] {
  const width = coder.coders.length;
  if (width === 1) return [coder.coders[0]!.values.slice(from, to)];
  const cols: Value[][] = Array.from({ length: width }, () => new Array<Value>(to - from));
  for (let t = from; t < to; t++) {
    const tuple = coder.tuple(t);
    for (let c = 0; c < width; c++) cols[c]![t - from] = tuple[c]!;
  }
  return cols;
}
