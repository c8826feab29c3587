/**
 * WindowOperator against results taken from PostgreSQL 15 (the psql output is pasted as text).
 *
 * Invariants checked by property tests:
 * - a frame aggregate (sliding with `remove`, or recomputed without it) equals a naive sum over the
 *   frame defined row by row from the SQL rules, for every frame mode, bound and exclusion;
 * - first_value / last_value pick the first / last row of that naive frame.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/errors.js';
import { batchFromRows, batchRows, type Batch } from '../../../src/exec/batch.js';
import { ExecContext, YIELD, type DataSource } from '../../../src/exec/context.js';
import type { NextResult, Operator } from '../../../src/exec/operators/operator.js';
import { WindowOperator } from '../../../src/exec/operators/window.js';
import { colExpr, constExpr, type Expr } from '../../../src/plan/expr.js';
import type { SortKey, WindowCall, WindowFrame, WindowFrameBound } from '../../../src/plan/logical.js';
import type { AggregateFunction } from '../../../src/sql/aggregates/aggregate.js';
import type { FunctionContext } from '../../../src/sql/functions/registry.js';
import { T, type SqlType } from '../../../src/types/types.js';
import { Decimal, Interval, type Value } from '../../../src/types/values.js';

// ---------------------------------------------------------------------------------------------
// Harness

const fnCtx: FunctionContext = {
  timezone: 'UTC',
  transactionStart: 0,
  clock: () => 0,
  setting: () => undefined,
};
const noData: DataSource = {
  snapshot: () => {
    throw new Error('no tables in these tests');
  },
  localChunk: () => undefined,
  locallyDeletedRows: () => undefined,
};
const context = (memoryLimit = 1 << 30): ExecContext =>
  new ExecContext([], fnCtx, noData, { sliceMs: 1e9, memoryLimit });

/** Feeds fixed rows as batches of `batchSize`, then ends. */
class RowSource implements Operator {
  private pos = 0;
  constructor(
    private readonly rows: readonly Value[][],
    private readonly ncols: number,
    private readonly batchSize: number,
  ) {}
  next(): NextResult {
    if (this.pos >= this.rows.length) return null;
    const b = batchFromRows(this.rows.slice(this.pos, this.pos + this.batchSize), this.ncols);
    this.pos += this.batchSize;
    return b;
  }
}

/** Runs the operator; returns each input row's window columns, ordered by the id in column 0. */
function run(
  rows: Value[][],
  ncols: number,
  calls: WindowCall[],
  opts: { batchSize?: number; ctx?: ExecContext } = {},
): Value[][] {
  const op = new WindowOperator(new RowSource(rows, ncols, opts.batchSize ?? 3), ncols, calls);
  const ctx = opts.ctx ?? context();
  const out: Value[][] = [];
  for (;;) {
    const b = op.next(ctx);
    if (b === null) break;
    if (b === YIELD) continue;
    out.push(...batchRows(b));
  }
  expect(out.every((r) => r.length === ncols + calls.length)).toBe(true);
  return out.sort((a, b) => Number(a[0]) - Number(b[0])).map((r) => r.slice(ncols));
}

/** Numbers of a run() result, bigints converted, for comparing with psql's text output. */
const numbers = (rows: Value[][]): (number | null)[][] =>
  rows.map((r) => r.map((v) => (v === null ? null : Number(v as number | bigint))));

/** psql -AtF' ' output: one line per row, the leading id dropped, empty fields NULL. */
function pg(text: string): (number | null)[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) =>
      line
        .split(' ')
        .slice(1)
        .map((f) => (f === '' ? null : Number(f))),
    );
}

const col = (i: number, type: SqlType = T.int4): Expr => colExpr(type, i);
const int = (v: number): Expr => constExpr(T.int4, v);
const UP: WindowFrameBound = { kind: 'unbounded_preceding' };
const CUR: WindowFrameBound = { kind: 'current_row' };
const UF: WindowFrameBound = { kind: 'unbounded_following' };
const pre = (offset: Value, type: SqlType = T.int8): WindowFrameBound => ({
  kind: 'preceding',
  offset: constExpr(type, offset),
});
const fol = (offset: Value, type: SqlType = T.int8): WindowFrameBound => ({
  kind: 'following',
  offset: constExpr(type, offset),
});
const frame = (
  mode: WindowFrame['mode'],
  start: WindowFrameBound,
  end: WindowFrameBound,
  exclude: WindowFrame['exclude'] = 'no_others',
): WindowFrame => ({
  mode,
  start,
  end,
  exclude,
});
const DEFAULT_FRAME = frame('range', UP, CUR);
const asc = (expr: Expr): SortKey => ({ expr, desc: false, nullsFirst: false });
const desc = (expr: Expr): SortKey => ({ expr, desc: true, nullsFirst: true });

