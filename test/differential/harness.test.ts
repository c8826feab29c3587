/**
 * The differential harness itself: values from both engines normalise to one form, result
 * comparison counts duplicates and tolerates only float rounding, and a real semantic difference
 * between the engines is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/index.js';
import { canon, cols, DifferentialPair, loadSql, sameMultiset, sameSequence } from './harness.js';

describe('canon', () => {
  it('maps int8, numeric, -0 and arrays to plain comparable values', () => {
    expect(canon(42n)).toBe(42);
    expect(canon(new Decimal(1250n, 2))).toBe(12.5);
    expect(Object.is(canon(-0), 0)).toBe(true);
    expect(canon([1n, null, 'a'])).toBe('[1,null,"a"]');
    expect(canon(undefined)).toBeNull();
  });
});

describe('result comparison', () => {
  it('ignores row order but counts duplicates', () => {
    expect(sameMultiset([[1], [2], [2]], [[2], [1], [2]])).toBe(true);
    expect(sameMultiset([[1], [1], [2]], [[1], [2], [2]])).toBe(false);
    expect(sameSequence([[1], [2]], [[2], [1]])).toBe(false);
  });

  it('tolerates float rounding only, and keeps NULL, NaN and text apart', () => {
    expect(sameMultiset([[0.1 + 0.2]], [[0.3]])).toBe(true);
    expect(sameMultiset([[1.0001]], [[1]])).toBe(false);
    expect(sameMultiset([[null]], [[0]])).toBe(false);
    expect(sameMultiset([[NaN]], [[NaN]])).toBe(true);
    expect(sameMultiset([[NaN]], [[null]])).toBe(false);
    expect(sameMultiset([['1']], [[1]])).toBe(false);
  });

  it('matches rows whose floats round across a sort-key boundary', () => {
    // Sort keys round to 6 digits: 1.00000 for the first row of `a`, 1.00001 for that of `b`.
    const a = [[1.0000049999999999], [1.000004]];
    const b = [[1.0000050000000001], [1.000004]];
    expect(sameMultiset(a, b)).toBe(true);
  });
});

describe('DifferentialPair', () => {
  let pair: DifferentialPair;
  beforeAll(async () => {
    pair = await DifferentialPair.start();
  });
  afterAll(async () => pair.close());

  it('loads special values identically into both engines', async () => {
    const t = {
      name: 't',
      columns: cols('i:int', 'b:bigint', 'n:numeric', 'd:double', 's:text'),
      rows: [
        [1, 2n ** 62n, -12.34, Number.NaN, "it's"],
        [null, null, null, Number.NEGATIVE_INFINITY, ''],
      ],
    };
    expect(loadSql(t)).toContain("'NaN'::double precision");
    await pair.load(t);
    const sql = 'SELECT i, b, n, d, s FROM t ORDER BY i';
    expect(await pair.liveview(sql)).toEqual(await pair.duckdb(sql));
    expect(await pair.liveview('SELECT count(*) FROM t')).toEqual([[2]]);
  });

  it('reports a query where the engines disagree, unless the oracle is spelled to agree', async () => {
    await pair.load();
    // PostgreSQL divides integers exactly; DuckDB's `/` returns a double.
    await expect(pair.expectSame('SELECT 7 / 2')).rejects.toThrow(/results differ/);
    await pair.expectSame('SELECT 7 / 2', { oracle: 'SELECT 7 // 2' });
  });
});
