// A client that goes away mid-transaction: its transaction rolls back and its locks are released,
// so other sessions can change the objects it had touched (and checkpoints are not held up).
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withPgServer } from '../../helpers/pg-client.js';

const pgt = withPgServer();
const client = (): Promise<pg.Client> => pgt.client();

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('a client that disconnects inside a transaction', () => {
  it('has its transaction rolled back and its locks released', async () => {
    const setup = await client();
    await setup.query('CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
    const gone = await client();
    await gone.query(
      'BEGIN; INSERT INTO kept VALUES (2); CREATE TABLE half (id int); ALTER TABLE kept ADD COLUMN note text',
    );
    expect(pgt.db.engine.catalog.locks.hasExclusive()).toBe(true);
    // Dropped without Terminate, as a crashed client would.
    (gone as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await until(() => !pgt.db.engine.catalog.locks.hasExclusive());
    expect(pgt.db.engine.catalog.locks.hasExclusive()).toBe(false);
    expect((await setup.query('SELECT * FROM kept')).rows).toEqual([{ id: 1 }]);
    await setup.query('ALTER TABLE kept ADD COLUMN note text');
    await setup.query('CREATE TABLE half (id int)');
    await setup.end();
  });
});
