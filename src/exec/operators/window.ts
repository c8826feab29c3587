import { DatabaseError, SqlState } from '../../errors.js';
import { isVolatile, type Expr } from '../../plan/expr.js';
import { WINDOW_FUNCTION_NAMES, type WindowCall } from '../../plan/logical.js';
import type { Accumulator } from '../../sql/aggregates/aggregate.js';
import { compareValues, Decimal, Interval, valuesEqual, type Value } from '../../types/values.js';
import { vectorGet, type Batch } from '../batch.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';
import { groupKey } from './keys.js';
import { BlockingOperator, rowBytes, type Operator } from './operator.js';
import { FrameCursor, hasRangeOffset, sortedPartition, type SortedPartition } from './window-frame.js';

/** SQLSTATEs invalid_argument_for_ntile / invalid_argument_for_nth_value (not in SqlState yet). */
const INVALID_NTILE_ARGUMENT = '22014';
const INVALID_NTH_VALUE_ARGUMENT = '22016';

/** Computes one call's values for a sorted partition into out[position]. */
type Evaluator = (part: SortedPartition, out: Value[]) => void;

/** Calls sharing PARTITION BY and ORDER BY are computed over one partitioning and one sort. */
interface WindowSpec {
  readonly partition: readonly number[];
  readonly order: readonly { readonly slot: number; readonly desc: boolean; readonly nullsFirst: boolean }[];
  readonly calls: number[];
  /** Some call has a RANGE offset frame, so partitions keep their sort key values. */
  rangeKeys: boolean;
}

/**
 * Window functions: buffers the input, partitions it by hash of the PARTITION BY keys, sorts each
 * partition (stable) and appends one column per call. Ranking, offset and aggregate functions over
 * ROWS / RANGE / GROUPS frames follow PostgreSQL; aggregates with `remove` slide in O(1) amortized
 * per row, others recompute when the frame head moves.
 *
 * @example new WindowOperator(scan, 2, [rowNumberCall]) // rows (a, b, row_number)
 */
export class WindowOperator extends BlockingOperator {
  /** Distinct expressions the calls read, evaluated once per input row into `values[slot]`. */
  private readonly exprs: CompiledExpr[] = [];
  private readonly values: Value[][] = [];
  private readonly specs: WindowSpec[] = [];
  /** Per call: slots of its arguments and of its FILTER (or -1). */
  private readonly argSlots: number[][];
  private readonly filterSlots: number[];
  private rows: Value[][] = [];

  constructor(
    input: Operator,
    private readonly inputColumnCount: number,
    private readonly calls: readonly WindowCall[],
  ) {
    super(input, inputColumnCount + calls.length);
    this.argSlots = calls.map((c) => c.args.map((a) => this.slot(a)));
    this.filterSlots = calls.map((c) => (c.filter === null ? -1 : this.slot(c.filter)));
    calls.forEach((call, i) => {
      checkCall(call);
      const partition = call.partitionBy.map((e) => this.slot(e));
      const order = call.orderBy.map((k) => ({
        slot: this.slot(k.expr),
        desc: k.desc,
        nullsFirst: k.nullsFirst,
      }));
      const spec = this.specs.find(
        (s) =>
          sameNumbers(s.partition, partition) &&
          s.order.length === order.length &&
          s.order.every(
            (k, j) =>
              k.slot === order[j]!.slot && k.desc === order[j]!.desc && k.nullsFirst === order[j]!.nullsFirst,
          ),
      );
      if (spec) {
        spec.calls.push(i);
        spec.rangeKeys ||= hasRangeOffset(call.frame);
      } else this.specs.push({ partition, order, calls: [i], rangeKeys: hasRangeOffset(call.frame) });
    });
  }

  /** Slot of an expression, shared with an equal earlier one unless it is volatile. */
  private slot(e: Expr): number {
    const found = isVolatile(e) ? -1 : this.exprs.findIndex((c) => sameTree(c.expr, e));
    if (found >= 0) return found;
    this.exprs.push(new CompiledExpr(e));
    this.values.push([]);
    return this.exprs.length - 1;
  }

