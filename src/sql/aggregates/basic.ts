import { DatabaseError, SqlState } from '../../errors.js';
import { Decimal } from '../../types/decimal.js';
import { Interval } from '../../types/interval.js';
import { arrayOf, T, typeName } from '../../types/types.js';
import type { SqlType } from '../../types/types.js';
import type { Value } from '../../types/values.js';
import type { Accumulator, AggregateFunction, GroupedStates } from './aggregate.js';
import { tupleKey, valueKey } from './distinct.js';
import { groupedKernel } from './grouped.js';
import { comparatorFor, multisetAccumulator, scaleInterval } from './ordered-set.js';

// ---------------------------------------------------------------------------------------------
// Exact accumulators shared with statistics.ts
// ---------------------------------------------------------------------------------------------

const POW10: bigint[] = [1n];
/** 10^n as a bigint (cached). */
export function pow10n(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

const TWO52 = 2 ** 52;
const BIG_TWO52 = 2n ** 52n;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * An exact integer sum. Integers accumulate in a double while it stays below 2^53 (no allocation per
 * row) and spill into a bigint before it could round.
 *
 * @example
 * const s = new ExactIntSum(); s.addNumber(2 ** 52); s.addNumber(2 ** 52); s.value(); // 9007199254740992n
 */
export class ExactIntSum {
  small = 0;
  big = 0n;

  /** Adds an integer with |v| ≤ 2^52. */
  addNumber(v: number): void {
    // |small| ≤ 2^52 and |v| ≤ 2^52, so the double sum is exact; spill before it can exceed 2^53.
    const s = this.small + v;
    if (s > TWO52 || s < -TWO52) {
      this.big += BigInt(s);
      this.small = 0;
    } else {
      this.small = s;
    }
  }

  /** Adds any bigint. */
  addBigInt(v: bigint): void {
    if (v <= BIG_TWO52 && v >= -BIG_TWO52) this.addNumber(Number(v));
    else this.big += v;
  }

  /** Adds the other sum into this one. */
  mergeFrom(o: ExactIntSum): void {
    this.big += o.big;
    this.addNumber(o.small);
  }

  /** Adds (sign 1) or subtracts the other sum. */
  addSigned(o: ExactIntSum, sign: 1 | -1): void {
    this.big += sign > 0 ? o.big : -o.big;
    this.addNumber(sign * o.small);
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/**
 * Multiset of numeric display scales, so a sum keeps PostgreSQL's result scale (the largest input
 * scale) after the row that had it is removed.
 */
export class ScaleCounts {
  private counts: number[] = [];
  /** Largest scale with a live value (0 when none). */
  max = 0;

  add(scale: number, n = 1): void {
    this.counts[scale] = (this.counts[scale] ?? 0) + n;
    if (scale > this.max) this.max = scale;
  }

  remove(scale: number): void {
    const c = (this.counts[scale] ?? 0) - 1;
    this.counts[scale] = c;
    if (c <= 0 && scale === this.max) {
      while (this.max > 0 && !((this.counts[this.max] ?? 0) > 0)) this.max--;
    }
  }

  mergeFrom(o: ScaleCounts): void {
    o.counts.forEach((c, s) => {
      if (c > 0) this.add(s, c);
    });
  }

  /** Adds (sign 1) or subtracts the other's counts, which may be negative (a batch's change). */
  addSigned(o: ScaleCounts, sign: 1 | -1): void {
    o.counts.forEach((c, s) => {
      if (c !== 0) this.counts[s] = (this.counts[s] ?? 0) + sign * c;
    });
    this.max = 0;
    for (let s = this.counts.length - 1; s > 0; s--)
      if ((this.counts[s] ?? 0) > 0) {
        this.max = s;
        break;
      }
  }
}

/**
 * Exact numeric sum kept as one bigint coefficient at the largest scale seen; NaN inputs are
 * counted so removing them restores a finite sum.
 *
 * @example
 * const s = new DecimalSum(); s.add(Decimal.parse('1.5')); s.add(Decimal.parse('2.25')); s.value(); // 3.75
 */
export class DecimalSum {
  coef = 0n;
  scale = 0;
  nan = 0;
  readonly scales = new ScaleCounts();

  add(d: Decimal): void {
    if (d.nan) {
      this.nan++;
      return;
    }
    this.scales.add(d.scale);
    const c = this.align(d.coef, d.scale); // align may rescale this.coef, so read it afterwards
    this.coef += c;
  }

  remove(d: Decimal): void {
    if (d.nan) {
      this.nan--;
      return;
    }
    this.scales.remove(d.scale);
    const c = this.align(d.coef, d.scale);
    this.coef -= c;
  }

  mergeFrom(o: DecimalSum): void {
    this.nan += o.nan;
    this.scales.mergeFrom(o.scales);
    const c = this.align(o.coef, o.scale);
    this.coef += c;
  }

  /** Adds (sign 1) or subtracts the other sum, its NaNs and display scales included. */
  addSigned(o: DecimalSum, sign: 1 | -1): void {
    this.nan += sign * o.nan;
    this.scales.addSigned(o.scales, sign);
    const c = this.align(o.coef, o.scale);
    this.coef += sign > 0 ? c : -c;
  }

  /** Raises the running scale to at least `scale` and returns `coef` at the running scale. */
  private align(coef: bigint, scale: number): bigint {
    if (scale > this.scale) {
      this.coef *= pow10n(scale - this.scale);
      this.scale = scale;
    }
    return scale === this.scale ? coef : coef * pow10n(this.scale - scale);
  }

  /** The sum at PostgreSQL's display scale (the largest scale among the live inputs). */
  value(): Decimal {
    if (this.nan > 0) return Decimal.NaN;
    const s = this.scales.max;
    return new Decimal(s === this.scale ? this.coef : this.coef / pow10n(this.scale - s), s);
  }
}

/** Raises PostgreSQL's float overflow error (22003). */
export function floatOverflow(): DatabaseError {
  return new DatabaseError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

// ---------------------------------------------------------------------------------------------
// count, sum, avg
// ---------------------------------------------------------------------------------------------

const countAccumulator: Accumulator<number> = {
  init: () => 0,
  add: (n) => n + 1,
  remove: (n) => n - 1,
  merge: (a, b) => a + b,
  result: (n) => BigInt(n),
};

class IntSumState {
  n = 0;
  readonly sum = new ExactIntSum();
}

function intSum(result: (s: IntSumState) => Value): Accumulator<IntSumState> {
  const big = (v: Value): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));
  return {
    init: () => new IntSumState(),
    add(s, args) {
      const v = args[0]!;
      if (typeof v === 'number') s.sum.addNumber(v);
      else s.sum.addBigInt(v as bigint);
      s.n++;
      return s;
    },
    remove(s, args) {
      const v = args[0]!;
      if (typeof v === 'number') s.sum.addNumber(-v);
      else s.sum.addBigInt(-big(v));
      s.n--;
      return s;
    },
    merge(a, b) {
      a.sum.mergeFrom(b.sum);
      a.n += b.n;
      return a;
    },
    result: (s) => (s.n === 0 ? null : result(s)),
  };
}

function checkedInt8(v: bigint): bigint {
  if (v < INT8_MIN || v > INT8_MAX)
    throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
  return v;
}

const intAvg = (s: IntSumState): Value => Decimal.fromBigInt(s.sum.value()).div(Decimal.fromInt(s.n));

class NumericSumState {
  n = 0;
  readonly sum = new DecimalSum();
}

function numericSum(result: (s: NumericSumState) => Value): Accumulator<NumericSumState> {
  return {
    init: () => new NumericSumState(),
    add(s, args) {
      s.sum.add(args[0] as Decimal);
      s.n++;
      return s;
    },
    remove(s, args) {
      s.sum.remove(args[0] as Decimal);
      s.n--;
      return s;
    },
    merge(a, b) {
      a.sum.mergeFrom(b.sum);
      a.n += b.n;
      return a;
    },
    result: (s) => (s.n === 0 ? null : result(s)),
  };
}

/** Float sum with infinities and NaNs counted apart, so removing one restores the finite sum. */
class FloatSumState {
  sum = 0;
  n = 0;
  pinf = 0;
  ninf = 0;
  nan = 0;
}

function floatSumStep(s: FloatSumState, v: number, sign: 1 | -1, float4: boolean): void {
  s.n += sign;
  if (Number.isFinite(v)) {
    const r = float4 ? Math.fround(s.sum + sign * v) : s.sum + sign * v;
    // PostgreSQL raises when finite inputs overflow; with an infinity already summed it would not.
    if (!Number.isFinite(r) && Number.isFinite(s.sum) && s.pinf + s.ninf + s.nan === 0) throw floatOverflow();
    s.sum = r;
  } else if (v !== v) s.nan += sign;
  else if (v > 0) s.pinf += sign;
  else s.ninf += sign;
}

function floatSumValue(s: FloatSumState): number {
  if (s.nan > 0 || (s.pinf > 0 && s.ninf > 0)) return NaN;
  if (s.pinf > 0) return Infinity;
  if (s.ninf > 0) return -Infinity;
  if (!Number.isFinite(s.sum)) throw floatOverflow();
  return s.sum;
}

function floatSum(float4: boolean, result: (s: FloatSumState) => Value): Accumulator<FloatSumState> {
  return {
    init: () => new FloatSumState(),
    add(s, args) {
      floatSumStep(s, args[0] as number, 1, float4);
      return s;
    },
    remove(s, args) {
      floatSumStep(s, args[0] as number, -1, float4);
      return s;
    },
    merge(a, b) {
      a.n += b.n;
      a.pinf += b.pinf;
      a.ninf += b.ninf;
      a.nan += b.nan;
      a.sum = float4 ? Math.fround(a.sum + b.sum) : a.sum + b.sum;
      return a;
    },
    result: (s) => (s.n === 0 ? null : result(s)),
  };
}

/** Interval sum field by field, as PostgreSQL's interval_pl adds. */
class IntervalSumState {
  n = 0;
  months = 0;
  days = 0;
  micros = 0;
}

function intervalSumValue(s: IntervalSumState): Interval {
  const i32 = (x: number): boolean => x >= -2147483648 && x <= 2147483647;
  if (!i32(s.months) || !i32(s.days) || !Number.isFinite(s.micros)) {
    throw new DatabaseError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  return new Interval(s.months, s.days, s.micros);
}

function intervalSum(result: (s: IntervalSumState) => Value): Accumulator<IntervalSumState> {
  const step = (s: IntervalSumState, v: Interval, sign: number): IntervalSumState => {
    s.n += sign;
    s.months += sign * v.months;
    s.days += sign * v.days;
    s.micros += sign * v.micros;
    return s;
  };
  return {
    init: () => new IntervalSumState(),
    add: (s, args) => step(s, args[0] as Interval, 1),
    remove: (s, args) => step(s, args[0] as Interval, -1),
    merge(a, b) {
      a.n += b.n;
      a.months += b.months;
      a.days += b.days;
      a.micros += b.micros;
      return a;
    },
    result: (s) => (s.n === 0 ? null : result(s)),
  };
}

// ---------------------------------------------------------------------------------------------
// bool_and / bool_or, string_agg, array_agg
// ---------------------------------------------------------------------------------------------

class BoolCounts {
  t = 0;
  f = 0;
}

function boolAgg(result: (s: BoolCounts) => boolean): Accumulator<BoolCounts> {
  const step = (s: BoolCounts, v: Value, d: number): BoolCounts => {
    if (v === true) s.t += d;
    else s.f += d;
    return s;
  };
  return {
    init: () => new BoolCounts(),
    add: (s, args) => step(s, args[0]!, 1),
    remove: (s, args) => step(s, args[0]!, -1),
    merge(a, b) {
      a.t += b.t;
      a.f += b.f;
      return a;
    },
    result: (s) => (s.t + s.f === 0 ? null : result(s)),
  };
}

const HOLE: unique symbol = Symbol('removed');

/**
 * Values in insertion order with removal of the oldest identical entry (a sliding window removes its
 * oldest rows; identical, not just equal, so 1.0 and 1.00 stay apart). The key → slots index is built only on the first remove, so add-only use pays a push.
 */
class InsertionLog {
  items: (Value | typeof HOLE)[] = [];
  /** Second column per item (string_agg's delimiter), parallel to items. */
  extras: Value[] = [];
  live = 0;
  private holes = 0;
  private index: Map<unknown, { slots: number[]; head: number }> | null = null;
  /** First element's array dimensions (array_agg of arrays), reset when the log empties. */
  dims: string | null = null;

  constructor(private readonly keyOf: (v: Value, extra: Value) => unknown) {}

  push(v: Value, extra: Value): void {
    const slot = this.items.length;
    this.items.push(v);
    this.extras.push(extra);
    this.live++;
    if (this.index !== null) this.enqueue(this.keyOf(v, extra), slot);
  }

  /** Removes the oldest live entry equal to (v, extra); false when none. */
  remove(v: Value, extra: Value): boolean {
    if (this.index === null) {
      this.index = new Map();
      for (let i = 0; i < this.items.length; i++) {
        const it = this.items[i]!;
        if (it !== HOLE) this.enqueue(this.keyOf(it, this.extras[i]!), i);
      }
    }
    const q = this.index.get(this.keyOf(v, extra));
    if (q === undefined || q.head >= q.slots.length) return false;
    const slot = q.slots[q.head++]!;
    if (q.head > 32 && q.head * 2 > q.slots.length) {
      q.slots.splice(0, q.head);
      q.head = 0;
    }
    this.items[slot] = HOLE;
    this.live--;
    this.holes++;
    if (this.live === 0) this.dims = null;
    if (this.holes > 64 && this.holes > this.live) this.compact();
    return true;
  }

  forEach(fn: (v: Value, extra: Value) => void): void {
    for (let i = 0; i < this.items.length; i++) {
      const it = this.items[i]!;
      if (it !== HOLE) fn(it, this.extras[i]!);
    }
  }

  private enqueue(key: unknown, slot: number): void {
    const q = this.index!.get(key);
    if (q === undefined) this.index!.set(key, { slots: [slot], head: 0 });
    else q.slots.push(slot);
  }

  private compact(): void {
    const items: (Value | typeof HOLE)[] = [];
    const extras: Value[] = [];
    this.forEach((v, e) => {
      items.push(v);
      extras.push(e);
    });
    this.items = items;
    this.extras = extras;
    this.holes = 0;
    this.index = null;
  }
}

function logAccumulator(
  keyOf: (v: Value, extra: Value) => unknown,
  push: (s: InsertionLog, args: readonly Value[]) => void,
  removeArgs: (s: InsertionLog, args: readonly Value[]) => void,
  result: (s: InsertionLog) => Value,
): Accumulator<InsertionLog> {
  return {
    init: () => new InsertionLog(keyOf),
    add(s, args) {
      push(s, args);
      return s;
    },
    remove(s, args) {
      removeArgs(s, args);
      return s;
    },
    merge(a, b) {
      b.forEach((v, e) => push(a, [v, e]));
      return a;
    },
    result: (s) => (s.live === 0 ? null : result(s)),
  };
}

const textKey = (v: Value, d: Value): unknown =>
  d === null ? '\u0000' + (v as string) : `${(d as string).length}:${d as string}${v as string}`;

function stringAgg(bytes: boolean): Accumulator<InsertionLog> {
  // PostgreSQL skips NULL values; a NULL delimiter counts as empty. The first value's delimiter is dropped.
  return logAccumulator(
    bytes ? (v, d) => tupleKey([v, d], true) : textKey,
    (s, args) => {
      if (args[0] !== null) s.push(args[0]!, args[1] ?? null);
    },
    (s, args) => {
      if (args[0] !== null) s.remove(args[0]!, args[1] ?? null);
    },
    (s) => {
      if (!bytes) {
        let out = '';
        let first = true;
        s.forEach((v, d) => {
          out += first ? (v as string) : ((d as string | null) ?? '') + (v as string);
          first = false;
        });
        return out;
      }
      const parts: Uint8Array[] = [];
      s.forEach((v, d) => {
        if (parts.length > 0 && d !== null) parts.push(d as Uint8Array);
        parts.push(v as Uint8Array);
      });
      return new Uint8Array(Buffer.concat(parts));
    },
  );
}

/** Shape of a nested array ("2,3"), for array_agg's same-dimensions rule. */
function dimsOf(a: Value[]): string {
  const dims: number[] = [];
  let cur: Value = a;
  while (Array.isArray(cur)) {
    dims.push(cur.length);
    cur = cur[0] ?? null;
  }
  return dims.join(',');
}

function arrayAgg(ofArrays: boolean): Accumulator<InsertionLog> {
  return logAccumulator(
    (v) => valueKey(v, true),
    (s, args) => {
      const v = args[0] ?? null;
      if (ofArrays) {
        if (v === null)
          throw new DatabaseError(SqlState.nullValueNotAllowed, 'cannot accumulate null arrays');
        const a = v as Value[];
        if (a.length === 0)
          throw new DatabaseError(SqlState.arraySubscriptError, 'cannot accumulate empty arrays');
        const dims = dimsOf(a);
        if (s.live === 0) s.dims = dims;
        else if (s.dims !== dims) {
          throw new DatabaseError(
            SqlState.arraySubscriptError,
            'cannot accumulate arrays of different dimensionality',
          );
        }
      }
      s.push(v, null);
    },
    (s, args) => {
      s.remove(args[0] ?? null, null);
    },
    (s) => {
      const out: Value[] = [];
      s.forEach((v) => out.push(v));
      return out;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

/** The type a polymorphic result takes: typmods dropped; varchar/name become text (PostgreSQL's min/max). */
function minMaxType(t: SqlType): SqlType {
  switch (t.id) {
    case 'varchar':
    case 'name':
      return T.text;
    case 'bpchar':
      return T.bpchar;
    case 'numeric':
      return T.numeric;
    default:
      return t;
  }
}

/** min/max's result type; PostgreSQL has none for bool and json (bool_and/bool_or, casts). */
function minMaxResult(name: string): (argTypes: readonly SqlType[]) => SqlType {
  return (argTypes) => {
    const t = first(argTypes);
    if (t.id === 'bool' || t.id === 'json' || t.id === 'jsonb') {
      throw new DatabaseError(SqlState.undefinedFunction, `function ${name}(${typeName(t)}) does not exist`, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    return minMaxType(t);
  };
}

function arrayAggType(t: SqlType): SqlType {
  if (t.id === 'array') return t;
  if (t.id === 'varchar') return arrayOf(T.varchar);
  if (t.id === 'bpchar') return arrayOf(T.bpchar);
  return arrayOf(minMaxType(t));
}

const first = (argTypes: readonly SqlType[]): SqlType => argTypes[0] ?? T.unknown;

const INT_TYPES = [T.int2, T.int4] as const;

/** The columnar hash-aggregation kernel of an aggregate (null for argument types it lacks). */
const kernel =
  (name: string) =>
  (argTypes: readonly SqlType[], _direct: readonly Value[], distinct: boolean): GroupedStates | null =>
    groupedKernel(name, argTypes, floatOverflow, distinct);
const FLOAT_TYPES = [T.float4, T.float8] as const;

/** count, sum, avg, min, max, bool_and, bool_or, every, string_agg, array_agg. */
export const basicAggregates: AggregateFunction[] = [
  {
    name: 'count',
    args: [],
    ret: T.int8,
    strict: false,
    make: () => countAccumulator,
    grouped: kernel('count'),
  },
  { name: 'count', args: [T.any], ret: T.int8, make: () => countAccumulator, grouped: kernel('count') },

  ...INT_TYPES.map((t): AggregateFunction => ({
    name: 'sum',
    args: [t],
    ret: T.int8,
    make: () => intSum((s) => checkedInt8(s.sum.value())),
    grouped: kernel('sum'),
  })),
  {
    name: 'sum',
    args: [T.int8],
    ret: T.numeric,
    make: () => intSum((s) => Decimal.fromBigInt(s.sum.value())),
  },
  { name: 'sum', args: [T.numeric], ret: T.numeric, make: () => numericSum((s) => s.sum.value()) },
  {
    name: 'sum',
    args: [T.float4],
    ret: T.float4,
    make: () => floatSum(true, floatSumValue),
    grouped: kernel('sum'),
  },
  {
    name: 'sum',
    args: [T.float8],
    ret: T.float8,
    make: () => floatSum(false, floatSumValue),
    grouped: kernel('sum'),
  },
  { name: 'sum', args: [T.interval], ret: T.interval, make: () => intervalSum(intervalSumValue) },

  ...[T.int2, T.int4, T.int8].map((t): AggregateFunction => ({
    name: 'avg',
    args: [t],
    ret: T.numeric,
    make: () => intSum(intAvg),
    grouped: kernel('avg'),
  })),
  {
    name: 'avg',
    args: [T.numeric],
    ret: T.numeric,
    make: () => numericSum((s) => s.sum.value().div(Decimal.fromInt(s.n))),
  },
  ...FLOAT_TYPES.map((t): AggregateFunction => ({
    name: 'avg',
    args: [t],
    ret: T.float8,
    make: () => floatSum(false, (s) => floatSumValue(s) / s.n),
    grouped: kernel('avg'),
  })),
  {
    name: 'avg',
    args: [T.interval],
    ret: T.interval,
    make: () => intervalSum((s) => scaleInterval(intervalSumValue(s), s.n, true)),
  },

  {
    name: 'min',
    args: [T.anyelement],
    ret: minMaxResult('min'),
    make: (a) => multisetAccumulator((s) => s.min() ?? null, comparatorFor(a[0])),
    grouped: kernel('min'),
  },
  {
    name: 'max',
    args: [T.anyelement],
    ret: minMaxResult('max'),
    make: (a) => multisetAccumulator((s) => s.max() ?? null, comparatorFor(a[0])),
    grouped: kernel('max'),
  },

  { name: 'bool_and', args: [T.bool], ret: T.bool, make: () => boolAgg((s) => s.f === 0) },
  { name: 'every', args: [T.bool], ret: T.bool, make: () => boolAgg((s) => s.f === 0) },
  { name: 'bool_or', args: [T.bool], ret: T.bool, make: () => boolAgg((s) => s.t > 0) },

  { name: 'string_agg', args: [T.text, T.text], ret: T.text, strict: false, make: () => stringAgg(false) },
  { name: 'string_agg', args: [T.bytea, T.bytea], ret: T.bytea, strict: false, make: () => stringAgg(true) },

  {
    name: 'array_agg',
    args: [T.anyarray],
    ret: (a) => arrayAggType(first(a)),
    strict: false,
    make: (a) => arrayAgg(first(a).id === 'array'),
  },
  {
    name: 'array_agg',
    args: [T.anyelement],
    ret: (a) => arrayAggType(first(a)),
    strict: false,
    make: (a) => arrayAgg(first(a).id === 'array'),
  },
];
