/**
 * Open-addressing hash tables over typed arrays for the hot paths of grouping, joins and DISTINCT:
 * no objects per entry, no string keys. Each maps a key to a dense id 0, 1, 2, … in insertion
 * order, so callers keep per-id data in plain arrays.
 */

const EMPTY = -1;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Hash of a double's bits (keys are normalised before hashing: no -0, one NaN). */
function hashDouble(v: number): number {
  if ((v | 0) === v) return Math.imul(v ^ (v >>> 16), 0x45d9f3b) ^ 0x9e3779b9;
  f64[0] = v;
  let h = Math.imul(u32[0]! ^ 0x9e3779b9, 0x85ebca6b) ^ u32[1]!;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Groups compare floats as PostgreSQL does: -0 equals 0 and NaN equals NaN. */
export function normalizeDouble(v: number): number {
  return v === 0 ? 0 : v;
}

/**
 * double → id, the ids chosen by the caller (so one id space can hold numbers, strings and NULL).
 * NaN is one key (PostgreSQL groups NaNs together); -0 is 0. Key and id sit side by side in the
 * slot arrays: one probe touches two cache lines at most.
 *
 * @example
 * const m = new NumberIdMap(); m.getOrInsert(2.5, 0); // 0 (inserted)
 * m.getOrInsert(7, 1); m.getOrInsert(2.5, 2); // 1 (inserted), then 0 (found)
 */
export class NumberIdMap {
  /**
   * While every key is a small non-negative integer, ids sit in an array indexed by the key (a
   * perfect hash, as for dense ids and codes); the first key that doesn't fit moves all to hashing.
   */
  private direct: Int32Array | null = new Int32Array(1024).fill(EMPTY);
  private keys: Float64Array = new Float64Array(16);
  private ids: Int32Array = new Int32Array(16).fill(EMPTY);
  private mask = 15;
  size = 0;
  private nanId = EMPTY;

  /** The key's id; when absent, inserts it with id `fresh` and returns that. */
  getOrInsert(key: number, fresh: number): number {
    const direct = this.direct;
    if (direct !== null) {
      if (key >>> 0 === key && key < direct.length) {
        const id = direct[key]!;
        if (id !== EMPTY) return id;
        direct[key] = fresh;
        this.size++;
        return fresh;
      }
      if (!this.widen(key)) return this.getOrInsert(key, fresh);
    }
    if (key !== key) {
      if (this.nanId === EMPTY) this.nanId = fresh;
      return this.nanId;
    }
    if (key === 0) key = 0;
    const mask = this.mask;
    const ids = this.ids;
    const keys = this.keys;
    let p = hashDouble(key) & mask;
    for (;;) {
      const id = ids[p]!;
      if (id === EMPTY) break;
      if (keys[p] === key) return id;
      p = (p + 1) & mask;
    }
    keys[p] = key;
    ids[p] = fresh;
    if (++this.size * 2 > mask) this.rehash();
    return fresh;
  }

  /** The key's id, or -1. */
  get(key: number): number {
    const direct = this.direct;
    if (direct !== null) return key >>> 0 === key && key < direct.length ? direct[key]! : EMPTY;
    if (key !== key) return this.nanId;
    if (key === 0) key = 0;
    const mask = this.mask;
    let p = hashDouble(key) & mask;
    for (;;) {
      const id = this.ids[p]!;
      if (id === EMPTY || this.keys[p] === key) return id;
      p = (p + 1) & mask;
    }
  }

  /**
   * Grows the direct array to hold `key` when it stays dense (up to 1M slots, then at most 16 per key, 16M
   * slots in all) and returns true; otherwise moves every entry into the hash table.
   */
  private widen(key: number): boolean {
    const direct = this.direct!;
    const dense = Math.max(1 << 20, 16 * this.size);
    if (key >>> 0 === key && key < dense && key < 1 << 24) {
      let cap = direct.length;
      while (cap <= key) cap *= 2;
      const next = new Int32Array(cap).fill(EMPTY);
      next.set(direct);
      this.direct = next;
      return false;
    }
    this.direct = null;
    const n = this.size;
    this.size = 0;
    let cap = 16;
    while (cap < n * 4) cap *= 2;
    this.keys = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    for (let k = 0; k < direct.length; k++) if (direct[k] !== EMPTY) this.getOrInsert(k, direct[k]!);
    return true;
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const keys = new Float64Array(cap);
    const ids = new Int32Array(cap).fill(EMPTY);
    const mask = cap - 1;
    for (let q = 0; q <= this.mask; q++) {
      const id = this.ids[q]!;
      if (id === EMPTY) continue;
      const k = this.keys[q]!;
      let p = hashDouble(k) & mask;
      while (ids[p] !== EMPTY) p = (p + 1) & mask;
      keys[p] = k;
      ids[p] = id;
    }
    this.keys = keys;
    this.ids = ids;
    this.mask = mask;
  }

  /** Bytes held, for memory accounting. */
  byteSize(): number {
    return this.keys.byteLength + this.ids.byteLength + (this.direct?.byteLength ?? 0);
  }
}

/**
 * (int, int) → dense id, for composite group keys (one id per key column, paired left to right)
 * and for DISTINCT per group.
 */
export class PairIdMap {
  private slots: Int32Array = new Int32Array(16).fill(EMPTY);
  private mask = 15;
  a: Int32Array = new Int32Array(8);
  b: Int32Array = new Int32Array(8);
  size = 0;

  getOrAdd(x: number, y: number): number {
    const mask = this.mask;
    const slots = this.slots;
    let p = hashPair(x, y) & mask;
    for (;;) {
      const id = slots[p]!;
      if (id === EMPTY) break;
      if (this.a[id] === x && this.b[id] === y) return id;
      p = (p + 1) & mask;
    }
    if (this.size === this.a.length) {
      const a = new Int32Array(this.size * 2);
      a.set(this.a);
      this.a = a;
      const b = new Int32Array(this.size * 2);
      b.set(this.b);
      this.b = b;
    }
    const id = this.size++;
    this.a[id] = x;
    this.b[id] = y;
    slots[p] = id;
    if (this.size * 2 > mask) this.rehash();
    return id;
  }

  /** The pair's id, or -1. */
  get(x: number, y: number): number {
    let p = hashPair(x, y) & this.mask;
    for (;;) {
      const id = this.slots[p]!;
      if (id === EMPTY || (this.a[id] === x && this.b[id] === y)) return id;
      p = (p + 1) & this.mask;
    }
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = new Int32Array(cap).fill(EMPTY);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let p = hashPair(this.a[id]!, this.b[id]!) & mask;
      while (slots[p] !== EMPTY) p = (p + 1) & mask;
      slots[p] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }

  byteSize(): number {
    return this.slots.byteLength + this.a.byteLength * 2;
  }
}

/** Grows an Int32Array to at least n entries (doubling), keeping its contents. */
export function growInt32(a: Int32Array, n: number, fill = 0): Int32Array {
  if (a.length >= n) return a;
  const next = new Int32Array(Math.max(n, a.length * 2));
  if (fill !== 0) next.fill(fill, a.length);
  next.set(a);
  return next;
}

/** Grows a Float64Array to at least n entries (doubling), keeping its contents. */
export function growFloat64(a: Float64Array, n: number): Float64Array {
  if (a.length >= n) return a;
  const next = new Float64Array(Math.max(n, a.length * 2));
  next.set(a);
  return next;
}
