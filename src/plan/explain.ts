import type { Expr } from './expr.js';
import type { LogicalPlan } from './logical.js';

/** What EXPLAIN prints; mirrors PostgreSQL's EXPLAIN options. */
export interface ExplainOptions {
  readonly format: 'text' | 'json';
  /** Output columns of every node and schema-qualified relation names. */
  readonly verbose: boolean;
  /** Actual rows, loops and (with timing) times per node; the query has run. */
  readonly analyze: boolean;
  readonly timing: boolean;
  /** Planning and execution time at the end (on by default with ANALYZE). */
  readonly summary: boolean;
}

/** Measured per-node figures for EXPLAIN ANALYZE (see ExecContext.profile). */
export interface NodeStats {
  readonly loops: number;
  readonly rows: number;
  readonly startupMs: number;
  readonly totalMs: number;
}

export interface ExplainRun {
  readonly stats: ReadonlyMap<LogicalPlan, NodeStats>;
  readonly planningMs: number;
  readonly executionMs: number;
}

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

type Names = readonly { name: string }[];

/** Output names of a node as EXPLAIN shows them: aggregates by their calls, not internal names. */
function names(p: LogicalPlan): Names {
  if (p.kind === 'aggregate') {
    const input = names(p.input);
    const out = [
      ...p.groupBy.map((e) => ({ name: exprText(e, input) })),
      ...p.aggs.map((a) => {
        const args = a.args.length ? a.args.map((x) => exprText(x, input)).join(', ') : '*';
        return { name: `${a.fn.name}(${a.distinct ? 'DISTINCT ' : ''}${args})` };
      }),
    ];
    return p.fields.map((f, i) => out[i] ?? f);
  }
  if (p.kind === 'join') return [...names(p.left), ...names(p.right)];
  return p.fields;
}

/** One property of a node: a text line `Key: value` and a JSON member. */
interface Prop {
  readonly key: string;
  readonly text: string;
  readonly json: string | string[];
}

const prop = (key: string, text: string, json: string | string[] = text): Prop => ({ key, text, json });
const listProp = (key: string, items: string[]): Prop => prop(key, items.join(', '), items);

interface Label {
  /** Header of the node in text format, e.g. `Seq Scan on t`. */
  readonly name: string;
  /** PostgreSQL's "Node Type" in JSON format, e.g. `Seq Scan`. */
  readonly nodeType: string;
  /** JSON-only members (relation name, join type...). */
  readonly attrs: Record<string, string>;
  readonly props: Prop[];
  /** The node already lists its outputs (Project), so VERBOSE adds none. */
  readonly hasOutput?: boolean;
}

const node = (nodeType: string, props: Prop[] = [], name = nodeType): Label => ({
  name,
  nodeType,
  attrs: {},
  props,
});