  protected consume(batch: Batch, ctx: ExecContext): void {
    const vecs = this.exprs.map((e) => e.evalBatch(batch, ctx));
    const width = this.inputColumnCount + this.calls.length;
    for (let k = 0; k < batch.count; k++) {
      const i = batch.sel === null ? k : batch.sel[k]!;
      const row: Value[] = new Array(width).fill(null);
      for (let c = 0; c < this.inputColumnCount; c++) row[c] = vectorGet(batch.cols[c]!, i);
      for (let s = 0; s < vecs.length; s++) this.values[s]!.push(vectorGet(vecs[s]!, i));
      ctx.reserve(rowBytes(row) + 8 * vecs.length);
      this.rows.push(row);
    }
  }

  protected finish(ctx: ExecContext): Value[][] {
    const rows = this.rows;
    this.rows = [];
    for (const spec of this.specs) {
      // Frame offsets are evaluated (and checked) even when there are no rows, as in PostgreSQL.
      const evaluators = spec.calls.map((c) => this.evaluator(c, spec, ctx));
      for (const members of this.partitions(spec, rows.length)) {
        const part = this.sortPartition(spec, members);
        const out: Value[] = new Array(members.length);
        spec.calls.forEach((c, j) => {
          evaluators[j]!(part, out);
          const col = this.inputColumnCount + c;
          for (let p = 0; p < out.length; p++) rows[part.rows[p]!]![col] = out[p] ?? null;
        });
      }
    }
    return rows;
  }

  private partitions(spec: WindowSpec, n: number): Int32Array[] {
    if (spec.partition.length === 0) return n === 0 ? [] : [Int32Array.from({ length: n }, (_, i) => i)];
    const cols = spec.partition.map((s) => this.values[s]!);
    const groups = new Map<unknown, number[]>();
    const key: Value[] = new Array(cols.length);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < cols.length; c++) key[c] = cols[c]![r] ?? null;
      const k = groupKey(key);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return [...groups.values()].map((g) => Int32Array.from(g));
  }

  private sortPartition(spec: WindowSpec, members: Int32Array): SortedPartition {
    const order = spec.order;
    if (order.length === 0) return sortedPartition(members, null, null);
    const cols = order.map((k) => this.values[k.slot]!);
    // Sort row indices with a comparator over the key columns (no per-row key arrays); Array sort is stable.
    const compare = (a: number, b: number): number => {
      for (let k = 0; k < order.length; k++) {
        const x = cols[k]![a] ?? null;
        const y = cols[k]![b] ?? null;
        if (x === y) continue;
        const key = order[k]!;
        if (x === null) return key.nullsFirst ? -1 : 1;
        if (y === null) return key.nullsFirst ? 1 : -1;
        const c = compareValues(x, y);
        if (c !== 0) return key.desc ? -c : c;
      }
      return 0;
    };
    const sorted = Int32Array.from(Array.from(members).sort(compare));
    const keys = spec.rangeKeys ? Array.from(sorted, (r) => cols[0]![r] ?? null) : null;
    return sortedPartition(sorted, (p) => compare(sorted[p - 1]!, sorted[p]!) === 0, keys);
  }

  private evaluator(c: number, spec: WindowSpec, ctx: ExecContext): Evaluator {
    const call = this.calls[c]!;
    const args = this.argSlots[c]!.map((s) => this.values[s]!);
    const intType = (v: number): Value => (call.type.id === 'int8' ? BigInt(v) : v);
    // Every call gets a cursor: PostgreSQL checks frame offsets even for functions that ignore the frame.
    const key = call.orderBy[0];
    const cursor = new FrameCursor(
      call.frame,
      key ? { type: key.expr.type, desc: key.desc, nullsFirst: key.nullsFirst } : null,
      ctx,
    );
    if (call.agg !== null)
      return aggregateEvaluator(
        call,
        args,
        this.filterSlots[c]! < 0 ? null : this.values[this.filterSlots[c]!]!,
        cursor,
      );
    switch (call.name) {
      case 'row_number':
        return (part, out) => {
          for (let p = 0; p < out.length; p++) out[p] = intType(p + 1);
        };
      case 'rank':
        return (part, out) => {
          for (let p = 0; p < out.length; p++) out[p] = intType(part.groupStart[part.groupOf[p]!]! + 1);
        };
      case 'dense_rank':
        return (part, out) => {
          for (let p = 0; p < out.length; p++) out[p] = intType(part.groupOf[p]! + 1);
        };
      case 'percent_rank':
        return (part, out) => {
          const n = out.length;
          for (let p = 0; p < n; p++) out[p] = n > 1 ? part.groupStart[part.groupOf[p]!]! / (n - 1) : 0;
        };
      case 'cume_dist':
        return (part, out) => {
          for (let p = 0; p < out.length; p++) out[p] = part.groupStart[part.groupOf[p]! + 1]! / out.length;
        };
      case 'ntile':
        return ntileEvaluator(args[0]!);
      case 'lag':
      case 'lead':
        return offsetEvaluator(call.name === 'lag' ? -1 : 1, args);
      case 'first_value':
      case 'last_value':
      case 'nth_value':
        return frameValueEvaluator(call.name, args, cursor);
      default:
        throw new Error(`unreachable: ${call.name}`);
    }
  }
}

