import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/index.js';
import { errorCode, withDb } from '../../helpers/db.js';

const { db, rows } = withDb(
  [`CREATE TABLE t (g int, v int)`, `INSERT INTO t VALUES (1, 10), (1, 20), (2, 5), (3, NULL)`],
  'file',
);
const code = (sql: string): Promise<string> => errorCode(() => db().query(sql));

describe('aggregates inside window function arguments', () => {
  it('runs a window aggregate over the per-group aggregates', async () => {
    expect(
      await rows(
        `SELECT g, count(*), sum(count(*)) OVER (ORDER BY g), max(sum(v)) OVER ()
         FROM t GROUP BY g ORDER BY g`,
      ),
    ).toEqual([
      [1, 2n, new Decimal(2n, 0), 30n],
      [2, 1n, new Decimal(3n, 0), 30n],
      [3, 1n, new Decimal(4n, 0), 30n],
    ]);
  });

  it('aggregates the whole table first when there is no GROUP BY', async () => {
    expect(await rows('SELECT sum(count(*)) OVER (), max(min(v)) OVER () FROM t')).toEqual([
      [new Decimal(4n, 0), 5],
    ]);
  });

  it('accepts aggregates in the FILTER of a window aggregate', async () => {
    expect(
      await rows('SELECT g, count(*) FILTER (WHERE count(*) > 1) OVER () FROM t GROUP BY g ORDER BY g'),
    ).toEqual([
      [1, 1n],
      [2, 1n],
      [3, 1n],
    ]);
  });

  it('still rejects an aggregate nested in a plain aggregate and a window in a window', async () => {
    expect(await code('SELECT sum(sum(v)) FROM t')).toBe('42803');
    expect(await code('SELECT sum(sum(v) OVER ()) OVER () FROM t')).toBe('42P20');
  });
});
