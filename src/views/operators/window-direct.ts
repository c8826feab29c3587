import { CompiledExpr } from '../../exec/compile.js';
import type { ExecContext } from '../../exec/context.js';
import type { WindowCall, WindowFrameBound, WindowNode } from '../../plan/logical.js';
import { columnOf } from '../../plan/expr.js';
import type { Accumulator } from '../../sql/aggregates/aggregate.js';
import type { Value } from '../../types/values.js';

/** Computes one window call over rows of one partition, in window order, into `out`. */
type CallEvaluator = (rows: readonly Value[][], ctx: ExecContext, out: Value[]) => void;

/** A constant integer (LAG/LEAD offset, frame bound offset), or null. */
function constInt(v: Value | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
  return n !== null && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** The constant row offset of a frame bound, or null when it is unbounded or not a constant. */
function boundOffset(b: WindowFrameBound): number | null {
  if (b.kind === 'current_row') return 0;
  if (b.kind !== 'preceding' && b.kind !== 'following') return null;
  const n = constInt(b.offset.kind === 'const' ? b.offset.value : undefined);
  return n === null ? null : b.kind === 'preceding' ? -n : n;
}

/** LAG/LEAD's offset when it is a constant (1 when not given), else null. */
export function lagLeadOffset(c: WindowCall): number | null {
  const off = c.args[1];
  return off === undefined ? 1 : off.kind === 'const' ? constInt(off.value) : null;
}

/**
 * The frame of an aggregate over ROWS of constant bounds, relative to the current row: [start,
 * end]; null for other frames (unbounded, RANGE/GROUPS, EXCLUDE) and DISTINCT.
 */
export function rowsFrame(c: WindowCall): [number, number] | null {
  if (!c.agg || c.distinct || c.frame.mode !== 'rows' || c.frame.exclude !== 'no_others') return null;
  const s = boundOffset(c.frame.start);
  const e = boundOffset(c.frame.end);
  return s === null || e === null ? null : [s, e];
}

/** LAG (direction -1) or LEAD (+1) with a constant offset: the value that many rows away, else the default. */
function offsetCall(c: WindowCall, direction: number): CallEvaluator | null {
  const k = lagLeadOffset(c);
  if (k === null) return null;
  const value = new CompiledExpr(c.args[0]!);
  const dflt = c.args[2] ? new CompiledExpr(c.args[2]) : null;
  return (rows, ctx, out) => {
    for (let p = 0; p < rows.length; p++) {
      const t = p + direction * k;
      out[p] =
        t >= 0 && t < rows.length ? value.evalRow(rows[t]!, ctx) : dflt ? dflt.evalRow(rows[p]!, ctx) : null;
    }
  };
}

/** An aggregate over a ROWS frame of constant bounds: each frame folded with the aggregate's own accumulator. */
function frameAggregate(c: WindowCall): CallEvaluator | null {
  const frame = rowsFrame(c);
  if (!frame) return null;
  const [s, e] = frame;
  const agg = c.agg!;
  const acc: Accumulator = agg.make(
    c.args.map((a) => a.type),
    [],
  );
  const args = c.args.map((a) => new CompiledExpr(a));
  // Arguments that are plain columns are read from the row, not evaluated.
  const cols = c.args.map(columnOf);
  const filter = c.filter ? new CompiledExpr(c.filter) : null;
  const strict = agg.strict !== false;
  return (rows, ctx, out) => {
    // Each row's argument tuple, null when it does not feed the aggregate (filtered out, NULL).
    const inputs = rows.map((r) => {
      if (filter && filter.evalRow(r, ctx) !== true) return null;
      const t = args.map((a, i) => (cols[i]! >= 0 ? r[cols[i]!]! : a.evalRow(r, ctx)));
      return strict && t.includes(null) ? null : t;
    });
    for (let p = 0; p < rows.length; p++) {
      let state = acc.init();
      const to = Math.min(rows.length - 1, p + e);
      for (let q = Math.max(0, p + s); q <= to; q++)
        if (inputs[q] !== null) state = acc.add(state, inputs[q]!);
      out[p] = acc.result(state);
    }
  };
}

/**
 * The window's calls evaluated directly over a partition's rows, without planning and running the
 * executor, when each is LAG/LEAD with a constant offset or an aggregate over a ROWS frame of
 * constant bounds (a moving average); null otherwise. Rows are one partition's, in window order;
 * the result is each row with the calls' values appended, as the window operator gives them.
 */
export function directWindow(node: WindowNode): ((rows: Value[][], ctx: ExecContext) => Value[][]) | null {
  const calls: CallEvaluator[] = [];
  for (const c of node.calls) {
    const f = c.name === 'lag' ? offsetCall(c, -1) : c.name === 'lead' ? offsetCall(c, 1) : frameAggregate(c);
    if (!f) return null;
    calls.push(f);
  }
  return (rows, ctx) => {
    const values = calls.map((f) => {
      const out = new Array<Value>(rows.length);
      f(rows, ctx, out);
      return out;
    });
    return rows.map((r, p) => {
      const row = r.slice();
      for (const v of values) row.push(v[p]!);
      return row;
    });
  };
}
