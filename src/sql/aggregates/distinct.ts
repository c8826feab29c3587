import { tupleKey, valueKey } from '../../types/values.js';
import type { Value } from '../../types/values.js';
import type { Accumulator } from './aggregate.js';

export { tupleKey, valueKey };

/** Per-group state of a DISTINCT aggregate: the inner state plus a reference count per distinct input. */
export interface DistinctState<S> {
  inner: S;
  /** Key of the arguments → the first row's arguments (copied) and how many live rows have them. */
  seen: Map<unknown, { args: Value[]; n: number }>;
}

const keyOf = (args: readonly Value[]): unknown => (args.length === 1 ? valueKey(args[0]!) : tupleKey(args));

/**
 * Wraps an accumulator so each distinct argument tuple reaches it once: `agg(DISTINCT x)`.
 * Reference counts make `remove` exact: the inner remove runs when the last copy goes.
 * Values reach the inner accumulator in first-seen order.
 *
 * @example
 * const acc = withDistinct(findAggregate('count')[1]!.make([T.int4], []));
 */
export function withDistinct<S>(acc: Accumulator<S>): Accumulator<DistinctState<S>> {
  const wrapped: Accumulator<DistinctState<S>> = {
    init: () => ({ inner: acc.init(), seen: new Map() }),
    add(s, args) {
      const key = keyOf(args);
      const e = s.seen.get(key);
      if (e !== undefined) e.n++;
      else {
        // Callers may reuse the args array between rows, so keep a copy.
        const own = args.slice();
        s.seen.set(key, { args: own, n: 1 });
        s.inner = acc.add(s.inner, own);
      }
      return s;
    },
    result: (s) => acc.result(s.inner),
    bytes: (s) => 64 + s.seen.size * 96 + (acc.bytes?.(s.inner) ?? 0),
  };
  const remove = acc.remove;
  if (remove !== undefined) {
    wrapped.remove = (s, args) => {
      const key = keyOf(args);
      const e = s.seen.get(key);
      if (e === undefined) return s;
      if (--e.n === 0) {
        s.seen.delete(key);
        s.inner = remove.call(acc, s.inner, e.args);
      }
      return s;
    };
  }
  if (acc.merge !== undefined) {
    // Merging through add (not the inner merge) keeps values both sides saw from counting twice.
    wrapped.merge = (a, b) => {
      for (const [key, e] of b.seen) {
        const mine = a.seen.get(key);
        if (mine !== undefined) mine.n += e.n;
        else {
          a.seen.set(key, e);
          a.inner = acc.add(a.inner, e.args);
        }
      }
      return a;
    };
  }
  return wrapped;
}
