import { DatabaseError, SqlState } from '../errors.js';
import type { OperatorStats } from '../exec/context.js';
import { explainPlan, type ExplainOptions } from '../plan/explain.js';
import { pruneColumns } from '../plan/prune.js';
import type { LogicalPlan } from '../plan/logical.js';
import type { BoundQuery } from '../sql/binder/select-binder.js';
import { str } from '../sql/binder/expr-binder.js';
import { T } from '../types/types.js';
import type { Value } from '../types/values.js';
import type { StatementResult } from './session.js';

type Node = any;

function boolOption(d: Node): boolean {
  if (d.arg === undefined) return true;
  const v = str(d.arg).toLowerCase();
  if (['true', 'on', '1', 'yes'].includes(v)) return true;
  if (['false', 'off', '0', 'no'].includes(v)) return false;
  throw new DatabaseError(SqlState.syntaxError, `${d.defname} requires a Boolean value`);
}

/** Reads EXPLAIN's option list as PostgreSQL does; unknown options fail with 42601. */
export function explainOptions(defs: readonly Node[]): ExplainOptions {
  let format: 'text' | 'json' = 'text';
  let verbose = false;
  let analyze = false;
  let timing: boolean | undefined;
  let summary: boolean | undefined;
  for (const n of defs) {
    const d = n.DefElem;
    const name = String(d.defname).toLowerCase();
    switch (name) {
      case 'analyze':
        analyze = boolOption(d);
        break;
      case 'verbose':
        verbose = boolOption(d);
        break;
      case 'timing':
        timing = boolOption(d);
        break;
      case 'summary':
        summary = boolOption(d);
        break;
      case 'costs':
      case 'buffers':
      case 'settings':
      case 'wal':
      case 'memory':
        // Accepted for compatibility: there are no cost estimates or buffer counts to print yet.
        boolOption(d);
        break;
      case 'format': {
        const f = str(d.arg).toLowerCase();
        if (f === 'text' || f === 'json') format = f;
        else if (f === 'xml' || f === 'yaml')
          throw new DatabaseError(SqlState.featureNotSupported, `EXPLAIN format "${f}" is not supported`, {
            hint: 'Use FORMAT TEXT or FORMAT JSON.',
          });
        else
          throw new DatabaseError(
            SqlState.invalidParameterValue,
            `unrecognized value for EXPLAIN option "format": "${f}"`,
          );
        break;
      }
      default:
        throw new DatabaseError(SqlState.syntaxError, `unrecognized EXPLAIN option "${d.defname}"`);
    }
  }
  if (timing === true && !analyze)
    throw new DatabaseError(SqlState.invalidParameterValue, 'EXPLAIN option TIMING requires ANALYZE');
  return { format, verbose, analyze, timing: timing ?? true, summary: summary ?? analyze };
}

/** How the session binds and runs the explained query (with per-node stats for ANALYZE). */
export interface ExplainHost {
  bind(select: Node): BoundQuery;
  run(plan: LogicalPlan, profile: Map<LogicalPlan, OperatorStats>): Promise<Value[][]>;
}

/**
 * EXPLAIN [ANALYZE] [VERBOSE] [(options)] SELECT ...: the plan tree as text lines or one JSON
 * value. ANALYZE runs the query (its rows are discarded) and reports actual rows, loops and times.
 */
export async function explainStatement(s: Node, host: ExplainHost): Promise<StatementResult> {
  const opts = explainOptions((s.options ?? []) as Node[]);
  const kind = Object.keys(s.query)[0]!;
  const inner = s.query.SelectStmt;
  if (!inner) {
    throw new DatabaseError(
      SqlState.featureNotSupported,
      `EXPLAIN of ${kind.replace(/Stmt$/, '').toUpperCase()} statements is not supported yet`,
      { hint: 'EXPLAIN supports SELECT, VALUES and WITH queries.' },
    );
  }
  const t0 = performance.now();
  const q = host.bind(inner);
  // The plan as it runs: projection pushdown applied.
  const plan = pruneColumns(q.plan);
  const planningMs = performance.now() - t0;
  let run = null;
  if (opts.analyze) {
    const stats = new Map<LogicalPlan, OperatorStats>();
    const t1 = performance.now();
    await host.run(plan, stats);
    run = { stats, planningMs, executionMs: performance.now() - t1 };
  }
  const text = explainPlan(plan, opts, run);
  const json = opts.format === 'json';
  const rows = json ? [[text]] : text.split('\n').map((l) => [l]);
  return {
    command: 'EXPLAIN',
    columns: [{ name: 'QUERY PLAN', type: json ? T.json : T.text }],
    rows,
    rowCount: rows.length,
  };
}
