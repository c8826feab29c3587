/**
 * Drives aggregates the way the executor does (strict aggregates never see a row with a NULL
 * argument) and checks two invariants with fast-check:
 * - remove undoes add: after any interleaving of adds and removes, result == a fresh accumulator
 *   fed the rows still live (removes take the oldest equal row, as a sliding window does);
 * - merge(a, b) == one accumulator fed a's rows then b's rows.
 */
import fc from 'fast-check';
import type { Accumulator, AggregateFunction } from '../../../src/sql/aggregates/aggregate.js';
import { tupleKey } from '../../../src/sql/aggregates/distinct.js';
import { findAggregate } from '../../../src/sql/aggregates/index.js';
import { Decimal } from '../../../src/types/decimal.js';
import { Interval } from '../../../src/types/interval.js';
import type { SqlType } from '../../../src/types/types.js';
import { compareValues } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';

const accepts = (formal: SqlType, actual: SqlType): boolean =>
  formal.id === actual.id ||
  formal.id === 'any' ||
  formal.id === 'anyelement' ||
  (formal.id === 'anyarray' && actual.id === 'array');

/**
 * The overload of `name` for these argument types: an exact match first, else a pseudo-type one.
 * Direct arguments (ordered-set fractions) pick the scalar or the array-of-fractions overload.
 */
export function overload(
  name: string,
  argTypes: readonly SqlType[],
  direct: readonly Value[] = [],
): AggregateFunction {
  const cands = findAggregate(name).filter(
    (f) =>
      f.args.length === argTypes.length &&
      (f.directArgs ?? []).length === direct.length &&
      (f.directArgs ?? []).every((d, i) => (d.id === 'array') === Array.isArray(direct[i])),
  );
  const exact = cands.find((f) => f.args.every((a, i) => a.id === argTypes[i]!.id));
  const loose = cands.find((f) => f.args.every((a, i) => accepts(a, argTypes[i]!)));
  const fn = exact ?? loose;
  if (fn === undefined) throw new Error(`no overload ${name}(${argTypes.map((t) => t.id).join(', ')})`);
  return fn;
}

/** Result type of the overload, resolving polymorphic ones. */
export function resultType(
  name: string,
  argTypes: readonly SqlType[],
  direct: readonly Value[] = [],
): SqlType {
  const fn = overload(name, argTypes, direct);
  return typeof fn.ret === 'function' ? fn.ret(argTypes) : fn.ret;
}

export interface Bound {
  fn: AggregateFunction;
  acc: Accumulator;
  /** Would the executor pass this row to the accumulator? */
  feeds(row: readonly Value[]): boolean;
  /** A fresh state fed `rows`. */
  fold(rows: readonly (readonly Value[])[]): unknown;
  /** Result of a fresh accumulator over `rows`. */
  over(rows: readonly (readonly Value[])[]): Value;
}

export function bind(name: string, argTypes: readonly SqlType[], direct: readonly Value[] = []): Bound {
  const fn = overload(name, argTypes, direct);
  const acc = fn.make(argTypes, direct);
  const feeds = (row: readonly Value[]): boolean => fn.strict === false || !row.includes(null);
  const fold = (rows: readonly (readonly Value[])[]): unknown => {
    let s = acc.init();
    for (const r of rows) if (feeds(r)) s = acc.add(s, r);
    return s;
  };
  return { fn, acc, feeds, fold, over: (rows) => acc.result(fold(rows)) };
}

/** Runs `name` over rows (each row an argument tuple) and returns its result. */
export function aggregate(
  name: string,
  argTypes: readonly SqlType[],
  rows: readonly (readonly Value[])[],
  direct: readonly Value[] = [],
): Value {
  return bind(name, argTypes, direct).over(rows);
}

/** Runs a one-argument aggregate over a column of values. */
export function column(
  name: string,
  type: SqlType,
  values: readonly Value[],
  direct: readonly Value[] = [],
): Value {
  return aggregate(
    name,
    [type],
    values.map((v) => [v]),
    direct,
  );
}

/** Deep equality of values; Decimals must match in scale too; floats within `tol` (relative) when given. */
export function same(a: Value, b: Value, tol = 0): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return tol > 0 && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
  }
  if (a instanceof Decimal && b instanceof Decimal) return a.toString() === b.toString();
  if (a instanceof Interval && b instanceof Interval) {
    return a.months === b.months && a.days === b.days && a.micros === b.micros;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i]!, tol));
  return a === b;
}

/**
 * Equality up to representation (1.0 = 1.00, '1 mon' = '30 days'): for aggregates that return one
 * of several equal inputs, where which one PostgreSQL returns is unspecified.
 */
export function equalValue(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  return compareValues(a, b) === 0;
}

