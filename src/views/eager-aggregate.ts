import { DatabaseError, SqlState } from '../errors.js';
import { containsSubquery, mapExpr, referencedColumns, type Expr } from '../plan/expr.js';
import type { AggCall, AggregateNode, JoinNode, LogicalPlan } from '../plan/logical.js';
import type { Accumulator, AggregateFunction } from '../sql/aggregates/aggregate.js';
import { DecimalSum, ExactIntSum } from '../sql/aggregates/basic.js';
import { findAggregate } from '../sql/aggregates/index.js';
import { Decimal } from '../types/decimal.js';
import { T, type SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { addPairSum, PairSum, step, total } from './exact-float-sum.js';
import type { SlotRepr } from './partial-states.js';

/**
 * Eager aggregation for maintained views: a GROUP BY over a join whose aggregates read one side
 * only (facts joined with a dimension) is split into a partial aggregate of that side, grouped by
 * the columns the join and everything above it need, and an upper aggregate combining the partials:
 *
 *   SELECT p.category, count(*), sum(s.amount) FROM sales s JOIN products p USING (product_id) GROUP BY 1
 *   ≡ … FROM (SELECT product_id, count(*) AS n, sum(amount) AS t FROM sales GROUP BY 1) s JOIN products p …
 *     with count(*) → Σ n and sum(amount) → Σ t
 *
 * The join then indexes one row per join key instead of every fact row: a fact change touches one
 * partial row (retracted and re-added through the join), and a dimension change moves each partial
 * of its key instead of each fact row. The view's state and its per-change cost no longer grow
 * with the fact table. Only aggregates that decompose exactly are split (count, sum, avg, min,
 * max; not DISTINCT, ORDER BY inside the call or ordered-set aggregates), and only where the
 * aggregated side is never null-extended (inner joins; LEFT joins aggregating the left side).
 */
export interface EagerAggregate {
  /** The join, whose inputs are compiled as they are. */
  readonly join: JoinNode;
  /** Which join input is pre-aggregated (0 left, 1 right). */
  readonly side: 0 | 1;
  /** The partial aggregate over that input's rows: its group keys and calls. */
  readonly partialGroupBy: readonly Expr[];
  readonly partialAggs: readonly AggCall[];
  /** The join over the partial rows: keys and widths of the new inputs, condition over their row. */
  readonly leftKeys: readonly Expr[];
  readonly rightKeys: readonly Expr[];
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly condition: Expr | null;
  /** Filters between the join and the aggregate, over the new joined row. */
  readonly filters: readonly Expr[];
  /** The upper aggregate over the new joined row. */
  readonly groupBy: readonly Expr[];
  readonly aggs: readonly AggCall[];
  /**
   * When every aggregate is linear (count, sum, avg): the partial columns as slots of a fused
   * partial-aggregate-and-join (DeltaEagerJoin), which passes a fact change on as one contribution
   * row instead of retracting and re-adding its partial row; `partialAggs` is then unused. The
   * joined rows end with a multiplicity column (facts a row stands for) the upper aggregate counts.
   */
  readonly linear: readonly LinearSlot[] | null;
  /** Index of the multiplicity column in the joined row (linear only). */
  readonly multiplicity: number | null;
}

/** One partial column of a linear eager aggregate: a count or a sum of one fact column. */
export interface LinearSlot {
  readonly kind: 'count' | 'sum';
  /** Over the fact side's row; null for count(*). */
  readonly arg: Expr | null;
  readonly filter: Expr | null;
  /** Folds contributions into the partial value (the combining accumulator, never rounded). */
  readonly acc: Accumulator;
  /** How the fused join keeps it (float sums as pair sums in typed arrays, see partial-states.ts). */
  readonly repr: SlotRepr;
}

const SUMMABLE = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);

