import { CompiledExpr, tooManyScalarRows } from '../../exec/compile.js';
import type { Expr } from '../../plan/expr.js';
import { tupleKey, valueKey, type Value } from '../../types/values.js';
import { addRow, emptyDelta, RowMap, sameRow, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Counted {
  readonly row: Value[];
  n: number;
}

/** A multiset of rows with its total count. */
class Rows {
  readonly map = new RowMap<Counted>();
  total = 0;

  change(row: Value[], w: number): void {
    let e = this.map.get(row);
    if (!e) this.map.add((e = { row, n: 0 }));
    e.n += w;
    this.total += w;
    if (e.n === 0) this.map.delete(e);
  }
}

/** One key's rows on both sides. */
interface Keyed {
  readonly left: Rows;
  readonly right: Rows;
}

const NULL_KEY = Symbol('null key');

/**
 * A scalar subquery in a view's expressions, its value appended to each input row (port 0); the
 * subquery's rows come in on port 1, the value in their first column. Uncorrelated
 * (`amount / (SELECT sum(amount) FROM sales)`): one value for every row. Correlated by equalities
 * (`(SELECT max(ts) FROM readings r WHERE r.sensor = s.id)`, decorrelated in subqueries.ts): a
 * value per key, from the subquery's rows of that key. When a value changes, the input rows that
 * read it are retracted with the old value and added with the new one, as a recomputation would
 * see them. A key without rows gives `empty` (NULL, or an aggregate's value over no rows: 0 for a
 * count); more than one row fails the write with 21000, as the query fails, while rows read it.
 */
export class DeltaScalarJoin implements DeltaOperator {
  private readonly keyed = new Map<unknown, Keyed>();
  private readonly leftKeys: CompiledExpr[];
  private readonly rightKeys: CompiledExpr[];

  constructor(
    leftKeys: readonly Expr[] = [],
    rightKeys: readonly Expr[] = [],
    private readonly empty: Value = null,
  ) {
    this.leftKeys = leftKeys.map((e) => new CompiledExpr(e));
    this.rightKeys = rightKeys.map((e) => new CompiledExpr(e));
  }

  private key(keys: CompiledExpr[], row: Value[], round: MaintenanceRound): unknown {
    if (keys.length === 0) return '';
    const vals = keys.map((k) => k.evalRow(row, round.ctx));
    if (vals.some((v) => v === null)) return NULL_KEY;
    return vals.length === 1 ? valueKey(vals[0]!) : tupleKey(vals);
  }

  /** A key's value now (read only while rows read it: an unread value never fails). */
  private value(k: Keyed | undefined): Value {
    const n = k?.right.total ?? 0;
    if (n > 1) throw tooManyScalarRows();
    return n === 0 ? this.empty : (k!.right.map.values().next().value!.row[0] ?? null);
  }

  private entry(key: unknown): Keyed {
    let k = this.keyed.get(key);
    if (!k) this.keyed.set(key, (k = { left: new Rows(), right: new Rows() }));
    return k;
  }

  push(port: number, delta: Delta, round: MaintenanceRound): Delta {
    const log: [unknown, Keyed, Value[], number][] = [];
    round.onUndo(() => {
      for (let i = log.length - 1; i >= 0; i--) {
        const [key, k, row, w] = log[i]!;
        this.keyed.set(key, k);
        (port === 0 ? k.left : k.right).change(row, -w);
      }
      for (const [key, k] of log) if (k.left.total === 0 && k.right.total === 0) this.keyed.delete(key);
    });
    const out = emptyDelta();
    // Per key its value before the delta, when rows read it.
    const before = new Map<Keyed, Value>();
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      const key = this.key(port === 0 ? this.leftKeys : this.rightKeys, row, round);
      if (key === NULL_KEY) {
        // A NULL key matches no row of the subquery (its value is `empty`); the subquery's rows
        // with one are read by no row.
        if (port === 0) addRow(out, [...row, this.empty], w);
        continue;
      }
      const k = this.entry(key);
      if (port === 0) {
        k.left.change(row, w);
        log.push([key, k, row, w]);
        addRow(out, [...row, this.value(k)], w);
      } else {
        if (k.left.total > 0 && !before.has(k)) before.set(k, this.value(k));
        k.right.change(row, w);
        log.push([key, k, row, w]);
      }
    }
    // Keys with no rows left on either side go.
    for (const [key, k] of log) if (k.left.total === 0 && k.right.total === 0) this.keyed.delete(key);
    for (const [k, old] of before) {
      const now = this.value(k);
      if (sameRow([old], [now])) continue;
      for (const e of k.left.map.values()) {
        addRow(out, [...e.row, old], -e.n);
        addRow(out, [...e.row, now], e.n);
      }
    }
    return out;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    let n = 0;
    for (const k of this.keyed.values()) n += k.left.map.size + k.right.map.size;
    return n * 96 + this.keyed.size * 64;
  }
}
