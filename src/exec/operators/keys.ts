import type { Value } from '../../types/values.js';
import { hashKey } from '../../types/values.js';

const NULL_KEY = Symbol('null');

/**
 * A Map key for a tuple of values: equal tuples (as SQL grouping sees them, NULLs equal) give
 * equal keys. A single value is its own key where it can be.
 */
export function tupleKey(vals: readonly Value[]): unknown {
  if (vals.length === 1) {
    const v = vals[0]!;
    return v === null ? NULL_KEY : hashKey(v);
  }
  let s = '';
  for (const v of vals) {
    if (v === null) {
      s += '\u0000N';
      continue;
    }
    const k = hashKey(v);
    s += '\u0000' + (typeof k === 'string' ? 's' + k : typeof k === 'number' ? 'n' + k : typeof k === 'bigint' ? 'b' + k : 'o' + String(k));
  }
  return s;
}
