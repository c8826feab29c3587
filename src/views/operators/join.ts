import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import { tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, rowHash, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Bucket {
  /** The rows with this join key, one entry per copy (the order does not matter). */
  readonly rows: Value[][];
  /**
   * Where each row sits in `rows`, by a cheap numeric hash of its values (no key strings): a
   * retraction finds its row without scanning the bucket. Built once the bucket is large.
   */
  at: Map<number, number[]> | null;
}

/** Buckets up to this size are searched; larger ones keep the `at` index. */
const SCAN_LIMIT = 16;

interface Side {
  readonly keys: CompiledExpr[];
  readonly width: number;
  /** Join key → rows (rows with a NULL key are not kept: they match nothing; NOT IN keeps them). */
  readonly index: Map<unknown, Bucket>;
  /** Rows held. */
  count: number;
}

const NULL_KEY = Symbol('null key');

/**
 * Whether `x NOT IN (subquery)` is true for a row of key `k`: the subquery is empty, or x is not
 * NULL, the subquery has no NULL and no row of x (`present`).
 */
function notInPasses(empty: boolean, nulls: boolean, k: unknown, present: boolean): boolean {
  return empty || (k !== NULL_KEY && !nulls && !present);
}

/**
 * An equi-join (inner, left, right or full) maintained with a hash index on each side: a change on
 * one side is joined with the other side's index (ΔL ⋈ R, then L' ⋈ ΔR), so an update to a dimension
 * table reaches every fact row it joins. Outer joins also track, per key, whether the other side has
 * rows: a key gaining its first match retracts the null-extended rows and adds the joined ones.
 */
export class DeltaJoin implements DeltaOperator {
  private readonly sides: [Side, Side];
  private readonly condition: CompiledExpr | null;
  /** Rows held in both indexes (kept as a count: the memory check runs every commit). */
  private held = 0;

  constructor(
    private readonly joinType: JoinType,
    leftKeys: readonly Expr[],
    rightKeys: readonly Expr[],
    leftWidth: number,
    rightWidth: number,
    condition: Expr | null,
    /** Anti-join as `NOT IN (SELECT …)`: a NULL on either side makes the test NULL (see pushNotIn). */
    private readonly notIn = false,
  ) {
    this.sides = [
      { keys: leftKeys.map((e) => new CompiledExpr(e)), width: leftWidth, index: new Map(), count: 0 },
      { keys: rightKeys.map((e) => new CompiledExpr(e)), width: rightWidth, index: new Map(), count: 0 },
    ];
    this.condition = condition ? new CompiledExpr(condition) : null;
  }

  /** Whether side `port`'s rows appear even without a match (LEFT for 0, RIGHT for 1, FULL for both). */
  private preserves(port: number): boolean {
    return this.joinType === 'full' || (port === 0 ? this.joinType === 'left' : this.joinType === 'right');
  }

  /** The join key of a row: the value itself for one key column (no string building), else a tuple key. */
  private key(side: Side, row: Value[], round: MaintenanceRound): unknown {
    const keys = side.keys;
    if (keys.length === 0) return '';
    if (keys.length === 1) {
      const v = keys[0]!.evalRow(row, round.ctx);
      return v === null ? NULL_KEY : valueKey(v);
    }
    const vals = keys.map((k) => k.evalRow(row, round.ctx));
    return vals.some((v) => v === null) ? NULL_KEY : tupleKey(vals);
  }

  private joined(port: number, mine: Value[], other: Value[]): Value[] {
    const [l, r] = port === 0 ? [mine, other] : [other, mine];
    const out = new Array<Value>(l.length + r.length);
    for (let i = 0; i < l.length; i++) out[i] = l[i]!;
    for (let i = 0; i < r.length; i++) out[l.length + i] = r[i]!;
    return out;
  }

  private nullExtended(port: number, row: Value[]): Value[] {
    const nulls = new Array<Value>(this.sides[1 - port]!.width).fill(null);
    return port === 0 ? [...row, ...nulls] : [...nulls, ...row];
  }

  /**
   * The undo log of one push into side `me`: one undo step for the whole delta (inverses logged as
   * data, not a closure per row), registered first so that a row failing part-way still has the
   * rows before it undone.
   */
  private undoLog(me: Side, round: MaintenanceRound): { k: unknown; row: Value[]; w: number }[] | null {
    if (!round.undoable) return null;
    const log: { k: unknown; row: Value[]; w: number }[] = [];
    round.onUndo(() => {
      for (let j = log.length - 1; j >= 0; j--) this.change(me, log[j]!.k, log[j]!.row, -log[j]!.w);
    });
    return log;
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    if (this.notIn) return this.pushNotIn(port, delta, round);
    if (this.joinType === 'semi' || this.joinType === 'anti') return this.pushSemi(port, delta, round);
    const me = this.sides[port]!;
    const other = this.sides[1 - port]!;
    const out = emptyDelta();
    const log = this.undoLog(me, round);
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const k = this.key(me, row, round);
      const bucket = k === NULL_KEY ? undefined : other.index.get(k);
      if (bucket)
        for (const o of bucket.rows) {
          const j = this.joined(port, row, o);
          if (!this.condition || this.condition.evalRow(j, round.ctx) === true) addRow(out, j, w);
        }
      if (this.preserves(port) && (!bucket || bucket.rows.length === 0))
        addRow(out, this.nullExtended(port, row), w);
      if (this.preserves(1 - port) && bucket && bucket.rows.length > 0) {
        const before = me.index.get(k)?.rows.length ?? 0;
        const after = before + w;
        // The other side's rows with this key lose or regain their null-extended form.
        const sign = before === 0 && after > 0 ? -1 : before > 0 && after === 0 ? 1 : 0;
        if (sign !== 0) for (const o of bucket.rows) addRow(out, this.nullExtended(1 - port, o), sign);
      }
      // A row with a NULL key never matches: its null-extended form (if any) was emitted above.
      if (k !== NULL_KEY) {
        this.change(me, k, row, w);
        log?.push({ k, row, w });
      }
    }
    return out;
  }

  /**
   * A semi-join (EXISTS, IN) or anti-join (NOT EXISTS): the left rows with (without) a right row of
   * their key. A left change passes on as itself when its key has (has no) right rows; a right
   * change matters only when its key's right rows go from none to some or back, which adds or
   * retracts every left row of the key. A left row with a NULL key matches nothing.
   */
  private pushSemi(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const anti = this.joinType === 'anti';
    const [left, right] = this.sides;
    const me = this.sides[port]!;
    const out = emptyDelta();
    const log = this.undoLog(me, round);
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const k = this.key(me, row, round);
      if (port === 0) {
        const matched = k !== NULL_KEY && right.index.has(k);
        if (matched !== anti) addRow(out, row, w);
      } else if (k !== NULL_KEY) {
        const before = right.index.get(k)?.rows.length ?? 0;
        const after = before + w;
        const bucket = left.index.get(k);
        if (bucket && before > 0 !== after > 0) {
          const sign = after > 0 !== anti ? 1 : -1;
          for (const l of bucket.rows) addRow(out, l, sign);
        }
      }
      if (k !== NULL_KEY) {
        this.change(me, k, row, w);
        log?.push({ k, row, w });
      }
    }
    return out;
  }

  /**
   * `x NOT IN (SELECT y …)` in WHERE: a row passes when the subquery has no rows, or when x is not
   * NULL, no y is NULL and none equals x — otherwise the test is false or NULL. Both sides keep
   * their NULL-keyed rows (under NULL_KEY). A change to the subquery's first row, its last, or
   * its first or last NULL flips every row; a key's first or last row flips the rows of that key.
   */
  private pushNotIn(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const [left, right] = this.sides;
    const me = this.sides[port]!;
    const out = emptyDelta();
    const log = this.undoLog(me, round);
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const k = this.key(me, row, round);
      if (port === 0) {
        if (notInPasses(right.count === 0, right.index.has(NULL_KEY), k, right.index.has(k)))
          addRow(out, row, w);
        this.change(left, k, row, w);
        log?.push({ k, row, w });
        continue;
      }
      const [empty0, nulls0] = [right.count === 0, right.index.has(NULL_KEY)];
      const had = right.index.has(k);
      this.change(right, k, row, w);
      log?.push({ k, row, w });
      const [empty1, nulls1] = [right.count === 0, right.index.has(NULL_KEY)];
      // Every left row when the subquery's emptiness or NULLs changed, else those of the key.
      const keys =
        empty0 !== empty1 || nulls0 !== nulls1
          ? [...left.index.keys()]
          : k !== NULL_KEY && had !== right.index.has(k)
            ? [k]
            : [];
      for (const lk of keys) {
        const before = notInPasses(empty0, nulls0, lk, lk === k ? had : right.index.has(lk));
        if (before === notInPasses(empty1, nulls1, lk, right.index.has(lk))) continue;
        for (const l of left.index.get(lk)?.rows ?? []) addRow(out, l, before ? -1 : 1);
      }
    }
    return out;
  }

  private change(side: Side, k: unknown, row: Value[], w: number): void {
    let b = side.index.get(k);
    if (!b) {
      b = { rows: [], at: null };
      side.index.set(k, b);
    }
    for (let n = w; n > 0; n--) {
      b.rows.push(row);
      if (b.at) positions(b.at, rowHash(row)).push(b.rows.length - 1);
      else if (b.rows.length > SCAN_LIMIT) b.at = indexRows(b.rows);
    }
    const before = b.rows.length;
    for (let n = -w; n > 0; n--) if (!removeRow(b, row)) break;
    const removed = w < 0 ? before - b.rows.length : 0;
    side.count += w > 0 ? w : -removed;
    this.held += w;
    if (b.rows.length === 0) side.index.delete(k);
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.held * 64 + (this.sides[0].index.size + this.sides[1].index.size) * 64;
  }
}

