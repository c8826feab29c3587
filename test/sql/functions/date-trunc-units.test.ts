/**
 * date_trunc on timestamps for the fixed-length units (microseconds … day), which take an
 * arithmetic path, against the calendar: JavaScript's Date in UTC as the oracle, over random
 * instants before and after 1970, with and without a constant unit (the compiled one-argument form).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withDb } from '../../helpers/db.js';

const { db } = withDb(['CREATE TABLE ts_t (u text, t timestamp)'], 'file');

/** Oracle: truncate epoch microseconds with Date's UTC calendar fields. */
function oracle(unit: string, us: number): number {
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  switch (unit) {
    case 'microseconds':
      return us;
    case 'milliseconds':
      return ms * 1000;
    case 'second':
      d.setUTCMilliseconds(0);
      break;
    case 'minute':
      d.setUTCSeconds(0, 0);
      break;
    case 'hour':
      d.setUTCMinutes(0, 0, 0);
      break;
    case 'day':
      d.setUTCHours(0, 0, 0, 0);
      break;
  }
  return d.getTime() * 1000;
}

const UNITS = ['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day'];

describe('date_trunc fixed units', () => {
  it('agrees with the calendar, with constant and per-row units', async () => {
    // About 1700 … 2240: microsecond timestamps stay exact doubles.
    const instants = fc.integer({ min: -8_000_000_000_000_000, max: 8_500_000_000_000_000 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...UNITS), instants), { minLength: 1, maxLength: 20 }),
        async (rows) => {
          await db().exec('TRUNCATE ts_t');
          await db().append('ts_t', { u: rows.map((r) => r[0]), t: rows.map((r) => r[1]) });
          for (const unit of UNITS) {
            const got = (
              await db().query(`SELECT t, date_trunc('${unit}', t) AS d FROM ts_t`, [], { rowMode: 'array' })
            ).rows;
            for (const [t, d] of got) expect(d).toBe(oracle(unit, t as number));
          }
          const perRow = (
            await db().query('SELECT u, t, date_trunc(u, t) FROM ts_t', [], { rowMode: 'array' })
          ).rows;
          for (const [u, t, d] of perRow) expect(d).toBe(oracle(u as string, t as number));
        },
      ),
      { numRuns: 25, seed: 11 },
    );
  });

  it('keeps infinities and rejects unknown units only when a row is evaluated', async () => {
    await db().exec('TRUNCATE ts_t');
    await db().exec("INSERT INTO ts_t VALUES ('day', 'infinity'), ('day', '-infinity')");
    const r = await db().query("SELECT date_trunc('hour', t)::text AS d FROM ts_t ORDER BY t", [], {
      rowMode: 'array',
    });
    expect(r.rows).toEqual([['-infinity'], ['infinity']]);
    await db().exec('TRUNCATE ts_t');
    await db().exec("INSERT INTO ts_t VALUES ('day', NULL)");
    expect((await db().query("SELECT date_trunc('fortnight', t) AS d FROM ts_t")).rows).toEqual([
      { d: null },
    ]);
    await db().exec("INSERT INTO ts_t VALUES ('day', '2025-01-01')");
    await expect(db().query("SELECT date_trunc('fortnight', t) FROM ts_t")).rejects.toMatchObject({
      code: '22023',
    });
  });
});
