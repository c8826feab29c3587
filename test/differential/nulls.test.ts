/**
 * NULL handling agrees with DuckDB on random tables. Invariants checked:
 * - random predicate trees over AND/OR/NOT, comparisons, IN lists with NULL members, IS [NOT]
 *   DISTINCT FROM, IS [NOT] TRUE/UNKNOWN, COALESCE, NULLIF and CASE evaluate to the same
 *   three-valued result, and WHERE keeps exactly the rows where it is true;
 * - IN / NOT IN / EXISTS over subqueries that return NULLs agree;
 * - ORDER BY with every direction and NULLS FIRST/LAST gives the same sequence, with LIMIT;
 * - SELECT DISTINCT and DISTINCT ON treat NULLs as equal;
 * - UNION, INTERSECT and EXCEPT, with and without ALL, treat NULLs as equal and count duplicates.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cols, DifferentialPair, pick, runs, tableArb } from './harness.js';

const table = tableArb('n', cols('a:int', 'b:int', 's:text', 'x:double', 'f:bool'));
const other = tableArb('m', cols('a:int', 's:text'), 15);

/** Boolean-valued leaves, each able to be NULL for some rows. */
const ATOMS = [
  'a = b',
  'a < 1',
  'b >= a',
  'a IS NULL',
  'f',
  "s = 'a'",
  "s > 'ab'",
  'x > 0',
  'x = a',
  'a IN (1, 2, NULL)',
  'a NOT IN (1, NULL)',
  'a NOT IN (1, 2)',
  "s IN ('a', 'b')",
  'a IN (b, 0)',
  'a IS DISTINCT FROM b',
  'a IS NOT DISTINCT FROM 1',
  's IS NOT DISTINCT FROM NULL',
  'f IS TRUE',
  'f IS NOT FALSE',
  'f IS UNKNOWN',
  'f = (a > 0)',
  'COALESCE(a, b) > 0',
  'COALESCE(a, b, 0) = 0',
  'NULLIF(a, b) IS NULL',
  "NULLIF(s, 'a') = s",
  'CASE WHEN a > 0 THEN f WHEN b > 0 THEN NOT f END',
  'CASE a WHEN 1 THEN true WHEN NULL THEN false ELSE NULL END',
  "s LIKE 'a%'",
  'a BETWEEN b AND 2',
  'GREATEST(a, b) > 1',
  'LEAST(a, b, 0) < 0',
  "s || 'x' = 'ax'",
  "concat(s, a) <> ''",
  'a IS DISTINCT FROM x',
  'x IN (a, 0.25)',
  'a + b > 0',
  "COALESCE(s, '') = ''",
  'NULL',
  'true',
] as const;

const predicateArb: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    pick(ATOMS),
    tie('p').map((p) => `NOT (${p})`),
    fc.tuple(tie('p'), tie('p')).map(([l, r]) => `(${l}) AND (${r})`),
    fc.tuple(tie('p'), tie('p')).map(([l, r]) => `(${l}) OR (${r})`),
  ),
})).p;

const SET_OPS = ['UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'] as const;

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

