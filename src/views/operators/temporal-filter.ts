import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import {
  conjuncts,
  containsOuter,
  containsSubquery,
  forEachChild,
  isVolatile,
  referencedColumns,
  type Expr,
} from '../../plan/expr.js';
import { compareValues, type Value } from '../../types/values.js';
import { addRow, emptyDelta, RowMap, type Delta } from '../delta.js';
import type { MaintenanceRound } from '../round.js';
import type { DeltaOperator } from './operator.js';

interface Held {
  readonly row: Value[];
  n: number;
  /** Whether the row passed at its last evaluation (so it is in the output now). */
  passing: boolean;
}

/** The view clock's reading, written into the function context now() and friends read. */
export function setViewClock(ctx: ExecContext, micros: number): void {
  const fn = ctx.fn as { transactionStart: number; statementStart?: number; clock: () => number };
  fn.transactionStart = micros;
  fn.statementStart = micros;
  fn.clock = () => micros;
}

/** Functions that read the clock: allowed in a view's WHERE (the view follows the clock), nowhere else. */
export const CLOCK = new Set([
  'now',
  'current_date',
  'current_time',
  'localtime',
  'localtimestamp',
  'transaction_timestamp',
  'statement_timestamp',
  'clock_timestamp',
]);

/** The clock functions whose value never decreases as time passes (not the times of day). */
const RISING = new Set([...CLOCK].filter((f) => f !== 'current_time' && f !== 'localtime'));

/** Whether `e` reads the clock (now() and the like). */
export function readsClock(e: Expr): boolean {
  let found = false;
  const visit = (x: Expr): void => {
    if (x.kind === 'call' && CLOCK.has(x.fn.name)) found = true;
    forEachChild(x, visit);
  };
  visit(e);
  return found;
}

/**
 * Whether `e` is a function of the time alone that never decreases as time passes: a clock
 * function, shifted by constants (`now() - interval '24 hours'`, `current_date - 7`) or cast.
 */
function risingWithTime(e: Expr): boolean {
  const constant = (x: Expr): boolean =>
    !readsClock(x) &&
    referencedColumns(x).size === 0 &&
    !containsOuter(x) &&
    !containsSubquery(x) &&
    !isVolatile(x);
  if (e.kind === 'call') {
    if (RISING.has(e.fn.name)) return e.args.length === 0;
    if (e.args.length !== 2) return false;
    const [a, b] = e.args as [Expr, Expr];
    if (e.fn.name === '-') return risingWithTime(a) && constant(b);
    if (e.fn.name === '+') return (risingWithTime(a) && constant(b)) || (constant(a) && risingWithTime(b));
    return false;
  }
  if (e.kind === 'cast') return risingWithTime(e.arg);
  return false;
}

/**
 * A clock condition `x < t`, `x <= t`, `x > t` or `x >= t` with `x` over the row (not the clock)
 * and `t` rising with time alone: it changes at most once per row as time passes. `falls`: it holds
 * until `t` catches up with `x` (`ts > now() - interval '1 day'`); otherwise it starts to hold then
 * (`ts <= now()`, rows dated in the future).
 */
interface Threshold {
  readonly x: CompiledExpr;
  readonly t: CompiledExpr;
  readonly falls: boolean;
  /** Whether the condition also holds (falls) or already holds (rises) when x equals t. */
  readonly inclusive: boolean;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function thresholdOf(e: Expr): Threshold | null {
  if (e.kind !== 'op' || !(e.op in FLIP) || e.args.length !== 2) return null;
  let [x, t] = e.args as [Expr, Expr];
  let op: string = e.op;
  if (readsClock(x)) {
    [x, t] = [t, x];
    op = FLIP[op]!;
  }
  if (readsClock(x) || !risingWithTime(t)) return null;
  return {
    x: new CompiledExpr(x),
    t: new CompiledExpr(t),
    falls: op === '>' || op === '>=',
    inclusive: op === '>=' || op === '<=',
  };
}

/** A held row waiting for a threshold: due once the threshold's time value reaches `x`. */
interface Waiting {
  readonly x: Value;
  readonly h: Held;
}

/** A binary min-heap of waiting rows by their threshold values. */
class WaitHeap {
  private readonly a: Waiting[] = [];

  get size(): number {
    return this.a.length;
  }

  peek(): Waiting | undefined {
    return this.a[0];
  }

  push(w: Waiting): void {
    const a = this.a;
    a.push(w);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareValues(a[p]!.x, w.x) <= 0) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = w;
  }

  pop(): Waiting | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && compareValues(a[r]!.x, a[l]!.x) < 0 ? r : l;
      if (compareValues(a[c]!.x, last.x) >= 0) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/**
 * A filter that reads the clock (`WHERE ts > now() - interval '24 hours'`): it keeps every input row
 * and whether it passes, so that as time advances (`tick`) rows that stop passing are retracted
 * and rows that start passing are added. New rows are judged at the time of their commit.
 *
 * When every condition is a threshold (see Threshold), a tick touches only the rows whose time has
 * come: per condition, the rows it can still change for wait in a heap by their value of `x`, and
 * a tick takes those at or below the condition's time now — O(changed rows · log rows), not a pass
 * over every row held. Other clock conditions (`now() - ts < interval '1 hour'`, a window read
 * from a column) judge every held row again at each tick.
 */
export class DeltaTemporalFilter implements DeltaOperator {
  private readonly predicates: CompiledExpr[];
  private readonly held = new RowMap<Held>();
  private rows = 0;
  /** Per condition when all are thresholds, else null. */
  private readonly thresholds: Threshold[] | null;
  private readonly waiting: WaitHeap[];
  /** Held rows judged again by ticks so far (what a tick costs). */
  judged = 0;

