import type { Expr } from './expr.js';
import type { LogicalPlan } from './logical.js';

function exprText(e: Expr, fields: readonly { name: string }[]): string {
  switch (e.kind) {
    case 'col':
      return fields[e.index]?.name ?? `$col${e.index}`;
    case 'const':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'param':
      return `$${e.index + 1}`;
    case 'op':
      return e.args.length === 1
        ? `(-${exprText(e.args[0]!, fields)})`
        : `(${exprText(e.args[0]!, fields)} ${e.op} ${exprText(e.args[1]!, fields)})`;
    case 'and':
    case 'or':
      return `(${e.args.map((a) => exprText(a, fields)).join(` ${e.kind.toUpperCase()} `)})`;
    case 'call':
      return `${e.fn.name}(${e.args.map((a) => exprText(a, fields)).join(', ')})`;
    case 'cast':
      return `${exprText(e.arg, fields)}::${e.type.id}`;
    default:
      return e.kind;
  }
}

function label(p: LogicalPlan): { name: string; details: string[] } {
  switch (p.kind) {
    case 'scan':
      return {
        name: `Seq Scan on ${p.table.name}`,
        details: p.filters.length
          ? [`Filter: ${p.filters.map((f) => exprText(f, p.fields)).join(' AND ')}`]
          : [],
      };
    case 'filter':
      return { name: 'Filter', details: [`Filter: ${exprText(p.predicate, p.input.fields)}`] };
    case 'project':
      return {
        name: 'Project',
        details: [`Output: ${p.exprs.map((e) => exprText(e, p.input.fields)).join(', ')}`],
      };
    case 'aggregate':
      return {
        name: p.groupBy.length ? 'HashAggregate' : 'Aggregate',
        details: p.groupBy.length
          ? [`Group Key: ${p.groupBy.map((e) => exprText(e, p.input.fields)).join(', ')}`]
          : [],
      };
    case 'join': {
      const kind = p.leftKeys.length ? 'Hash' : 'Nested Loop';
      const jt = p.joinType === 'inner' ? '' : ` ${p.joinType[0]!.toUpperCase()}${p.joinType.slice(1)}`;
      const d: string[] = [];
      if (p.leftKeys.length) {
        d.push(
          `Hash Cond: ${p.leftKeys.map((k, i) => `${exprText(k, p.left.fields)} = ${exprText(p.rightKeys[i]!, p.right.fields)}`).join(' AND ')}`,
        );
      }
      if (p.condition) d.push(`Join Filter: ${exprText(p.condition, p.fields)}`);
      return { name: `${kind}${jt} Join`, details: d };
    }
    case 'sort':
      return {
        name: p.limit !== null ? `Top-N Sort (limit ${p.limit})` : 'Sort',
        details: [
          `Sort Key: ${p.keys.map((k) => exprText(k.expr, p.input.fields) + (k.desc ? ' DESC' : '')).join(', ')}`,
        ],
      };
    case 'limit':
      return { name: 'Limit', details: [] };
    case 'distinct':
      return { name: p.on ? 'Unique (DISTINCT ON)' : 'HashAggregate (DISTINCT)', details: [] };
    case 'window':
      return { name: 'WindowAgg', details: [`Functions: ${p.calls.map((c) => c.name).join(', ')}`] };
    case 'setop':
      return { name: `${p.op[0]!.toUpperCase()}${p.op.slice(1)}${p.all ? ' All' : ''}`, details: [] };
    case 'values':
      return { name: p.fields.length ? `Values Scan (${p.rows.length} rows)` : 'Result', details: [] };
    case 'recursive':
      return { name: 'Recursive Union', details: [] };
    case 'worktable':
      return { name: 'WorkTable Scan', details: [] };
    case 'materialize':
      return { name: 'CTE Scan', details: [] };
    case 'tablefunc':
      return { name: `Function Scan on ${p.fn.name}`, details: [] };
  }
}

function children(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan':
    case 'values':
    case 'worktable':
    case 'tablefunc':
      return [];
    case 'join':
    case 'setop':
      return [p.left, p.right];
    case 'recursive':
      return [p.anchor, p.recursive];
    default:
      return [p.input];
  }
}

interface JsonNode {
  'Node Type': string;
  Details?: string[];
  Plans?: JsonNode[];
}

function toJson(p: LogicalPlan): JsonNode {
  const l = label(p);
  const kids = children(p).map(toJson);
  return {
    'Node Type': l.name,
    ...(l.details.length ? { Details: l.details } : {}),
    ...(kids.length ? { Plans: kids } : {}),
  };
}

/** EXPLAIN output: an indented tree like PostgreSQL's, or JSON. */
export function explainPlan(p: LogicalPlan, format: 'text' | 'json'): string {
  if (format === 'json') return JSON.stringify([{ Plan: toJson(p) }], null, 2);
  const lines: string[] = [];
  const walk = (n: LogicalPlan, depth: number): void => {
    const l = label(n);
    const pad = depth === 0 ? '' : ' '.repeat(depth * 6 - 4) + '->  ';
    lines.push(pad + l.name);
    for (const d of l.details) lines.push(' '.repeat(depth === 0 ? 2 : depth * 6 + 2) + d);
    for (const c of children(n)) walk(c, depth + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}
