import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';

const { db, rows } = withDb(['CREATE TABLE t (a int, b text)']);

async function one(sql: string): Promise<unknown[]> {
  return (await rows(sql))[0]!;
}

describe('view definitions', () => {
  it('keeps the query text of CREATE VIEW for pg_views, information_schema and pg_get_viewdef', async () => {
    await db().exec(`CREATE VIEW v (x) AS SELECT a AS first, b FROM t WHERE b <> 'AS' WITH CHECK OPTION`);
    const def = ` SELECT a AS first, b FROM t WHERE b <> 'AS';`;
    expect(await one(`SELECT definition FROM pg_views WHERE viewname = 'v'`)).toEqual([def]);
    expect(await one(`SELECT view_definition FROM information_schema.views WHERE table_name = 'v'`)).toEqual([
      def,
    ]);
    expect(await one(`SELECT pg_get_viewdef('v'::regclass), pg_get_viewdef('v')`)).toEqual([def, def]);
  });

  it('finds the query of a view named with a keyword, among several statements', async () => {
    await db().exec(
      `SELECT 1; CREATE OR REPLACE VIEW "as" AS WITH w AS (SELECT 1 AS one) SELECT one FROM w;`,
    );
    expect(await one(`SELECT definition FROM pg_views WHERE viewname = 'as'`)).toEqual([
      ' WITH w AS (SELECT 1 AS one) SELECT one FROM w;',
    ]);
  });

  it('keeps the definition of views created through a prepared statement', async () => {
    await (await db().prepare('CREATE VIEW pv AS VALUES (1)')).query([]);
    expect(await one(`SELECT definition FROM pg_views WHERE viewname = 'pv'`)).toEqual([' VALUES (1);']);
  });
});
