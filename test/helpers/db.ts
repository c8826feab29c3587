// Shared scaffolding for tests that run SQL against an embedded database: one database per test
// (or per file) with the same setup statements, rows in array mode, and the SQLSTATE of a failure.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DatabaseError, open, type Database } from '../../src/index.js';

/** What a statement's DatabaseError said, or `{ code: 'ok', message: '' }` when it succeeded. */
export interface Failure {
  readonly code: string;
  readonly message: string;
}

/** Runs `run`; returns the code and message of the DatabaseError it throws. Other errors propagate. */
export async function failure(run: () => Promise<unknown>): Promise<Failure> {
  try {
    await run();
  } catch (e) {
    if (e instanceof DatabaseError) return { code: e.code, message: e.message };
    throw e;
  }
  return { code: 'ok', message: '' };
}

/** The SQLSTATE of the DatabaseError `run` throws, or 'ok' when it succeeds. */
export async function errorCode(run: () => Promise<unknown>): Promise<string> {
  return (await failure(run)).code;
}

/** Statements run one `exec` each on the new database, or a function that prepares it. */
export type DbSetup = readonly string[] | ((db: Database) => Promise<unknown>);

export interface TestDb {
  /** The database of the running test. */
  db(): Database;
  /** The rows of one statement, each an array of column values. */
  rows(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** The SQLSTATE of `db.exec(sql)`'s error, or 'ok'. */
  code(sql: string): Promise<string>;
  /** The code and message of `db.exec(sql)`'s error, or `{ code: 'ok', message: '' }`. */
  error(sql: string): Promise<Failure>;
}

/**
 * Opens a database before each test (`'test'`) or once for the file (`'file'`), runs `setup` on it
 * and closes it afterwards. Call at the top level of a test file.
 *
 * @example
 * const { db, rows, code } = withDb([`CREATE TABLE t (id int)`, `INSERT INTO t VALUES (1)`]);
 * it('reads the row', async () => expect(await rows('SELECT id FROM t')).toEqual([[1]]));
 */
export function withDb(setup: DbSetup = [], lifetime: 'test' | 'file' = 'test'): TestDb {
  let current: Database | undefined;
  const db = (): Database => {
    if (current === undefined) throw new Error('no database: withDb() opens one only inside tests');
    return current;
  };
  const before = lifetime === 'test' ? beforeEach : beforeAll;
  const after = lifetime === 'test' ? afterEach : afterAll;
  before(async () => {
    current = await open();
    if (typeof setup === 'function') await setup(current);
    else for (const sql of setup) await current.exec(sql);
  });
  after(async () => db().close());
  return {
    db,
    rows: async (sql, params = []) => (await db().query(sql, params as never, { rowMode: 'array' })).rows,
    code: (sql) => errorCode(() => db().exec(sql)),
    error: (sql) => failure(() => db().exec(sql)),
  };
}
