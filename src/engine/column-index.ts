import { DatabaseError, SqlState } from '../errors.js';
import type { Table } from '../storage/table.js';

/**
 * The index of column `name` of `t`, for statements that list target columns (INSERT, COPY,
 * UPDATE SET, ALTER COLUMN); 42703 when the table has no such column.
 *
 * @example
 * existingColumn(t, 'id'); // 0
 */
export function existingColumn(t: Table, name: string): number {
  const i = t.columnIndex(name);
  if (i < 0)
    throw new DatabaseError(
      SqlState.undefinedColumn,
      `column "${name}" of relation "${t.name}" does not exist`,
    );
  return i;
}