/** The plan for `p` split by eager aggregation, or null when it does not apply or would not help. */
export function eagerAggregate(
  p: AggregateNode,
  groupBy: readonly Expr[],
  readsClock: (e: Expr) => boolean,
): EagerAggregate | null {
  if (p.aggs.length === 0) return null;
  for (const a of p.aggs) {
    if (a.distinct || a.orderBy.length > 0 || a.directArgs.length > 0) return null;
    const name = a.fn.name;
    if (name === 'sum' || name === 'avg') {
      if (a.args.length !== 1 || !SUMMABLE.has(a.args[0]!.type.id)) return null;
    } else if (name === 'min' || name === 'max') {
      if (a.args.length !== 1) return null;
    } else if (name !== 'count') return null;
  }

  // Down through projections (inlined) and filters (kept) to the join.
  let exprs = {
    groupBy: [...groupBy],
    args: p.aggs.map((a) => [...a.args]),
    filters: p.aggs.map((a) => a.filter),
  };
  const between: Expr[] = [];
  let input: LogicalPlan = p.input;
  for (;;) {
    if (input.kind === 'project') {
      const proj = input.exprs;
      const inline = (e: Expr): Expr => mapExpr(e, (x) => (x.kind === 'col' ? proj[x.index] : undefined));
      exprs = {
        groupBy: exprs.groupBy.map(inline),
        args: exprs.args.map((as) => as.map(inline)),
        filters: exprs.filters.map((f) => (f ? inline(f) : null)),
      };
      between.forEach((f, i) => (between[i] = inline(f)));
      input = input.input;
    } else if (input.kind === 'filter') {
      between.push(input.predicate);
      input = input.input;
    } else break;
  }
  if (input.kind !== 'join') return null;
  // A subquery's outer references index its filter's own row, which inlining would not follow.
  if (between.some(containsSubquery)) return null;
  const join = input;
  const lw = join.left.fields.length;
  const rw = join.right.fields.length;

  // The side the aggregates read; it must never be null-extended.
  const aggCols = new Set<number>();
  exprs.args.forEach((as) => as.forEach((e) => referencedColumns(e, aggCols)));
  exprs.filters.forEach((f) => f && referencedColumns(f, aggCols));
  const cols = [...aggCols];
  const side: 0 | 1 = cols.length > 0 && cols.every((c) => c >= lw) ? 1 : 0;
  if (side === 0 && cols.some((c) => c >= lw)) return null;
  const allowed = join.joinType === 'inner' || join.joinType === (side === 0 ? 'left' : 'right');
  if (!allowed) return null;

  // The partial's group keys: a GROUP BY expression over that side alone is a key itself (so
  // date_trunc('day', ts) groups the partials by day, not by timestamp); otherwise the side's
  // columns the join and everything above read are keys.
  const off = side === 0 ? 0 : lw;
  const width = side === 0 ? lw : rw;
  const mine = (c: number): boolean => c >= off && c < off + width;
  const local = (e: Expr): Expr => shift(e, -off);
  const keyExprs: Expr[] = [];
  const keyIndex = new Map<string, number>();
  const addKey = (e: Expr): number => {
    const k = JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let i = keyIndex.get(k);
    if (i === undefined) {
      keyIndex.set(k, (i = keyExprs.length));
      keyExprs.push(e);
    }
    return i;
  };
  const column = (c: number): Expr => ({
    kind: 'col',
    type: (side === 0 ? join.left : join.right).fields[c]!.type,
    index: c,
  });
  const rawKeys = new Set<number>();
  for (const k of side === 0 ? join.leftKeys : join.rightKeys) referencedColumns(k, rawKeys);
  const groupKey = new Map<number, number>();
  exprs.groupBy.forEach((g, i) => {
    const refs = [...referencedColumns(g)];
    if (g.kind !== 'col' && refs.length > 0 && refs.every(mine)) groupKey.set(i, addKey(local(g)));
    else for (const c of refs) if (mine(c)) rawKeys.add(c - off);
  });
  for (const e of [...between, ...(join.condition ? [join.condition] : [])])
    for (const c of referencedColumns(e)) if (mine(c)) rawKeys.add(c - off);
  const columnKey = new Map<number, number>();
  for (const c of [...rawKeys].sort((a, b) => a - b)) columnKey.set(c, addKey(column(c)));
  // No keys: the partial would be one global row; every column: no rows would be merged.
  if (keyExprs.length === 0 || columnKey.size === width) return null;
  const keys = keyExprs.length;
  const partialGroupBy = keyExprs;

  // Partial calls over the side's own row, and the combining calls over the partial columns.
  const partialAggs: AggCall[] = [];
  const slots: LinearSlot[] = [];
  const partialCols: { type: SqlType; index: number }[][] = [];
  // Slots exist for count/sum/avg partials: in a linear view, one per partial column.
  const addPartial = (call: AggCall, slot: LinearSlot | null): { type: SqlType; index: number } => {
    partialAggs.push(call);
    if (slot) slots.push(slot);
    return { type: call.type, index: keys + partialAggs.length - 1 };
  };
  // Fused only without a clock filter above the join: that filter holds every row it passes, and a
  // fused join's rows carry a batch's change (an object per slot) that it cannot match again.
  const linear =
    !between.some(readsClock) &&
    p.aggs.every((a) => a.fn.name === 'count' || a.fn.name === 'sum' || a.fn.name === 'avg');
  p.aggs.forEach((a, i) => {
    const args = exprs.args[i]!.map(local);
    const filter = exprs.filters[i] ? local(exprs.filters[i]!) : null;
    const base = { ...a, args, filter };
    const count: LinearSlot = {
      kind: 'count',
      arg: args[0] ?? null,
      filter,
      acc: countCombine,
      repr: 'count',
    };
    const sum = (): LinearSlot => {
      const acc = partialSumAccumulator(args[0]!.type);
      return { kind: 'sum', arg: args[0]!, filter, acc, repr: acc === floatPartialSum ? 'pair' : 'object' };
    };
    // avg divides by the count; a sum is NULL while no input is non-null: both carry the count.
    if (a.fn.name === 'avg' || a.fn.name === 'sum')
      partialCols.push([addPartial(partialSum(base), sum()), addPartial(countOf(base), count)]);
    else partialCols.push([addPartial(base, a.fn.name === 'count' ? count : null)]);
  });
  // Linear: one more column, the facts a row stands for (1 for a contribution, n for a partial).
  const pw = keys + partialAggs.length + (linear ? 1 : 0);

  // The new join: the pre-aggregated side is `pw` wide, its columns at the partial keys.
  const newOff = side === 0 ? 0 : lw;
  const otherOff = side === 0 ? lw : 0;
  const newOtherOff = side === 0 ? pw : 0;
  const remap = (e: Expr): Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'col') return undefined;
      if (mine(x.index)) return { ...x, index: newOff + columnKey.get(x.index - off)! };
      return { ...x, index: x.index - otherOff + newOtherOff };
    });
  const keyLocal = (e: Expr): Expr =>
    mapExpr(e, (x) => (x.kind === 'col' ? { ...x, index: columnKey.get(x.index)! } : undefined));
  const upperGroupBy = exprs.groupBy.map((g, i): Expr => {
    const k = groupKey.get(i);
    return k === undefined ? remap(g) : { kind: 'col', type: g.type, index: newOff + k };
  });
  const aggs = p.aggs.map((a, i) => {
    const [first, second] = partialCols[i]!.map((c): Expr => ({
      kind: 'col',
      type: c.type,
      index: newOff + c.index,
    }));
    return combine(a, first!, second);
  });
  return {
    join,
    side,
    partialGroupBy,
    partialAggs,
    leftKeys: side === 0 ? join.leftKeys.map(keyLocal) : join.leftKeys,
    rightKeys: side === 1 ? join.rightKeys.map(keyLocal) : join.rightKeys,
    leftWidth: side === 0 ? pw : lw,
    rightWidth: side === 1 ? pw : rw,
    condition: join.condition ? remap(join.condition) : null,
    filters: between.map(remap),
    groupBy: upperGroupBy,
    aggs,
    linear: linear ? slots : null,
    multiplicity: linear ? newOff + pw - 1 : null,
  };
}

