import { describe, expect, it } from 'vitest';
import { withDb } from '../helpers/db.js';
import { psql15 } from './psql15-queries.js';

const { rows } = withDb([
  `CREATE SCHEMA sales`,
  `CREATE TABLE metrics (id int NOT NULL, host text DEFAULT 'local' NOT NULL, note varchar(20), v numeric(10,2))`,
  `INSERT INTO metrics (id) VALUES (1), (2), (3)`,
  `CREATE VIEW recent AS SELECT id, host FROM metrics`,
  `CREATE TABLE sales.orders (id bigint)`,
]);

async function oidOf(name: string): Promise<string> {
  return String((await rows(`SELECT '${name}'::regclass::oid`))[0]![0]);
}

describe('psql 15 describe commands', () => {
  it('\\dt lists the tables on the search path', async () => {
    expect(await rows(psql15.dt)).toEqual([['public', 'metrics', 'table', 'admin']]);
  });

  it('\\dv lists the views', async () => {
    expect(await rows(psql15.dv)).toEqual([['public', 'recent', 'view', 'admin']]);
  });

  it('\\d lists tables and views', async () => {
    expect(await rows(psql15.d)).toEqual([
      ['public', 'metrics', 'table', 'admin'],
      ['public', 'recent', 'view', 'admin'],
    ]);
  });

  it('\\dn lists the user schemas', async () => {
    expect(await rows(psql15.dn)).toEqual([
      ['public', 'admin'],
      ['sales', 'admin'],
    ]);
  });

  it('\\l lists the one database', async () => {
    const r = await rows(psql15.l);
    expect(r).toHaveLength(1);
    expect(r[0]!.slice(0, 3)).toEqual(['liveview', 'admin', 'UTF8']);
  });

  it('\\df runs and lists no user functions', async () => {
    expect(await rows(psql15.df)).toEqual([]);
  });

  it('\\d NAME finds the table, its flags and its columns', async () => {
    const oid = await oidOf('metrics');
    const found = await rows(psql15.describeLookup.replace('__NAME__', 'metrics'));
    expect(found).toEqual([[Number(oid), 'public', 'metrics']]);
    const flags = await rows(psql15.describeTable.replaceAll('__OID__', oid));
    expect(flags).toHaveLength(1);
    expect(flags[0]![1]).toBe('r');
    const cols = await rows(psql15.describeColumns.replaceAll('__OID__', oid));
    expect(cols.map((c) => c.slice(0, 4))).toEqual([
      ['id', 'integer', null, true],
      ['host', 'text', "'local'", true],
      ['note', 'character varying(20)', null, false],
      ['v', 'numeric(10,2)', null, false],
    ]);
  });

  it('\\d NAME footers (indexes, policies, statistics, publications, inheritance) run empty', async () => {
    const oid = await oidOf('metrics');
    for (const q of [
      psql15.describeIndexes,
      psql15.describePolicies,
      psql15.describeStatistics,
      psql15.describePublications,
      psql15.describeInherits,
      psql15.describePartitions,
    ]) {
      expect(await rows(q.replaceAll('__OID__', oid))).toEqual([]);
    }
  });

  it('\\d on a view describes its columns with their types', async () => {
    const oid = await oidOf('recent');
    const cols = await rows(psql15.describeColumns.replaceAll('__OID__', oid));
    expect(cols.map((c) => c.slice(0, 2))).toEqual([
      ['id', 'integer'],
      ['host', 'text'],
    ]);
  });
});

describe('queries other tools send', () => {
  it("Grafana's table list from information_schema", async () => {
    const r = await rows(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema NOT IN ('information_schema', 'pg_catalog', '_timescaledb_catalog')
       ORDER BY table_name`,
    );
    expect(r).toEqual([['metrics'], ['orders'], ['recent']]);
  });

  it("Grafana's column list with data types", async () => {
    const r = await rows(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'metrics' ORDER BY ordinal_position`,
    );
    expect(r).toEqual([
      ['id', 'integer'],
      ['host', 'text'],
      ['note', 'character varying'],
      ['v', 'numeric'],
    ]);
  });

  it('reads the server version number as drivers do', async () => {
    expect(await rows(`SELECT current_setting('server_version_num')::int >= 150000`)).toEqual([[true]]);
  });
});
