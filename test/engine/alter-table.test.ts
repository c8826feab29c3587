import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows, error } = withDb([
  `CREATE TABLE t (id int, k text, v double precision)`,
  `INSERT INTO t VALUES (1, '10', 1.5), (2, '20', NULL), (3, '30', 3.5)`,
]);

async function types(): Promise<string[]> {
  return (await db().query('SELECT * FROM t')).columns.map((c) => `${c.name} ${c.type.id}`);
}

describe('ALTER COLUMN ... TYPE', () => {
  it('converts every row by assignment cast', async () => {
    await db().exec('ALTER TABLE t ALTER COLUMN id TYPE bigint');
    expect(await types()).toEqual(['id int8', 'k text', 'v float8']);
    expect(await rows('SELECT id FROM t ORDER BY id')).toEqual([[1n], [2n], [3n]]);
  });

  it('converts with a USING expression over the row', async () => {
    await db().exec('ALTER TABLE t ALTER COLUMN k TYPE int USING k::int + id');
    expect(await rows('SELECT k FROM t ORDER BY id')).toEqual([[11], [22], [33]]);
  });

  it('fails with 42804 and a hint when no assignment cast exists', async () => {
    expect(await error('ALTER TABLE t ALTER COLUMN k TYPE int')).toEqual({
      code: '42804',
      message: 'column "k" cannot be cast automatically to type integer',
    });
  });

  it('changes nothing when a row fails to convert', async () => {
    await db().exec(`INSERT INTO t VALUES (4, 'x', 0)`);
    expect((await error('ALTER TABLE t ALTER COLUMN k TYPE int USING k::int')).code).toBe('22P02');
    expect(await types()).toEqual(['id int4', 'k text', 'v float8']);
    expect(await rows('SELECT k FROM t ORDER BY id')).toEqual([['10'], ['20'], ['30'], ['x']]);
  });

  it('is undone by ROLLBACK', async () => {
    await db().exec('BEGIN; ALTER TABLE t ALTER COLUMN v TYPE int; ROLLBACK');
    expect(await rows('SELECT v FROM t ORDER BY id')).toEqual([[1.5], [null], [3.5]]);
  });
});

describe('ALTER COLUMN ... DEFAULT and NOT NULL', () => {
  it('sets and drops a default used by later inserts', async () => {
    await db().exec(`ALTER TABLE t ALTER COLUMN v SET DEFAULT 9.5; INSERT INTO t (id) VALUES (4)`);
    await db().exec(`ALTER TABLE t ALTER COLUMN v DROP DEFAULT; INSERT INTO t (id) VALUES (5)`);
    expect(await rows('SELECT id, v FROM t WHERE id > 3 ORDER BY id')).toEqual([
      [4, 9.5],
      [5, null],
    ]);
  });

  it('rejects a default of the wrong type', async () => {
    expect((await error(`ALTER TABLE t ALTER COLUMN id SET DEFAULT now()`)).code).toBe('42804');
  });

  it('refuses SET NOT NULL while a row holds NULL, and enforces it once set', async () => {
    expect(await error('ALTER TABLE t ALTER COLUMN v SET NOT NULL')).toEqual({
      code: '23502',
      message: 'column "v" of relation "t" contains null values',
    });
    await db().exec('ALTER TABLE t ALTER COLUMN id SET NOT NULL');
    expect((await error('INSERT INTO t (k) VALUES (1)')).code).toBe('23502');
    await db().exec('ALTER TABLE t ALTER COLUMN id DROP NOT NULL; INSERT INTO t (k) VALUES (1)');
    expect(await rows('SELECT count(*) FROM t')).toEqual([[4n]]);
  });

  it('reports other ALTER TABLE forms as not supported (0A000)', async () => {
    expect((await error('ALTER TABLE t ALTER COLUMN v SET STATISTICS 100')).code).toBe('0A000');
  });
});