function positions(at: Map<number, number[]>, h: number): number[] {
  let p = at.get(h);
  if (!p) at.set(h, (p = []));
  return p;
}

function indexRows(rows: readonly Value[][]): Map<number, number[]> {
  const at = new Map<number, number[]>();
  rows.forEach((r, i) => positions(at, rowHash(r)).push(i));
  return at;
}

/** Removes one copy of `row` from the bucket (the last row moves into its place); false if absent. */
function removeRow(b: Bucket, row: readonly Value[]): boolean {
  const rows = b.rows;
  let i = -1;
  let h = 0;
  let list: number[] | undefined;
  if (b.at) {
    h = rowHash(row);
    list = b.at.get(h);
    const j = list ? list.findIndex((p) => sameRow(rows[p]!, row)) : -1;
    if (j < 0) return false;
    i = list![j]!;
    list![j] = list![list!.length - 1]!;
    list!.pop();
    if (list!.length === 0) b.at.delete(h);
  } else {
    for (let p = rows.length - 1; p >= 0 && i < 0; p--) if (sameRow(rows[p]!, row)) i = p;
    if (i < 0) return false;
  }
  const last = rows.length - 1;
  if (i !== last) {
    const moved = rows[last]!;
    rows[i] = moved;
    if (b.at) {
      const ps = b.at.get(rowHash(moved))!;
      ps[ps.indexOf(last)] = i;
    }
  }
  rows.pop();
  return true;
}
