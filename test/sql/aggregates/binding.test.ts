import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, open, type Database } from '../../../src/index.js';

let db: Database;
beforeAll(async () => {
  db = await open();
  await db.exec(`CREATE TABLE b (x bool, j jsonb, t text)`);
  await db.exec(`INSERT INTO b VALUES (true, '{"a":1}', 'q'), (false, '[1]', 'p')`);
});
afterAll(async () => db.close());

async function code(sql: string): Promise<string> {
  try {
    await db.query(sql);
  } catch (e) {
    if (e instanceof DatabaseError) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('min and max', () => {
  it('do not exist for boolean and json, as in PostgreSQL', async () => {
    expect(await code('SELECT min(x) FROM b')).toBe('42883 function min(boolean) does not exist');
    expect(await code('SELECT max(j) FROM b')).toBe('42883 function max(jsonb) does not exist');
  });

  it('bool_and/bool_or and array_agg still take booleans; min/max take text', async () => {
    const r = await db.query(
      'SELECT bool_and(x) a, bool_or(x) o, array_agg(x ORDER BY t) g, min(t) m FROM b',
    );
    expect(r.rows).toEqual([{ a: false, o: true, g: [false, true], m: 'p' }]);
  });
});
