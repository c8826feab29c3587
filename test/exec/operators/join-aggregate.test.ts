/**
 * Hash join and hash aggregation over inputs larger than a batch (2048 rows), against plain
 * JavaScript oracles. Invariants: every join type returns exactly the multiset of row pairs the
 * definition gives (NULL keys never match; duplicates multiply; residual conditions decide matches
 * for outer rows); grouping returns one row per distinct key tuple (NULL is a key) with exact
 * counts and sums, across output batches and grouping sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Database } from '../../../src/index.js';

type Row = [number | null, number | null, string | null];

/** Deterministic pseudo-random rows: keys with duplicates and NULLs. */
function rows(n: number, seed: number, keys: number): Row[] {
  let x = seed;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const k = next() % (keys + 1);
    out.push([k === keys ? null : k, next() % 1000, next() % 7 === 0 ? null : `s${next() % 13}`]);
  }
  return out;
}

const L = rows(5000, 1, 1500);
const R = rows(3000, 2, 2500);
let db: Database;

beforeAll(async () => {
  db = await open();
  await db.exec('CREATE TABLE l (k int, v int, s text); CREATE TABLE r (k int, v int, s text)');
  const cols = (t: Row[]) => ({ k: t.map((r) => r[0]), v: t.map((r) => r[1]), s: t.map((r) => r[2]) });
  await db.append('l', cols(L));
  await db.append('r', cols(R));
});
afterAll(async () => db.close());

async function all(sql: string): Promise<string[]> {
  const res = await db.query(sql, [], { rowMode: 'array' });
  return res.rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
}

/** Oracle: join by definition, with an optional residual condition on (left, right). */
function oracle(type: string, cond: (a: Row, b: Row) => boolean): string[] {
  const out: string[] = [];
  const matchedR = new Set<number>();
  for (const a of L) {
    let any = false;
    R.forEach((b, j) => {
      if (a[0] === null || b[0] === null || a[0] !== b[0] || !cond(a, b)) return;
      any = true;
      matchedR.add(j);
      if (type !== 'semi' && type !== 'anti') out.push(JSON.stringify([a[1], b[1]]));
    });
    if (type === 'semi' && any) out.push(JSON.stringify([a[1]]));
    if (type === 'anti' && !any) out.push(JSON.stringify([a[1]]));
    if (!any && (type === 'left' || type === 'full')) out.push(JSON.stringify([a[1], null]));
  }
  if (type === 'right' || type === 'full')
    R.forEach((b, j) => {
      if (!matchedR.has(j)) out.push(JSON.stringify([null, b[1]]));
    });
  return out.sort();
}

describe('hash join over several batches', () => {
  for (const type of ['inner', 'left', 'right', 'full']) {
    it(`${type} join with duplicates and NULL keys`, async () => {
      const sql = `SELECT l.v, r.v FROM l ${type} JOIN r ON l.k = r.k`;
      expect(await all(sql)).toEqual(oracle(type, () => true));
    });
    it(`${type} join with a residual condition`, async () => {
      const sql = `SELECT l.v, r.v FROM l ${type} JOIN r ON l.k = r.k AND l.v < r.v`;
      expect(await all(sql)).toEqual(oracle(type, (a, b) => a[1]! < b[1]!));
    });
  }

  it('semi and anti joins (EXISTS / NOT EXISTS)', async () => {
    const exists = 'SELECT l.v FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.v > l.v)';
    expect(await all(exists)).toEqual(oracle('semi', (a, b) => b[1]! > a[1]!));
    const notIn = 'SELECT l.v FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k)';
    expect(await all(notIn)).toEqual(oracle('anti', () => true));
  });

  it('joins on a unique dimension key keep unmatched left rows', async () => {
    await db.exec(
      'CREATE TABLE d (k int, w int); INSERT INTO d SELECT g, g * 10 FROM generate_series(0, 999) g',
    );
    const got = await all('SELECT l.v, d.w FROM l LEFT JOIN d ON l.k = d.k');
    const want = L.map((a) => JSON.stringify([a[1], a[0] !== null && a[0] < 1000 ? a[0] * 10 : null])).sort();
    expect(got).toEqual(want);
  });

  it('joins a fractional key against unique integer keys', async () => {
    const got = await all('SELECT l.v, d.w FROM l JOIN d ON l.v / 2.0::float8 = d.k');
    const want = L.filter((a) => a[1]! % 2 === 0 && a[1]! / 2 < 1000).map((a) =>
      JSON.stringify([a[1], (a[1]! / 2) * 10]),
    );
    expect(got).toEqual(want.sort());
  });

  it('joins on two keys of different storage kinds', async () => {
    const got = await all('SELECT l.v, r.v FROM l JOIN r ON l.k = r.k AND l.s = r.s');
    const want: string[] = [];
    for (const a of L)
      for (const b of R)
        if (a[0] !== null && a[0] === b[0] && a[2] !== null && a[2] === b[2])
          want.push(JSON.stringify([a[1], b[1]]));
    expect(got).toEqual(want.sort());
  });
});

