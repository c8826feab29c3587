import type { Value } from '../../types/values.js';
import { hashKey, tupleKey } from '../../types/values.js';

const NULL_KEY = Symbol('null');

/**
 * Map key for a grouping/join tuple (NULLs equal, as grouping sees them). A single scalar is its
 * own hashKey, which keeps number and string keys out of string building on the hot path.
 */
export function groupKey(vals: readonly Value[]): unknown {
  if (vals.length === 1) {
    const v = vals[0]!;
    return v === null ? NULL_KEY : hashKey(v);
  }
  return tupleKey(vals);
}
