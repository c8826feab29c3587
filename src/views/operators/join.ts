import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import { tupleKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Bucket {
  /**
   * The rows with this join key, one entry per copy. A plain array (no per-row key string): adding
   * is a push, removing a search of the bucket, which keeps the index of a large fact table small.
   */
  readonly rows: Value[][];
}

interface Side {
  readonly keys: CompiledExpr[];
  readonly width: number;
  /** Join key → rows (rows with a NULL key are not kept: they match nothing). */
  readonly index: Map<unknown, Bucket>;
}

const NULL_KEY = Symbol('null key');

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
  ) {
    this.sides = [
      { keys: leftKeys.map((e) => new CompiledExpr(e)), width: leftWidth, index: new Map() },
      { keys: rightKeys.map((e) => new CompiledExpr(e)), width: rightWidth, index: new Map() },
    ];
    this.condition = condition ? new CompiledExpr(condition) : null;
  }

  /** Whether side `port`'s rows appear even without a match (LEFT for 0, RIGHT for 1, FULL for both). */
  private preserves(port: number): boolean {
    return this.joinType === 'full' || (port === 0 ? this.joinType === 'left' : this.joinType === 'right');
  }

  private key(side: Side, row: Value[], round: MaintenanceRound): unknown {
    if (side.keys.length === 0) return '';
    const vals = side.keys.map((k) => k.evalRow(row, round.ctx));
    return vals.some((v) => v === null) ? NULL_KEY : tupleKey(vals);
  }

  private joined(port: number, mine: Value[], other: Value[]): Value[] {
    return port === 0 ? [...mine, ...other] : [...other, ...mine];
  }

  private nullExtended(port: number, row: Value[]): Value[] {
    const nulls = new Array<Value>(this.sides[1 - port]!.width).fill(null);
    return port === 0 ? [...row, ...nulls] : [...nulls, ...row];
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const me = this.sides[port]!;
    const other = this.sides[1 - port]!;
    const out = emptyDelta();
    const log: { k: unknown; row: Value[]; w: number }[] | null = round.undoable ? [] : null;
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
    // One undo step for the whole delta (inverses logged as data, not a closure per row).
    if (log && log.length > 0)
      round.onUndo(() => {
        for (let j = log.length - 1; j >= 0; j--) this.change(me, log[j]!.k, log[j]!.row, -log[j]!.w);
      });
    return out;
  }

  private change(side: Side, k: unknown, row: Value[], w: number): void {
    let b = side.index.get(k);
    if (!b) {
      b = { rows: [] };
      side.index.set(k, b);
    }
    for (let n = w; n > 0; n--) b.rows.push(row);
    for (let n = -w; n > 0; n--) {
      const i = findRow(b.rows, row);
      if (i < 0) break;
      // Order within a bucket does not matter: swap the last row into the hole.
      b.rows[i] = b.rows[b.rows.length - 1]!;
      b.rows.pop();
    }
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

/** Index of a row equal to `row` (same values, same representation) in `rows`, or -1. */
function findRow(rows: readonly Value[][], row: readonly Value[]): number {
  for (let i = rows.length - 1; i >= 0; i--) if (sameRow(rows[i]!, row)) return i;
  return -1;
}