/** The accumulator keeping a linear slot's partial sum, by the summed column's type. */
function partialSumAccumulator(t: SqlType): Accumulator {
  if (t.id === 'float4' || t.id === 'float8') return floatPartialSum;
  if (t.id === 'int2' || t.id === 'int4') return int8Sum(ROWS);
  return numericSum(ROWS);
}

function shift(e: Expr, by: number): Expr {
  return by === 0 ? e : mapExpr(e, (x) => (x.kind === 'col' ? { ...x, index: x.index + by } : undefined));
}

function aggregateFn(name: string, arg: SqlType): AggregateFunction {
  const fn = findAggregate(name).find((f) => f.args.length === 1 && f.args[0]!.id === arg.id);
  if (!fn) throw new DatabaseError(SqlState.internalError, `aggregate ${name}(${arg.id}) not found`);
  return fn;
}

/**
 * The partial sum of a sum or avg call: sum itself for integers and numerics (int2/int4 → int8,
 * int8/numeric → numeric), and for floats an unrounded float8 sum (the view sums floats exactly).
 */
function partialSum(a: AggCall): AggCall {
  const arg = a.args[0]!;
  if (arg.type.id === 'float4' || arg.type.id === 'float8') {
    const f8: Expr = arg.type.id === 'float8' ? arg : { kind: 'cast', type: T.float8, arg, explicit: true };
    return { ...a, fn: aggregateFn('sum', T.float8), args: [f8], type: T.float8 };
  }
  const fn = aggregateFn('sum', arg.type);
  return { ...a, fn, type: typeof fn.ret === 'function' ? fn.ret([arg.type]) : fn.ret };
}

