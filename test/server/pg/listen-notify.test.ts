// LISTEN/NOTIFY over the wire: notifications reach listening sessions after the sender commits,
// never after a rollback; materialized views publish each commit's change on their own name.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withPgServer } from '../../helpers/pg-client.js';

const pgt = withPgServer();
const client = (): Promise<pg.Client> => pgt.client();

function collect(c: pg.Client): { channel: string; payload: string | undefined; processId: number }[] {
  const got: { channel: string; payload: string | undefined; processId: number }[] = [];
  c.on('notification', (n) => got.push({ channel: n.channel, payload: n.payload, processId: n.processId }));
  return got;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('LISTEN and NOTIFY', () => {
  it('delivers a notification to listeners after the sender commits, and none after a rollback', async () => {
    const listener = await client();
    const sender = await client();
    const got = collect(listener);
    expect((await listener.query('LISTEN jobs')).command).toBe('LISTEN');
    await sender.query("NOTIFY jobs, 'first'");
    await sender.query("BEGIN; NOTIFY jobs, 'dropped'; ROLLBACK");
    await sender.query("BEGIN; NOTIFY jobs, 'later'; NOTIFY jobs, 'later'; NOTIFY other, 'x'");
    await until(() => got.length >= 1);
    expect(got.map((n) => n.payload)).toEqual(['first']);
    await sender.query('COMMIT');
    await until(() => got.length >= 2);
    expect(got.map((n) => n.payload)).toEqual(['first', 'later']);
    expect(got[0]!.channel).toBe('jobs');
    expect(got[0]!.processId).toBeGreaterThan(0);
    await listener.query('UNLISTEN *');
    await sender.query("NOTIFY jobs, 'unheard'");
    await listener.query('SELECT 1');
    expect(got).toHaveLength(2);
  });

  it('publishes a materialized view’s changes on its name', async () => {
    const listener = await client();
    const writer = await client();
    await writer.query('CREATE TABLE orders (region text, amount numeric(10,2))');
    await writer.query("INSERT INTO orders VALUES ('eu', 1.50)");
    await writer.query(
      'CREATE MATERIALIZED VIEW totals AS SELECT region, sum(amount) AS total FROM orders GROUP BY region',
    );
    const got = collect(listener);
    await listener.query('LISTEN totals');
    await writer.query("INSERT INTO orders VALUES ('eu', 2.25), ('us', 1)");
    await until(() => got.length >= 1);
    const change = JSON.parse(got[0]!.payload!);
    expect(change.view).toBe('totals');
    expect(change.removed).toEqual([['eu', '1.50']]);
    expect(change.added.sort()).toEqual([
      ['eu', '3.75'],
      ['us', '1.00'],
    ]);
  });
});
