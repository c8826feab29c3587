import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { db, error } = withDb([], 'file');

async function text(sql: string): Promise<string[]> {
  const r = await db().query(`SELECT (${sql})::text`, [], { rowMode: 'array' });
  return r.rows.map((row) => row[0] as string);
}

describe('named function arguments', () => {
  it('fills make_interval parameters by name, defaulting the rest to zero', async () => {
    expect(await text('make_interval(days => 3, hours => 2)')).toEqual(['3 days 02:00:00']);
    expect(await text('make_interval(secs := 1.5, years => 1)')).toEqual(['1 year 00:00:01.5']);
    expect(await text('make_interval(1, 2, days => 4)')).toEqual(['1 year 2 mons 4 days']);
    expect(await text('make_interval(weeks => 2, mins => 90)')).toEqual(['14 days 01:30:00']);
  });

  it('accepts names for make_date, make_time, make_timestamp and make_timestamptz', async () => {
    expect(await text('make_date(day => 29, month => 2, year => 2024)')).toEqual(['2024-02-29']);
    expect(await text('make_time(hour => 1, min => 2, sec => 3.5)')).toEqual(['01:02:03.5']);
    expect(await text('make_timestamp(2024, 1, 2, hour => 3, min => 4, sec => 5)')).toEqual([
      '2024-01-02 03:04:05',
    ]);
    expect(await text(`make_timestamptz(2024, 1, 2, 3, 4, 5, timezone => 'UTC')`)).toEqual([
      '2024-01-02 03:04:05+00',
    ]);
  });

  it('still accepts the positional forms', async () => {
    expect(await text('make_timestamp(2020, 1, 2, 3, 4, 5.5)')).toEqual(['2020-01-02 03:04:05.5']);
    expect(await text('make_date(2020, 1, 2)')).toEqual(['2020-01-02']);
    expect(await text('make_interval(0, 0, 0, 1)')).toEqual(['1 day']);
  });

  it('rejects unknown, missing and repeated names', async () => {
    expect(await error('SELECT make_interval(fortnights => 1)')).toEqual({
      code: '42883',
      message: 'function make_interval(fortnights => integer) does not exist',
    });
    expect((await error('SELECT make_date(year => 2024)')).code).toBe('42883');
    expect((await error('SELECT make_interval(2, years => 1)')).code).toBe('42883');
    expect(await error('SELECT make_interval(days => 1, days => 2)')).toEqual({
      code: '42601',
      message: 'argument name "days" used more than once',
    });
    expect((await error('SELECT make_interval(days => 1, 2)')).code).toBe('42601');
    expect((await error('SELECT lower(string => 1)')).code).toBe('42883');
  });
});
