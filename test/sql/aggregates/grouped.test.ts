/**
 * Columnar hash-aggregation kernels (GroupedStates) against the Accumulators they stand in for.
 * Invariant: for any rows (NULLs, NaN, ±Infinity, -0, large ints), any assignment of rows to groups
 * and any selection vector, kernel.result(g) equals the Accumulator fed group g's rows in order
 * (floats within 1e-12 relative: the kernel adds in the same order, so they are normally equal).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Vector } from '../../../src/exec/batch.js';
import { withDistinct } from '../../../src/sql/aggregates/distinct.js';
import { T, type SqlType } from '../../../src/types/types.js';
import type { Value } from '../../../src/types/values.js';
import { overload, same, show } from './aggregate-harness.js';

/** A typed f64 vector, as scans and computed expressions produce. */
function vectorOf(values: readonly (number | null)[]): Vector {
  const data = new Float64Array(values.length);
  const validity = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null) {
      data[i] = v;
      validity[i >> 3]! |= 1 << (i & 7);
    }
  });
  // Without NULLs, no bitmap: the kernels' fast paths.
  return { kind: 'f64', data, validity: values.includes(null) ? validity : null, dict: null };
}

const floats = fc.oneof(
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.5, -2.25),
  fc.constant(null),
);
const ints = fc.oneof(
  fc.integer({ min: -2147483648, max: 2147483647 }),
  fc.constantFrom(0, 1, -1, 7),
  fc.constant(null),
);

interface Case {
  name: string;
  type: SqlType;
  direct?: Value[];
  distinct?: boolean;
}

const CASES: Case[] = [
  { name: 'count', type: T.float8 },
  { name: 'sum', type: T.int4 },
  { name: 'avg', type: T.int4 },
  { name: 'min', type: T.int4 },
  { name: 'max', type: T.int4 },
  { name: 'sum', type: T.float8 },
  { name: 'avg', type: T.float8 },
  { name: 'sum', type: T.float4 },
  { name: 'min', type: T.float8 },
  { name: 'max', type: T.float8 },
  { name: 'count', type: T.float8, distinct: true },
  { name: 'count', type: T.int4, distinct: true },
  { name: 'percentile_cont', type: T.float8, direct: [0.5] },
  { name: 'percentile_cont', type: T.float8, direct: [[0, 0.25, null, 1]] },
  { name: 'percentile_disc', type: T.float8, direct: [0.3] },
  { name: 'percentile_disc', type: T.int4, direct: [[0.1, 0.9]] },
];

/** Runs one case: rows → groups through the kernel, and per group through the Accumulator. */
function check(c: Case, values: (number | null)[], groupOf: number[], useSel: boolean): void {
  const direct = c.direct ?? [];
  const fn = overload(c.name, [c.type], direct);
  const kernel = fn.grouped?.([c.type], direct, c.distinct === true);
  expect(kernel, `${c.name} has a kernel`).toBeTruthy();
  const groups = Math.max(1, ...groupOf.map((g) => g + 1));
  kernel!.resize(groups);
  // Optionally feed only every other row through a selection vector.
  const rows = useSel ? Int32Array.from(values.map((_v, i) => i).filter((i) => i % 2 === 0)) : null;
  const count = rows === null ? values.length : rows.length;
  const gids = Int32Array.from({ length: count }, (_x, k) => groupOf[rows === null ? k : rows[k]!]!);
  let err: unknown = null;
  try {
    kernel!.update(gids, rows, count, [vectorOf(values)]);
  } catch (e) {
    err = e;
  }
  for (let g = 0; g < groups; g++) {
    let acc = fn.make([c.type], direct);
    if (c.distinct) acc = withDistinct(acc);
    let st = acc.init();
    let accErr: unknown = null;
    let expected: Value = null;
    try {
      for (let k = 0; k < count; k++) {
        const v = values[rows === null ? k : rows[k]!]!;
        if (gids[k] === g && v !== null) st = acc.add(st, [v]);
      }
      expected = acc.result(st);
    } catch (e) {
      accErr = e;
    }
    let actual: Value = null;
    let kerErr: unknown = err;
    if (kerErr === null) {
      try {
        actual = kernel!.result(g);
      } catch (e) {
        kerErr = e;
      }
    }
    const code = (e: unknown) => (e as { code?: string } | null)?.code ?? (e ? String(e) : null);
    expect(code(kerErr), `${c.name} error, group ${g}`).toBe(code(accErr));
    if (accErr === null)
      expect(same(actual, expected, 1e-12), `${c.name}: ${show(actual)} vs ${show(expected)}`).toBe(true);
  }
}

describe('grouped kernels equal their Accumulators', () => {
  for (const c of CASES) {
    it(`${c.name}${c.distinct ? ' DISTINCT' : ''}(${c.type.id})${c.direct ? ` ${JSON.stringify(c.direct)}` : ''}`, () => {
      const vals =
        c.type.id === 'int4'
          ? ints
          : c.type.id === 'float4'
            ? floats.map((v) => (v === null ? null : Math.fround(v)))
            : floats;
      fc.assert(
        fc.property(fc.array(fc.tuple(vals, fc.nat(4)), { maxLength: 80 }), fc.boolean(), (rows, useSel) =>
          check(
            c,
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
            useSel,
          ),
        ),
        { numRuns: 150, seed: 7 },
      );
    });
  }

  it('int sums stay exact past 2^53 across batches', () => {
    const fn = overload('sum', [T.int4]);
    const kernel = fn.grouped!([T.int4], [], false)!;
    kernel.resize(1);
    const batch = vectorOf(new Array<number>(2048).fill(2147483647));
    const gids = new Int32Array(2048);
    for (let b = 0; b < 3000; b++) kernel.update(gids, null, 2048, [batch]);
    expect(kernel.result(0)).toBe(2147483647n * 2048n * 3000n);
  });
});