  /** Rows held (copies counted): what the filter keeps. */
  get heldRows(): number {
    return this.rows;
  }

  constructor(predicates: readonly Expr[]) {
    const all = predicates.flatMap(conjuncts);
    this.predicates = all.map((p) => new CompiledExpr(p));
    // Conditions without the clock never change with time: only the others need a threshold.
    const thresholds = all.filter(readsClock).map(thresholdOf);
    this.thresholds = thresholds.every((t) => t !== null) ? (thresholds as Threshold[]) : null;
    this.waiting = (this.thresholds ?? []).map(() => new WaitHeap());
  }

  private passes(row: Value[], ctx: ExecContext): boolean {
    return this.predicates.every((p) => p.evalRow(row, ctx) === true);
  }

  /** Whether threshold `th`'s time value `t` has reached row value `x` (the condition changed). */
  private static reached(th: Threshold, x: Value, t: Value): boolean {
    const c = compareValues(x, t);
    // Falling x > t stops holding at x <= t (x >= t at x < t); rising x < t starts at x < t (x <= t at x <= t).
    return th.falls ? (th.inclusive ? c < 0 : c <= 0) : th.inclusive ? c <= 0 : c < 0;
  }

  /** Each threshold's time value at the clock in `ctx` (constant within a push or a tick). */
  private times(ctx: ExecContext): Value[] {
    return (this.thresholds ?? []).map((th) => th.t.evalRow([], ctx));
  }

  /**
   * Per threshold, the row's value `x` when the condition can still change for it (the row waits in
   * that threshold's heap), else undefined; null when the row can never pass again: a threshold's
   * `x` is NULL (the condition is NULL at every time) or a falling threshold's time has reached it.
   */
  private waits(row: Value[], times: readonly Value[], ctx: ExecContext): (Value | undefined)[] | null {
    const ths = this.thresholds!;
    const xs: (Value | undefined)[] = [];
    for (let j = 0; j < ths.length; j++) {
      const th = ths[j]!;
      const x = th.x.evalRow(row, ctx);
      if (x === null) return null;
      const reached = DeltaTemporalFilter.reached(th, x, times[j]!);
      if (reached && th.falls) return null;
      xs.push(reached ? undefined : x);
    }
    return xs;
  }

  push(_port: number, delta: Delta, round: MaintenanceRound): Delta {
    const out = emptyDelta();
    const times = this.thresholds ? this.times(round.ctx) : [];
    for (let i = 0; i < delta.rows.length; i++) {
      const row = delta.rows[i]!;
      const w = delta.weights[i]!;
      let h = this.held.get(row);
      if (!h) {
        const xs = this.thresholds ? this.waits(row, times, round.ctx) : [];
        // A row past a falling threshold (or NULL under one) never passes again: not held, so its
        // copies come and go without a trace (a backfill of old rows, the retention's deletes).
        if (xs === null) continue;
        h = { row, n: 0, passing: this.passes(row, round.ctx) };
        this.held.add(h);
        // In the heaps of the conditions that can still change for it.
        for (let j = 0; j < xs.length; j++) if (xs[j] !== undefined) this.waiting[j]!.push({ x: xs[j]!, h });
      }
      const entry = h;
      entry.n += w;
      this.rows += w;
      round.onUndo(() => {
        if (entry.n === 0) this.held.add(entry);
        entry.n -= w;
        this.rows -= w;
        if (entry.n === 0) this.held.delete(entry);
      });
      if (entry.passing) addRow(out, entry.row, w);
      if (entry.n === 0) this.held.delete(entry);
    }
    return out;
  }

  /** Judges again, at the clock in `round.ctx`, the held rows whose conditions may have changed; returns the change. */
  tick(round: MaintenanceRound): Delta {
    const out = emptyDelta();
    const judge = (h: Held): void => {
      this.judged++;
      const now = this.passes(h.row, round.ctx);
      if (now === h.passing) return;
      addRow(out, h.row, now ? h.n : -h.n);
      h.passing = now;
      round.onUndo(() => (h.passing = !now));
    };
    const ths = this.thresholds;
    if (!ths) {
      for (const h of this.held.values()) judge(h);
      return out;
    }
    const due = new Set<Held>();
    const taken: [WaitHeap, Waiting][] = [];
    const times = this.times(round.ctx);
    for (let j = 0; j < ths.length; j++) {
      const th = ths[j]!;
      const heap = this.waiting[j]!;
      const t = times[j]!;
      for (let w = heap.peek(); w && DeltaTemporalFilter.reached(th, w.x, t); w = heap.peek()) {
        heap.pop();
        taken.push([heap, w]);
        // A row gone since (all its copies deleted) is no longer held: nothing to judge.
        if (w.h.n > 0 && this.held.get(w.h.row) === w.h) due.add(w.h);
      }
    }
    if (taken.length > 0) round.onUndo(() => taken.forEach(([heap, w]) => heap.push(w)));
    for (const h of due) {
      judge(h);
      // Out of a falling window for good: no longer held.
      if (!h.passing && this.waits(h.row, times, round.ctx) === null) {
        this.held.delete(h);
        this.rows -= h.n;
        round.onUndo(() => {
          this.held.add(h);
          this.rows += h.n;
        });
      }
    }
    return out;
  }

  initial(): Delta {
    return emptyDelta();
  }

  stateBytes(): number {
    return this.rows * 120;
  }
}