function label(p: LogicalPlan, verbose: boolean): Label {
  switch (p.kind) {
    case 'scan': {
      const rel = verbose ? `${p.table.schema}.${p.table.name}` : p.table.name;
      const filter = p.filters.map((f) => exprText(f, p.fields)).join(' AND ');
      return {
        name: `Seq Scan on ${rel}`,
        nodeType: 'Seq Scan',
        attrs: { 'Relation Name': p.table.name, ...(verbose ? { Schema: p.table.schema } : {}) },
        props: p.filters.length ? [prop('Filter', filter)] : [],
      };
    }
    case 'filter':
      return node('Filter', [prop('Filter', exprText(p.predicate, names(p.input)))]);
    case 'project':
      return {
        ...node('Project', [
          listProp(
            'Output',
            p.exprs.map((e) => exprText(e, names(p.input))),
          ),
        ]),
        hasOutput: true,
      };
    case 'aggregate':
      return p.groupBy.length
        ? node('HashAggregate', [
            listProp(
              'Group Key',
              p.groupBy.map((e) => exprText(e, names(p.input))),
            ),
          ])
        : node('Aggregate');
    case 'join': {
      const kind = p.leftKeys.length ? 'Hash' : 'Nested Loop';
      const jt = p.joinType === 'inner' ? '' : ` ${p.joinType[0]!.toUpperCase()}${p.joinType.slice(1)}`;
      const props: Prop[] = [];
      if (p.leftKeys.length) {
        const conds = p.leftKeys.map(
          (k, i) => `${exprText(k, names(p.left))} = ${exprText(p.rightKeys[i]!, names(p.right))}`,
        );
        props.push(prop('Hash Cond', conds.join(' AND ')));
      }
      if (p.condition) props.push(prop('Join Filter', exprText(p.condition, names(p))));
      const name = `${kind}${jt} Join`;
      return {
        ...node(kind === 'Hash' ? 'Hash Join' : 'Nested Loop', props, name),
        attrs: { 'Join Type': p.joinType },
      };
    }
    case 'sort': {
      const keys = p.keys.map((k) => exprText(k.expr, names(p.input)) + (k.desc ? ' DESC' : ''));
      return node(
        'Sort',
        [listProp('Sort Key', keys)],
        p.limit !== null ? `Top-N Sort (limit ${p.limit})` : 'Sort',
      );
    }
    case 'limit':
      return node('Limit');
    case 'distinct':
      return node(
        p.on ? 'Unique' : 'HashAggregate',
        [],
        p.on ? 'Unique (DISTINCT ON)' : 'HashAggregate (DISTINCT)',
      );
    case 'window':
      return node('WindowAgg', [
        listProp(
          'Functions',
          p.calls.map((c) => c.name),
        ),
      ]);
    case 'setop': {
      const name = `${p.op[0]!.toUpperCase()}${p.op.slice(1)}${p.all ? ' All' : ''}`;
      return node(p.op === 'union' ? 'Append' : 'SetOp', [], name);
    }
    case 'values':
      return p.fields.length
        ? node('Values Scan', [], `Values Scan (${p.rows.length} rows)`)
        : node('Result');
    case 'recursive':
      return node('Recursive Union');
    case 'worktable':
      return node('WorkTable Scan');
    case 'materialize':
      return node('CTE Scan');
    case 'tablefunc':
      return node('Function Scan', [], `Function Scan on ${p.fn.name}`);
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

/** Properties of a node, with VERBOSE's output list first as PostgreSQL prints it. */
function propsOf(p: LogicalPlan, l: Label, o: ExplainOptions): Prop[] {
  if (!o.verbose || l.hasOutput) return l.props;
  const out = p.fields
    .filter((f) => !f.hidden)
    .map((f) => (f.qualifier ? `${f.qualifier}.${f.name}` : f.name));
  return [listProp('Output', out), ...l.props];
}

const ms = (x: number): string => x.toFixed(3);

function actualText(s: NodeStats | undefined, o: ExplainOptions): string {
  if (!s || s.loops === 0) return '  (never executed)';
  const rows = Math.round(s.rows / s.loops);
  const time = o.timing ? `time=${ms(s.startupMs / s.loops)}..${ms(s.totalMs / s.loops)} ` : '';
  return `  (actual ${time}rows=${rows} loops=${s.loops})`;
}

type JsonNode = Record<string, unknown>;

function toJson(p: LogicalPlan, o: ExplainOptions, run: ExplainRun | null): JsonNode {
  const l = label(p, o.verbose);
  const out: JsonNode = { 'Node Type': l.nodeType, ...l.attrs };
  if (l.name !== l.nodeType && !('Relation Name' in l.attrs)) out['Description'] = l.name;
  if (run) {
    const s = run.stats.get(p);
    const loops = s?.loops ?? 0;
    if (o.timing) {
      out['Actual Startup Time'] = loops ? Number(ms(s!.startupMs / loops)) : 0;
      out['Actual Total Time'] = loops ? Number(ms(s!.totalMs / loops)) : 0;
    }
    out['Actual Rows'] = loops ? Math.round(s!.rows / loops) : 0;
    out['Actual Loops'] = loops;
  }
  for (const pr of propsOf(p, l, o)) out[pr.key] = pr.json;
  const kids = children(p).map((c) => toJson(c, o, run));
  if (kids.length) out['Plans'] = kids;
  return out;
}

/**
 * EXPLAIN output: an indented tree like PostgreSQL's, or PostgreSQL's JSON shape. With `run`
 * (EXPLAIN ANALYZE) each node carries its actual rows, loops and times.
 *
 * @example
 * explainPlan(plan, { format: 'text', verbose: false, analyze: false, timing: true, summary: false });
 * // 'Seq Scan on t\n  Filter: (id > 1)'
 */
export function explainPlan(p: LogicalPlan, o: ExplainOptions, run: ExplainRun | null = null): string {
  if (o.format === 'json') {
    const top: JsonNode = { Plan: toJson(p, o, run) };
    if (run && o.summary) {
      top['Planning Time'] = Number(ms(run.planningMs));
      top['Execution Time'] = Number(ms(run.executionMs));
    }
    return JSON.stringify([top], null, 2);
  }
  const lines: string[] = [];
  const walk = (n: LogicalPlan, depth: number): void => {
    const l = label(n, o.verbose);
    const pad = depth === 0 ? '' : ' '.repeat(depth * 6 - 4) + '->  ';
    lines.push(pad + l.name + (run ? actualText(run.stats.get(n), o) : ''));
    const indent = ' '.repeat(depth === 0 ? 2 : depth * 6 + 2);
    for (const pr of propsOf(n, l, o)) lines.push(`${indent}${pr.key}: ${pr.text}`);
    for (const c of children(n)) walk(c, depth + 1);
  };
  walk(p, 0);
  if (run && o.summary) {
    lines.push(`Planning Time: ${ms(run.planningMs)} ms`);
    lines.push(`Execution Time: ${ms(run.executionMs)} ms`);
  }
  return lines.join('\n');
}
