import { DatabaseError, SqlState } from '../errors.js';
import type { Database } from '../index.js';
import type { Session } from '../engine/session.js';
import { isTable } from '../storage/catalog.js';
import type { ColumnDef } from '../storage/table.js';
import type { Value } from '../types/values.js';
import { toValue } from './convert.js';
import { inferColumnType } from './infer.js';
import { ImportError, type RowSource, type SourceProgress, type SourceRow } from './source.js';

/** Options of importRows(). */
export interface ImportOptions {
  /** Target table, optionally schema-qualified. */
  readonly table: string;
  /** Create the table, with column types from the file (Parquet) or inferred from a sample. */
  readonly create?: boolean;
  /** Bad rows to skip before the import fails (default 0: the first bad row fails it). */
  readonly skipErrors?: number;
  /** Rows per append (default 65,536). */
  readonly batchRows?: number;
  /** Rows --create infers types from (default 1,000). */
  readonly sampleRows?: number;
  /** Called after each batch read from the source. */
  readonly onProgress?: (progress: SourceProgress, rows: number) => void;
  /** Called for each skipped row (with skipErrors). */
  readonly onSkip?: (error: ImportError) => void;
}

/** What an import did. */
export interface ImportReport {
  readonly rows: number;
  readonly skipped: number;
  /** The table's columns; with `create`, the inferred ones. */
  readonly columns: readonly { name: string; type: string }[];
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const qualified = (t: string): string[] => {
  const dot = t.indexOf('.');
  return dot < 0 ? [t] : [t.slice(0, dot), t.slice(dot + 1)];
};

/**
 * Imports every row of `source` into a table in ONE transaction: rows are converted with the
 * column types, appended in batches, and committed at the end, so a failure (a bad row past
 * `skipErrors`, a missing column, an unreadable file) leaves the database unchanged — including the
 * table `create` made.
 * @example
 * const report = await importRows(db, csvSource('sales.csv'), { table: 'sales', create: true });
 * report.rows; // rows imported
 */
export async function importRows(
  db: Database,
  source: RowSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const session = db.session();
  await session.execute('BEGIN');
  try {
    const report = await runImport(session, source, options);
    await session.execute('COMMIT');
    return report;
  } catch (e) {
    await session.execute('ROLLBACK');
    throw e;
  }
}

async function runImport(session: Session, source: RowSource, options: ImportOptions): Promise<ImportReport> {
  const batches = source.batches()[Symbol.asyncIterator]();
  const buffered: (readonly SourceRow[])[] = [];
  const fileNames = await source.names();
  if (options.create) {
    const sample: SourceRow[] = [];
    const limit = options.sampleRows ?? 1000;
    while (sample.length < limit) {
      const b = await batches.next();
      if (b.done) break;
      buffered.push(b.value);
      sample.push(...b.value);
    }
    const defs = (await source.declared()) ?? inferColumns(sample.slice(0, limit), fileNames);
    if (defs.length === 0)
      throw new ImportError('cannot create a table without columns: the file has no rows');
    const cols = defs.map((d) => `${quoteIdent(d.name)} ${d.type}`).join(', ');
    await session.execute(`CREATE TABLE ${qualified(options.table).map(quoteIdent).join('.')} (${cols})`);
  }
  // Waits, as an INSERT does, while another transaction holds the table.
  const table = await session.lockingTable(
    () => findTable(session, options.table),
    (t) => t,
  );
  const target = mapColumns(table.columns, fileNames, table.name);
  const ctx = { timezone: session.settings.get('timezone') ?? 'UTC' };
  const batchRows = options.batchRows ?? 65_536;
  const skipErrors = options.skipErrors ?? 0;
  let rows = 0;
  let skipped = 0;
  let columns: Value[][] = table.columns.map(() => []);
  let pendingRows = 0;
  const flush = (): void => {
    if (pendingRows === 0) return;
    const batch: Record<string, Value[]> = {};
    table.columns.forEach((c, i) => (batch[c.name] = columns[i]!));
    session.append(options.table, batch);
    rows += pendingRows;
    pendingRows = 0;
    columns = table.columns.map(() => []);
  };
  const row: Value[] = new Array<Value>(table.columns.length);
  const take = (r: SourceRow): void => {
    try {
      convertRow(r, table.columns, target, ctx, row);
    } catch (e) {
      const err =
        e instanceof ImportError
          ? new ImportError(e.message, r.line, e.code, source.lineWord)
          : e instanceof DatabaseError
            ? new ImportError(e.message, r.line, e.code, source.lineWord)
            : e;
      if (!(err instanceof ImportError) || skipped >= skipErrors) throw err;
      skipped++;
      options.onSkip?.(err);
      return;
    }
    for (let i = 0; i < row.length; i++) columns[i]!.push(row[i]!);
    if (++pendingRows >= batchRows) flush();
  };
  const consume = (b: readonly SourceRow[]): void => {
    for (const r of b) take(r);
    options.onProgress?.(source.progress, rows + pendingRows);
  };
  for (const b of buffered) consume(b);
  for (let b = await batches.next(); !b.done; b = await batches.next()) consume(b.value);
  flush();
  return { rows, skipped, columns: table.columns.map((c) => ({ name: c.name, type: typeLabel(c) })) };
}

function typeLabel(c: ColumnDef): string {
  return c.type.id;
}

function findTable(session: Session, name: string) {
  const parts = qualified(name);
  const rel = session.engine.catalog.findRelation(
    parts[parts.length - 1]!,
    parts.length > 1 ? parts[0] : undefined,
    session.searchPath,
    session.lockOwner,
  );
  if (!rel) throw new ImportError(`relation "${name}" does not exist`, undefined, SqlState.undefinedTable);
  if (!isTable(rel)) throw new ImportError(`"${name}" is not a table`, undefined, SqlState.wrongObjectType);
  return rel;
}

/** Column names and types for --create: the file's names (or the sample's keys) and inferred types. */
function inferColumns(sample: readonly SourceRow[], names: readonly string[] | undefined) {
  const keys = new Map<string, unknown[]>();
  let width = names?.length ?? 0;
  for (const r of sample)
    if (Array.isArray(r.values)) width = Math.max(width, r.values.length);
    else for (const k of Object.keys(r.values)) if (!keys.has(k)) keys.set(k, []);
  const all: string[] = names ? [...names] : [...keys.keys()];
  for (let i = all.length; i < width; i++) all.push(`column${i + 1}`);
  return all.map((name, i) => {
    const values = sample.map((r) =>
      Array.isArray(r.values) ? r.values[i] : (r.values as Record<string, unknown>)[name],
    );
    return { name, type: inferColumnType(values) };
  });
}

/**
 * For positional rows, the table column index of each field: the header's names when the file has
 * them, else table column order. Undefined for object rows, which are matched by key.
 */
function mapColumns(cols: readonly ColumnDef[], names: readonly string[] | undefined, table: string) {
  if (!names) return cols.map((_c, i) => i);
  return names.map((n) => {
    const i = cols.findIndex((c) => c.name === n);
    if (i < 0)
      throw new ImportError(
        `column "${n}" of relation "${table}" does not exist`,
        undefined,
        SqlState.undefinedColumn,
      );
    return i;
  });
}

function convertRow(
  r: SourceRow,
  cols: readonly ColumnDef[],
  target: readonly number[],
  ctx: { timezone: string },
  out: Value[],
): void {
  out.fill(null);
  const set = (i: number, raw: unknown): void => {
    const c = cols[i]!;
    try {
      out[i] = toValue(raw, c.type, ctx);
    } catch (e) {
      if (e instanceof DatabaseError)
        throw new ImportError(`column "${c.name}": ${e.message}`, undefined, e.code);
      throw e;
    }
  };
  if (Array.isArray(r.values)) {
    const v = r.values as readonly unknown[];
    if (v.length > target.length) throw new ImportError('extra data after last expected column');
    if (v.length < target.length)
      throw new ImportError(`missing data for column "${cols[target[v.length]!]!.name}"`);
    for (let k = 0; k < v.length; k++) set(target[k]!, v[k]);
  } else {
    for (const [key, raw] of Object.entries(r.values)) {
      const i = cols.findIndex((c) => c.name === key);
      if (i < 0)
        throw new ImportError(
          `column "${key}" does not exist in the table`,
          undefined,
          SqlState.undefinedColumn,
        );
      set(i, raw);
    }
  }
  for (let i = 0; i < cols.length; i++)
    if (out[i] === null && cols[i]!.notNull)
      throw new ImportError(
        `null value in column "${cols[i]!.name}" violates not-null constraint`,
        undefined,
        SqlState.notNullViolation,
      );
}
