/**
 * Ordered-set aggregates through SQL: the WITHIN GROUP sort direction reaches the accumulator.
 * Expected values are PostgreSQL's.
 */
import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { rows } = withDb(
  [
    `CREATE TABLE t (g int, v int, s text)`,
    `INSERT INTO t VALUES (1, 0, 'a'), (1, 1, 'b'), (2, 1, 'a'), (2, 2, 'b'), (2, 3, 'c'), (2, 4, NULL), (2, NULL, 'c')`,
  ],
  'file',
);

describe('WITHIN GROUP direct arguments', () => {
  it('chooses the array-of-fractions overload from an array direct argument', async () => {
    expect(
      await rows(
        `SELECT percentile_cont(ARRAY[0.5, 1]) WITHIN GROUP (ORDER BY v),
                percentile_disc(ARRAY[0.25]::float8[]) WITHIN GROUP (ORDER BY s),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
         FROM t WHERE g = 2`,
      ),
    ).toEqual([[[2.5, 4], ['a'], 2.5]]);
  });
});

describe('WITHIN GROUP (ORDER BY ... DESC)', () => {
  it('interpolates percentile_cont from the largest value down', async () => {
    expect(
      await rows(
        `SELECT g, percentile_cont(0.25) WITHIN GROUP (ORDER BY v DESC),
                percentile_cont(0.25) WITHIN GROUP (ORDER BY v)
         FROM t GROUP BY g ORDER BY g`,
      ),
    ).toEqual([
      [1, 0.75, 0.25],
      [2, 3.25, 1.75],
    ]);
  });

  it('picks percentile_disc rows counting from the largest value, for arrays of fractions too', async () => {
    expect(
      await rows(
        `SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY v DESC),
                percentile_disc(ARRAY[0, 0.5, 1]) WITHIN GROUP (ORDER BY v DESC NULLS LAST)
         FROM t WHERE g = 2`,
      ),
    ).toEqual([[4, [4, 3, 1]]]);
  });

  it('breaks mode() ties toward the first value in the requested order', async () => {
    expect(
      await rows(`SELECT mode() WITHIN GROUP (ORDER BY s), mode() WITHIN GROUP (ORDER BY s DESC) FROM t`),
    ).toEqual([['a', 'c']]);
  });
});