interface CallSpec {
  args?: Expr[];
  partitionBy?: Expr[];
  orderBy?: SortKey[];
  frame?: WindowFrame;
  agg?: AggregateFunction;
  filter?: Expr;
  type?: SqlType;
}
function win(name: string, spec: CallSpec = {}): WindowCall {
  return {
    name,
    agg: spec.agg ?? null,
    args: spec.args ?? [],
    partitionBy: spec.partitionBy ?? [],
    orderBy: spec.orderBy ?? [],
    frame: spec.frame ?? DEFAULT_FRAME,
    filter: spec.filter ?? null,
    distinct: false,
    type: spec.type ?? T.int8,
  };
}

// Small aggregates standing in for the aggregate library; `stats` counts transitions.
interface Stats {
  adds: number;
  removes: number;
}
function sumAgg(withRemove: boolean, stats: Stats = { adds: 0, removes: 0 }): AggregateFunction {
  return {
    name: 'sum',
    args: [T.int4],
    ret: T.int8,
    make: () => ({
      init: () => ({ sum: 0, n: 0 }),
      add: (s: { sum: number; n: number }, [v]: readonly Value[]) => {
        stats.adds++;
        return { sum: s.sum + (v as number), n: s.n + 1 };
      },
      ...(withRemove
        ? {
            remove: (s: { sum: number; n: number }, [v]: readonly Value[]) => {
              stats.removes++;
              return { sum: s.sum - (v as number), n: s.n - 1 };
            },
          }
        : {}),
      result: (s: { sum: number; n: number }) => (s.n === 0 ? null : s.sum),
    }),
  };
}
const countAgg: AggregateFunction = {
  name: 'count',
  args: [],
  ret: T.int8,
  make: () => ({
    init: () => 0,
    add: (n: number) => n + 1,
    remove: (n: number) => n - 1,
    result: (n: number) => n,
  }),
};
const SUM = sumAgg(true);
const sum = (spec: CallSpec): WindowCall => win('sum', { agg: SUM, args: [col(0)], ...spec });
const count = (spec: CallSpec): WindowCall => win('count', { agg: countAgg, ...spec });

// (id, g, x) with peers, NULL sort keys and a NULL partition.
const DATA: Value[][] = [
  [1, 'a', 1],
  [2, 'a', 2],
  [3, 'a', 2],
  [4, 'a', 3],
  [5, 'a', null],
  [6, 'b', 5],
  [7, 'b', 5],
  [8, null, 7],
  [9, null, 8],
  [10, 'b', null],
];
const ID = col(0);
const G = col(1, T.text);
const X = col(2);

function expectError(f: () => unknown, code: string, message: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatabaseError);
    expect((e as DatabaseError).code).toBe(code);
    expect((e as DatabaseError).message).toBe(message);
    return;
  }
  throw new Error(`expected error ${code}`);
}

// ---------------------------------------------------------------------------------------------