describe('NULL handling matches DuckDB', () => {
  it('evaluates predicate trees to the same three-valued result', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.array(predicateArb, { minLength: 1, maxLength: 3 }), async (t, ps) => {
        await pair.load(t);
        await pair.expectSame(`SELECT a, b, s, ${ps.map((p) => `(${p})`).join(', ')} FROM n`);
      }),
      runs(60),
    );
  });

  it('keeps exactly the rows whose WHERE predicate is true', async () => {
    await fc.assert(
      fc.asyncProperty(table, predicateArb, async (t, p) => {
        await pair.load(t);
        await pair.expectSame(`SELECT a, b, s, x, f FROM n WHERE ${p}`);
      }),
      runs(60),
    );
  });

  it('applies IN, NOT IN and EXISTS to subqueries that return NULLs', async () => {
    const forms = [
      'a IN (SELECT a FROM m)',
      'a NOT IN (SELECT a FROM m)',
      'a NOT IN (SELECT a FROM m WHERE a IS NOT NULL)',
      's NOT IN (SELECT s FROM m WHERE m.a = n.b)',
      'EXISTS (SELECT 1 FROM m WHERE m.a = n.a)',
      'NOT EXISTS (SELECT 1 FROM m WHERE m.s = n.s)',
      'a = ANY (SELECT a FROM m)',
      'a > ALL (SELECT a FROM m)',
    ] as const;
    await fc.assert(
      fc.asyncProperty(table, other, pick(forms), fc.boolean(), async (t, m, form, inWhere) => {
        await pair.load(t, m);
        const sql = inWhere ? `SELECT a, b, s FROM n WHERE ${form}` : `SELECT a, b, s, ${form} FROM n`;
        await pair.expectSame(sql);
      }),
      runs(50),
    );
  });

  it('orders NULLs first or last as asked, in every direction and with LIMIT', async () => {
    const dir = pick([
      '',
      ' ASC',
      ' DESC',
      ' NULLS FIRST',
      ' NULLS LAST',
      ' DESC NULLS FIRST',
      ' DESC NULLS LAST',
    ]);
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.tuple(pick(['a', 's', 'x', 'f', 'COALESCE(a, b)'] as const), dir),
        fc.tuple(pick(['b', 's', 'x'] as const), dir),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        async (t, [k1, d1], [k2, d2], limit) => {
          await pair.load(t);
          // Only the sort keys are selected, so rows tied on them are identical: the order is total.
          const tail = limit === undefined ? '' : ` LIMIT ${limit}`;
          await pair.expectSame(`SELECT ${k1}, ${k2} FROM n ORDER BY ${k1}${d1}, ${k2}${d2}${tail}`, {
            ordered: true,
          });
        },
      ),
      runs(50),
    );
  });

  it('treats NULLs as equal in SELECT DISTINCT and DISTINCT ON', async () => {
    const queries = [
      'SELECT DISTINCT a FROM n',
      'SELECT DISTINCT a, b FROM n',
      'SELECT DISTINCT s, f FROM n',
      'SELECT DISTINCT a, s, x FROM n',
      "SELECT DISTINCT COALESCE(a, b), NULLIF(s, '') FROM n",
      // The first row of each DISTINCT ON group is fixed by ordering on every selected column.
      'SELECT DISTINCT ON (a) a, b FROM n ORDER BY a, b NULLS FIRST',
      'SELECT DISTINCT ON (s, f) s, f, x FROM n ORDER BY s DESC, f, x DESC',
    ] as const;
    await fc.assert(
      fc.asyncProperty(table, pick(queries), async (t, sql) => {
        await pair.load(t);
        await pair.expectSame(sql, { ordered: sql.includes('ORDER BY') });
      }),
      runs(40),
    );
  });

  it('treats NULLs as equal and counts duplicates in set operations', async () => {
    const side = fc.tuple(pick(['a, s', 'b, s', 'a, NULL::text', "b, 'a'"]), predicateArb);
    await fc.assert(
      fc.asyncProperty(
        table,
        side,
        side,
        pick(SET_OPS),
        fc.option(fc.tuple(pick(SET_OPS), side), { nil: undefined }),
        async (t, [c1, p1], [c2, p2], op, third) => {
          await pair.load(t);
          let sql = `(SELECT ${c1} FROM n WHERE ${p1}) ${op} (SELECT ${c2} FROM n WHERE ${p2})`;
          if (third !== undefined) {
            const [op2, [c3, p3]] = third;
            sql = `(${sql}) ${op2} (SELECT ${c3} FROM n WHERE ${p3})`;
          }
          await pair.expectSame(sql);
        },
      ),
      runs(60),
    );
  });
});
