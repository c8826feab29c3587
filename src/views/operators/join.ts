import { CompiledExpr } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import type { JoinType } from '../../plan/logical.js';
import { tupleKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, rowKey, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Bucket {
  /** Rows with this join key, by row identity, with their multiplicity. */
  readonly rows: Map<unknown, { row: Value[]; n: number }>;
  total: number;
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
        for (const o of bucket.rows.values()) {
          const j = this.joined(port, row, o.row);
          if (!this.condition || this.condition.evalRow(j, round.ctx) === true) addRow(out, j, w * o.n);
        }
      if (this.preserves(port) && (!bucket || bucket.total === 0))
        addRow(out, this.nullExtended(port, row), w);
      if (this.preserves(1 - port) && bucket && bucket.total > 0) {
        const before = me.index.get(k)?.total ?? 0;
        const after = before + w;
        // The other side's rows with this key lose or regain their null-extended form.
        const sign = before === 0 && after > 0 ? -1 : before > 0 && after === 0 ? 1 : 0;
        if (sign !== 0)
          for (const o of bucket.rows.values()) addRow(out, this.nullExtended(1 - port, o.row), sign * o.n);
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
      b = { rows: new Map(), total: 0 };
      side.index.set(k, b);
    }
    const rk = rowKey(row);
    const e = b.rows.get(rk);
    if (e) {
      e.n += w;
      if (e.n === 0) b.rows.delete(rk);
    } else b.rows.set(rk, { row, n: w });
    b.total += w;
    if (b.total === 0 && b.rows.size === 0) side.index.delete(k);
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    let rows = 0;
    for (const s of this.sides) for (const b of s.index.values()) rows += b.rows.size;
    return rows * 120 + (this.sides[0].index.size + this.sides[1].index.size) * 64;
  }
}
