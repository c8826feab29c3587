import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DatabaseError } from '../index.js';
import { parseSql } from '../sql/parser.js';
import {
  ConnectionFailure,
  EmbeddedEndpoint,
  connectEndpoint,
  type ShellResult,
  type SqlEndpoint,
} from './sql-endpoints.js';

const USAGE = `Usage: liveviewdb sql [options]

A SQL shell: on an embedded in-memory LiveViewDB, or on a server with --url. Interactive without
-c or -f.

  -c, --command SQL  run SQL (one or more statements) and exit; exit code 1 if it fails
  -f, --file FILE    run the SQL script FILE, printing each statement's result; stops at the
                     first error with exit code 1
      --url URL      run on a server instead of an embedded database:
                       postgres://USER[:PASSWORD]@HOST:PORT/DB  (or postgresql://) over the
                         PostgreSQL protocol; PGPASSWORD is read too
                       http://HOST:PORT  (or https://) over the HTTP API (POST /api/v1/query);
                         each request is a session of its own
      --token TOKEN  bearer token for an http(s) URL (default: $LIVEVIEWDB_TOKEN)
  -h, --help         show this help

Errors print as psql prints them ("ERROR:  ..."); a server that cannot be reached exits with 2.`;

/** Where the shell writes and reads; the process's streams by default. */
export interface ShellIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly input: NodeJS.ReadableStream;
}

const processIo: ShellIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  input: process.stdin,
};

/** A result as psql's aligned format prints it: a table with a row count, or the command tag. */
function printResult(r: ShellResult, io: ShellIo): void {
  if (r.columns.length === 0) {
    io.out(r.tag);
    return;
  }
  const cells = r.rows.map((row) => row.map((v) => v ?? ''));
  const widths = r.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  io.out(' ' + r.columns.map((c, i) => c.padEnd(widths[i]!)).join(' | '));
  io.out(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const row of cells) io.out(' ' + row.map((v, i) => v.padEnd(widths[i]!)).join(' | '));
  io.out(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})\n`);
}

/** Prints a DatabaseError as psql does; returns false. Other errors are rethrown. */
function printError(e: unknown, io: ShellIo): false {
  if (!(e instanceof DatabaseError)) throw e;
  io.err(
    `ERROR:  ${e.message}${e.detail ? `\nDETAIL:  ${e.detail}` : ''}${e.hint ? `\nHINT:  ${e.hint}` : ''}`,
  );
  return false;
}

async function interactive(endpoint: SqlEndpoint, io: ShellIo, run: (sql: string) => Promise<boolean>) {
  io.out(endpoint.banner);
  // Prompts and line editing only on the terminal; piped or test input is read line by line.
  const tty = io.input === process.stdin;
  const rl = createInterface({
    input: io.input,
    ...(tty ? { output: process.stdout } : {}),
    prompt: 'liveview=> ',
  });
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
}

/**
 * `liveviewdb sql [-c SQL | -f FILE] [--url URL]`; returns the exit code (0 ok, 1 a statement
 * failed, 2 the server could not be reached).
 * @example
 * await runSqlShell(['--url', 'postgres://admin@127.0.0.1:6543/liveview', '-c', 'SELECT 1']);
 */
export async function runSqlShell(args: readonly string[], io: ShellIo = processIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      command: { type: 'string', short: 'c' },
      file: { type: 'string', short: 'f' },
      url: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  let endpoint: SqlEndpoint;
  try {
    endpoint =
      values.url === undefined
        ? await EmbeddedEndpoint.open()
        : await connectEndpoint(values.url, values.token ?? process.env.LIVEVIEWDB_TOKEN);
  } catch (e) {
    if (!(e instanceof ConnectionFailure)) throw e;
    io.err(`liveviewdb: error: ${e.message}`);
    return 2;
  }
  const run = async (sql: string): Promise<boolean> => {
    try {
      for (const r of await endpoint.run(sql)) printResult(r, io);
      return true;
    } catch (e) {
      return printError(e, io);
    }
  };
  try {
    let ok = true;
    if (values.file !== undefined) {
      try {
        for (const stmt of parseSql(readFileSync(values.file, 'utf8')))
          if (!(ok = await run(stmt.sql))) break;
      } catch (e) {
        ok = printError(e, io);
      }
      if (!ok || values.command === undefined) return ok ? 0 : 1;
    }
    if (values.command !== undefined) return (await run(values.command)) ? 0 : 1;
    await interactive(endpoint, io, run);
    return 0;
  } catch (e) {
    if (!(e instanceof ConnectionFailure)) throw e;
    io.err(`liveviewdb: error: ${e.message}`);
    return 2;
  } finally {
    await endpoint.close();
  }
}

/**
 * `liveviewdb sql`: runSqlShell on the process's streams, its code as the exit code.
 * @example
 * await sqlShell(['-c', 'SELECT 1']);
 */
export async function sqlShell(args: readonly string[]): Promise<void> {
  const code = await runSqlShell(args);
  if (code !== 0) process.exitCode = code;
}
