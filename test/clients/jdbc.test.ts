import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findTool, runTool } from './tools.js';

/**
 * pgjdbc (Debian libpostgresql-jdbc-java): test/clients/jdbc/ClientCheck.java is compiled now
 * and prints one JSON object: DatabaseMetaData.getTables/getColumns, and two PreparedStatements
 * run 10 times each, past prepareThreshold=5 where pgjdbc switches to a named server statement
 * (and binary transfer of ints, floats, timestamps and booleans).
 */
const JAR = findTool('pgjdbc', ['/usr/share/java/postgresql.jar'], 'apt-get install libpostgresql-jdbc-java');
const JAVAC = findTool('javac', ['/usr/bin/javac'], 'apt-get install openjdk-17-jdk-headless');
const JAVA = findTool('java', ['/usr/bin/java'], 'apt-get install openjdk-17-jre-headless');

interface JdbcReport {
  product: string;
  tables: string[];
  columns: { name: string; type: string; sqlType: number; nullable: string; position: number }[];
  inserted: { rows: number; serverPrepared: boolean };
  selected: [number, number, number, string, string, boolean][][];
}

let report: JdbcReport;

describe.skipIf(!JAR || !JAVAC || !JAVA)('pgjdbc', () => {
  beforeAll(async () => {
    const classes = mkdtempSync(join(tmpdir(), 'liveviewdb-jdbc-'));
    const compiled = await runTool(JAVAC!, [
      '-d',
      classes,
      '-cp',
      JAR!,
      fileURLToPath(new URL('jdbc/ClientCheck.java', import.meta.url)),
    ]);
    if (compiled.code !== 0) throw new Error(`javac failed: ${compiled.stderr}`);
    const r = await runTool(JAVA!, [
      '-cp',
      `${JAR}:${classes}`,
      'ClientCheck',
      String(inject('pgPort')),
      inject('pgPassword'),
    ]);
    if (r.code !== 0) throw new Error(`ClientCheck failed (${r.code}): ${r.stderr}`);
    report = JSON.parse(r.stdout) as JdbcReport;
  });

  it('getTables finds the table', () => {
    expect(report.product).toBe('PostgreSQL');
    expect(report.tables).toEqual(['jdbc_t:TABLE']);
  });

  it('getColumns reports names, types, JDBC type codes, nullability and positions', () => {
    expect(report.columns).toEqual([
      { name: 'i', type: 'int4', sqlType: 4, nullable: 'NO', position: 1 },
      { name: 'b', type: 'int8', sqlType: -5, nullable: 'YES', position: 2 },
      { name: 'd', type: 'float8', sqlType: 8, nullable: 'YES', position: 3 },
      { name: 's', type: 'text', sqlType: 12, nullable: 'YES', position: 4 },
      { name: 'ts', type: 'timestamp', sqlType: 93, nullable: 'YES', position: 5 },
      { name: 'f', type: 'bool', sqlType: -7, nullable: 'YES', position: 6 },
    ]);
  });

  it('runs an INSERT 10 times, switching to a server-prepared statement', () => {
    expect(report.inserted).toEqual({ rows: 10, serverPrepared: true });
  });

  it('returns the right rows on every execution of a reused SELECT with six parameter types', () => {
    const even = (from: number): number[] => [2, 4, 6, 8, 10].filter((i) => i >= from);
    expect(report.selected.map((rows) => rows.map((r) => r[0]))).toEqual(
      Array.from({ length: 10 }, (_, k) => even(k + 1)),
    );
    // Row i was inserted with b = 1e10 * i, d = i + 0.5, ts = 2025-01-0(i % 9 + 1) 12:30.
    for (const rows of report.selected)
      for (const [i, b, d, s, ts, f] of rows) {
        expect([b, d, s, ts, f]).toEqual([
          1e10 * i,
          i + 0.5,
          `row ${i}`,
          `2025-01-0${(i % 9) + 1} 12:30:00.0`,
          true,
        ]);
      }
  });
});