describe('WindowOperator ranking', () => {
  it('ranks peers within partitions, NULL partition keys grouped together', () => {
    const w = { partitionBy: [G], orderBy: [asc(X)] };
    const out = run(DATA, 3, [
      win('row_number', w),
      win('rank', w),
      win('dense_rank', w),
      win('percent_rank', { ...w, type: T.float8 }),
      win('cume_dist', { ...w, type: T.float8 }),
      win('ntile', { ...w, args: [int(3)], type: T.int4 }),
    ]);
    // Stable sort: peers keep input (id) order, so row_number/ntile match ORDER BY x, id.
    expect(numbers(out)).toEqual(
      pg(`
1 1 1 1 0 0.2 1
2 2 2 2 0.25 0.6 1
3 3 2 2 0.25 0.6 2
4 4 4 3 0.75 0.8 2
5 5 5 4 1 1 3
6 1 1 1 0 0.6666666666666666 1
7 2 1 1 0 0.6666666666666666 2
8 1 1 1 0 0.5 1
9 2 2 2 1 1 2
10 3 3 2 1 1 3`),
    );
    expect(typeof out[0]![0]).toBe('bigint');
    expect(typeof out[0]![5]).toBe('number');
  });

  it('treats all rows as peers without ORDER BY', () => {
    const out = run(DATA, 3, [
      win('rank'),
      win('dense_rank'),
      win('percent_rank', { type: T.float8 }),
      win('cume_dist', { type: T.float8 }),
      win('ntile', { args: [int(4)], orderBy: [asc(ID)], type: T.int4 }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 1 0 1 1
2 1 1 0 1 1
3 1 1 0 1 1
4 1 1 0 1 2
5 1 1 0 1 2
6 1 1 0 1 2
7 1 1 0 1 3
8 1 1 0 1 3
9 1 1 0 1 4
10 1 1 0 1 4`),
    );
  });

  it('reads the ntile bucket count at the first row where it is not NULL', () => {
    // select ntile(x) over (order by y) from (values (null::int,1),(2,2),(3,3),(0,4)) t(x,y)
    const rows = [
      [1, null],
      [2, 2],
      [3, 3],
      [4, 0],
    ];
    expect(
      numbers(run(rows, 2, [win('ntile', { args: [col(1)], orderBy: [asc(ID)], type: T.int4 })])),
    ).toEqual([[null], [1], [1], [2]]);
  });

  it('rejects a non-positive ntile argument only when there are rows', () => {
    expectError(
      () => run([[1]], 1, [win('ntile', { args: [int(0)] })]),
      '22014',
      'argument of ntile must be greater than zero',
    );
    expect(run([], 1, [win('ntile', { args: [int(0)] })])).toEqual([]);
  });
});

describe('WindowOperator offsets', () => {
  it('lag and lead with offsets and defaults stay within the partition', () => {
    const w = { partitionBy: [G], orderBy: [asc(ID)], type: T.int4 };
    const out = run(DATA, 3, [
      win('lag', { ...w, args: [X] }),
      win('lag', { ...w, args: [X, int(2), int(-1)] }),
      win('lead', { ...w, args: [X] }),
      win('lead', { ...w, args: [X, int(2), int(-1)] }),
      win('lag', { ...w, args: [X, int(-1)] }),
      win('lead', { ...w, args: [X, constExpr(T.int4, null)] }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1  -1 2 2 2 
2 1 -1 2 3 2 
3 2 1 3  3 
4 2 2  -1  
5 3 2  -1  
6  -1 5  5 
7 5 -1  -1  
8  -1 8 -1 8 
9 7 -1  -1  
10 5 5  -1  `),
    );
  });

  it('first_value, last_value and nth_value see the default frame including peers', () => {
    const w = { partitionBy: [G], orderBy: [asc(X)], type: T.int4 };
    const out = run(DATA, 3, [
      win('first_value', { ...w, args: [X] }),
      win('last_value', { ...w, args: [X] }),
      win('nth_value', { ...w, args: [X, int(2)] }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 1 
2 1 2 2
3 1 2 2
4 1 3 2
5 1  2
6 5 5 5
7 5 5 5
8 7 7 
9 7 8 8
10 5  5`),
    );
  });

  it('first_value, last_value and nth_value respect ROWS frames and exclusion', () => {
    const sliding = {
      partitionBy: [G],
      orderBy: [asc(ID)],
      frame: frame('rows', pre(1), fol(1)),
      type: T.int4,
    };
    const out = run(DATA, 3, [
      win('first_value', { ...sliding, args: [X] }),
      win('last_value', { ...sliding, args: [X] }),
      win('nth_value', { ...sliding, args: [X, int(3)] }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 2 
2 1 2 2
3 2 3 3
4 2  
5 3  
6 5 5 
7 5  
8 7 8 
9 7 8 
10 5  `),
    );
    // Peers keep input order, as ORDER BY x DESC, id does in PostgreSQL.
    const excl = {
      partitionBy: [G],
      orderBy: [desc(X)],
      frame: frame('rows', CUR, UF, 'current_row'),
      type: T.int4,
    };
    const out2 = run(DATA, 3, [
      win('first_value', { ...excl, args: [X] }),
      win('last_value', { ...excl, args: [X] }),
      win('nth_value', { ...excl, args: [X, int(2)] }),
    ]);
    expect(numbers(out2)).toEqual(
      pg(`
1   
2 2 1 1
3 1 1 
4 2 1 2
5 3 1 2
6 5 5 
7   
8   
9 7 7 
10 5 5 5`),
    );
  });

  it('nth_value skips tied rows under EXCLUDE TIES', () => {
    // select x, first_value(x), last_value(x), nth_value(x, 2) over (order by x range between 1 preceding and 1 following exclude ties)
    const rows = [[1], [2], [2], [3], [5]].map(([x], i) => [i + 1, x!]);
    const w = {
      orderBy: [asc(col(1))],
      frame: frame('range', pre(1, T.int4), fol(1, T.int4), 'ties'),
      type: T.int4,
    };
    const out = run(rows, 2, [
      win('first_value', { ...w, args: [col(1)] }),
      win('last_value', { ...w, args: [col(1)] }),
      win('nth_value', { ...w, args: [col(1), int(2)] }),
    ]);
    expect(numbers(out)).toEqual([
      [1, 2, 2],
      [1, 3, 2],
      [1, 3, 2],
      [2, 3, 2],
      [5, 5, null],
    ]);
  });

  it('rejects a non-positive nth_value argument', () => {
    expectError(
      () => run([[1]], 1, [win('nth_value', { args: [ID, int(0)] })]),
      '22016',
      'argument of nth_value must be greater than zero',
    );
  });
});

describe('WindowOperator aggregates over ROWS', () => {
  it('runs totals over peers by default and over the whole partition without ORDER BY', () => {
    const out = run(DATA, 3, [
      sum({ args: [X], partitionBy: [G], orderBy: [asc(X)] }),
      count({ partitionBy: [G], orderBy: [asc(X)] }),
      count({ args: [X], partitionBy: [G] }),
      sum({ args: [X] }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 1 4 33
2 5 3 4 33
3 5 3 4 33
4 8 4 4 33
5 8 5 4 33
6 10 2 2 33
7 10 2 2 33
8 7 1 2 33
9 15 2 2 33
10 10 3 2 33`),
    );
  });

  it('slides ROWS frames, skipping NULL arguments of strict aggregates', () => {
    const w = { orderBy: [asc(ID)] };
    const out = run(DATA, 3, [
      sum({ ...w, args: [X], frame: frame('rows', pre(2), fol(1)) }),
      count({ ...w, frame: frame('rows', pre(2), fol(1)) }),
      sum({ ...w, args: [X], frame: frame('rows', fol(1), fol(3)) }),
      count({ ...w, args: [X], frame: frame('rows', fol(1), fol(3)) }),
      sum({ ...w, args: [X], frame: frame('rows', pre(3), pre(1)) }),
    ]);
    const cols = (rows: (number | null)[][], idx: number[]): (number | null)[][] =>
      rows.map((r) => idx.map((i) => r[i]!));
    const a = pg(`
1 3 2
2 5 3
3 8 4
4 7 4
5 10 4
6 13 4
7 17 4
8 25 4
9 20 4
10 15 3`);
    const b = pg(`
1 7 3
2 5 2
3 8 2
4 10 2
5 17 3
6 20 3
7 15 2
8 8 1
9  0
10  0`);
    const c = pg(`
1  0
2 1 1
3 3 2
4 5 3
5 7 3
6 5 3
7 8 3
8 10 3
9 17 3
10 20 3`);
    expect(cols(numbers(out), [0, 1])).toEqual(a);
    expect(cols(numbers(out), [2, 3])).toEqual(b);
    expect(cols(numbers(out), [4])).toEqual(cols(c, [0]));
  });

  it('applies FILTER (WHERE ...) per row', () => {
    const even: Expr = {
      kind: 'op',
      type: T.bool,
      op: '=',
      argType: T.int4,
      args: [{ kind: 'op', type: T.int4, op: '%', argType: T.int4, args: [ID, int(2)] }, int(0)],
    };
    const out = run(DATA, 3, [
      sum({ args: [X], orderBy: [asc(ID)], frame: frame('rows', pre(2), CUR), filter: even }),
    ]);
    expect(numbers(out)).toEqual(pg('1 \n2 2\n3 2\n4 5\n5 3\n6 8\n7 5\n8 12\n9 7\n10 7'));
  });

  it('adds and removes each row once on a sliding frame when the aggregate can remove', () => {
    const stats = { adds: 0, removes: 0 };
    const n = 1000;
    const rows = Array.from({ length: n }, (_, i) => [i, i % 7]);
    const out = run(
      rows,
      2,
      [
        win('sum', {
          agg: sumAgg(true, stats),
          args: [col(1)],
          orderBy: [asc(ID)],
          frame: frame('rows', pre(5), fol(5)),
        }),
      ],
      { batchSize: 100 },
    );
    expect(stats.adds).toBe(n);
    expect(stats.removes).toBeLessThanOrEqual(n);
    const naive = rows.map((_, i) =>
      rows.slice(Math.max(0, i - 5), i + 6).reduce((s, r) => s + (r[1] as number), 0),
    );
    expect(out.map((r) => r[0])).toEqual(naive);
  });

  it('only adds on running frames, and recomputes sliding frames without remove', () => {
    const running = { adds: 0, removes: 0 };
    const sliding = { adds: 0, removes: 0 };
    const n = 200;
    const rows = Array.from({ length: n }, (_, i) => [i, i]);
    const out = run(rows, 2, [
      win('sum', {
        agg: sumAgg(false, running),
        args: [col(1)],
        orderBy: [asc(ID)],
        frame: frame('rows', UP, CUR),
      }),
      win('sum', {
        agg: sumAgg(false, sliding),
        args: [col(1)],
        orderBy: [asc(ID)],
        frame: frame('rows', pre(2), CUR),
      }),
    ]);
    expect(running.adds).toBe(n);
    expect(out[n - 1]).toEqual([(n * (n - 1)) / 2, 3 * (n - 2)]);
    // Frames [0,1), [0,2), [0,3) grow; every later frame drops a row and is rebuilt from 3 rows.
    expect(sliding.adds).toBe(3 + 3 * (n - 3));
    expect(sliding.removes).toBe(0);
  });
});

describe('WindowOperator RANGE and GROUPS frames', () => {
  it('RANGE offsets on integer keys with NULL keys as their own peer group', () => {
    const out = run(DATA, 3, [
      sum({ orderBy: [asc(X)], frame: frame('range', pre(1, T.int4), fol(1, T.int4)) }),
      sum({ orderBy: [asc(X)], frame: frame('range', fol(2, T.int4), fol(4, T.int4)) }),
      sum({ orderBy: [desc(X)], frame: frame('range', pre(1, T.int4), CUR) }),
      sum({
        orderBy: [{ expr: X, desc: false, nullsFirst: true }],
        frame: frame('range', UP, pre(1, T.int4)),
      }),
      count({ orderBy: [asc(X)], frame: frame('range', pre(3, T.int4), UF) }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 6 17 6 15 10
2 10 13 9 16 10
3 10 13 9 16 10
4 9 21 4 21 10
5 15 15 15 15 2
6 13 17 13 25 9
7 13 17 13 25 9
8 17  17 38 6
9 17  9 46 6
10 15 15 15 15 2`),
    );
  });

  it('RANGE offsets on timestamps and dates with interval offsets', () => {
    const us = (s: string | null): Value => (s === null ? null : Date.parse(s + 'Z') * 1000);
    const stamps = [
      '2024-01-31T00:00',
      '2024-02-29T12:00',
      '2024-03-01T06:00',
      '2024-03-30T00:00',
      '2024-03-31T00:00',
      null,
      '2024-03-31T00:00',
    ];
    const rows = stamps.map((s, i) => [i + 1, us(s)]);
    const TS = col(1, T.timestamp);
    const iv = (months: number, days: number, hours: number): Value =>
      new Interval(months, days, hours * 3_600_000_000);
    const out = run(rows, 2, [
      sum({ orderBy: [asc(TS)], frame: frame('range', pre(iv(1, 0, 0), T.interval), CUR) }),
      sum({
        orderBy: [asc(TS)],
        frame: frame('range', pre(iv(0, 1, 6), T.interval), fol(iv(0, 0, 12), T.interval)),
      }),
      sum({ orderBy: [desc(TS)], frame: frame('range', CUR, fol(iv(1, 1, 0), T.interval)) }),
      count({ orderBy: [asc(TS)], frame: frame('range', fol(iv(0, 40, 0), T.interval), UF) }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 1 1 4
2 3 2 3 1
3 5 5 5 1
4 9 4 9 1
5 21 16 21 1
6 6 6 6 1
7 21 16 21 1`),
    );

    const days = ['2024-01-31', '2024-02-29', '2024-03-01', '2024-03-29', '2024-03-30'].map((d, i) => [
      i + 1,
      Date.parse(d) / 86_400_000,
    ]);
    const D = col(1, T.date);
    const out2 = run(days, 2, [
      sum({
        orderBy: [asc(D)],
        frame: frame('range', pre(iv(1, 0, 0), T.interval), pre(iv(0, 1, 0), T.interval)),
      }),
    ]);
    expect(numbers(out2)).toEqual(pg('1 \n2 1\n3 2\n4 5\n5 9'));
  });

  it('RANGE offsets on floats follow in_range for infinities and NaN', () => {
    const keys = [-Infinity, 1, 2.5, Infinity, NaN, null, Infinity];
    const rows = keys.map((k, i) => [i + 1, k]);
    const F = col(1, T.float8);
    const out = run(rows, 2, [
      sum({ orderBy: [asc(F)], frame: frame('range', pre(Infinity, T.float8), fol(1, T.float8)) }),
      sum({ orderBy: [asc(F)], frame: frame('range', pre(1.5, T.float8), fol(Infinity, T.float8)) }),
      sum({ orderBy: [asc(F)], frame: frame('range', CUR, fol(0.5, T.float8)) }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 1 17 1
2 3 16 2
3 6 16 3
4 17 11 11
5 5 5 5
6 6 6 6
7 17 11 11`),
    );
  });

  it('RANGE offsets on numeric and bigint keys', () => {
    const rows = [
      [1, Decimal.parse('1.0'), 10n],
      [2, Decimal.parse('1.5'), 11n],
      [3, Decimal.parse('2.25'), 13n],
      [4, Decimal.parse('2.75'), 14n],
    ];
    const half = Decimal.parse('0.5');
    const out = run(rows, 3, [
      sum({
        orderBy: [asc(col(1, T.numeric))],
        frame: frame('range', pre(half, T.numeric), fol(half, T.numeric)),
      }),
      sum({ orderBy: [asc(col(2, T.int8))], frame: frame('range', pre(2n), pre(1n)) }),
    ]);
    expect(numbers(out)).toEqual(pg('1 3 \n2 3 1\n3 7 2\n4 7 3'));
  });

  it('GROUPS frames count peer groups', () => {
    const out = run(DATA, 3, [
      sum({ orderBy: [asc(X)], frame: frame('groups', pre(1), fol(1)) }),
      sum({ orderBy: [asc(X)], frame: frame('groups', CUR, fol(2)) }),
      sum({ orderBy: [desc(X)], frame: frame('groups', pre(1), CUR) }),
      count({ orderBy: [asc(X)], frame: frame('groups', fol(2), UF) }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 6 10 6 7
2 10 22 9 6
3 10 22 9 6
4 22 25 17 4
5 24 15 15 0
6 25 30 21 3
7 25 30 21 3
8 30 32 17 2
9 32 24 24 0
10 24 15 15 0`),
    );
  });

  it('EXCLUDE CURRENT ROW, GROUP and TIES in every frame mode', () => {
    const X_ = [asc(X)];
    const out = run(DATA, 3, [
      sum({ orderBy: X_, frame: frame('rows', pre(1), fol(1), 'current_row') }),
      sum({ orderBy: X_, frame: frame('range', pre(1, T.int4), fol(1, T.int4), 'group') }),
      sum({ orderBy: X_, frame: frame('groups', pre(1), fol(1), 'ties') }),
      sum({ orderBy: X_, frame: frame('range', UP, CUR, 'ties') }),
      sum({ frame: frame('rows', UP, UF, 'current_row') }),
      sum({ partitionBy: [G], frame: frame('range', UP, UF, 'group') }),
      count({ args: [X], orderBy: X_, frame: frame('range', CUR, UF, 'ties') }),
    ]);
    expect(numbers(out)).toEqual(
      pg(`
1 2 5 6 1 54  8
2 4 5 7 3 53  6
3 6 5 8 4 52  6
4 9 5 22 10 51  5
5 19  14 45 50  0
6 11  18 16 49  3
7 14  19 17 48  3
8 16 9 30 31 47  2
9 13 8 32 40 46  1
10 5  19 50 45  0`),
    );
  });
});

describe('WindowOperator edge cases', () => {
  it('returns no rows for empty input', () => {
    expect(
      run([], 3, [
        win('row_number'),
        sum({ args: [X], orderBy: [asc(X)], frame: frame('rows', pre(1), CUR) }),
      ]),
    ).toEqual([]);
  });

  it('checks ROWS and GROUPS offsets once, even without rows and for functions ignoring the frame', () => {
    expectError(
      () => run([], 1, [sum({ orderBy: [asc(ID)], frame: frame('rows', pre(-1), CUR) })]),
      '22013',
      'frame starting offset must not be negative',
    );
    expectError(
      () => run([], 1, [sum({ orderBy: [asc(ID)], frame: frame('rows', CUR, fol(-1n)) })]),
      '22013',
      'frame ending offset must not be negative',
    );
    expectError(
      () => run([[1]], 1, [win('row_number', { orderBy: [asc(ID)], frame: frame('groups', pre(-1), CUR) })]),
      '22013',
      'frame starting offset must not be negative',
    );
    expectError(
      () => run([[1]], 1, [sum({ orderBy: [asc(ID)], frame: frame('rows', pre(null), CUR) })]),
      '22004',
      'frame starting offset must not be null',
    );
    expectError(
      () => run([], 1, [sum({ orderBy: [asc(ID)], frame: frame('range', pre(null, T.int4), CUR) })]),
      '22004',
      'frame starting offset must not be null',
    );
  });

  it('checks RANGE offsets when a non-NULL key is compared, as in_range does', () => {
    const negative = [sum({ orderBy: [asc(col(1))], frame: frame('range', pre(-1, T.int4), CUR) })];
    expect(run([], 2, negative)).toEqual([]);
    expect(run([[1, null]], 2, negative)).toEqual([[1]]);
    expectError(
      () => run([[1, 1]], 2, negative),
      '22013',
      'invalid preceding or following size in window function',
    );
  });

  it('rejects DISTINCT and FILTER where PostgreSQL does', () => {
    expectError(
      () => run([], 1, [{ ...sum({}), distinct: true }]),
      '0A000',
      'DISTINCT is not implemented for window functions',
    );
    expectError(
      () => run([], 1, [win('rank', { filter: constExpr(T.bool, true) })]),
      '0A000',
      'FILTER is not implemented for non-aggregate window functions',
    );
  });

  it('partitions by several keys, NULLs equal to each other', () => {
    const xIsNull: Expr = { kind: 'isnull', type: T.bool, arg: X, negated: false };
    const out = run(DATA, 3, [
      count({ partitionBy: [G, X] }),
      win('row_number', { partitionBy: [xIsNull, G], orderBy: [desc(ID)] }),
    ]);
    expect(numbers(out)).toEqual(pg('1 1 4\n2 2 3\n3 2 2\n4 1 1\n5 1 1\n6 2 2\n7 2 1\n8 1 2\n9 1 1\n10 1 1'));
  });

  it('reads only the live rows of batches with a selection vector', () => {
    const batch = batchFromRows(DATA, 3);
    const live = { ...batch, count: 3, sel: Int32Array.from([1, 4, 8]) };
    let sent = false;
    const source: Operator = {
      next: () => {
        if (sent) return null;
        sent = true;
        return live;
      },
    };
    const op = new WindowOperator(source, 3, [sum({ args: [ID], orderBy: [asc(ID)] })]);
    const ctx = context();
    const b = op.next(ctx);
    expect(b).not.toBe(YIELD);
    expect(batchRows(b as Batch)).toEqual([
      [2, 'a', 2, 2],
      [5, 'a', null, 7],
      [9, null, 8, 16],
    ]);
    expect(op.next(ctx)).toBeNull();
  });

  it('rejects a function that is neither a window function nor an aggregate', () => {
    expectError(
      () => run([], 1, [win('lower')]),
      '42809',
      'OVER specified, but lower is not a window function nor an aggregate function',
    );
  });

  it('accounts buffered rows against the memory limit', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, 'x'.repeat(100)]);
    expectError(() => run(rows, 2, [win('row_number')], { ctx: context(4096) }), '53200', 'out of memory');
  });

  it('shares one sort among calls with the same window and handles several windows', () => {
    const out = run(DATA, 3, [
      win('row_number', { orderBy: [asc(ID)] }),
      win('row_number', { orderBy: [desc(ID)] }),
      win('rank', { orderBy: [asc(ID)] }),
    ]);
    expect(numbers(out)).toEqual(DATA.map((_, i) => [i + 1, 10 - i, i + 1]));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: frame aggregates equal a naive evaluation of the frame definition.

type BoundSpec = { kind: 'up' | 'cur' | 'uf' } | { kind: 'pre' | 'fol'; n: number };
const RANK = { up: 0, pre: 1, cur: 2, fol: 3, uf: 4 } as const;

function toBound(b: BoundSpec, mode: WindowFrame['mode']): WindowFrameBound {
  const type = mode === 'range' ? T.int4 : T.int8;
  switch (b.kind) {
    case 'up':
      return UP;
    case 'cur':
      return CUR;
    case 'uf':
      return UF;
    case 'pre':
      return pre(mode === 'range' ? b.n : BigInt(b.n), type);
    case 'fol':
      return fol(mode === 'range' ? b.n : BigInt(b.n), type);
  }
}

interface NaiveWindow {
  mode: WindowFrame['mode'];
  start: BoundSpec;
  end: BoundSpec;
  exclude: WindowFrame['exclude'];
  nullsFirst: boolean;
}

/**
 * Positions in the frame of position i, each tested against the SQL definition. `keys` are sorted
 * and negated for DESC, so "n PRECEDING" is always key - n. A NULL key is only a peer of NULLs; for
 * RANGE offsets a NULL row's frame is the NULL rows, and other rows' offset bounds skip NULLs
 * (PostgreSQL's in_range rules).
 */
function naiveFrame(w: NaiveWindow, keys: (number | null)[], i: number): number[] {
  const groups: number[] = [];
  keys.forEach((k, j) => groups.push(j === 0 ? 0 : groups[j - 1]! + (k === keys[j - 1] ? 0 : 1)));
  const members: number[] = [];
  for (let j = 0; j < keys.length; j++) {
    const ok = (b: BoundSpec, isStart: boolean): boolean => {
      if (b.kind === 'up' || b.kind === 'uf') return true;
      const off = b.kind === 'pre' ? -b.n : b.kind === 'fol' ? b.n : 0;
      let d: number;
      if (w.mode === 'rows') d = j - i;
      else if (w.mode === 'groups' || b.kind === 'cur') d = groups[j]! - groups[i]!;
      else {
        const ki = keys[i]!;
        const kj = keys[j]!;
        if (ki === null) return kj === null || (isStart ? w.nullsFirst : !w.nullsFirst);
        if (kj === null) return isStart ? !w.nullsFirst : w.nullsFirst;
        d = kj - ki;
      }
      return isStart ? d >= off : d <= off;
    };
    const peer = keys[j] === keys[i];
    const excluded =
      (w.exclude === 'current_row' && j === i) ||
      (w.exclude === 'group' && peer) ||
      (w.exclude === 'ties' && peer && j !== i);
    if (ok(w.start, true) && ok(w.end, false) && !excluded) members.push(j);
  }
  return members;
}

const boundArb = fc.oneof(
  fc.constantFrom<BoundSpec>({ kind: 'up' }, { kind: 'cur' }, { kind: 'uf' }),
  fc.record({ kind: fc.constantFrom<'pre' | 'fol'>('pre', 'fol'), n: fc.integer({ min: 0, max: 3 }) }),
);
const windowArb = fc
  .record({
    mode: fc.constantFrom<WindowFrame['mode']>('rows', 'range', 'groups'),
    start: boundArb.filter((b) => b.kind !== 'uf'),
    end: boundArb.filter((b) => b.kind !== 'up'),
    exclude: fc.constantFrom<WindowFrame['exclude']>('no_others', 'current_row', 'group', 'ties'),
    nullsFirst: fc.boolean(),
  })
  .filter((w) => RANK[w.start.kind] <= RANK[w.end.kind]);

describe('WindowOperator frame properties', () => {
  it('frame sums and first/last values equal a naive recomputation', () => {
    fc.assert(
      fc.property(
        // (partition, sort key, value) rows, with NULLs in each.
        fc.array(
          fc.tuple(
            fc.option(fc.integer({ min: 0, max: 2 })),
            fc.option(fc.integer({ min: 0, max: 6 }), { freq: 6 }),
            fc.option(fc.integer({ min: -5, max: 5 })),
          ),
          { maxLength: 40 },
        ),
        windowArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        (data, w, descending, batchSize) => {
          const rows: Value[][] = data.map(([p, k, x], id) => [id, p, k, x]);
          const spec: CallSpec = {
            partitionBy: [col(1)],
            orderBy: [{ expr: col(2), desc: descending, nullsFirst: w.nullsFirst }],
            frame: frame(w.mode, toBound(w.start, w.mode), toBound(w.end, w.mode), w.exclude),
          };
          const out = run(
            rows,
            4,
            [
              win('sum', { ...spec, agg: sumAgg(true), args: [col(3)] }),
              win('sum', { ...spec, agg: sumAgg(false), args: [col(3)] }),
              win('first_value', { ...spec, args: [col(3)] }),
              win('last_value', { ...spec, args: [col(3)] }),
            ],
            { batchSize },
          );
          // Naive: partition, stable sort, then evaluate each frame from its definition.
          const key = (r: Value[]): number | null =>
            r[2] === null ? null : descending ? -(r[2] as number) : (r[2] as number);
          const expected: Value[][] = rows.map(() => []);
          for (const p of new Set(data.map(([q]) => q))) {
            const members = rows
              .filter((r) => r[1] === p)
              .sort((a, b) => {
                const ka = key(a);
                const kb = key(b);
                if (ka === null || kb === null)
                  return ka === kb ? 0 : (ka === null) === w.nullsFirst ? -1 : 1;
                return ka - kb;
              });
            const keys = members.map(key);
            members.forEach((r, i) => {
              const frameRows = naiveFrame(w, keys, i).map((j) => members[j]!);
              const xs = frameRows.map((f) => f[3] as number | null).filter((x): x is number => x !== null);
              const total = xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0);
              expected[r[0] as number] = [
                total,
                total,
                frameRows[0]?.[3] ?? null,
                frameRows.at(-1)?.[3] ?? null,
              ];
            });
          }
          expect(out).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
