import { DatabaseError, SqlState } from '../errors.js';
import type { Expr } from '../plan/expr.js';
import type { LogicalPlan } from '../plan/logical.js';
import { likeToRegExp } from '../sql/functions/regex-functions.js';
import { castValue } from '../types/cast.js';
import type { SqlType } from '../types/types.js';
import type { Value } from '../types/values.js';
import { allocVector, type Batch, type Vector } from './batch.js';
import type { ExecContext } from './context.js';
import { runtime } from './runtime.js';

/**
 * Compiles bound expressions to JavaScript functions. The code is built from the plan only: every
 * literal, type and function object goes into a constants array `C` that the generated function
 * receives, so no user text is ever spliced into source.
 *
 * Batch functions loop over a batch's live rows; column reads are specialised to the vectors'
 * storage kinds, so one expression may be compiled once per kind signature (cached).
 */

type Mode = 'batch' | 'row';

interface Gen {
  readonly mode: Mode;
  readonly consts: unknown[];
  temps: number;
  /** Memo variables (batch mode): declared per batch call, see memoCall. */
  memos: number;
  /** Column index → storage kind (batch mode). */
  readonly kinds: readonly string[];
  readonly usedCols: Set<number>;
}

function constRef(g: Gen, v: unknown): string {
  g.consts.push(v);
  return `c${g.consts.length - 1}`;
}

function temp(g: Gen): string {
  return `t${g.temps++}`;
}

function colAccess(g: Gen, idx: number): string {
  if (g.mode === 'row') return `ROW[${idx}]`;
  g.usedCols.add(idx);
  const kind = g.kinds[idx];
  const nullTest = `(V${idx} !== null && ((V${idx}[i >> 3] >> (i & 7)) & 1) === 0)`;
  switch (kind) {
    case 'obj':
      return `D${idx}[i]`;
    case 'bool':
      return `(${nullTest} ? null : D${idx}[i] === 1)`;
    case 'dict':
      return `(${nullTest} ? null : X${idx}[D${idx}[i]])`;
    default:
      return `(${nullTest} ? null : D${idx}[i])`;
  }
}

