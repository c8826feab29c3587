import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/index.js';
import { withDb } from '../helpers/db.js';

const { db, rows } = withDb([`CREATE TABLE t (id int, k text)`, `INSERT INTO t VALUES (1, 'a'), (2, 'b')`]);

async function failure(sql: string): Promise<{ code: string; message: string; detail?: string }> {
  try {
    await db().exec(sql);
  } catch (e) {
    if (!(e instanceof DatabaseError)) throw e;
    return { code: e.code, message: e.message, ...(e.detail !== undefined ? { detail: e.detail } : {}) };
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('PREPARE / EXECUTE / DEALLOCATE', () => {
  it('prepares with declared types and executes with literal arguments cast to them', async () => {
    expect((await db().exec('PREPARE q (int) AS SELECT k FROM t WHERE id = $1'))?.command).toBe('PREPARE');
    expect(await rows(`EXECUTE q('2')`)).toEqual([['b']]);
    expect(await rows('EXECUTE q(1.4)')).toEqual([['a']]);
    expect(await rows('EXECUTE q(1 + 1)')).toEqual([['b']]);
  });

  it('infers undeclared parameter types from context', async () => {
    await db().exec('PREPARE ins AS INSERT INTO t VALUES ($1, $2)');
    const r = await db().exec(`EXECUTE ins('3', 'c')`);
    expect([r?.command, r?.rowCount]).toEqual(['INSERT', 1]);
    expect(await rows('SELECT k FROM t WHERE id = 3')).toEqual([['c']]);
  });

  it('fails with 42601 on the wrong number of arguments, as PostgreSQL words it', async () => {
    await db().exec('PREPARE q (int, text) AS SELECT $1, $2');
    expect(await failure('EXECUTE q(1)')).toEqual({
      code: '42601',
      message: 'wrong number of parameters for prepared statement "q"',
      detail: 'Expected 2 parameters but got 1.',
    });
  });

  it('fails with 42804 on an argument that cannot be assigned to the parameter type', async () => {
    await db().exec('PREPARE q (int) AS SELECT $1');
    expect(await failure('EXECUTE q(true)')).toMatchObject({
      code: '42804',
      message: 'parameter $1 of type boolean cannot be coerced to the expected type integer',
    });
    expect((await failure(`EXECUTE q('x')`)).code).toBe('22P02');
  });

  it('fails with 42P05 on a name in use and 26000 on an unknown one', async () => {
    await db().exec('PREPARE q AS SELECT 1');
    expect(await failure('PREPARE q AS SELECT 2')).toEqual({
      code: '42P05',
      message: 'prepared statement "q" already exists',
    });
    expect(await failure('EXECUTE nope')).toEqual({
      code: '26000',
      message: 'prepared statement "nope" does not exist',
    });
    expect((await failure('DEALLOCATE nope')).code).toBe('26000');
  });

  it('checks the statement when it is prepared', async () => {
    expect((await failure('PREPARE q AS SELECT * FROM missing')).code).toBe('42P01');
    expect((await failure('PREPARE q AS SELECT 1 WHERE $1 IS NULL')).code).toBe('42P18');
  });

  it('deallocates one statement or all of them', async () => {
    await db().exec('PREPARE a AS SELECT 1; PREPARE b AS SELECT 2; PREPARE c AS SELECT 3');
    expect((await db().exec('DEALLOCATE a'))?.command).toBe('DEALLOCATE');
    expect((await failure('EXECUTE a')).code).toBe('26000');
    await db().exec('DEALLOCATE PREPARE b');
    expect(await rows('EXECUTE c')).toEqual([[3]]);
    expect((await db().exec('DEALLOCATE ALL'))?.command).toBe('DEALLOCATE ALL');
    expect((await failure('EXECUTE c')).code).toBe('26000');
  });

  it('keeps prepared statements across ROLLBACK, as they are not transactional', async () => {
    await db().exec('BEGIN; PREPARE q AS SELECT count(*) FROM t; ROLLBACK');
    expect(await rows('EXECUTE q')).toEqual([[2n]]);
  });

  it('runs EXECUTE inside the open transaction', async () => {
    await db().exec('PREPARE ins (int) AS INSERT INTO t (id) VALUES ($1)');
    await db().exec('BEGIN; EXECUTE ins(7); EXECUTE ins(8); ROLLBACK');
    expect(await rows('SELECT count(*) FROM t')).toEqual([[2n]]);
  });

  it('keeps prepared statements private to their session', async () => {
    await db().exec('PREPARE q AS SELECT 1');
    const other = db().session();
    await expect(other.execute('EXECUTE q')).rejects.toMatchObject({ code: '26000' });
  });
});
