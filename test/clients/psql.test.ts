import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findTool, runTool } from './tools.js';

/** psql's backslash commands (their catalog queries) and \copy against the server. */
const PSQL = findTool('psql', ['/usr/bin/psql', '/usr/local/bin/psql'], 'apt-get install postgresql-client');

async function psql(script: string, flags: readonly string[] = []): Promise<string> {
  const r = await runTool(
    PSQL!,
    [
      '-X',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      String(inject('pgPort')),
      '-U',
      'admin',
      '-d',
      'liveview',
      ...flags,
    ],
    { input: script, env: { PGPASSWORD: inject('pgPassword'), PAGER: '' } },
  );
  if (r.code !== 0) throw new Error(`psql exited with ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Rows of an unaligned, tuples-only listing (`-A -t`), split on '|'. */
const listing = async (command: string): Promise<string[][]> =>
  (await psql(command, ['-A', '-t']))
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('|'));

describe.skipIf(!PSQL)('psql', () => {
  beforeAll(async () => {
    await psql(`
      CREATE SCHEMA psql_s;
      CREATE TABLE psql_t (id int NOT NULL, name text DEFAULT 'none', at timestamp, score double precision);
      CREATE VIEW psql_v AS SELECT id, name FROM psql_t;
    `);
  });

  it('\\dt lists the table with its schema, type and owner', async () => {
    expect(await listing('\\dt psql_*')).toEqual([['public', 'psql_t', 'table', 'admin']]);
  });

  it('\\d TABLE shows column types, NOT NULL and defaults', async () => {
    const out = await psql('\\d psql_t');
    expect(out).toContain('Table "public.psql_t"');
    const columns = out
      .split('\n')
      .filter((l) => /^ \w+ +\|/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(columns.map((c) => [c[0], c[1], c[3], c[4]])).toEqual([
      ['Column', 'Type', 'Nullable', 'Default'],
      ['id', 'integer', 'not null', ''],
      ['name', 'text', '', "'none'"],
      ['at', 'timestamp without time zone', '', ''],
      ['score', 'double precision', '', ''],
    ]);
  });

  it('\\dv lists the view', async () => {
    expect(await listing('\\dv psql_*')).toEqual([['public', 'psql_v', 'view', 'admin']]);
  });

  it('\\dm runs and finds no materialized views', async () => {
    // Gap: CREATE MATERIALIZED VIEW fails with 0A000, so there is never one to list.
    const r = await runTool(
      PSQL!,
      [
        '-X',
        '-h',
        '127.0.0.1',
        '-p',
        String(inject('pgPort')),
        '-U',
        'admin',
        '-d',
        'liveview',
        '-c',
        '\\dm',
      ],
      { env: { PGPASSWORD: inject('pgPassword') } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('Did not find any relations.');
  });

  it('\\l lists the liveview database', async () => {
    const rows = await listing('\\l');
    expect(rows.map((r) => r.slice(0, 3))).toEqual([['liveview', 'admin', 'UTF8']]);
  });

  it('\\dn lists public and the created schema', async () => {
    // Other test files share the server and make schemas of their own.
    expect(await listing('\\dn')).toContainEqual(['public', 'admin']);
    expect(await listing('\\dn psql_*')).toEqual([['psql_s', 'admin']]);
  });

  it('\\df upper describes the built-in function', async () => {
    expect(await listing('\\df upper')).toEqual([['pg_catalog', 'upper', 'text', 'text', 'func']]);
  });

  it('\\copy loads a CSV file and writes one back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liveviewdb-psql-copy-'));
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out.csv');
    writeFileSync(
      input,
      'id,name,at,score\n1,"a, quoted",2025-01-01 10:00:00,1.5\n2,,2025-01-02 11:30:00,\n',
    );
    const out = await psql(
      `\\copy psql_t FROM '${input}' WITH (FORMAT csv, HEADER)\n` +
        `\\copy (SELECT id, name, score FROM psql_t ORDER BY id) TO '${output}' WITH (FORMAT csv)\n` +
        `SELECT count(*), sum(score) FROM psql_t;\n`,
      ['-A', '-t'],
    );
    expect(out.trim().split('\n')).toEqual(['COPY 2', 'COPY 2', '2|1.5']);
    expect(readFileSync(output, 'utf8')).toBe('1,"a, quoted",1.5\n2,,\n');
  });
});
