import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseError, open } from '../index.js';
import { csvSource } from '../ingest/csv.js';
import { importRows } from '../ingest/import.js';
import { ndjsonSource } from '../ingest/ndjson.js';
import { parquetSource } from '../ingest/parquet.js';
import { ImportError, type RowSource } from '../ingest/source.js';
import { ProgressReporter } from './progress.js';

export const IMPORT_USAGE = `Usage: liveviewdb import FILE --table TABLE [options]

Imports a CSV, NDJSON or Parquet file into a table in one transaction: a bad row fails the whole
import (nothing is imported) unless --skip-errors allows it.

  --table TABLE        target table, optionally schema-qualified (required)
  --create             create the table; column types come from the Parquet schema or are
                       inferred from the first 1000 rows (int8, float8, bool, timestamp, text)
  --format FORMAT      csv, ndjson or parquet (default: from the file extension; .json/.jsonl = ndjson)
  --delimiter CHAR     CSV field delimiter (default ,)
  --header             CSV: the first line names the columns (default)
  --no-header          CSV: no header line; fields fill the table's columns in order
  --skip-errors N      skip up to N bad rows, reporting each on stderr (default 0)
  --batch-rows N       rows per append (default 65536)
  --data-dir DIR       data directory (default ./liveviewdb-data)
  --quiet              no progress output

CSV follows RFC 4180 as PostgreSQL's COPY ... CSV reads it: an unquoted empty field is NULL, a
quoted empty field ("") is the empty string. Progress goes to stderr: a bar on a terminal, else a
log line every 5 seconds.`;

function formatOf(file: string, given: string | undefined): 'csv' | 'ndjson' | 'parquet' {
  const f =
    given ??
    { '.json': 'ndjson', '.jsonl': 'ndjson', '.ndjson': 'ndjson', '.parquet': 'parquet' }[
      extname(file).toLowerCase()
    ] ??
    'csv';
  if (f !== 'csv' && f !== 'ndjson' && f !== 'parquet')
    throw new ImportError(`invalid --format: ${f} (expected csv, ndjson or parquet)`);
  return f;
}

function count(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ImportError(`invalid ${name}: ${v}`);
  return n;
}

/**
 * `liveviewdb import FILE --table T`: imports a file into the embedded engine. Exit code 1 and an
 * `ERROR:` line on stderr when the import fails.
 * @example
 * await importCommand(['sales.csv', '--table', 'sales', '--create']);
 */
export async function importCommand(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      table: { type: 'string', short: 't' },
      create: { type: 'boolean', default: false },
      format: { type: 'string' },
      delimiter: { type: 'string', default: ',' },
      header: { type: 'boolean' },
      'no-header': { type: 'boolean' },
      'skip-errors': { type: 'string' },
      'batch-rows': { type: 'string' },
      'data-dir': { type: 'string', default: './liveviewdb-data' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(IMPORT_USAGE);
    return;
  }
  try {
    const file = positionals[0];
    if (positionals.length !== 1 || file === undefined) throw new ImportError('expected one FILE to import');
    if (!values.table) throw new ImportError('--table is required');
    const format = formatOf(file, values.format);
    const path = resolve(file);
    const source: RowSource =
      format === 'parquet'
        ? parquetSource(path)
        : format === 'ndjson'
          ? ndjsonSource(path)
          : csvSource(path, { delimiter: values.delimiter, header: !values['no-header'] });
    const db = await open({ path: resolve(values['data-dir']) });
    const progress = values.quiet ? undefined : new ProgressReporter();
    const started = Date.now();
    const report = await importRows(db, source, {
      table: values.table,
      create: values.create,
      skipErrors: count('--skip-errors', values['skip-errors'], 0),
      batchRows: Math.max(1, count('--batch-rows', values['batch-rows'], 65_536)),
      onProgress: progress && ((p, rows) => progress.update(p, rows)),
      onSkip: (e) => console.error(`skipped ${e.message}`),
    }).finally(() => progress?.done());
    const secs = (Date.now() - started) / 1000;
    if (values.create)
      console.log(
        `CREATE TABLE ${values.table} (${report.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`,
      );
    console.log(
      `IMPORT ${report.rows}${report.skipped ? ` (${report.skipped} skipped)` : ''} into ${values.table} in ${secs.toFixed(2)} s`,
    );
    await db.close();
  } catch (e) {
    if (!(e instanceof ImportError || e instanceof DatabaseError)) throw e;
    console.error(`ERROR:  ${e.message}`);
    process.exitCode = 1;
  }
}
