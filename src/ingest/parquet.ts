import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type SchemaElement,
} from 'hyparquet';
import type { DeclaredColumn, RowSource, SourceProgress, SourceRow } from './source.js';

/** The SQL type --create gives a Parquet column: int8, float8, bool, timestamp or text. */
function sqlTypeOf(e: SchemaElement): string {
  const logical = e.logical_type?.type;
  if (logical === 'TIMESTAMP' || logical === 'DATE') return 'timestamp';
  if (e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS') return 'timestamp';
  if (e.converted_type === 'DATE') return 'timestamp';
  if (logical === 'DECIMAL' || e.converted_type === 'DECIMAL') return 'float8';
  switch (e.type) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT32':
    case 'INT64':
      return 'int8';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float8';
    case 'INT96':
      return 'timestamp';
    default:
      return 'text';
  }
}

/**
 * Reads a Parquet file (via hyparquet) as a RowSource, one row group slice at a time. Nested
 * columns (lists, structs, maps) arrive as JSON-like values and import into json or text columns.
 * @example
 * const src = parquetSource('sales.parquet');
 * await src.declared(); // [{ name: 'id', type: 'int8' }, ...]
 */
export function parquetSource(path: string, sliceRows = 65_536): RowSource {
  const progress: { done: number; total: number; unit: 'rows' } = { done: 0, total: 0, unit: 'rows' };
  const opened = (async () => {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    progress.total = Number(metadata.num_rows);
    const columns = parquetSchema(metadata).children.map((c): DeclaredColumn => ({
      name: c.element.name,
      type: sqlTypeOf(c.element),
    }));
    return { file, metadata, columns };
  })();
  return {
    lineWord: 'row',
    progress: progress as SourceProgress,
    async names() {
      return (await opened).columns.map((c) => c.name);
    },
    async declared() {
      return (await opened).columns;
    },
    async *batches() {
      const { file, metadata, columns } = await opened;
      const names = columns.map((c) => c.name);
      const total = Number(metadata.num_rows);
      for (let start = 0; start < total; start += sliceRows) {
        const end = Math.min(total, start + sliceRows);
        const rows = (await parquetReadObjects({
          file,
          metadata,
          columns: names,
          rowStart: start,
          rowEnd: end,
          rowFormat: 'array',
        })) as unknown as unknown[][];
        progress.done = end;
        yield rows.map((values, i): SourceRow => ({ line: start + i + 1, values }));
      }
    },
  };
}
