import { tupleKey } from '../types/values.js';
import type { Value } from '../types/values.js';

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
 * group updated twice in one commit becomes one retraction and one insertion.
 */
export function consolidate(d: Delta): Delta {
  if (d.rows.length <= 1) return d;
  const byKey = new Map<unknown, { row: Value[]; w: number }>();
  for (let i = 0; i < d.rows.length; i++) {
    const k = rowKey(d.rows[i]!);
    const e = byKey.get(k);
    if (e) e.w += d.weights[i]!;
    else byKey.set(k, { row: d.rows[i]!, w: d.weights[i]! });
  }
  const out = emptyDelta();
  for (const e of byKey.values()) addRow(out, e.row, e.w);
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
    if (rowKey([u]) !== rowKey([v])) return false;
  }
  return true;
}