function countOf(a: AggCall): AggCall {
  const fn = findAggregate('count').find((f) => f.args.length === 1)!;
  return { ...a, fn, type: T.int8 };
}

/** The call combining an aggregate's partial column(s) into its final value. */
function combine(a: AggCall, partial: Expr, count: Expr | undefined): AggCall {
  const call = (name: string, args: Expr[], acc: () => Accumulator): AggCall => ({
    fn: { name, args: args.map((x) => x.type), ret: a.type, make: acc },
    args,
    directArgs: [],
    distinct: false,
    filter: null,
    orderBy: [],
    type: a.type,
  });
  const argType = a.args[0]?.type.id;
  const float = argType === 'float4' || argType === 'float8';
  switch (a.fn.name) {
    case 'count':
      return call('count (combine)', [partial], () => countCombine);
    case 'sum': {
      const acc = float
        ? floatCombine(argType === 'float4' ? 'sum4' : 'sum')
        : argType === 'int2' || argType === 'int4'
          ? int8Sum(COUNTED)
          : numericSum(COUNTED);
      return call('sum (combine)', [partial, count!], () => acc);
    }
    case 'avg':
      return call('avg (combine)', [partial, count!], () => (float ? floatCombine('avg') : numericAvg));
    default:
      // min of the partial minimums, max of the maximums.
      return { ...a, args: [{ ...partial, type: a.args[0]!.type }], filter: null };
  }
}

// --- combining accumulators (partial values in, the original aggregate's result out) -------------

/** Counts: contributions are 0 or 1 (numbers), partials are counts (bigint). */
export const countCombine: Accumulator<number> = {
  init: () => 0,
  add: (n, args) => n + Number(args[0]),
  remove: (n, args) => n - Number(args[0]),
  result: (n) => BigInt(n),
};

/**
 * An exact sum of integers (contributions: numbers or bigints) and numerics (Decimal; the display
 * scale follows the live inputs), with the rows folded in and, for avg, the inputs they stand for.
 */
class MixedSum {
  readonly ints = new ExactIntSum();
  /** Created by the first numeric (most sums only ever see integers). */
  decimals: DecimalSum | null = null;
  rows = 0;
  n = 0;

