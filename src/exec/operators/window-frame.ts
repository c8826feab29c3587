import { DatabaseError, SqlState } from '../../errors.js';
import type { WindowFrame, WindowFrameBound } from '../../plan/logical.js';
import {
  timeZone,
  timestampPlusInterval,
  timestamptzPlusInterval,
  USECS_PER_DAY,
} from '../../types/datetime.js';
import type { SqlType } from '../../types/types.js';
import { compareValues, Decimal, Interval, type Value } from '../../types/values.js';
import { CompiledExpr } from '../compile.js';
import type { ExecContext } from '../context.js';

/** SQLSTATE invalid_preceding_or_following_size (not in SqlState yet). */
const INVALID_FRAME_SIZE = '22013';

/**
 * One partition after sorting: position p holds input row `rows[p]`. Peer groups (rows equal on
 * every ORDER BY key) are runs of positions: group g spans [groupStart[g], groupStart[g + 1]).
 */
export interface SortedPartition {
  readonly rows: Int32Array;
  readonly groupOf: Int32Array;
  /** Group starts followed by the partition size (length = group count + 1). */
  readonly groupStart: Int32Array;
  /** The single ORDER BY key per position; only for RANGE frames with offsets. */
  readonly rangeKeys: readonly Value[] | null;
}

/**
 * Splits sorted positions 0..n-1 into peer groups; `samePeer(p)` says whether p is a peer of p - 1,
 * and null means all rows are peers (no ORDER BY).
 */
export function sortedPartition(
  rows: Int32Array,
  samePeer: ((p: number) => boolean) | null,
  rangeKeys: Value[] | null,
): SortedPartition {
  const n = rows.length;
  const groupOf = new Int32Array(n);
  const starts: number[] = [];
  for (let p = 0; p < n; p++) {
    if (p === 0 || (samePeer !== null && !samePeer(p))) starts.push(p);
    groupOf[p] = starts.length - 1;
  }
  starts.push(n);
  return { rows, groupOf, groupStart: Int32Array.from(starts), rangeKeys };
}

/** Whether a frame is RANGE with an offset bound (which needs the single sort key's values). */
export function hasRangeOffset(frame: WindowFrame): boolean {
  const offset = (b: WindowFrameBound): boolean => b.kind === 'preceding' || b.kind === 'following';
  return frame.mode === 'range' && (offset(frame.start) || offset(frame.end));
}

/** A frame offset after evaluation: a row/group count, or (RANGE) a value added to the sort key. */
type ResolvedBound =
  | { readonly kind: 'unbounded_preceding' | 'current_row' | 'unbounded_following' }
  | { readonly kind: 'preceding' | 'following'; readonly count: number; readonly value: Value };

function resolveBound(
  b: WindowFrameBound,
  mode: WindowFrame['mode'],
  which: 'starting' | 'ending',
  ctx: ExecContext,
): ResolvedBound {
  if (b.kind !== 'preceding' && b.kind !== 'following') return { kind: b.kind };
  // Offsets are evaluated once per scan, as PostgreSQL does (a volatile offset keeps its first value).
  const value = new CompiledExpr(b.offset).evalRow([], ctx);
  if (value === null)
    throw new DatabaseError(SqlState.nullValueNotAllowed, `frame ${which} offset must not be null`);
  if (mode === 'range') return { kind: b.kind, count: 0, value };
  const count =
    typeof value === 'bigint' ? Number(value) : value instanceof Decimal ? value.toNumber() : Number(value);
  if (count < 0) throw new DatabaseError(INVALID_FRAME_SIZE, `frame ${which} offset must not be negative`);
  return { kind: b.kind, count, value };
}

function negativeOffset(v: Value): boolean {
  if (typeof v === 'number') return v < 0 || Number.isNaN(v);
  if (typeof v === 'bigint') return v < 0n;
  if (v instanceof Decimal) return v.nan || v.sign() < 0;
  if (v instanceof Interval) return v.sortKey() < 0;
  return false;
}

/** +inf PRECEDING +inf (or -inf FOLLOWING): in_range calls every non-NaN key in range, not NaN. */
const ANY_KEY = Symbol('any key');

/**
 * key ± offset for RANGE frames, on the Value representations: timestamps in µs, dates in days
 * (compared in µs when the offset is an interval), intervals, and the numeric types.
 */
class RangeArithmetic {
  constructor(
    private readonly keyType: SqlType,
    private readonly ctx: ExecContext,
  ) {}

  /** Key in the domain bounds are compared in. */
  key(v: Value, offset: Value): Value {
    return this.keyType.id === 'date' && offset instanceof Interval && typeof v === 'number'
      ? v * USECS_PER_DAY
      : v;
  }

