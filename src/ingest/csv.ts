import {
  byteProgress,
  ImportError,
  textChunks,
  type DeclaredColumn,
  type RowSource,
  type SourceRow,
} from './source.js';

/** One CSV record: its fields and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: (string | null)[];
}

/**
 * A streaming CSV parser (RFC 4180, read as PostgreSQL's COPY … CSV reads it). Feed it text in
 * chunks of any size; records may span chunks.
 *
 * - Fields are separated by the delimiter; records end at LF, CRLF or CR.
 * - A quote starts quoted text anywhere in a field; inside it, delimiters and line breaks are data
 *   and a doubled quote is one quote.
 * - NULL rule (COPY CSV's): an empty field without quotes is NULL; a quoted empty field ("") is the
 *   empty string. Whitespace is kept.
 * - Blank lines are skipped.
 *
 * @example
 * const p = new CsvParser(',');
 * const out: CsvRecord[] = [];
 * p.push('a,"b\n""c"""\n,""\n', out);
 * p.end(out); // [{ line: 1, fields: ['a', 'b\n"c"'] }, { line: 3, fields: [null, ''] }]
 */
export class CsvParser {
  private fields: (string | null)[] = [];
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** The previous character closed a quoted run: a quote now is a doubled (literal) quote. */
  private closedQuote = false;
  private afterCR = false;
  private line = 1;
  private recordLine = 1;

  constructor(
    private readonly delimiter = ',',
    private readonly quote = '"',
  ) {
    if (delimiter.length !== 1)
      throw new ImportError('the CSV delimiter must be a single one-byte character');
    if (delimiter === quote || delimiter === '\n' || delimiter === '\r')
      throw new ImportError('the CSV delimiter cannot be a quote or line break');
  }

  push(chunk: string, out: CsvRecord[]): void {
    const d = this.delimiter;
    const q = this.quote;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.afterCR) {
        this.afterCR = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (c === q) {
          this.inQuotes = false;
          this.closedQuote = true;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (c === q) {
        if (this.closedQuote) this.field += q;
        this.inQuotes = true;
        this.quoted = true;
        this.closedQuote = false;
        continue;
      }
      this.closedQuote = false;
      if (c === d) {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        this.afterCR = c === '\r';
      } else {
        this.field += c;
      }
    }
  }

  /** Ends the input: emits a last record without a line break; fails on an open quote. */
  end(out: CsvRecord[]): void {
    if (this.inQuotes) throw new ImportError('unterminated CSV quoted field', this.recordLine);
    if (this.fields.length > 0 || this.field !== '' || this.quoted) this.endRecord(out);
  }

  private endField(): void {
    this.fields.push(this.quoted || this.field !== '' ? this.field : null);
    this.field = '';
    this.quoted = false;
    this.closedQuote = false;
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.quoted;
    this.endField();
    if (!blank) out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
  }
}

/** Options of csvSource(). */
export interface CsvSourceOptions {
  readonly delimiter?: string;
  /** The first record names the columns (default true). */
  readonly header?: boolean;
}

/** Reads a CSV file as a RowSource, streaming it in chunks. */
export function csvSource(path: string, options: CsvSourceOptions = {}): RowSource {
  const progress = byteProgress(path);
  const parser = new CsvParser(options.delimiter ?? ',');
  const header = options.header ?? true;
  const chunks = textChunks(path, progress);
  let pending: CsvRecord[] = [];
  let done = false;
  let headerNames: string[] | undefined;
  let headerRead = !header;

  const next = async (): Promise<CsvRecord[] | undefined> => {
    if (pending.length > 0) {
      const r = pending;
      pending = [];
      return r;
    }
    while (!done) {
      const out: CsvRecord[] = [];
      const c = await chunks.next();
      if (c.done) {
        done = true;
        parser.end(out);
      } else parser.push(c.value, out);
      if (out.length > 0) return out;
    }
    return undefined;
  };
  const readHeader = async (): Promise<void> => {
    if (headerRead) return;
    headerRead = true;
    const first = await next();
    if (!first) return;
    const [h, ...rest] = first;
    headerNames = h!.fields.map((f, i) => f ?? `column${i + 1}`);
    pending = rest;
  };

  return {
    lineWord: 'line',
    progress,
    async names() {
      await readHeader();
      return headerNames;
    },
    declared: () => Promise.resolve<readonly DeclaredColumn[] | undefined>(undefined),
    async *batches() {
      await readHeader();
      for (let recs = await next(); recs; recs = await next())
        yield recs.map((r): SourceRow => ({ line: r.line, values: r.fields }));
    },
  };
}