  step(args: readonly Value[], sign: 1 | -1): this {
    const v = args[0]!;
    if ((v as unknown) instanceof MixedSum) this.merge(v as unknown as MixedSum, sign);
    else {
      if (typeof v === 'number') this.ints.addNumber(sign * v);
      else if (typeof v === 'bigint') this.ints.addBigInt(sign > 0 ? v : -v);
      else {
        this.decimals ??= new DecimalSum();
        if (sign > 0) this.decimals.add(v as Decimal);
        else this.decimals.remove(v as Decimal);
      }
      this.rows += sign;
    }
    if (args.length > 1) this.n += sign * Number(args[1]);
    return this;
  }

  /** Adds (sign 1) or subtracts another sum: a fused join's change of one partial in one batch. */
  private merge(o: MixedSum, sign: 1 | -1): void {
    this.ints.addSigned(o.ints, sign);
    if (o.decimals) (this.decimals ??= new DecimalSum()).addSigned(o.decimals, sign);
    this.rows += sign * o.rows;
  }

  decimal(): Decimal {
    const i = this.ints.value();
    if (this.decimals === null) return Decimal.fromBigInt(i);
    const d = this.decimals.value();
    return i === 0n ? d : d.add(Decimal.fromBigInt(i));
  }
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * When a sum is NULL. A partial folds single values: NULL while no row is folded in (ROWS). The
 * combining side folds (sum, count) pairs — contributions and partials alike — and a partial stands
 * for many inputs, so it counts the inputs (COUNTED).
 */
type Empty = (s: MixedSum) => boolean;
const ROWS: Empty = (s) => s.rows === 0;
const COUNTED: Empty = (s) => s.n === 0;

function mixed(result: (s: MixedSum) => Value): Accumulator<MixedSum> {
  return {
    init: () => new MixedSum(),
    add: (s, args) => s.step(args, 1),
    remove: (s, args) => s.step(args, -1),
    result,
  };
}

/** sum(int2/int4): an int8. */
function int8Sum(empty: Empty): Accumulator<MixedSum> {
  return mixed((s) => {
    if (empty(s)) return null;
    const v = s.ints.value();
    if (v < INT8_MIN || v > INT8_MAX)
      throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
    return v;
  });
}

/** sum(int8/numeric): a numeric. */
function numericSum(empty: Empty): Accumulator<MixedSum> {
  return mixed((s) => (empty(s) ? null : s.decimal()));
}

/** avg of integers or numerics from (sum, count) pairs. */
const numericAvg = mixed((s) => (s.n === 0 ? null : s.decimal().div(Decimal.fromInt(s.n))));

/** A partial's float sum: exact, unrounded, NULL while no value is folded in. */
const floatPartialSum: Accumulator<PairSum> = {
  init: () => new PairSum(),
  add: (s, args) => step(s, args[0] as number, 1),
  remove: (s, args) => step(s, args[0] as number, -1),
  result: (s) => (s.n === 0 ? null : total(s, false)),
};

class FloatTotal {
  readonly sum = new PairSum();
  n = 0;
}

function floatStep(s: FloatTotal, args: readonly Value[], sign: 1 | -1): FloatTotal {
  const v = args[0] as unknown;
  // A fused join's change of one partial in one batch, or one value.
  if (v instanceof PairSum) addPairSum(s.sum, v, sign);
  else step(s.sum, v as number, sign);
  s.n += sign * Number(args[1]);
  return s;
}

/** sum (float4 rounded or not) or avg of floats from (sum, count) pairs. */
function floatCombine(fn: 'sum' | 'sum4' | 'avg'): Accumulator<FloatTotal> {
  return {
    init: () => new FloatTotal(),
    add: (s, args) => floatStep(s, args, 1),
    remove: (s, args) => floatStep(s, args, -1),
    result(s) {
      if (s.n === 0) return null;
      return fn === 'avg' ? total(s.sum, false) / s.n : total(s.sum, fn === 'sum4');
    },
  };
}