  bound(base: Value, offset: Value, sub: boolean): Value | typeof ANY_KEY {
    if (offset instanceof Interval) {
      const iv = sub ? offset.neg() : offset;
      if (base instanceof Interval) return base.add(iv);
      const b = base as number;
      switch (this.keyType.id) {
        case 'date':
          return timestampPlusInterval(b * USECS_PER_DAY, iv);
        case 'time':
          return b + iv.micros;
        case 'timestamptz':
          return timestamptzPlusInterval(b, iv, timeZone(this.ctx.fn.timezone));
        default:
          return timestampPlusInterval(b, iv);
      }
    }
    if (typeof base === 'bigint') {
      const o = typeof offset === 'bigint' ? offset : BigInt(offset as number);
      return sub ? base - o : base + o;
    }
    if (base instanceof Decimal) {
      const o =
        offset instanceof Decimal
          ? offset
          : typeof offset === 'bigint'
            ? Decimal.fromBigInt(offset)
            : Decimal.fromFloat(offset as number);
      return sub ? base.sub(o) : base.add(o);
    }
    const b = base as number;
    const o = offset instanceof Decimal ? offset.toNumber() : Number(offset);
    if (o === Infinity && (sub ? b === Infinity : b === -Infinity)) return ANY_KEY;
    return sub ? b - o : b + o;
  }
}

/**
 * Computes each row's frame within a sorted partition: [start, end) positions, and the frame minus
 * EXCLUDE as up to three ordered runs. Bounds never move backwards as the position advances, which
 * lets aggregates slide (add entering rows, remove leaving ones).
 */
export class FrameCursor {
  start = 0;
  end = 0;
  /** Runs of the frame after exclusion, as [from, to) pairs in segs[0..2*runs). */
  readonly segs = [0, 0, 0, 0, 0, 0];
  runs = 0;
  /** Whether EXCLUDE removed any row from the current frame. */
  excluded = false;

  private readonly mode: WindowFrame['mode'];
  private readonly exclude: WindowFrame['exclude'];
  private readonly startBound: ResolvedBound;
  private readonly endBound: ResolvedBound;
  private readonly range: RangeArithmetic | null;
  private readonly desc: boolean;
  private readonly nullsFirst: boolean;
  private part: SortedPartition | null = null;
  /** RANGE: positions of the non-NULL keys, [keysFrom, keysTo). */
  private keysFrom = 0;
  private keysTo = 0;

  /**
   * Evaluates the frame offsets (raising PostgreSQL's errors for NULL or negative ones). For RANGE
   * with an offset, `order` describes the single ORDER BY key.
   */
  constructor(
    frame: WindowFrame,
    order: { type: SqlType; desc: boolean; nullsFirst: boolean } | null,
    ctx: ExecContext,
  ) {
    this.mode = frame.mode;
    this.exclude = frame.exclude;
    this.startBound = resolveBound(frame.start, frame.mode, 'starting', ctx);
    this.endBound = resolveBound(frame.end, frame.mode, 'ending', ctx);
    this.range = this.mode === 'range' && order !== null ? new RangeArithmetic(order.type, ctx) : null;
    this.desc = order?.desc ?? false;
    this.nullsFirst = order?.nullsFirst ?? false;
  }

  begin(part: SortedPartition): void {
    this.part = part;
    const keys = part.rangeKeys;
    if (keys === null) return;
    const n = keys.length;
    let nulls = 0;
    while (nulls < n && keys[this.nullsFirst ? nulls : n - 1 - nulls] === null) nulls++;
    this.keysFrom = this.nullsFirst ? nulls : 0;
    this.keysTo = this.nullsFirst ? n : n - nulls;
  }

  seek(p: number): void {
    const part = this.part!;
    const n = part.rows.length;
    const g = part.groupOf[p]!;
    const gs = part.groupStart;
    const groups = gs.length - 1;
    let s: number;
    let e: number;
    const sb = this.startBound;
    const eb = this.endBound;
    switch (sb.kind) {
      case 'unbounded_preceding':
        s = 0;
        break;
      case 'current_row':
        s = this.mode === 'rows' ? p : gs[g]!;
        break;
      case 'unbounded_following':
        s = n;
        break;
      default:
        if (this.mode === 'rows')
          s = sb.kind === 'preceding' ? Math.max(0, p - sb.count) : Math.min(n, p + sb.count);
        else if (this.mode === 'groups') {
          const tg = sb.kind === 'preceding' ? Math.max(0, g - sb.count) : g + sb.count;
          s = tg >= groups ? n : gs[tg]!;
        } else s = this.rangeStart(p, sb.kind === 'preceding', sb.value);
    }
    switch (eb.kind) {
      case 'unbounded_preceding':
        e = 0;
        break;
      case 'current_row':
        e = this.mode === 'rows' ? p + 1 : gs[g + 1]!;
        break;
      case 'unbounded_following':
        e = n;
        break;
      default:
        if (this.mode === 'rows')
          e = eb.kind === 'preceding' ? Math.max(0, p - eb.count + 1) : Math.min(n, p + eb.count + 1);
        else if (this.mode === 'groups') {
          const tg = eb.kind === 'preceding' ? g - eb.count : Math.min(groups - 1, g + eb.count);
          e = tg < 0 ? 0 : gs[tg + 1]!;
        } else e = this.rangeEnd(p, eb.kind === 'preceding', eb.value);
    }
    if (e < s) e = s;
    this.start = s;
    this.end = e;
    this.applyExclusion(p, gs[g]!, gs[g + 1]!);
  }

