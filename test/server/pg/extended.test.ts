import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withPgServer, pgFailure } from '../../helpers/pg-client.js';

const pgt = withPgServer();
const client = (): Promise<pg.Client> => pgt.client();

const failure = pgFailure;

describe('named statements share the PREPARE namespace', () => {
  it('lets SQL EXECUTE and DEALLOCATE reach a statement made by Parse', async () => {
    const c = await client();
    await c.query({ name: 'by_parse', text: 'SELECT $1::int + 1 AS n', values: [1] });
    expect((await c.query('EXECUTE by_parse(41)')).rows).toEqual([{ n: 42 }]);
    expect((await c.query('DEALLOCATE by_parse')).command).toBe('DEALLOCATE');
    // pg skips Parse for a name it has parsed before, so this Bind finds the statement gone.
    const err = await failure(c.query({ name: 'by_parse', text: 'SELECT $1::int + 1 AS n', values: [1] }));
    expect(err.code).toBe('26000');
    expect(err.message).toBe('prepared statement "by_parse" does not exist');
    await c.end();
  });

  it('refuses a Parse of a name taken by PREPARE with 42P05', async () => {
    const c = await client();
    await c.query('PREPARE by_sql AS SELECT 1 AS one');
    const err = await failure(c.query({ name: 'by_sql', text: 'SELECT 2 AS two' }));
    expect(err.code).toBe('42P05');
    expect(err.message).toBe('prepared statement "by_sql" already exists');
    await c.end();
  });

  it('lets the protocol Bind a statement made by PREPARE', async () => {
    const c = await client();
    await c.query('PREPARE shared (int) AS SELECT $1 * 2 AS twice');
    // pg sends no Parse for a name it believes parsed; mark it so, as after an earlier query.
    (
      c as unknown as { connection: { parsedStatements: Record<string, string> } }
    ).connection.parsedStatements.shared = 'SELECT $1 * 2 AS twice';
    const { rows } = await c.query({ name: 'shared', text: 'SELECT $1 * 2 AS twice', values: [21] });
    expect(rows).toEqual([{ twice: 42 }]);
    await c.end();
  });

  it('keeps named statements per connection', async () => {
    const a = await client();
    const b = await client();
    await a.query({ name: 'mine', text: 'SELECT 1 AS one' });
    expect((await failure(b.query('EXECUTE mine'))).code).toBe('26000');
    await a.end();
    await b.end();
  });
});
