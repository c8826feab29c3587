import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findTool, runTool } from './tools.js';

/**
 * psycopg2 (Debian python3-psycopg2, run by /usr/bin/python3): test/clients/psycopg2_check.py
 * prints one JSON object: %s and %(name)s parameters, a named (server-side) cursor read in
 * chunks of `itersize`, and copy_expert COPY FROM STDIN / COPY TO STDOUT.
 */
const PYTHON = findTool('python3', ['/usr/bin/python3'], 'apt-get install python3');
const HAS_PSYCOPG2 = PYTHON !== undefined && (await runTool(PYTHON, ['-c', 'import psycopg2'])).code === 0;
if (PYTHON && !HAS_PSYCOPG2) {
  const message =
    'psycopg2 not importable by /usr/bin/python3: install it with `apt-get install python3-psycopg2`';
  if (process.env.LIVEVIEWDB_REQUIRE_CLIENTS === '1') throw new Error(message);
  console.warn(`skipping the psycopg2 tests: ${message}`);
}

interface PsycopgReport {
  params: [number, number, number, string, string, boolean][];
  named_params: [number, string, boolean];
  named_cursor: { count: number; first: number; last: number; sum: number };
  count_after_copy_in: number;
  copy_out: string;
}

let report: PsycopgReport;

describe.skipIf(!HAS_PSYCOPG2)('psycopg2', () => {
  beforeAll(async () => {
    const script = fileURLToPath(new URL('psycopg2_check.py', import.meta.url));
    const r = await runTool(PYTHON!, [script, String(inject('pgPort')), inject('pgPassword')]);
    if (r.code !== 0) throw new Error(`psycopg2_check.py failed (${r.code}): ${r.stderr}`);
    report = JSON.parse(r.stdout) as PsycopgReport;
  });

  it('binds %s parameters of int, bigint, float, text (with a quote), timestamp and boolean', () => {
    expect(report.params).toEqual([
      [2, 20000000000, 0.5, "it's 2", '2025-01-01T00:02:00', true],
      [4, 40000000000, 1.0, "it's 4", '2025-01-01T00:04:00', true],
    ]);
  });

  it('binds %(name)s parameters, NULL included', () => {
    expect(report.named_params).toEqual([42, 'x', true]);
  });

  it('reads a named cursor to its end in itersize chunks', () => {
    expect(report.named_cursor).toEqual({ count: 1000, first: 1, last: 1000, sum: 500500 });
  });

  it('copy_expert loads CSV from STDIN and writes CSV with a header to STDOUT', () => {
    expect(report.count_after_copy_in).toBe(7);
    expect(report.copy_out).toBe('i,s\n100,"from, copy"\n101,plain\n');
  });
});
