import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';
import type { Session } from '../../src/engine/session.js';

let s: Session;
withDb(async (db) => {
  s = db.session();
});

const pause = () => new Promise((r) => setTimeout(r, 5));
async function one(sql: string): Promise<unknown[]> {
  return (await s.execute(sql))[0]!.rows[0]!;
}

describe('current time functions', () => {
  it('gives now(), current_timestamp and transaction_timestamp() the transaction start', async () => {
    await s.execute('BEGIN');
    const [start] = await one('SELECT now()');
    await pause();
    expect(await one('SELECT now(), current_timestamp, transaction_timestamp()')).toEqual([
      start,
      start,
      start,
    ]);
    await s.execute('COMMIT');
    await pause();
    const [later] = await one('SELECT now()');
    expect(later as number).toBeGreaterThan(start as number);
  });

  it('gives statement_timestamp() the start of each statement', async () => {
    expect(await one('SELECT statement_timestamp() = now()')).toEqual([true]);
    await s.execute('BEGIN');
    const [txn, first] = await one('SELECT now(), statement_timestamp()');
    await pause();
    const [second, same] = await one('SELECT statement_timestamp(), statement_timestamp()');
    expect(first as number).toBeGreaterThanOrEqual(txn as number);
    expect(second as number).toBeGreaterThan(first as number);
    expect(same).toBe(second);
    await s.execute('COMMIT');
  });

  it('lets clock_timestamp() run on inside a transaction', async () => {
    await s.execute('BEGIN');
    await pause();
    const [after, start] = await one('SELECT clock_timestamp(), now()');
    expect(after as number).toBeGreaterThan(start as number);
    await s.execute('COMMIT');
  });

  it('formats timeofday() as PostgreSQL does', async () => {
    const [t] = await one('SELECT timeofday()');
    expect(t).toMatch(
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2}\.\d{6} \d{4} UTC$/,
    );
  });
});
