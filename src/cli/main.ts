#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { DatabaseError, open, type QueryResult } from '../index.js';
import type { Value } from '../types/values.js';

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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(
      'Usage: liveviewdb [-c SQL]\n\nAn interactive SQL shell on an embedded in-memory LiveViewDB.\n  -c SQL   run SQL and exit',
    );
    return;
  }
  const db = await open();
  const run = async (sql: string): Promise<void> => {
    try {
      printResult(await db.query(sql, [], { rowMode: 'array' }));
    } catch (e) {
      if (e instanceof DatabaseError)
        console.error(
          `ERROR:  ${e.message}${e.detail ? `\nDETAIL:  ${e.detail}` : ''}${e.hint ? `\nHINT:  ${e.hint}` : ''}`,
        );
      else throw e;
    }
  };
  const c = args.indexOf('-c');
  if (c >= 0) {
    await run(args[c + 1] ?? '');
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

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
