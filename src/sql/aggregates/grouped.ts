import { DatabaseError, SqlState } from '../../errors.js';
import { isNullAt, type Vector } from '../../exec/batch.js';
import { growFloat64, PairIdMap } from '../../exec/hash-tables.js';
import { KeyCoder } from '../../exec/key-coder.js';
import { Decimal } from '../../types/decimal.js';
import type { SqlType } from '../../types/types.js';
import { isNumberRepr, type Value } from '../../types/values.js';
import type { GroupedStates } from './aggregate.js';
import { numberPercentile } from './percentile.js';

/**
 * Columnar aggregate states for GROUP BY: one typed array slot per group, updated by tight loops
 * over a batch's vectors and the rows' group ids. Only for aggregates that never retract (hash
 * aggregation); windows and views use the Accumulator path. Each kernel returns exactly what the
 * aggregate's Accumulator would.
 */

/** Reads a number-repr argument at physical row i, or null. */
function numberAt(v: Vector, i: number): number | null {
  if (v.kind === 'obj') return (v.data as (number | null)[])[i] ?? null;
  if (v.validity !== null && ((v.validity[i >> 3]! >> (i & 7)) & 1) === 0) return null;
  return (v.data as Float64Array)[i]!;
}

/** Typed per-group counters shared by the kernels. */
abstract class Counted implements GroupedStates {
  protected counts: Float64Array = new Float64Array(16);
  resize(groups: number): void {
    this.counts = growFloat64(this.counts, groups);
    this.grow(groups);
  }
  protected grow(_groups: number): void {}
  abstract update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void;
  abstract result(g: number): Value;
}

class CountStar extends Counted {
  update(gids: Int32Array, _rows: Int32Array | null, count: number, _args?: readonly Vector[]): void {
    const c = this.counts;
    for (let k = 0; k < count; k++) c[gids[k]!]!++;
  }
  result(g: number): Value {
    return BigInt(this.counts[g]!);
  }
}

class CountValues extends CountStar {
  override update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    const v = args[0]!;
    const c = this.counts;
    if (v.kind !== 'obj' && v.validity === null) {
      for (let k = 0; k < count; k++) c[gids[k]!]!++;
      return;
    }
    for (let k = 0; k < count; k++) {
      const i = rows === null ? k : rows[k]!;
      if (!isNullAt(v, i)) c[gids[k]!]!++;
    }
  }
}

/** Every 2^21 rows the int sums are spilled into bigints: 2^21 rows of |v| < 2^31 keep them exact. */
const SPILL_ROWS = 2 ** 21;
const SPILL_AT = 2 ** 52;

/** sum/avg over int2/int4: exact sums in doubles, spilled to bigint before they could round. */
class IntSum extends Counted {
  private sums: Float64Array = new Float64Array(16);
  private big: (bigint | undefined)[] = [];
  private sinceSpill = 0;
  constructor(private readonly avg: boolean) {
    super();
  }
  protected override grow(groups: number): void {
    this.sums = growFloat64(this.sums, groups);
  }
  private spill(): void {
    const s = this.sums;
    for (let g = 0; g < s.length; g++) {
      const v = s[g]!;
      if (v > SPILL_AT || v < -SPILL_AT) {
        this.big[g] = (this.big[g] ?? 0n) + BigInt(v);
        s[g] = 0;
      }
    }
    this.sinceSpill = 0;
  }
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    if (this.sinceSpill + count > SPILL_ROWS) this.spill();
    this.sinceSpill += count;
    const v = args[0]!;
    const s = this.sums;
    const c = this.counts;
    if (v.kind !== 'obj' && v.validity === null) {
      const d = v.data as Float64Array;
      for (let k = 0; k < count; k++) {
        const g = gids[k]!;
        s[g] = s[g]! + d[rows === null ? k : rows[k]!]!;
        c[g]!++;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const x = numberAt(v, rows === null ? k : rows[k]!);
      if (x === null) continue;
      const g = gids[k]!;
      s[g] = s[g]! + x;
      c[g]!++;
    }
  }
  result(g: number): Value {
    const n = this.counts[g]!;
    if (n === 0) return null;
    const total = (this.big[g] ?? 0n) + BigInt(this.sums[g]!);
    if (this.avg) return Decimal.fromBigInt(total).div(Decimal.fromInt(n));
    if (total > 2n ** 63n - 1n || total < -(2n ** 63n)) return overflowInt8();
    return total;
  }
}