describe('hash aggregation over several batches', () => {
  it('groups thousands of keys with NULL as a key', async () => {
    const got = await all('SELECT k, count(*), sum(v), min(s), max(v) FROM l GROUP BY k');
    const groups = new Map<number | null, Row[]>();
    for (const r of L) groups.set(r[0], [...(groups.get(r[0]) ?? []), r]);
    const want = [...groups].map(([k, rs]) => {
      const ss = rs
        .map((r) => r[2])
        .filter((x): x is string => x !== null)
        .sort();
      return JSON.stringify([
        k,
        rs.length,
        rs.reduce((a, r) => a + r[1]!, 0),
        ss[0] ?? null,
        Math.max(...rs.map((r) => r[1]!)),
      ]);
    });
    expect(got).toEqual(want.sort());
  });

  it('groups by two keys and by grouping sets', async () => {
    const got = await all('SELECT k % 3 AS a, s, count(*) FROM l GROUP BY ROLLUP (k % 3, s)');
    const count = new Map<string, number>();
    const bump = (key: unknown[]) =>
      count.set(JSON.stringify(key), (count.get(JSON.stringify(key)) ?? 0) + 1);
    for (const r of L) {
      const a = r[0] === null ? null : r[0] % 3;
      bump([a, r[2]]);
      bump([a, null, 'sub']);
      bump([null, null, 'all']);
    }
    const want = [...count].map(([key, n]) => {
      const k = JSON.parse(key) as unknown[];
      return JSON.stringify([k[0], k[1], n]);
    });
    expect(got).toEqual(want.sort());
  });

  it('count(DISTINCT) per group and overall', async () => {
    const got = await all('SELECT k % 5, count(DISTINCT v), count(DISTINCT s) FROM l GROUP BY 1');
    const per = new Map<number | null, { v: Set<number>; s: Set<string> }>();
    for (const r of L) {
      const g = r[0] === null ? null : r[0] % 5;
      const e = per.get(g) ?? { v: new Set(), s: new Set() };
      e.v.add(r[1]!);
      if (r[2] !== null) e.s.add(r[2]);
      per.set(g, e);
    }
    expect(got).toEqual([...per].map(([g, e]) => JSON.stringify([g, e.v.size, e.s.size])).sort());
    expect(await all('SELECT count(DISTINCT k) FROM l')).toEqual([
      JSON.stringify([new Set(L.map((r) => r[0]).filter((x) => x !== null)).size]),
    ]);
  });
});

describe('memory limit', () => {
  it('fails a large GROUP BY and a large join build with 53200, and the session stays usable', async () => {
    const s = db.session();
    s.setLimits({ memoryLimit: 32 * 1024 });
    const fail = async (sql: string): Promise<string> => {
      try {
        await s.execute(sql);
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    };
    expect(await fail('SELECT v, s, k, count(*) FROM l GROUP BY v, s, k')).toBe('53200');
    expect(await fail('SELECT count(*) FROM l JOIN r ON l.v = r.v')).toBe('53200');
    s.setLimits({ memoryLimit: 1 << 30 });
    const [res] = await s.execute('SELECT count(*) FROM l');
    expect(res!.rows).toEqual([[5000n]]);
  });
});
