import { Decimal, Interval, tupleKey, type Value } from '../types/values.js';

/**
 * A change to a relation: rows with weights, +n for n copies added and -n for n copies removed.
 * An UPDATE is a -1 of the old row and a +1 of the new one.
 *
 * @example
 * const d = emptyDelta();
 * addRow(d, [1, 'eu'], +1);
 */
export interface Delta {
  readonly rows: Value[][];
  readonly weights: number[];
}

export function emptyDelta(): Delta {
  return { rows: [], weights: [] };
}

export function addRow(d: Delta, row: Value[], weight: number): void {
  if (weight === 0) return;
  d.rows.push(row);
  d.weights.push(weight);
}

export function isEmpty(d: Delta): boolean {
  return d.rows.length === 0;
}

/** Appends every row of `from` to `into`. */
export function appendDelta(into: Delta, from: Delta): void {
  for (let i = 0; i < from.rows.length; i++) addRow(into, from.rows[i]!, from.weights[i]!);
}

/** The key of a row in multisets: rows are the same when their values have the same representation. */
export function rowKey(row: readonly Value[]): unknown {
  return tupleKey(row, true);
}

/**
 * The same change with identical rows merged and rows whose weights cancel dropped, so that a
 * group updated twice in one commit becomes one retraction and one insertion. Rows are matched by
 * rowHash and sameRow (no key strings).
 */
export function consolidate(d: Delta): Delta {
  const n = d.rows.length;
  if (n <= 1) return d;
  const rows: Value[][] = [];
  const weights: number[] = [];
  // First merged row of each hash, and the next merged row with the same hash (-1 ends a chain).
  const first = new Map<number, number>();
  const next: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = d.rows[i]!;
    const h = rowHash(row);
    let j = first.get(h) ?? -1;
    while (j >= 0 && !sameRow(rows[j]!, row)) j = next[j]!;
    if (j >= 0) weights[j]! += d.weights[i]!;
    else {
      next.push(first.get(h) ?? -1);
      first.set(h, rows.length);
      rows.push(row);
      weights.push(d.weights[i]!);
    }
  }
  const out = emptyDelta();
  for (let j = 0; j < rows.length; j++) addRow(out, rows[j]!, weights[j]!);
  return out;
}

/**
 * Whether two rows hold the same values in the same representation (as rowKey compares them), without
 * building keys: primitives by identity (NaN equal to NaN), other values by their keys.
 */
export function sameRow(x: readonly Value[], y: readonly Value[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const v = y[i]!;
    if (u === v && (u !== 0 || Object.is(u, v))) continue;
    if (typeof u === 'number' && typeof v === 'number') {
      if (u !== u && v !== v) continue;
      return false;
    }
    if (typeof u !== 'object' || typeof v !== 'object' || u === null || v === null) return false;
    if (u instanceof Decimal && v instanceof Decimal) {
      if (u.nan ? v.nan : !v.nan && u.coef === v.coef && u.scale === v.scale) continue;
      return false;
    }
    if (rowKey([u]) !== rowKey([v])) return false;
  }
  return true;
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/** A hash of one value, equal for values sameRow takes as equal. */
function valueHash(v: Value): number {
  if (typeof v === 'number') {
    if ((v | 0) === v) return v;
    if (v !== v) return 0x7ff80000;
    f64[0] = v;
    return (f64Words[0]! ^ Math.imul(f64Words[1]!, 0x9e3779b1)) | 0;
  }
  if (typeof v === 'string') {
    let x = v.length;
    const stride = 1 + (v.length >> 5);
    for (let i = 0; i < v.length; i += stride) x = Math.imul(x ^ v.charCodeAt(i), 0x01000193);
    return x;
  }
  if (v === null) return 3;
  if (typeof v === 'boolean') return v ? 1 : 2;
  if (typeof v === 'bigint') return (Number(v) | 0) ^ (Number(v >> 32n) | 0);
  if (v instanceof Decimal) return v.nan ? 5 : (Number(v.coef) | 0) ^ Math.imul(v.scale, 0x27d4eb2d);
  if (v instanceof Interval) return Math.imul(v.months, 31) ^ Math.imul(v.days, 0x01000193) ^ (v.micros | 0);
  if (v instanceof Uint8Array) return v.length ^ (v[0] ?? 0) ^ ((v[v.length - 1] ?? 0) << 8);
  if (Array.isArray(v)) return rowHash(v);
  return 4;
}

/** A cheap hash of a row's values: rows sameRow takes as equal hash equal (collisions are possible). */
export function rowHash(row: readonly Value[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < row.length; i++) h = Math.imul(h ^ valueHash(row[i]!), 0x01000193);
  return h;
}

/**
 * Entries keyed by a row's values (as sameRow compares them), found by rowHash with no key strings:
 * the multisets of DISTINCT, the clock filter and a view's stored rows.
 */
export class RowMap<E extends { readonly row: readonly Value[] }> {
  private readonly byHash = new Map<number, E | E[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The entry whose row equals `row`. */
  get(row: readonly Value[]): E | undefined {
    const e = this.byHash.get(rowHash(row));
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return sameRow(e.row, row) ? e : undefined;
    return e.find((x) => sameRow(x.row, row));
  }

  /** Adds an entry for a row not present. */
  add(entry: E): void {
    const h = rowHash(entry.row);
    const e = this.byHash.get(h);
    if (e === undefined) this.byHash.set(h, entry);
    else if (Array.isArray(e)) e.push(entry);
    else this.byHash.set(h, [e, entry]);
    this.count++;
  }

  /** Removes `entry` (the very object added). */
  delete(entry: E): void {
    const h = rowHash(entry.row);
    const e = this.byHash.get(h);
    if (e === entry) this.byHash.delete(h);
    else if (Array.isArray(e)) {
      const i = e.indexOf(entry);
      if (i < 0) return;
      e.splice(i, 1);
      if (e.length === 1) this.byHash.set(h, e[0]!);
    } else return;
    this.count--;
  }

  *values(): IterableIterator<E> {
    for (const e of this.byHash.values()) {
      if (Array.isArray(e)) yield* e;
      else yield e;
    }
  }
}
