#!/usr/bin/env node
import { importCommand } from './import.js';
import { serve } from './serve.js';
import { sqlShell } from './shell.js';

const USAGE = `Usage: liveviewdb <command> [options]

Commands:
  serve          run the server (PostgreSQL wire protocol on 127.0.0.1:6543)
  sql            SQL shell on an embedded database or a server --url (-c SQL, -f FILE)
  import FILE    import a CSV, NDJSON or Parquet file into a table

Run "liveviewdb <command> --help" for a command's options.`;

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'sql':
      return sqlShell(rest);
    case 'import':
      return importCommand(rest);
    case '-c':
      // Kept from before subcommands: `liveviewdb -c SQL` runs one statement.
      return sqlShell(process.argv.slice(2));
    default:
      console.log(USAGE);
      if (command !== undefined && command !== '--help' && command !== '-h') process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
