import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DatabaseError, open, type QueryResult } from '../index.js';
import { parseSql } from '../sql/parser.js';
import type { Value } from '../types/values.js';

const USAGE = `Usage: liveviewdb sql [options]

A SQL shell on an embedded in-memory LiveViewDB: interactive without options.

  -c, --command SQL  run SQL (one or more statements) and exit
  -f, --file FILE    run the SQL script FILE, printing each statement's result; stops at the
                     first error with exit code 1
  -h, --help         show this help`;

/** Text of a value for the shell (close to psql's output). */
function show(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) return `{${v.map(show).join(',')}}`;
  if (v instanceof Uint8Array) return '\\x' + Buffer.from(v).toString('hex');
  return String(v);
}

function printResult(r: QueryResult<Value[]>): void {
  if (r.columns.length === 0) {
    console.log(
      r.command +
        (r.command === 'INSERT'
          ? ` 0 ${r.rowCount}`
          : ['UPDATE', 'DELETE'].includes(r.command)
            ? ` ${r.rowCount}`
            : ''),
    );
    return;
  }
  const cells = r.rows.map((row) => row.map(show));
  const widths = r.columns.map((c, i) => Math.max(c.name.length, ...cells.map((row) => row[i]!.length)));
  console.log(' ' + r.columns.map((c, i) => c.name.padEnd(widths[i]!)).join(' | '));
  console.log(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const row of cells) console.log(' ' + row.map((v, i) => v.padEnd(widths[i]!)).join(' | '));
  console.log(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})\n`);
}

/** Prints a DatabaseError as psql does; returns false. Other errors are rethrown. */
function printError(e: unknown): false {
  if (!(e instanceof DatabaseError)) throw e;
  console.error(
    `ERROR:  ${e.message}${e.detail ? `\nDETAIL:  ${e.detail}` : ''}${e.hint ? `\nHINT:  ${e.hint}` : ''}`,
  );
  return false;
}

/**
 * `liveviewdb sql [-c SQL | -f FILE]`: a SQL shell on an embedded in-memory database.
 * @example
 * await sqlShell(['-c', 'SELECT 1']);
 */
export async function sqlShell(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      command: { type: 'string', short: 'c' },
      file: { type: 'string', short: 'f' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const db = await open();
  const run = async (sql: string): Promise<boolean> => {
    try {
      printResult(await db.query(sql, [], { rowMode: 'array' }));
      return true;
    } catch (e) {
      return printError(e);
    }
  };
  if (values.file !== undefined) {
    let ok = true;
    try {
      for (const stmt of parseSql(readFileSync(values.file, 'utf8'))) if (!(ok = await run(stmt.sql))) break;
    } catch (e) {
      ok = printError(e);
    }
    if (!ok) process.exitCode = 1;
    if (values.command === undefined) return;
  }
  if (values.command !== undefined) {
    if (!(await run(values.command))) process.exitCode = 1;
    return;
  }
  console.log('LiveViewDB 0.1.0 (embedded, in memory). End statements with ";". \\q quits.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'liveview=> ' });
  let buf = '';
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '\\q') break;
    buf += line + '\n';
    if (line.trim().endsWith(';')) {
      await run(buf);
      buf = '';
    }
    rl.setPrompt(buf ? 'liveview-> ' : 'liveview=> ');
    rl.prompt();
  }
  rl.close();
  await db.close();
}