  private applyExclusion(p: number, gFrom: number, gTo: number): void {
    const s = this.start;
    const e = this.end;
    const segs = this.segs;
    if (this.exclude === 'no_others') {
      segs[0] = s;
      segs[1] = e;
      this.runs = 1;
      this.excluded = false;
      return;
    }
    // The excluded rows form one run: the current row, or its peer group (keeping the row for TIES).
    const xFrom = this.exclude === 'current_row' ? p : gFrom;
    const xTo = this.exclude === 'current_row' ? p + 1 : gTo;
    this.excluded = xFrom < e && xTo > s && !(this.exclude === 'ties' && xTo - xFrom === 1);
    let r = 0;
    const push = (from: number, to: number): void => {
      if (from < to) {
        segs[2 * r] = from;
        segs[2 * r + 1] = to;
        r++;
      }
    };
    push(s, Math.min(e, xFrom));
    if (this.exclude === 'ties') push(Math.max(s, p), Math.min(e, p + 1));
    push(Math.max(s, xTo), e);
    this.runs = r;
  }

  /** Position of the `k`th (0-based) row of the frame after exclusion, counting from the end when fromEnd; -1 if none. */
  nth(k: number, fromEnd: boolean): number {
    const segs = this.segs;
    for (let r = 0; r < this.runs; r++) {
      const run = fromEnd ? this.runs - 1 - r : r;
      const len = segs[2 * run + 1]! - segs[2 * run]!;
      if (k < len) return fromEnd ? segs[2 * run + 1]! - 1 - k : segs[2 * run]! + k;
      k -= len;
    }
    return -1;
  }

  // RANGE offsets follow PostgreSQL's in_range: a NULL key's frame is the NULL peers; other rows'
  // frames stay within the non-NULL keys, found by binary search since keys are sorted.

  private rangeStart(p: number, preceding: boolean, offset: Value): number {
    const keys = this.part!.rangeKeys!;
    const base = keys[p] ?? null;
    if (base === null) return this.nullsFirst ? 0 : this.keysTo;
    // Ascending: first key >= base - offset (PRECEDING). Descending flips both the sign and the test.
    const sub = preceding !== this.desc;
    return this.search(this.rangeBound(base, offset, sub), offset, false);
  }

  private rangeEnd(p: number, preceding: boolean, offset: Value): number {
    const keys = this.part!.rangeKeys!;
    const base = keys[p] ?? null;
    if (base === null) return this.nullsFirst ? this.keysFrom : keys.length;
    // One past the last key <= base + offset (ascending FOLLOWING).
    const sub = preceding !== this.desc;
    return this.search(this.rangeBound(base, offset, sub), offset, true);
  }

  private rangeBound(base: Value, offset: Value, sub: boolean): Value | typeof ANY_KEY {
    // Checked here rather than up front: in_range raises it only once a non-NULL key is compared.
    if (negativeOffset(offset)) {
      throw new DatabaseError(INVALID_FRAME_SIZE, 'invalid preceding or following size in window function');
    }
    return this.range!.bound(base, offset, sub);
  }

  /**
   * Start: the first non-NULL position whose key is in range of the bound (>= ascending, <=
   * descending). End: the first position past those in range (> ascending, < descending).
   */
  private search(bound: Value | typeof ANY_KEY, offset: Value, end: boolean): number {
    // Every non-NaN key is in range; NaN (sorting last) only when the test is key >= bound.
    const b = bound === ANY_KEY ? (end !== this.desc ? Infinity : -Infinity) : bound;
    const keys = this.part!.rangeKeys!;
    const range = this.range!;
    const sign = this.desc ? -1 : 1;
    let lo = this.keysFrom;
    let hi = this.keysTo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = sign * compareValues(range.key(keys[mid] ?? null, offset), b);
      if (end ? c > 0 : c >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