function checkCall(call: WindowCall): void {
  if (call.distinct)
    throw new DatabaseError(SqlState.featureNotSupported, 'DISTINCT is not implemented for window functions');
  if (call.filter !== null && call.agg === null) {
    throw new DatabaseError(
      SqlState.featureNotSupported,
      'FILTER is not implemented for non-aggregate window functions',
    );
  }
  if (!WINDOW_FUNCTION_NAMES.has(call.name) && call.agg === null) {
    throw new DatabaseError(
      SqlState.wrongObjectType,
      `OVER specified, but ${call.name} is not a window function nor an aggregate function`,
    );
  }
  if (hasRangeOffset(call.frame) && call.orderBy.length !== 1) {
    throw new DatabaseError(
      SqlState.windowingError,
      'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column',
    );
  }
  if (call.frame.mode === 'groups' && call.orderBy.length === 0)
    throw new DatabaseError(SqlState.windowingError, 'GROUPS mode requires an ORDER BY clause');
}

function toInt(v: Value): number {
  return v instanceof Decimal ? v.toNumber() : Number(v);
}

/** ntile as PostgreSQL computes it: the bucket count is read at the partition's first row with a non-NULL one. */
function ntileEvaluator(arg: readonly Value[]): Evaluator {
  return (part, out) => {
    const n = out.length;
    let bucket = 0;
    let rowsInBucket = 0;
    let boundary = 0;
    let remainder = 0;
    for (let p = 0; p < n; p++) {
      if (bucket === 0) {
        const v = arg[part.rows[p]!] ?? null;
        if (v === null) {
          out[p] = null;
          continue;
        }
        const buckets = toInt(v);
        if (buckets <= 0)
          throw new DatabaseError(INVALID_NTILE_ARGUMENT, 'argument of ntile must be greater than zero');
        bucket = 1;
        boundary = Math.floor(n / buckets);
        if (boundary <= 0) boundary = 1;
        else {
          remainder = n % buckets;
          if (remainder !== 0) boundary++;
        }
      }
      if (++rowsInBucket > boundary) {
        // After the first `remainder` buckets (one row larger), buckets shrink by one row.
        if (remainder !== 0 && bucket === remainder) {
          remainder = 0;
          boundary--;
        }
        bucket++;
        rowsInBucket = 1;
      }
      out[p] = bucket;
    }
  };
}