function overflowInt8(): never {
  throw new DatabaseError(SqlState.numericValueOutOfRange, 'bigint out of range');
}

/** sum/avg over float4/float8, with PostgreSQL's overflow error for finite inputs. */
class FloatSum extends Counted {
  private sums: Float64Array = new Float64Array(16);
  /** Groups that saw an infinity or NaN: their non-finite sum is legitimate. */
  private nonFinite = new Uint8Array(16);
  constructor(
    private readonly avg: boolean,
    private readonly float4: boolean,
    private readonly overflow: () => Error,
  ) {
    super();
  }
  protected override grow(groups: number): void {
    this.sums = growFloat64(this.sums, groups);
    if (this.nonFinite.length < groups) {
      const n = new Uint8Array(this.sums.length);
      n.set(this.nonFinite);
      this.nonFinite = n;
    }
  }
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    const v = args[0]!;
    const s = this.sums;
    const c = this.counts;
    const f4 = this.float4;
    if (!f4 && v.kind !== 'obj' && v.validity === null) {
      // The common case: a float8 column without NULLs.
      const d = v.data as Float64Array;
      for (let k = 0; k < count; k++) {
        const x = d[rows === null ? k : rows[k]!]!;
        const g = gids[k]!;
        if (x - x !== 0) this.nonFinite[g] = 1;
        s[g] = s[g]! + x;
        c[g]!++;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const x = numberAt(v, rows === null ? k : rows[k]!);
      if (x === null) continue;
      const g = gids[k]!;
      if (x - x !== 0) this.nonFinite[g] = 1;
      s[g] = f4 ? Math.fround(s[g]! + x) : s[g]! + x;
      c[g]!++;
    }
  }
  result(g: number): Value {
    const n = this.counts[g]!;
    if (n === 0) return null;
    const sum = this.sums[g]!;
    if (sum - sum !== 0 && this.nonFinite[g] === 0) throw this.overflow();
    return this.avg ? sum / n : sum;
  }
}

/** min/max over number-repr types; NaN sorts above every number, as in PostgreSQL. */
class NumberMinMax extends Counted {
  private best: Float64Array = new Float64Array(16);
  constructor(private readonly max: boolean) {
    super();
  }
  protected override grow(groups: number): void {
    this.best = growFloat64(this.best, groups);
  }
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    const v = args[0]!;
    const b = this.best;
    const c = this.counts;
    const max = this.max;
    for (let k = 0; k < count; k++) {
      const x = numberAt(v, rows === null ? k : rows[k]!);
      if (x === null) continue;
      const g = gids[k]!;
      if (c[g]!++ === 0) b[g] = x;
      else if (max ? x > b[g]! || x !== x : x < b[g]! || (b[g] !== b[g] && x === x)) b[g] = x;
    }
  }
  result(g: number): Value {
    return this.counts[g] === 0 ? null : this.best[g]!;
  }
}

/** Kernel factories by aggregate name, for argument types the kernels cover (else null). */
export function groupedKernel(
  name: string,
  argTypes: readonly SqlType[],
  overflow: () => Error,
  distinct = false,
): GroupedStates | null {
  const t = argTypes[0];
  if (name === 'count' && distinct) return t === undefined ? null : new DistinctCount();
  if (distinct) return null;
  if (name === 'count') return t === undefined ? new CountStar() : new CountValues();
  if (t === undefined || !isNumberRepr(t)) return null;
  const int = t.id === 'int2' || t.id === 'int4';
  const float = t.id === 'float4' || t.id === 'float8';
  switch (name) {
    case 'sum':
      if (int) return new IntSum(false);
      return float ? new FloatSum(false, t.id === 'float4', overflow) : null;
    case 'avg':
      if (int) return new IntSum(true);
      return float ? new FloatSum(true, false, overflow) : null;
    case 'min':
    case 'max':
      return new NumberMinMax(name === 'max');
    default:
      return null;
  }
}

/**
 * count(DISTINCT x): (group, value code) pairs seen once each. While every row is in group 0 (no
 * GROUP BY) a byte per value code stands in for the pair table.
 */
