// PartialStates: the fused join's partial states in Float64Array blocks by id (states, changes,
// special counts). Checked against a model of plain objects (PairSum and step for float sums),
// through random folds, batches and clears, and ids released and reused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Accumulator } from '../../src/sql/aggregates/aggregate.js';
import type { Value } from '../../src/types/values.js';
import { countCombine } from '../../src/views/eager-aggregate.js';
import { PairSum, step } from '../../src/views/exact-float-sum.js';
import { PartialStates } from '../../src/views/partial-states.js';

/** An integer sum kept as an object, standing for the integer/numeric sums' accumulators. */
const objectSum: Accumulator<{ t: number }> = {
  init: () => ({ t: 0 }),
  add: (s, args) => ({ t: s.t + (args[0] as number) }),
  remove: (s, args) => ({ t: s.t - (args[0] as number) }),
  result: (s) => s.t,
};

interface Model {
  n: number;
  dn: number;
  count: number;
  dcount: number;
  pair: PairSum;
  dpair: PairSum;
  obj: number;
  dobj: number | null;
}

const fresh = (): Model => ({
  n: 0,
  dn: 0,
  count: 0,
  dcount: 0,
  pair: new PairSum(),
  dpair: new PairSum(),
  obj: 0,
  dobj: null,
});
const fields = (p: PairSum) => [p.hi, p.lo, p.n, p.nan, p.pinf, p.ninf];
const empty = (p: PairSum) => fields(p).every((x) => x === 0);

const slots = [
  { repr: 'count' as const, acc: countCombine },
  { repr: 'pair' as const, acc: countCombine },
  { repr: 'object' as const, acc: objectSum },
];

function check(ps: PartialStates, id: number, m: Model): void {
  expect(ps.facts(id)).toBe(m.n);
  expect(ps.factsChange(id)).toBe(m.dn);
  expect(ps.value(id, 0)).toBe(m.count);
  expect(fields(ps.value(id, 1) as PairSum)).toEqual(fields(m.pair));
  expect((ps.value(id, 2) as { t: number }).t).toBe(m.obj);
  expect(ps.change(id, 0)).toBe(m.dcount);
  const dp = ps.change(id, 1) as PairSum | null;
  if (empty(m.dpair)) expect(dp).toBeNull();
  else expect(fields(dp!)).toEqual(fields(m.dpair));
  const dobj = ps.change(id, 2) as { t: number } | null;
  expect(dobj === null ? null : dobj.t).toBe(m.dobj);
  const changed = m.dn !== 0 || m.dcount !== 0 || !empty(m.dpair) || m.dobj !== null;
  expect(ps.changed(id)).toBe(changed);
}

describe('PartialStates', () => {
  it('keeps counts, exact float sums and object states as the objects would', () => {
    const value = fc.oneof(
      fc.constantFrom(null, NaN, Infinity, -Infinity, 1e20, -1e20, 0.1, 3),
      fc.integer({ min: -50, max: 50 }),
    );
    const op = fc.oneof(
      fc.record({
        k: fc.constant('fold' as const),

        v: value,
        c: fc.boolean(),
        w: fc.constantFrom(1, -1, 2, -3),
      }),
      fc.record({
        k: fc.constantFrom('allocate' as const, 'release' as const, 'batch' as const, 'clear' as const),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const ps = new PartialStates(slots);
        const models = new Map<number, Model>();
        const live = (): number[] => [...models.keys()];
        for (const [i, o] of ops.entries()) {
          const ids = live();
          const id = ids[i % Math.max(1, ids.length)];
          if (o.k === 'allocate') {
            const nid = ps.allocate();
            expect(models.has(nid)).toBe(false);
            models.set(nid, fresh());
            check(ps, nid, models.get(nid)!);
            continue;
          }
          if (id === undefined) continue;
          const m = models.get(id)!;
          if (o.k === 'release') {
            ps.release(id);
            models.delete(id);
          } else if (o.k === 'batch') {
            ps.startBatch(id);
            Object.assign(m, { dn: 0, dcount: 0, dpair: new PairSum(), dobj: null });
          } else if (o.k === 'clear') {
            // The whole block: states and the batch's change.
            ps.clear(id);
            Object.assign(m, fresh());
          } else if (o.k === 'fold') {
            // One fact: count share 1/0, the float value, the object slot's integer (null: none).
            const num =
              o.v === null || Number.isNaN(o.v) || !Number.isFinite(o.v) ? null : Math.round(o.v as number);
            const vals: Value[] = [
              o.v === null ? 0 : 1,
              o.v,
              num === null || Math.abs(num) > 1e6 ? null : num,
            ];
            ps.fold(id, vals, o.w, o.c);
            m.n += o.w;
            if (o.c) m.dn += o.w;
            m.count += o.w * (vals[0] as number);
            if (o.c) m.dcount += o.w * (vals[0] as number);
            if (o.v !== null)
              for (let k = 0; k < Math.abs(o.w); k++) {
                step(m.pair, o.v as number, o.w > 0 ? 1 : -1);
                if (o.c) step(m.dpair, o.v as number, o.w > 0 ? 1 : -1);
              }
            if (vals[2] !== null) {
              m.obj += o.w * (vals[2] as number);
              if (o.c) m.dobj = (m.dobj ?? 0) + o.w * (vals[2] as number);
            }
          }
          if (models.has(id)) check(ps, id, m);
        }
        expect(ps.size).toBe(models.size);
        for (const [id, m] of models) check(ps, id, m);
      }),
    );
  });

  it('gives a reused id empty states', () => {
    const ps = new PartialStates(slots);
    const a = ps.allocate();
    ps.startBatch(a);
    ps.fold(a, [1, 2.5, 7], 1);
    ps.release(a);
    const b = ps.allocate();
    expect(b).toBe(a);
    check(ps, b, fresh());
  });
});
