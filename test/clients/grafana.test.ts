import { describe, expect, it } from 'vitest';
import { withClient } from './pg-client.js';

/**
 * The SQL Grafana's PostgreSQL data source sends: the version probe, the schema/table/column
 * pickers over information_schema, and panel queries with its macros expanded as Grafana expands
 * them ($__timeGroupAlias(time, '1m') is floor(extract(epoch from time)/60)*60 AS "time";
 * $__timeFilter(time) is time BETWEEN '<from>' AND '<to>' in RFC 3339).
 *
 * Gap: the pickers used without a schema add a search_path test that splits
 * current_setting('search_path') with `string_to_array(...) s` in FROM; a scalar function as a
 * FROM item fails with 42883 (only set-returning functions are table functions here), so those
 * forms are not run. The schema-qualified forms below are what Grafana sends once a schema is set.
 */
const client = withClient(`
  CREATE SCHEMA grafana;
  CREATE TABLE grafana.metrics (time timestamptz NOT NULL, host text, value double precision);
  INSERT INTO grafana.metrics VALUES
    ('2025-01-01 00:00:10+00', 'a', 1), ('2025-01-01 00:00:50+00', 'a', 3),
    ('2025-01-01 00:01:30+00', 'b', 5), ('2025-01-01 00:03:00+00', 'a', 7),
    ('2025-01-01 02:00:00+00', 'a', 100);
`);

const rows = async (sql: string, params: unknown[] = []): Promise<unknown[][]> =>
  (await client().query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];

/** Time buckets come back as numeric, as in PostgreSQL 14+ (extract gives numeric): pg hands out strings. */
const epochRows = async (sql: string, params: unknown[] = []): Promise<unknown[][]> =>
  (await rows(sql, params)).map(([t, ...rest]) => [Number(t), ...rest]);

describe('Grafana PostgreSQL data source', () => {
  it('reads the server version and finds no TimescaleDB', async () => {
    expect(await rows(`SELECT current_setting('server_version_num')::int/100 AS version`)).toEqual([[1500]]);
    expect(await rows(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`)).toEqual([]);
  });

  it('lists schemas, tables of a schema and their columns from information_schema', async () => {
    const schemas = await rows(
      `SELECT schema_name AS "name" FROM information_schema.schemata
       WHERE schema_name NOT IN ('information_schema', 'pg_catalog', 'pg_toast', '_timescaledb_cache',
         '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information',
         'timescaledb_experimental')
       ORDER BY schema_name`,
    );
    expect(schemas).toContainEqual(['grafana']);
    expect(
      await rows(
        `SELECT quote_ident(table_name) AS "table" FROM information_schema.tables
         WHERE quote_ident(table_schema) = 'grafana' ORDER BY 1`,
      ),
    ).toEqual([['metrics']]);
    expect(
      await rows(
        `SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns
         WHERE array_length(parse_ident('grafana.metrics'), 1) = 2
           AND quote_ident(table_schema) = (parse_ident('grafana.metrics'))[1]
           AND quote_ident(table_name) = (parse_ident('grafana.metrics'))[2]
         ORDER BY ordinal_position`,
      ),
    ).toEqual([
      ['"time"', 'timestamp with time zone'],
      ['host', 'text'],
      ['value', 'double precision'],
    ]);
  });

  it('groups a time series into minutes with floor(extract(epoch from time)/60)*60', async () => {
    expect(
      await epochRows(
        `SELECT floor(extract(epoch from time)/60)*60 AS "time", avg(value) AS "value"
         FROM grafana.metrics
         WHERE time BETWEEN '2025-01-01T00:00:00Z' AND '2025-01-01T01:00:00Z'
         GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      [1735689600, 2],
      [1735689660, 5],
      [1735689780, 7],
    ]);
  });

  it('groups per metric with the time range bound as parameters', async () => {
    expect(
      await epochRows(
        `SELECT floor(extract(epoch from time)/60)*60 AS "time", host AS metric, sum(value)
         FROM grafana.metrics WHERE time >= to_timestamp($1) AND time <= to_timestamp($2)
         GROUP BY 1, 2 ORDER BY 1, 2`,
        [1735689600, 1735693200],
      ),
    ).toEqual([
      [1735689600, 'a', 4],
      [1735689660, 'b', 5],
      [1735689780, 'a', 7],
    ]);
  });

  it('filters on epoch seconds ($__unixEpochFilter) and returns time as epoch ($__timeEpoch)', async () => {
    const got = await epochRows(
      `SELECT extract(epoch from time) AS "time", value FROM grafana.metrics
       WHERE extract(epoch from time) >= 1735689600 AND extract(epoch from time) <= 1735689660 ORDER BY 1`,
    );
    expect(got).toEqual([
      [1735689610, 1],
      [1735689650, 3],
    ]);
  });
});