const NUMBER_COMPARE: Record<string, string> = {
  '=': '===',
  '<>': '!==',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function isFloat(t: SqlType): boolean {
  return t.id === 'float8' || t.id === 'float4';
}

/** Types whose values compare correctly with JS operators (numbers, bigints, C-collated strings). */
function jsComparable(t: SqlType): boolean {
  switch (t.id) {
    case 'int2':
    case 'int4':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'oid':
    case 'regclass':
    case 'regtype':
    case 'int8':
    case 'text':
    case 'varchar':
    case 'name':
    case 'uuid':
    case 'char':
      return true;
    default:
      return false;
  }
}

/** Code for `a op b` on non-null operand temps of type t. */
function binaryOp(g: Gen, op: string, t: SqlType, a: string, b: string): string {
  if (op in NUMBER_COMPARE) {
    const jsop = NUMBER_COMPARE[op]!;
    if (jsComparable(t)) return `(${a} ${jsop} ${b})`;
    if (isFloat(t)) {
      if (op === '=') return `R.feq(${a}, ${b})`;
      if (op === '<>') return `!R.feq(${a}, ${b})`;
      return `(R.fcmp(${a}, ${b}) ${jsop} 0)`;
    }
    if (t.id === 'bool') return `((${a} ? 1 : 0) ${jsop} (${b} ? 1 : 0))`;
    if (t.id === 'bpchar') return `(R.rtrim(${a}) ${jsop} R.rtrim(${b}))`;
    return `(R.cmp(${a}, ${b}) ${jsop} 0)`;
  }
  switch (t.id) {
    case 'int2':
    case 'int4': {
      const chk = t.id === 'int2' ? 'R.i2' : 'R.i4';
      if (op === '/') return `R.idiv(${a}, ${b}, ${t.id === 'int2' ? 16 : 32})`;
      if (op === '%') return `R.imod(${a}, ${b})`;
      if (op === '*') {
        // Products past 2^53 lose low bits but are far outside int4 range, so the check still fires.
        return `${chk}(${a} * ${b})`;
      }
      return `${chk}(${a} ${op} ${b})`;
    }
    case 'int8':
      if (op === '/') return `R.ldiv(${a}, ${b})`;
      if (op === '%') return `R.lmod(${a}, ${b})`;
      return `R.i8(${a} ${op} ${b})`;
    case 'float8':
    case 'float4': {
      const f4 = t.id === 'float4';
      if (op === '/') return `R.fdiv(${a}, ${b}, ${f4})`;
      if (op === '%') return `R.fmod(${a}, ${b})`;
      return `R.${f4 ? 'f4' : 'f8'}(${a} ${op} ${b}, ${a}, ${b})`;
    }
    default:
      return `R.arith(${constRef(g, op)}, ${constRef(g, t)}, ${a}, ${b})`;
  }
}

function unaryNeg(t: SqlType, a: string): string {
  switch (t.id) {
    case 'int2':
      return `R.i2(-${a})`;
    case 'int4':
      return `R.i4(-${a})`;
    case 'float4':
    case 'float8':
      return `(-${a})`;
    default:
      return `R.neg(null, ${a})`;
  }
}

/** JS expression evaluating `e` to a value or null. */
/**
 * In batch mode, a non-volatile call whose arguments are identical (===) to the previous row's
 * returns the previous result: time-ordered data repeats date_trunc/extract/time_bucket inputs
 * thousands of times in a row. The memo lives for one batch call, so stable functions (which
 * depend on session settings) are safe too.
 */
function memoCall(g: Gen, argTemps: readonly string[], call: string, volatile: boolean): string {
  if (g.mode !== 'batch' || volatile || argTemps.length === 0) return call;
  const base = g.memos;
  g.memos += argTemps.length + 1;
  const result = `m${base}_`;
  const vars = argTemps.map((_t, k) => `m${base + k + 1}_`);
  const same = argTemps.map((t, k) => `${t} === ${vars[k]}`).join(' && ');
  const store = argTemps.map((t, k) => `${vars[k]} = ${t}`).join(', ');
  return `(${same} ? ${result} : (${store}, ${result} = ${call}))`;
}

/**
 * A strict call with one non-constant argument whose function has a one-argument form for these
 * constants (see ScalarFunction.specialize): no argument array per row.
 */
function specializedCall(g: Gen, e: Extract<Expr, { kind: 'call' }>): string | null {
  if (!e.fn.specialize || e.fn.strict === false) return null;
  const variable = e.args.filter((a) => a.kind !== 'const');
  if (variable.length !== 1) return null;
  const consts = e.args.map((a) => (a.kind === 'const' ? a.value : undefined));
  if (consts.some((c) => c === null)) return null;
  let one: ((x: Value, ctx: unknown) => Value) | null;
  try {
    one = e.fn.specialize(
      consts,
      e.args.map((a) => a.type),
    ) as typeof one;
  } catch {
    // Bad constants (an unknown unit, say) fail per row, as impl does: rows may all be NULL.
    one = null;
  }
  if (one === null) return null;
  const f = constRef(g, one);
  const t = temp(g);
  const call = memoCall(g, [t], `${f}(${t}, FC)`, e.fn.volatile === true);
  return `(${t} = ${gen(g, variable[0]!)}, ${t} === null ? null : ${call})`;
}

function gen(g: Gen, e: Expr): string {
  switch (e.kind) {
    case 'const':
      return e.value === null ? 'null' : constRef(g, e.value);
    case 'param':
      return `P[${e.index}]`;
    case 'col':
      return colAccess(g, e.index);
    case 'outer':
      return `O[O.length - ${e.depth}][${e.index}]`;
    case 'op': {
      if (e.op === 'neg') {
        const a = temp(g);
        return `(${a} = ${gen(g, e.args[0]!)}, ${a} === null ? null : ${unaryNeg(e.argType, a)})`;
      }
      const a = temp(g);
      const b = temp(g);
      return `(${a} = ${gen(g, e.args[0]!)}, ${b} = ${gen(g, e.args[1]!)}, ${a} === null || ${b} === null ? null : ${binaryOp(
        g,
        e.op,
        e.argType,
        a,
        b,
      )})`;
    }
    case 'call': {
      const spec = specializedCall(g, e);
      if (spec !== null) return spec;
      const fn = constRef(g, e.fn.impl);
      const types = constRef(
        g,
        e.args.map((x) => x.type),
      );
      const args = e.args.map((x) => gen(g, x));
      const ts = args.map(() => temp(g));
      const assigns = args.map((a, k) => `${ts[k]} = ${a}`).join(', ');
      const call = memoCall(g, ts, `${fn}([${ts.join(', ')}], FC, ${types})`, e.fn.volatile === true);
      if (e.fn.strict === false) return `(${assigns}${assigns ? ', ' : ''}${call})`;
      const anyNull = ts.map((t) => `${t} === null`).join(' || ') || 'false';
      return `(${assigns}${assigns ? ', ' : ''}${anyNull} ? null : ${call})`;
    }
    case 'cast': {
      const from = e.arg.type;
      const to = e.type;
      if (
        from.id === to.id &&
        from.length === to.length &&
        from.precision === to.precision &&
        from.scale === to.scale
      ) {
        return gen(g, e.arg);
      }
      const a = temp(g);
      const inner = gen(g, e.arg);
      // Fast paths for the widening casts the binder inserts everywhere.
      if (
        (from.id === 'int2' || from.id === 'int4') &&
        (to.id === 'int4' || to.id === 'float8' || to.id === 'float4' || to.id === 'int2')
      ) {
        if (to.id === 'int2') return `(${a} = ${inner}, ${a} === null ? null : R.i2(${a}))`;
        return inner;
      }
      if ((from.id === 'int2' || from.id === 'int4') && to.id === 'int8')
        return `(${a} = ${inner}, ${a} === null ? null : BigInt(${a}))`;
      if (from.id === 'int8' && to.id === 'float8')
        return `(${a} = ${inner}, ${a} === null ? null : Number(${a}))`;
      const f = constRef(g, (v: Value, fc: ExecContext['fn']) => castValue(v, from, to, fc, e.explicit));
      return `(${a} = ${inner}, ${a} === null ? null : ${f}(${a}, FC))`;
    }
    case 'and':
    case 'or': {
      // Three-valued logic: false (for AND) / true (for OR) dominates NULL.
      const dom = e.kind === 'and' ? 'false' : 'true';
      const sawNull = temp(g);
      const t = temp(g);
      let code = `(${sawNull} = false, `;
      let close = '';
      for (const arg of e.args) {
        code += `${t} = ${gen(g, arg)}, ${t} === ${dom} ? ${dom} : (${t} === null && (${sawNull} = true), `;
        close += ')';
      }
      code += `${sawNull} ? null : ${e.kind === 'and' ? 'true' : 'false'}${close})`;
      return code;
    }
    case 'not': {
      const a = temp(g);
      return `(${a} = ${gen(g, e.arg)}, ${a} === null ? null : !${a})`;
    }
    case 'isnull':
      return `(${gen(g, e.arg)} ${e.negated ? '!==' : '==='} null)`;
    case 'isdistinct': {
      const a = temp(g);
      const b = temp(g);
      const eq = binaryOp(g, '=', e.args[0].type, a, b);
      const distinct = `(${a} === null ? ${b} !== null : ${b} === null ? true : !${eq})`;
      return `(${a} = ${gen(g, e.args[0])}, ${b} = ${gen(g, e.args[1])}, ${e.negated ? '!' : ''}${distinct})`;
    }
    case 'booltest': {
      const a = temp(g);
      const test = e.test === 'unknown' ? `${a} === null` : `${a} === ${e.test}`;
      return `(${a} = ${gen(g, e.arg)}, ${e.negated ? '!' : ''}(${test}))`;
    }
    case 'case': {
      let code = '';
      let close = '';
      for (const w of e.whens) {
        code += `(${gen(g, w.cond)}) === true ? ${gen(g, w.then)} : (`;
        close += ')';
      }
      return `(${code}${gen(g, e.else)}${close})`;
    }
    case 'coalesce': {
      const t = temp(g);
      let code = '';
      let close = '';
      for (const arg of e.args.slice(0, -1)) {
        code += `(${t} = ${gen(g, arg)}, ${t} !== null ? ${t} : `;
        close += ')';
      }
      return `${code}${gen(g, e.args[e.args.length - 1]!)}${close}`;
    }
    case 'nullif': {
      const a = temp(g);
      const b = temp(g);
      return `(${a} = ${gen(g, e.args[0])}, ${b} = ${gen(g, e.args[1])}, ${a} !== null && ${b} !== null && ${binaryOp(
        g,
        '=',
        e.args[0].type,
        a,
        b,
      )} ? null : ${a})`;
    }
    case 'greatest':
    case 'least': {
      // NULLs are ignored; the result is NULL only when all are NULL.
      const best = temp(g);
      const t = temp(g);
      const better = binaryOp(g, e.kind === 'greatest' ? '>' : '<', e.type, t, best);
      let code = `(${best} = null, `;
      for (const arg of e.args)
        code += `${t} = ${gen(g, arg)}, ${t} !== null && (${best} === null || ${better}) && (${best} = ${t}), `;
      return code + `${best})`;
    }
    case 'inlist': {
      // x IN (a, b): true if any equal, else NULL if x or any item is NULL, else false.
      const x = temp(g);
      const t = temp(g);
      const sawNull = temp(g);
      const eq = binaryOp(g, '=', e.arg.type, x, t);
      const hit = e.negated ? 'false' : 'true';
      const miss = e.negated ? 'true' : 'false';
      const tests = e.list
        .map(
          (item) =>
            `(${t} = ${gen(g, item)}, ${t} === null ? (${sawNull} = true, false) : ${eq}) ? ${hit} : `,
        )
        .join('');
      return `(${x} = ${gen(g, e.arg)}, ${sawNull} = false, ${x} === null ? null : ${tests}(${sawNull} ? null : ${miss}))`;
    }
    case 'like': {
      const a = temp(g);
      const p = temp(g);
      const re = constRef(g, (pat: string) => likeToRegExp(pat, e.caseInsensitive));
      return `(${a} = ${gen(g, e.arg)}, ${p} = ${gen(g, e.pattern)}, ${a} === null || ${p} === null ? null : ${
        e.negated ? '!' : ''
      }${re}(${p}).test(${a}))`;
    }
    case 'array':
      return `[${e.elems.map((x) => gen(g, x)).join(', ')}]`;
    case 'subscript': {
      const a = temp(g);
      const b = temp(g);
      return `(${a} = ${gen(g, e.arg)}, ${b} = ${gen(g, e.index)}, ${a} === null || ${b} === null ? null : (${a}[Number(${b}) - 1] ?? null))`;
    }
    case 'subquery':
      return genSubquery(g, e);
  }
}

function genSubquery(g: Gen, e: Extract<Expr, { kind: 'subquery' }>): string {
  const plan = constRef(g, e.plan);
  // The current row, for correlated subqueries: every input column of this scope.
  let row = '[]';
  if (e.correlated) {
    if (g.mode === 'row') row = 'ROW';
    else row = `[${g.kinds.map((_k, c) => colAccess(g, c)).join(', ')}]`;
  }
  const rows = `X.sub(${plan}, ${row}, ${e.correlated})`;
  switch (e.mode) {
    case 'scalar':
      return `R.scalar(${rows})`;
    case 'exists':
      return `(${rows}.length > 0)`;
    case 'array':
      return `${rows}.map((r) => r[0])`;
    case 'any':
    case 'all': {
      const x = temp(g);
      const rs = temp(g);
      const t = temp(g);
      const cmp = binaryOp(g, e.op!, e.opType!, x, t);
      const any = e.mode === 'any';
      return `(${x} = ${gen(g, e.test!)}, ${rs} = ${rows}, R.quantified(${rs}, ${x}, ${any}, (${x}, ${t}) => ${cmp}))`;
    }
  }
}

/** 21000: a scalar subquery returned more than one row. */
export function tooManyScalarRows(): DatabaseError {
  return new DatabaseError(
    SqlState.cardinalityViolation,
    'more than one row returned by a subquery used as an expression',
  );
}

Object.assign(runtime, {
  scalar(rows: Value[][]): Value {
    if (rows.length > 1) throw tooManyScalarRows();
    return rows.length === 0 ? null : (rows[0]![0] ?? null);
  },
  /** x op ANY/ALL (rows): three-valued. */
  quantified(rows: Value[][], x: Value, any: boolean, cmp: (a: Value, b: Value) => boolean): Value {
    if (rows.length === 0) return !any;
    if (x === null) return null;
    let sawNull = false;
    for (const r of rows) {
      const v = r[0] ?? null;
      if (v === null) {
        sawNull = true;
        continue;
      }
      const ok = cmp(x, v);
      if (any && ok) return true;
      if (!any && !ok) return false;
    }
    return sawNull ? null : !any;
  },
});

/** What compiled code needs from the executor besides the row: subquery evaluation. */
export interface SubqueryRunner {
  sub(plan: LogicalPlan, outerRow: Value[], correlated: boolean): Value[][];
}

type RowFn = (R: readonly Value[], ctx: ExecContext) => Value;
type EvalFn = (
  batch: Batch,
  ctx: ExecContext,
  out: Float64Array | Value[],
  validity: Uint8Array | null,
) => void;
type FilterFn = (batch: Batch, ctx: ExecContext, sel: Int32Array) => number;

function prologue(g: Gen): string {
  let s = '';
  for (let k = 0; k < g.consts.length; k++) s += `const c${k} = C[${k}];\n`;
  if (g.temps > 0) s += `let ${Array.from({ length: g.temps }, (_x, k) => `t${k}`).join(', ')};\n`;
  return s;
}

function batchPrologue(g: Gen): string {
  let s = 'const cols = batch.cols; const sel = batch.sel; const n = batch.count;\n';
  if (g.memos > 0) s += `let ${Array.from({ length: g.memos }, (_x, k) => `m${k}_`).join(', ')};\n`;
  s += 'const P = ctx.params, O = ctx.outer, FC = ctx.fn, X = ctx.runner;\n';
  for (const c of g.usedCols)
    s += `const D${c} = cols[${c}].data, V${c} = cols[${c}].validity, X${c} = cols[${c}].dict;\n`;
  return s;
}

function kindSignature(b: Batch): string {
  let s = '';
  for (const c of b.cols) s += c.kind[0]! + c.kind[1]!;
  return s;
}

/** An expression compiled for row arrays and, lazily per vector-kind signature, for batches. */
export class CompiledExpr {
  readonly expr: Expr;
  private rowFn: RowFn | null = null;
  private readonly evalFns = new Map<string, EvalFn>();
  private readonly filterFns = new Map<string, FilterFn>();

  constructor(expr: Expr) {
    this.expr = expr;
  }

  /** Evaluates over one row array. */
  evalRow(row: readonly Value[], ctx: ExecContext): Value {
    if (!this.rowFn) {
      const g: Gen = { mode: 'row', consts: [], temps: 0, memos: 0, kinds: [], usedCols: new Set() };
      const body = gen(g, this.expr);
      const src = `${prologue(g)}return function(ROW, ctx) { const P = ctx.params, O = ctx.outer, FC = ctx.fn, X = ctx.runner; return ${body}; };`;
      this.rowFn = new Function('C', 'R', src)(g.consts, runtime) as RowFn;
    }
    return this.rowFn(row, ctx);
  }

  /** Evaluates over a batch into a new vector indexed like the batch (physical rows). */
  evalBatch(batch: Batch, ctx: ExecContext): Vector {
    if (this.expr.kind === 'col') return batch.cols[this.expr.index]!;
    const sig = kindSignature(batch);
    let fn = this.evalFns.get(sig);
    if (!fn) {
      const g: Gen = {
        mode: 'batch',
        consts: [],
        temps: 0,
        memos: 0,
        kinds: batch.cols.map((c) => c.kind),
        usedCols: new Set(),
      };
      const body = gen(g, this.expr);
      const store = `const v = ${body}; if (v !== null) { out[i] = v; if (validity !== null) validity[i >> 3] |= 1 << (i & 7); }`;
      const src = `${prologue(g)}return function(batch, ctx, out, validity) {\n${batchPrologue(g)}for (let k = 0; k < n; k++) { const i = sel === null ? k : sel[k]; ${store} }\n};`;
      fn = new Function('C', 'R', src)(g.consts, runtime) as EvalFn;
      this.evalFns.set(sig, fn);
    }
    const { vec, data, validity } = allocVector(this.expr.type, batch.size);
    fn(batch, ctx, data, validity);
    return vec;
  }

  /** Live rows of the batch for which the predicate is true, as a selection vector. */
  filterBatch(batch: Batch, ctx: ExecContext): Int32Array {
    const sig = kindSignature(batch);
    let fn = this.filterFns.get(sig);
    if (!fn) {
      const g: Gen = {
        mode: 'batch',
        consts: [],
        temps: 0,
        memos: 0,
        kinds: batch.cols.map((c) => c.kind),
        usedCols: new Set(),
      };
      const body = gen(g, this.expr);
      const src = `${prologue(g)}return function(batch, ctx, out) {\n${batchPrologue(g)}let m = 0;\nfor (let k = 0; k < n; k++) { const i = sel === null ? k : sel[k]; if (${body} === true) out[m++] = i; }\nreturn m;\n};`;
      fn = new Function('C', 'R', src)(g.consts, runtime) as FilterFn;
      this.filterFns.set(sig, fn);
    }
    const out = new Int32Array(batch.count);
    const m = fn(batch, ctx, out);
    return m === out.length ? out : out.subarray(0, m);
  }
}