class DistinctCount extends Counted {
  private readonly values = new KeyCoder();
  private pairs: PairIdMap | null = null;
  private seen: Uint8Array = new Uint8Array(1024);
  private codes = new Int32Array(2048);
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    const v = args[0]!;
    if (this.codes.length < count) this.codes = new Int32Array(count);
    const codes = this.codes;
    this.values.encode(v, rows, count, codes);
    const c = this.counts;
    for (let k = 0; k < count; k++) {
      if (isNullAt(v, rows === null ? k : rows[k]!)) continue;
      const g = gids[k]!;
      const code = codes[k]!;
      if (this.pairs === null && g === 0) {
        if (code >= this.seen.length) this.seen = growBytes(this.seen, code + 1);
        if (this.seen[code] === 0) {
          this.seen[code] = 1;
          c[0]!++;
        }
        continue;
      }
      const pairs = (this.pairs ??= this.pairsFromSeen());
      const before = pairs.size;
      if (pairs.getOrAdd(g, code) === before) c[g]!++;
    }
  }
  private pairsFromSeen(): PairIdMap {
    const pairs = new PairIdMap();
    for (let code = 0; code < this.seen.length; code++) if (this.seen[code] === 1) pairs.getOrAdd(0, code);
    return pairs;
  }
  result(g: number): Value {
    return BigInt(this.counts[g]!);
  }
}

function growBytes(a: Uint8Array, n: number): Uint8Array {
  const next = new Uint8Array(Math.max(n, a.length * 2));
  next.set(a);
  return next;
}

/** percentile_cont(float8) and percentile_disc over numbers: values collected per group, then selected. */
class NumberPercentile implements GroupedStates {
  private vals: Float64Array[] = [];
  private lens = new Int32Array(16);
  constructor(
    private readonly kind: 'cont' | 'disc',
    private readonly direct: Value,
  ) {}
  resize(groups: number): void {
    if (this.lens.length < groups) {
      const l = new Int32Array(Math.max(groups, this.lens.length * 2));
      l.set(this.lens);
      this.lens = l;
    }
    while (this.vals.length < groups) this.vals.push(new Float64Array(8));
  }
  update(gids: Int32Array, rows: Int32Array | null, count: number, args: readonly Vector[]): void {
    const v = args[0]!;
    const lens = this.lens;
    for (let k = 0; k < count; k++) {
      const x = numberAt(v, rows === null ? k : rows[k]!);
      if (x === null) continue;
      const g = gids[k]!;
      let arr = this.vals[g]!;
      const n = lens[g]!;
      if (n === arr.length) {
        const next = new Float64Array(n * 2);
        next.set(arr);
        this.vals[g] = arr = next;
      }
      arr[n] = x;
      lens[g] = n + 1;
    }
  }
  result(g: number): Value {
    const arr = this.vals[g]!.subarray(0, this.lens[g]!);
    // One fraction: select the ranks needed (linear); several: sort once (NaN sorts last).
    const sorted = Array.isArray(this.direct);
    if (sorted) arr.sort();
    const nans = sorted ? 0 : moveNaNsLast(arr);
    const finite = arr.length - nans;
    return numberPercentile(this.kind, this.direct, {
      size: arr.length,
      at: (rank) => (sorted ? arr[rank]! : rank >= finite ? NaN : select(arr, finite, rank)),
    });
  }
}

/** Moves NaNs (which sort above every number) to the end; returns how many. */
function moveNaNsLast(a: Float64Array): number {
  let end = a.length;
  for (let i = 0; i < end;) {
    if (a[i] !== a[i]) {
      a[i] = a[--end]!;
      a[end] = NaN;
    } else i++;
  }
  return a.length - end;
}

/** The value of rank k among a[0..n) (no NaNs), partially reordering a (quickselect). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot keeps sorted input linear.
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Kernels of the ordered-set aggregates over numbers (percentile_cont over float8, percentile_disc). */
export function percentileKernel(
  kind: 'cont' | 'disc',
  argTypes: readonly SqlType[],
  direct: readonly Value[],
): GroupedStates | null {
  const t = argTypes[argTypes.length - 1];
  if (t === undefined || !isNumberRepr(t) || (kind === 'cont' && t.id !== 'float8')) return null;
  return new NumberPercentile(kind, direct[0] ?? null);
}
