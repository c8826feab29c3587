import type { Session } from '../../engine/session.js';
import { describeStatement } from '../../engine/describe.js';
import type { Table } from '../../storage/table.js';

type Node = any;

/** Every table a bound plan scans, subqueries and views included (a walk over the plan objects). */
function scannedTables(plan: unknown): Set<Table> {
  const found = new Set<Table>();
  const seen = new Set<object>();
  const visit = (n: unknown): void => {
    if (typeof n !== 'object' || n === null || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) {
      for (const e of n) visit(e);
      return;
    }
    const node = n as { kind?: unknown; table?: Table };
    if (node.kind === 'scan' && node.table) {
      found.add(node.table);
      return;
    }
    // Plan and expression nodes are plain objects; skip class instances (tables, values, functions).
    if (Object.getPrototypeOf(n) !== Object.prototype) return;
    for (const v of Object.values(n)) visit(v);
  };
  visit(plan);
  return found;
}

/**
 * The tables a SELECT reads, or undefined when that cannot be told (the statement does not bind
 * alone, e.g. a parameter of undetermined type): then every commit counts as a change.
 */
export function tablesRead(session: Session, stmt: Node): Set<Table> | undefined {
  try {
    const d = describeStatement(session, stmt);
    return d.query ? scannedTables(d.query.plan) : undefined;
  } catch {
    return undefined;
  }
}
