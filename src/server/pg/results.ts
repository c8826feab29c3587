import type { StatementResult } from '../../engine/session.js';
import type { TextIoContext } from '../../types/text-io.js';
import { formatCode } from './messages.js';
import { encodeValue } from './format.js';
import { commandComplete, commandTag, dataRow, rowDescription } from './writer.js';

/** Whether a statement's result has a row shape (RowDescription) at all. */
export function returnsRows(r: StatementResult): boolean {
  return r.columns.length > 0 || r.command === 'SELECT';
}

/** DataRow messages for rows [from, to) of a result, each cell in its requested format. */
export function dataRows(
  r: StatementResult,
  from: number,
  to: number,
  formats: readonly number[],
  ctx: TextIoContext,
  send: (b: Buffer) => void,
): void {
  const fmt = r.columns.map((_c, i) => formatCode(formats, i));
  for (let i = from; i < to; i++) {
    const row = r.rows[i]!;
    send(dataRow(r.columns.map((c, j) => encodeValue(row[j] ?? null, c.type, fmt[j]!, ctx))));
  }
}

/** The whole result of a simple-protocol statement: RowDescription, DataRows, CommandComplete. */
export function sendResult(r: StatementResult, ctx: TextIoContext, send: (b: Buffer) => void): void {
  if (returnsRows(r)) {
    send(rowDescription(r.columns, []));
    dataRows(r, 0, r.rows.length, [], ctx, send);
  }
  send(commandComplete(commandTag(r.command, r.rowCount)));
}
