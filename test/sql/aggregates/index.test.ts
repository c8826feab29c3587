/**
 * The aggregate catalogue.
 * Invariants: every aggregate the engine documents is registered; lookups are case-insensitive;
 * every overload builds an accumulator with init/add/result; everything but approx_count_distinct
 * (HyperLogLog) can remove; everything can merge; ordered-set aggregates declare their direct arguments.
 */
import { describe, expect, it } from 'vitest';
import { aggregateFunctions, findAggregate } from '../../../src/sql/aggregates/index.js';
import { T } from '../../../src/types/types.js';
import type { SqlType } from '../../../src/types/types.js';

const NAMES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'bool_and',
  'bool_or',
  'every',
  'string_agg',
  'array_agg',
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_slope',
  'regr_intercept',
  'regr_count',
  'regr_r2',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'approx_count_distinct',
  'approx_percentile',
];

/** A concrete type to instantiate a pseudo-typed signature with. */
const concrete = (t: SqlType): SqlType =>
  t.id === 'any' || t.id === 'anyelement' ? T.int4 : t.id === 'anyarray' ? { id: 'array', elem: T.int4 } : t;

describe('aggregate catalogue', () => {
  it('registers every documented aggregate', () => {
    for (const n of NAMES) expect(findAggregate(n).length, n).toBeGreaterThan(0);
  });

  it('looks names up case-insensitively and returns nothing for unknown names', () => {
    expect(findAggregate('SUM')).toBe(findAggregate('sum'));
    expect(findAggregate('no_such_aggregate')).toEqual([]);
  });

  it('builds a working accumulator for every overload', () => {
    for (const f of aggregateFunctions) {
      const types = f.args.map(concrete);
      const direct = (f.directArgs ?? []).map((d) => (d.id === 'array' ? [0.5] : 0.5));
      const acc = f.make(types, direct);
      expect(typeof acc.init, f.name).toBe('function');
      expect(typeof acc.add, f.name).toBe('function');
      expect(typeof acc.result, f.name).toBe('function');
      expect(typeof acc.merge, f.name).toBe('function');
      expect(acc.remove === undefined, f.name).toBe(f.name === 'approx_count_distinct');
      const ret = typeof f.ret === 'function' ? f.ret(types) : f.ret;
      expect(ret.id, f.name).not.toMatch(/^any/);
    }
  });

  it('marks ordered-set aggregates and gives them direct arguments', () => {
    for (const f of aggregateFunctions.filter((a) => a.orderedSet)) {
      expect(f.directArgs, f.name).toBeDefined();
      expect(['percentile_cont', 'percentile_disc', 'mode']).toContain(f.name);
    }
  });
});
