import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * One input row of an import: positional values (CSV, Parquet) or an object by column name
 * (NDJSON). `line` is the 1-based line (CSV, NDJSON) or row (Parquet) it came from, for errors.
 */
export interface SourceRow {
  readonly line: number;
  readonly values: readonly unknown[] | Readonly<Record<string, unknown>>;
}

/** How far a source has read: bytes of the file (text formats) or rows (Parquet). */
export interface SourceProgress {
  done: number;
  readonly total: number;
  readonly unit: 'bytes' | 'rows';
}

/** Declared column types of a self-describing file (Parquet), as SQL type names. */
export type DeclaredColumn = { readonly name: string; readonly type: string };

/** A file being imported, read in batches of rows so huge files never sit in memory whole. */
export interface RowSource {
  /** What "line" means in errors: 'line' for text formats, 'row' for Parquet. */
  readonly lineWord: 'line' | 'row';
  readonly progress: SourceProgress;
  /** Column names the file gives (CSV header, Parquet schema); undefined when it has none. */
  names(): Promise<readonly string[] | undefined>;
  /** Column types the file declares (Parquet); undefined when they must be inferred. */
  declared(): Promise<readonly DeclaredColumn[] | undefined>;
  batches(): AsyncIterable<readonly SourceRow[]>;
}

/**
 * A row of the input that cannot be imported, or a file that cannot be read. Carries the line so
 * the CLI can say where; `code` is the SQLSTATE of the underlying DatabaseError, when there is one.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  /** `line` prefixes the message as "line N: …" (or "row N: …" with lineWord 'row'). */
  constructor(
    message: string,
    readonly line?: number,
    readonly code?: string,
    lineWord: 'line' | 'row' = 'line',
  ) {
    super(line === undefined ? message : `${lineWord} ${line}: ${message}`);
  }
}

/** The text of a file in decoded chunks, counting bytes into `progress` as they are read. */
export async function* textChunks(path: string, progress: SourceProgress): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const buf of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    progress.done += buf.length;
    let text = decoder.write(buf);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
    first = false;
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Progress counter for a text file of `path`. */
export function byteProgress(path: string): SourceProgress {
  return { done: 0, total: statSync(path).size, unit: 'bytes' };
}
