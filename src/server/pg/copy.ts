import { readFileSync, writeFileSync } from 'node:fs';
import { DatabaseError, SqlState, toDatabaseError } from '../../errors.js';
import type { Session, StatementResult } from '../../engine/session.js';
import { parseSql } from '../../sql/parser.js';
import { isTable } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import { parseValue, formatValue } from '../../types/text-io.js';
import type { Value } from '../../types/values.js';
import { copyOptions, formatCopyRow, parseCopy, type CopyOptions } from './copy-format.js';
import { textContext } from './format.js';
import { existingColumn } from '../../engine/column-index.js';

type Node = any;

/** A COPY ... FROM waiting for its data: the table, the columns filled, and the format. */
export interface CopyIn {
  readonly table: Table;
  readonly columns: readonly number[];
  readonly options: CopyOptions;
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

function resolveTable(session: Session, rv: Node): Table {
  const rel = session.engine.catalog.findRelation(
    rv.relname,
    rv.schemaname,
    session.searchPath,
    session.lockOwner,
  );
  if (!rel) throw new DatabaseError(SqlState.undefinedTable, `relation "${rv.relname}" does not exist`);
  if (!isTable(rel)) throw new DatabaseError(SqlState.wrongObjectType, `cannot copy to view "${rv.relname}"`);
  return rel;
}

function columnIndexes(t: Table, attlist: Node[] | undefined): number[] {
  if (!attlist?.length) return t.columns.map((_c, i) => i);
  return attlist.map((a) => existingColumn(t, a.String.sval as string));
}

/** Resolves COPY t [(cols)] FROM ...: what the data will be written to. */
export function copyInTarget(session: Session, s: Node): CopyIn {
  if (session.transactionStatus === 'E')
    throw new DatabaseError(
      SqlState.inFailedSqlTransaction,
      'current transaction is aborted, commands ignored until end of transaction block',
    );
  const table = resolveTable(session, s.relation);
  return { table, columns: columnIndexes(table, s.attlist), options: copyOptions(s.options) };
}

/**
 * Parses COPY input and appends it in one batch: atomic, so a bad row fails the whole COPY with
 * its line number in CONTEXT, as PostgreSQL reports it.
 */
export function copyIn(session: Session, target: CopyIn, text: string): StatementResult {
  const { table, columns, options } = target;
  const ctx = textContext(session.settings);
  const data: Value[][] = columns.map(() => []);
  const names = columns.map((i) => table.columns[i]!.name);
  for (const rec of parseCopy(text, options)) {
    const where = (): string => `COPY ${table.name}, line ${rec.line}`;
    if (rec.fields.length < columns.length)
      throw withWhere(
        new DatabaseError(
          SqlState.badCopyFileFormat,
          `missing data for column "${names[rec.fields.length]!}"`,
        ),
        where(),
      );
    if (rec.fields.length > columns.length)
      throw withWhere(
        new DatabaseError(SqlState.badCopyFileFormat, 'extra data after last expected column'),
        where(),
      );
    rec.fields.forEach((f, j) => {
      const col = table.columns[columns[j]!]!;
      try {
        data[j]!.push(f === null ? null : parseValue(f, col.type, ctx));
      } catch (e) {
        throw withWhere(toDatabaseError(e), `${where()}, column ${col.name}: "${f}"`);
      }
    });
  }
  const batch: Record<string, Value[]> = Object.fromEntries(names.map((n, j) => [n, data[j]!]));
  const count = data[0]?.length ?? 0;
  // Columns not listed take their DEFAULT, as in INSERT.
  table.columns.forEach((c, i) => {
    if (!columns.includes(i) && c.defaultSql !== undefined)
      batch[c.name] = session.columnDefaults(table, i, count);
  });
  if (count > 0) session.append(`${table.schema}.${table.name}`, batch);
  return { command: 'COPY', columns: [], rows: [], rowCount: count };
}

function withWhere(e: DatabaseError, where: string): DatabaseError {
  e.where = where;
  return e;
}

/** The rows of COPY t TO / COPY (query) TO, each a line of text in the COPY format. */
export async function copyOutLines(
  session: Session,
  s: Node,
): Promise<{ lines: string[]; columns: number; rows: number }> {
  const options = copyOptions(s.options);
  let query: Node;
  if (s.query) {
    if (!s.query.SelectStmt)
      throw new DatabaseError(SqlState.featureNotSupported, 'COPY (query) TO supports only SELECT queries');
    query = s.query;
  } else {
    const t = resolveTable(session, s.relation);
    const cols = columnIndexes(t, s.attlist).map((i) => quoteIdent(t.columns[i]!.name));
    query = parseSql(`SELECT ${cols.join(', ')} FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}`)[0]!.stmt;
  }
  const r = await session.executeBound(query, [], []);
  const ctx = textContext(session.settings);
  const lines: string[] = [];
  if (options.header)
    lines.push(
      formatCopyRow(
        r.columns.map((c) => c.name),
        { ...options, format: options.format },
      ),
    );
  for (const row of r.rows)
    lines.push(
      formatCopyRow(
        row.map((v, j) => (v === null ? null : formatValue(v, r.columns[j]!.type, ctx))),
        options,
      ),
    );
  return { lines, columns: r.columns.length, rows: r.rows.length };
}

/** COPY FROM 'file': the file's text. */
export function readServerFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(e, `could not open file "${path}" for reading`);
  }
}

/** COPY TO 'file'. */
export function writeServerFile(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o644 });
  } catch (e) {
    throw fileError(e, `could not open file "${path}" for writing`);
  }
}

function fileError(e: unknown, message: string): DatabaseError {
  const err = e as NodeJS.ErrnoException;
  const reason: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
  };
  return new DatabaseError(
    err.code === 'ENOENT' ? SqlState.undefinedFile : SqlState.ioError,
    `${message}: ${reason[err.code ?? ''] ?? err.message}`,
  );
}
