/**
 * Joins agree with DuckDB on random tables with NULL and duplicate keys. Invariants checked:
 * - INNER, LEFT, RIGHT and FULL joins on one- and two-column equality keys, with extra
 *   non-equi conditions in ON, give DuckDB's rows (NULL keys never match, duplicates multiply);
 * - joins whose ON has no equality (pure theta, OR, IS NOT DISTINCT FROM) and CROSS JOIN agree;
 * - USING and NATURAL merge the common columns as PostgreSQL does, for every join type, while
 *   the inputs' own key columns stay reachable by qualified name (l.k, r.k);
 * - a WHERE clause after an outer join filters the NULL-extended rows (anti-join pattern);
 * - three-way joins mixing inner and outer joins agree.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cols, DifferentialPair, pick, runs, tableArb } from './harness.js';

// k and k2 are keys shared by name (for USING/NATURAL); a and b are payloads.
const left = tableArb('l', cols('k:int', 'k2:text', 'a:double'), 30);
const right = tableArb('r', cols('k:int', 'k2:text', 'b:double'), 30);
const third = tableArb('s', cols('k:int', 'c:bool'), 12);

const JOIN_TYPES = ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'] as const;

const EQUI_KEYS = [
  'l.k = r.k',
  'l.k = r.k AND l.k2 = r.k2',
  'l.k2 = r.k2',
  // Keys of different types (int = double) and computed keys.
  'l.k = r.b',
  'l.a = r.b',
  'l.k + 1 = r.k',
  'l.k2 || r.k2 = r.k2 || l.k2 AND l.k = r.k',
] as const;

const EXTRA_CONDITIONS = [
  'l.a < r.b',
  'r.b IS NOT NULL',
  'l.a IS NULL',
  "l.k2 <> 'a'",
  'l.a + r.b > 0',
  'l.k + 1 = r.k + 1',
] as const;

// PostgreSQL rejects FULL JOIN on these (only merge- or hash-joinable conditions); LiveViewDB and
// DuckDB accept it, and the answer is still defined, so FULL JOIN is compared too.
const THETA_CONDITIONS = [
  'l.a < r.b',
  'l.k = r.k OR l.a = r.b',
  'l.k IS NOT DISTINCT FROM r.k',
  'l.k IS NOT DISTINCT FROM r.k AND l.k2 IS DISTINCT FROM r.k2',
  'l.k < r.k AND r.k < l.k + 2',
  'true',
  'false',
  'NULL',
] as const;

const ALL_COLUMNS = 'l.k, l.k2, l.a, r.k, r.k2, r.b';

let pair: DifferentialPair;
beforeAll(async () => {
  pair = await DifferentialPair.start();
});
afterAll(async () => pair.close());

describe('joins match DuckDB', () => {
  it('on equality keys with extra conditions, for every join type', async () => {
    await fc.assert(
      fc.asyncProperty(
        left,
        right,
        pick(JOIN_TYPES),
        pick(EQUI_KEYS),
        fc.option(pick(EXTRA_CONDITIONS), { nil: undefined }),
        async (l, r, type, keys, extra) => {
          await pair.load(l, r);
          const on = extra === undefined ? keys : `${keys} AND ${extra}`;
          await pair.expectSame(`SELECT ${ALL_COLUMNS} FROM l ${type} r ON ${on}`);
        },
      ),
      runs(60),
    );
  });

  it('on conditions without an equality, and CROSS JOIN', async () => {
    await fc.assert(
      fc.asyncProperty(
        left,
        right,
        pick([...JOIN_TYPES, 'CROSS JOIN'] as const),
        pick(THETA_CONDITIONS),
        async (l, r, type, cond) => {
          await pair.load(l, r);
          const on = type === 'CROSS JOIN' ? '' : ` ON ${cond}`;
          await pair.expectSame(`SELECT ${ALL_COLUMNS} FROM l ${type} r${on}`);
        },
      ),
      runs(50),
    );
  });

  it('merges the common columns of USING and NATURAL', async () => {
    const forms = [
      { join: 'JOIN', tail: 'USING (k)' },
      { join: 'JOIN', tail: 'USING (k, k2)' },
      { join: 'NATURAL JOIN', tail: '' },
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        left,
        right,
        pick(['', 'LEFT', 'RIGHT', 'FULL'] as const),
        pick(forms),
        fc.boolean(),
        async (l, r, outer, form, star) => {
          await pair.load(l, r);
          const join = form.join === 'NATURAL JOIN' ? `NATURAL ${outer} JOIN` : `${outer} JOIN`;
          // `*` checks the column list (merged keys first); k alone is the merged COALESCE.
          const select = star ? '*' : 'k, l.k, r.k, a, b';
          await pair.expectSame(`SELECT ${select} FROM l ${join} r ${form.tail}`);
        },
      ),
      runs(50),
    );
  });

  it('filters NULL-extended rows in WHERE after an outer join', async () => {
    const wheres = ['r.k IS NULL', 'l.k IS NULL OR r.k IS NULL', 'r.b > 0', 'NOT (l.a < r.b)'];
    await fc.assert(
      fc.asyncProperty(
        left,
        right,
        pick(['LEFT JOIN', 'FULL JOIN'] as const),
        pick(wheres),
        async (l, r, type, where) => {
          await pair.load(l, r);
          await pair.expectSame(`SELECT ${ALL_COLUMNS} FROM l ${type} r ON l.k = r.k WHERE ${where}`);
        },
      ),
      runs(40),
    );
  });

  it('chains three tables through inner and outer joins and aggregates the result', async () => {
    await fc.assert(
      fc.asyncProperty(
        left,
        right,
        third,
        pick(JOIN_TYPES),
        pick(JOIN_TYPES),
        fc.boolean(),
        async (l, r, s, first, second, grouped) => {
          await pair.load(l, r, s);
          const from = `l ${first} r ON l.k = r.k ${second} s ON s.k = coalesce(r.k, l.k)`;
          const sql = grouped
            ? `SELECT s.c, count(*), count(r.k), sum(l.a) FROM ${from} GROUP BY s.c`
            : `SELECT l.k, r.k, s.k, s.c, l.a, r.b FROM ${from}`;
          await pair.expectSame(sql);
        },
      ),
      runs(40),
    );
  });
});
