import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/index.js';
import { withDb } from '../helpers/db.js';

const { db } = withDb([
  `CREATE TABLE t (id int, k text, v double precision)`,
  `INSERT INTO t SELECT g, 'k' || (g % 3), g * 1.5 FROM generate_series(1, 100) g`,
]);

async function plan(sql: string, params: unknown[] = []): Promise<string> {
  const r = await db().query(sql, params as never, { rowMode: 'array' });
  return r.rows.map((row) => row[0]).join('\n');
}

async function failure(sql: string): Promise<{ code: string; message: string }> {
  try {
    await db().exec(sql);
  } catch (e) {
    if (!(e instanceof DatabaseError)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error(`expected ${sql} to fail`);
}

type JsonPlan = { 'Node Type': string; Plans?: JsonPlan[]; [k: string]: unknown };

function nodes(p: JsonPlan): JsonPlan[] {
  return [p, ...(p.Plans ?? []).flatMap(nodes)];
}

describe('EXPLAIN', () => {
  it('prints the plan tree as indented text, one line per row', async () => {
    const r = await db().query('EXPLAIN SELECT k, count(*) FROM t WHERE id > 10 GROUP BY k', [], {
      rowMode: 'array',
    });
    expect(r.columns).toEqual([{ name: 'QUERY PLAN', type: { id: 'text' } }]);
    expect(r.rows.map((x) => x[0])).toEqual([
      'Project',
      '  Output: k, count(*)',
      '  ->  HashAggregate',
      '        Group Key: k',
      '        ->  Seq Scan on t',
      '              Filter: (id > 10)',
    ]);
  });

  it('prints PostgreSQL-shaped JSON with FORMAT JSON', async () => {
    const r = await db().query('EXPLAIN (FORMAT JSON) SELECT id FROM t WHERE id = $1 ORDER BY id', [5], {
      rowMode: 'array',
    });
    expect(r.columns[0]!.type.id).toBe('json');
    expect(r.rows).toHaveLength(1);
    const [top] = JSON.parse(r.rows[0]![0] as string) as [{ Plan: JsonPlan }];
    const all = nodes(top.Plan);
    expect(all.map((n) => n['Node Type'])).toContain('Sort');
    const scan = all.find((n) => n['Node Type'] === 'Seq Scan')!;
    expect(scan).toMatchObject({ 'Relation Name': 't', Filter: '(id = $1)' });
    expect(top).not.toHaveProperty('Execution Time');
  });

  it('lists every node’s output columns with VERBOSE', async () => {
    const text = await plan('EXPLAIN VERBOSE SELECT id FROM t WHERE v > 3');
    expect(text).toContain('Seq Scan on public.t');
    expect(text).toMatch(/Seq Scan on public\.t\n\s+Output: t\.id, /);
  });

  it('reports actual rows and loops per node with ANALYZE', async () => {
    const text = await plan('EXPLAIN ANALYZE SELECT k, count(*) FROM t WHERE id <= 30 GROUP BY k');
    expect(text).toMatch(/HashAggregate {2}\(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=3 loops=1\)/);
    expect(text).toMatch(/Seq Scan on t {2}\(actual time=[\d.]+ rows=30 loops=1\)/);
    expect(text).toMatch(/\nPlanning Time: \d+\.\d{3} ms\nExecution Time: \d+\.\d{3} ms$/);
  });

  it('counts each run of a recursive step as a loop', async () => {
    const text = await plan(
      'EXPLAIN (ANALYZE, TIMING off) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT n FROM c',
    );
    expect(text).toMatch(/^Project {2}\(actual rows=5 loops=1\)/);
    expect(text).toContain('->  WorkTable Scan  (actual rows=1 loops=5)');
  });

  it('drops times with TIMING off and the summary with SUMMARY off', async () => {
    const text = await plan('EXPLAIN (ANALYZE, TIMING off, SUMMARY off) SELECT id FROM t LIMIT 5');
    expect(text).toMatch(/^Limit {2}\(actual rows=5 loops=1\)/);
    expect(text).not.toContain('time=');
    expect(text).not.toContain('Execution Time');
  });

  it('puts actual figures into the JSON plan with ANALYZE', async () => {
    const json = await plan('EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM t WHERE id % 2 = 0');
    const [top] = JSON.parse(json) as [{ Plan: JsonPlan; 'Execution Time': number }];
    const scan = nodes(top.Plan).find((n) => n['Node Type'] === 'Seq Scan')!;
    expect(scan).toMatchObject({ 'Actual Rows': 50, 'Actual Loops': 1 });
    expect(typeof scan['Actual Total Time']).toBe('number');
    expect(typeof top['Execution Time']).toBe('number');
  });

  it('runs the query for ANALYZE but changes nothing', async () => {
    await plan('EXPLAIN ANALYZE SELECT * FROM t');
    expect((await db().query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 100n }]);
  });

  it('accepts COSTS and BUFFERS for compatibility', async () => {
    expect(await plan('EXPLAIN (COSTS off, BUFFERS) SELECT 1')).toBe('Project\n  Output: 1\n  ->  Result');
  });

  it('rejects unknown options, TIMING without ANALYZE and unsupported formats', async () => {
    expect(await failure('EXPLAIN (FOO) SELECT 1')).toEqual({
      code: '42601',
      message: 'unrecognized EXPLAIN option "foo"',
    });
    expect((await failure('EXPLAIN (TIMING) SELECT 1')).code).toBe('22023');
    expect((await failure('EXPLAIN (FORMAT YAML) SELECT 1')).code).toBe('0A000');
    expect((await failure('EXPLAIN (ANALYZE maybe) SELECT 1')).code).toBe('42601');
  });

  it('fails with 0A000 for statements other than queries', async () => {
    expect(await failure('EXPLAIN ANALYZE INSERT INTO t VALUES (1)')).toEqual({
      code: '0A000',
      message: 'EXPLAIN of INSERT statements is not supported yet',
    });
  });
});

describe('projection pushdown', () => {
  it('scans read only the columns the query uses', async () => {
    await db().exec('CREATE TABLE d (id int, name text, extra text)');
    const p = await plan(
      'EXPLAIN VERBOSE SELECT d.name, sum(t.v) FROM t JOIN d ON t.id = d.id GROUP BY d.name',
    );
    expect(p).toContain('Seq Scan on public.t\n');
    expect(p).toMatch(/Seq Scan on public\.t\n\s+Output: t\.id, t\.v\n/);
    expect(p).toMatch(/Seq Scan on public\.d\n\s+Output: d\.id, d\.name\n?/);
    expect(await plan('EXPLAIN VERBOSE SELECT count(*) FROM t WHERE k = $1', ['k1'])).toMatch(
      /Seq Scan on public\.t\n\s+Output: t\.k\n/,
    );
  });

  it('keeps every column under a correlated subquery', async () => {
    const p = await plan(
      'EXPLAIN VERBOSE SELECT id FROM t WHERE v > (SELECT min(v) FROM t t2 WHERE t2.k = t.k)',
    );
    expect(p).toMatch(/Output: t\.id, t\.k, t\.v/);
    const rows = await db().query(
      'SELECT count(*) AS n FROM t WHERE v > (SELECT min(v) FROM t t2 WHERE t2.k = t.k)',
    );
    expect(rows.rows[0]!.n).toBe(97n);
  });
});
