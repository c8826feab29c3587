import type pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { withPgClient } from '../../helpers/pg-client.js';

const client = withPgClient();

beforeEach(async () => {
  await client().query('DROP TABLE IF EXISTS t; CREATE TABLE t (id int NOT NULL)');
});

const ids = async (): Promise<number[]> =>
  (await client().query('SELECT id FROM t ORDER BY id')).rows.map((r: { id: number }) => r.id);

describe('a multi-statement query string', () => {
  it('is one implicit transaction: an error undoes the statements before it', async () => {
    const err = await client()
      .query('INSERT INTO t VALUES (1); INSERT INTO t VALUES (NULL)')
      .catch((e: pg.DatabaseError) => e);
    expect((err as pg.DatabaseError).code).toBe('23502');
    expect(await ids()).toEqual([]);
    expect((await client().query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('commits when every statement succeeds', async () => {
    await client().query('INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)');
    expect(await ids()).toEqual([1, 2]);
  });

  it('keeps what an explicit COMMIT inside the string committed', async () => {
    const err = await client()
      .query('BEGIN; INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (NULL)')
      .catch((e: pg.DatabaseError) => e);
    expect((err as pg.DatabaseError).code).toBe('23502');
    expect(await ids()).toEqual([1]);
  });
});