/** Printable form for assertion messages. */
export function show(v: Value): string {
  return JSON.stringify(v, (_k, x) =>
    typeof x === 'bigint'
      ? `${x}n`
      : x instanceof Decimal
        ? `D${x.toString()}`
        : x instanceof Interval
          ? `I${x.months}m${x.days}d${x.micros}us`
          : x,
  );
}

export interface PropertySpec {
  name: string;
  argTypes: readonly SqlType[];
  row: fc.Arbitrary<Value[]>;
  direct?: readonly Value[];
  /** Relative tolerance for float results (0 = exact). */
  tol?: number;
  /** Result equality; defaults to {@link same} with `tol`. */
  eq?: (got: Value, want: Value) => boolean;
  /** Rows added first and never removed (keeps e.g. regressions away from degenerate data). */
  anchors?: readonly Value[][];
  numRuns?: number;
}

type Op = { add: Value[] } | { remove: number };

/** Property: any interleaving of adds and removes gives the fresh result over the live rows. */
export function checkRemoveUndoesAdd(spec: PropertySpec): void {
  const b = bind(spec.name, spec.argTypes, spec.direct);
  const acc = b.acc;
  if (acc.remove === undefined) throw new Error(`${spec.name} has no remove`);
  const ops: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: spec.row.map((add) => ({ add })) },
    { weight: 2, arbitrary: fc.nat().map((remove) => ({ remove })) },
  );
  fc.assert(
    fc.property(fc.array(ops, { maxLength: 80, size: 'max' }), (seq) => {
      const anchors = (spec.anchors ?? []).filter(b.feeds);
      const live: Value[][] = [...anchors];
      let state = b.fold(anchors);
      for (const op of seq) {
        if ('add' in op) {
          if (!b.feeds(op.add)) continue;
          live.push(op.add);
          state = b.acc.add(state, op.add);
        } else {
          const removable = live.length - anchors.length;
          if (removable === 0) continue;
          const row = live[anchors.length + (op.remove % removable)]!;
          // Order-sensitive accumulators drop the oldest identical row; mirror that in the reference.
          const key = tupleKey(row, true);
          const at = live.findIndex((r, i) => i >= anchors.length && tupleKey(r, true) === key);
          live.splice(at, 1);
          state = acc.remove!(state, row);
        }
        const got = b.acc.result(state);
        const want = b.over(live);
        if (!(spec.eq ?? ((x, y) => same(x, y, spec.tol)))(got, want)) {
          throw new Error(
            `${spec.name}: after ${show(op as unknown as Value)} got ${show(got)}, want ${show(want)}`,
          );
        }
      }
    }),
    { numRuns: spec.numRuns ?? 150 },
  );
}

/** Property: merging the states of a prefix and a suffix equals folding all rows. */
export function checkMergeEqualsAddAll(spec: PropertySpec): void {
  const b = bind(spec.name, spec.argTypes, spec.direct);
  const acc = b.acc;
  if (acc.merge === undefined) throw new Error(`${spec.name} has no merge`);
  fc.assert(
    fc.property(fc.array(spec.row, { maxLength: 80, size: 'max' }), fc.nat(), (rows, cut) => {
      const k = cut % (rows.length + 1);
      const merged = acc.merge!(b.fold(rows.slice(0, k)), b.fold(rows.slice(k)));
      const got = b.acc.result(merged);
      const want = b.over(rows);
      if (!(spec.eq ?? ((x, y) => same(x, y, spec.tol)))(got, want))
        throw new Error(`${spec.name}: merged ${show(got)}, want ${show(want)}`);
    }),
    { numRuns: spec.numRuns ?? 150 },
  );
}

/** Arbitraries for each value representation. */
export const arb = {
  int2: fc.integer({ min: -32768, max: 32767 }),
  int4: fc.oneof(fc.integer({ min: -50, max: 50 }), fc.integer()),
  int8: fc.oneof(fc.bigInt({ min: -50n, max: 50n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  numeric: fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }))
        .map(([c, s]) => new Decimal(c, s)),
    },
    { weight: 1, arbitrary: fc.constant(Decimal.NaN) },
  ),
  /** Small integers as floats: sums are exact, so only the statistics need a tolerance. */
  float8: fc.oneof(
    { weight: 30, arbitrary: fc.integer({ min: -50, max: 50 }) },
    { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN) },
  ),
  interval: fc
    .tuple(
      fc.integer({ min: -30, max: 30 }),
      fc.integer({ min: -60, max: 60 }),
      fc.integer({ min: -1e11, max: 1e11 }),
    )
    .map(([m, d, us]) => new Interval(m, d, us)),
  text: fc.constantFrom('a', 'b', 'c', 'ab', ''),
  bool: fc.boolean(),
};

/** A one-column row that is NULL about one time in eight. */
export function nullable(a: fc.Arbitrary<Value>): fc.Arbitrary<Value[]> {
  return fc.option(a, { freq: 8, nil: null }).map((v) => [v]);
}