/** lag (direction -1) and lead (+1): value offset rows away in the partition, else the default. */
function offsetEvaluator(direction: number, args: readonly (readonly Value[])[]): Evaluator {
  const [value, offsets, defaults] = args;
  return (part, out) => {
    const n = out.length;
    for (let p = 0; p < n; p++) {
      const r = part.rows[p]!;
      const off = offsets === undefined ? 1 : (offsets[r] ?? null);
      if (off === null) {
        out[p] = null;
        continue;
      }
      const target = p + direction * toInt(off);
      out[p] = target >= 0 && target < n ? (value![part.rows[target]!] ?? null) : (defaults?.[r] ?? null);
    }
  };
}

/** first_value, last_value and nth_value: a row of the frame after EXCLUDE. */
function frameValueEvaluator(
  name: string,
  args: readonly (readonly Value[])[],
  cursor: FrameCursor,
): Evaluator {
  const [value, nths] = args;
  return (part, out) => {
    cursor.begin(part);
    for (let p = 0; p < out.length; p++) {
      let k = 0;
      if (name === 'nth_value') {
        const v = nths![part.rows[p]!] ?? null;
        if (v === null) {
          out[p] = null;
          continue;
        }
        k = toInt(v);
        if (k <= 0)
          throw new DatabaseError(
            INVALID_NTH_VALUE_ARGUMENT,
            'argument of nth_value must be greater than zero',
          );
        k--;
      }
      cursor.seek(p);
      const at = cursor.nth(k, name === 'last_value');
      out[p] = at < 0 ? null : (value![part.rows[at]!] ?? null);
    }
  };
}

/**
 * Aggregates over frames. The state covers positions [from, to); since frame bounds only move
 * forward, entering rows are added and leaving rows removed (with `remove`), so a sliding frame costs
 * O(1) amortized per row. Without `remove`, or when EXCLUDE cuts rows out of the frame, the frame
 * is recomputed. Rows failing FILTER, or with a NULL argument of a strict aggregate, are skipped.
 */
function aggregateEvaluator(
  call: WindowCall,
  args: readonly (readonly Value[])[],
  filter: readonly Value[] | null,
  cursor: FrameCursor,
): Evaluator {
  const agg = call.agg!;
  const acc: Accumulator = agg.make(
    call.args.map((a) => a.type),
    [],
  );
  const strict = agg.strict !== false;
  return (part, out) => {
    const n = out.length;
    // Argument tuple per position, null when the row does not feed the aggregate.
    const inputs: (Value[] | null)[] = new Array(n);
    for (let p = 0; p < n; p++) {
      const r = part.rows[p]!;
      const tuple = args.map((a) => a[r] ?? null);
      inputs[p] = (filter === null || filter[r] === true) && !(strict && tuple.includes(null)) ? tuple : null;
    }
    cursor.begin(part);
    let state = acc.init();
    let from = 0;
    let to = 0;
    let cached: { value: Value } | null = null;
    for (let p = 0; p < n; p++) {
      cursor.seek(p);
      if (cursor.excluded) {
        let s = acc.init();
        for (let r = 0; r < cursor.runs; r++) {
          for (let q = cursor.segs[2 * r]!; q < cursor.segs[2 * r + 1]!; q++)
            if (inputs[q] !== null) s = acc.add(s, inputs[q]!);
        }
        out[p] = acc.result(s);
        continue;
      }
      const s = cursor.start;
      const e = cursor.end;
      if (s === from && e === to && cached !== null) {
        out[p] = cached.value;
        continue;
      }
      if (s < from || e < to || (s > from && (acc.remove === undefined || s >= to))) {
        state = acc.init();
        from = to = s;
      }
      for (; from < s; from++) if (inputs[from] !== null) state = acc.remove!(state, inputs[from]!);
      for (; to < e; to++) if (inputs[to] !== null) state = acc.add(state, inputs[to]!);
      cached = { value: acc.result(state) };
      out[p] = cached.value;
    }
  };
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Structural equality of expression trees; objects that are not plain (functions, tables) by identity. */
function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Decimal || a instanceof Interval)
    return a.constructor === b.constructor && valuesEqual(a, b as Value);
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameTree(x, b[i]));
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
