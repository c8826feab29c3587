import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findTool, runTool, type RunResult } from './tools.js';

/**
 * psqlODBC (Debian odbc-postgresql) through unixODBC's isql, configured by an odbcinst.ini and
 * odbc.ini written to a temporary directory. UseDeclareFetch=1 with Fetch=2 makes the driver
 * read every SELECT through DECLARE ... CURSOR WITH HOLD and FETCH 2 at a time; other
 * statements go through named Parse/Bind/Execute and DEALLOCATE.
 */
const ISQL = findTool('isql', ['/usr/bin/isql'], 'apt-get install unixodbc');
const DRIVER = findTool(
  'psqlODBC',
  readdirSync('/usr/lib')
    .map((d) => join('/usr/lib', d, 'odbc', 'psqlodbcw.so'))
    .filter(existsSync)
    .concat(['/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so']),
  'apt-get install odbc-postgresql',
);

let config = '';

async function isql(script: string, flags: readonly string[] = []): Promise<RunResult> {
  return runTool(ISQL!, ['-v', '-b', ...flags, 'liveview', 'admin', inject('pgPassword')], {
    input: script,
    env: { ODBCSYSINI: config, ODBCINI: join(config, 'odbc.ini') },
  });
}

/** Cells of isql's `-d|` output: one row per line, no headers. */
const cells = (r: RunResult): string[][] =>
  r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes('|'))
    .map((l) => l.split('|'));

describe.skipIf(!ISQL || !DRIVER)('psqlODBC via isql', () => {
  beforeAll(() => {
    config = mkdtempSync(join(tmpdir(), 'liveviewdb-odbc-'));
    writeFileSync(join(config, 'odbcinst.ini'), `[LiveViewDB PostgreSQL]\nDriver=${DRIVER}\n`);
    writeFileSync(
      join(config, 'odbc.ini'),
      [
        '[liveview]',
        'Driver=LiveViewDB PostgreSQL',
        'Servername=127.0.0.1',
        `Port=${inject('pgPort')}`,
        'Database=liveview',
        'UseDeclareFetch=1',
        'Fetch=2',
        '',
      ].join('\n'),
    );
  });

  it('creates, inserts and selects through cursors, one statement after another', async () => {
    const r = await isql(
      [
        'CREATE TABLE odbc_t (i int, s text, d double precision)',
        "INSERT INTO odbc_t VALUES (1, 'one', 1.5), (2, 'two', 2.5), (3, 'three', 3.5)",
        "INSERT INTO odbc_t VALUES (4, 'four', 4.5)",
        'SELECT i, s, d FROM odbc_t ORDER BY i',
        'SELECT count(*), sum(d) FROM odbc_t WHERE d > 2',
        '',
      ].join('\n'),
      ['-d|'],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cells(r)).toEqual([
      ['1', 'one', '1.5'],
      ['2', 'two', '2.5'],
      ['3', 'three', '3.5'],
      ['4', 'four', '4.5'],
      ['3', '10.5'],
    ]);
  });

  it('lists tables and columns through SQLTables and SQLColumns (isql help)', async () => {
    const r = await isql('help\nhelp odbc_t\n', ['-d|']);
    expect(r.code).toBe(0);
    const rows = cells(r);
    expect(rows.filter((c) => c.length < 10).map((c) => c.slice(1, 4))).toContainEqual([
      'public',
      'odbc_t',
      'TABLE',
    ]);
    expect(rows.filter((c) => c.length >= 10).map((c) => [c[3], c[5]])).toEqual([
      ['i', 'int4'],
      ['s', 'text'],
      ['d', 'float8'],
    ]);
  });

  it('reports a server error with its SQLSTATE and message', async () => {
    // isql exits 0 after a failed statement in batch mode; the error is on stdout and stderr.
    const r = await isql('SELECT 1/0\n');
    expect(r.stdout + r.stderr).toContain('[22012]ERROR: division by zero');
  });
});
