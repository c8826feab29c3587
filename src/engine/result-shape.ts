import type { Value } from '../types/values.js';
import { resultColumns, type ColumnVector } from './columnar-result.js';
import type { ResultColumn, StatementResult } from './session.js';

/**
 * How query() returns rows.
 *
 * @example
 * await db.query('SELECT 1 AS x', [], { rowMode: 'array' }); // rows: [[1]]
 */
export interface QueryOptions {
  /**
   * 'object' (default): rows as `{column: value}`; 'array': rows as value arrays; 'columns': no
   * rows, one ColumnVector per column (typed arrays in Apache Arrow's layout).
   */
  readonly rowMode?: 'object' | 'array' | 'columns';
}

/**
 * What query() returns in the 'object' and 'array' row modes.
 *
 * @example
 * const { command, rows, rowCount } = await db.query('SELECT id FROM t'); // 'SELECT', [{ id: 1 }], 1
 */
export interface QueryResult<R = Record<string, Value>> {
  /** Command tag, e.g. 'SELECT', 'INSERT'. */
  readonly command: string;
  readonly columns: ResultColumn[];
  readonly rows: R[];
  /** Rows returned (queries) or affected (INSERT, UPDATE, DELETE). */
  readonly rowCount: number;
}

/**
 * A result column by column (rowMode 'columns').
 *
 * @example
 * const { columns, rowCount } = await db.query('SELECT id, v FROM t', [], { rowMode: 'columns' });
 * columns[0].values; // Int32Array
 */
export interface ColumnarResult {
  readonly command: string;
  readonly columns: ColumnVector[];
  readonly rowCount: number;
}

const EMPTY: StatementResult = { command: '', columns: [], rows: [], rowCount: 0 };

/** Turns a statement result into what query() returns for the row mode asked for. */
export function shapeResult(
  r: StatementResult | undefined,
  rowMode: QueryOptions['rowMode'] = 'object',
): QueryResult<Record<string, Value>> | QueryResult<Value[]> | ColumnarResult {
  const res = r ?? EMPTY;
  if (rowMode === 'array') return res;
  if (rowMode === 'columns')
    return { command: res.command, columns: resultColumns(res.columns, res.rows), rowCount: res.rowCount };
  const names = res.columns.map((c) => c.name);
  const rows = res.rows.map((row) => {
    const o: Record<string, Value> = {};
    // As in PostgreSQL drivers, a repeated column name keeps the last value.
    for (let i = 0; i < names.length; i++) o[names[i]!] = row[i] ?? null;
    return o;
  });
  return { ...res, rows };
}
