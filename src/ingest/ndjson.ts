import {
  byteProgress,
  ImportError,
  textChunks,
  type DeclaredColumn,
  type RowSource,
  type SourceRow,
} from './source.js';

function parseLine(text: string, line: number): SourceRow | undefined {
  if (text.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`invalid JSON: ${(e as Error).message}`, line);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ImportError('each line must be a JSON object', line);
  return { line, values: v as Record<string, unknown> };
}

/**
 * Reads newline-delimited JSON (one object per line, keys = column names; blank lines skipped) as
 * a RowSource, streaming it in chunks.
 * @example
 * for await (const rows of ndjsonSource('events.ndjson').batches()) console.log(rows.length);
 */
export function ndjsonSource(path: string): RowSource {
  const progress = byteProgress(path);
  return {
    lineWord: 'line',
    progress,
    names: () => Promise.resolve(undefined),
    declared: () => Promise.resolve<readonly DeclaredColumn[] | undefined>(undefined),
    async *batches() {
      let carry = '';
      let line = 1;
      for await (const chunk of textChunks(path, progress)) {
        const text = carry + chunk;
        const out: SourceRow[] = [];
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          const row = parseLine(text.slice(start, nl), line++);
          if (row) out.push(row);
          start = nl + 1;
        }
        carry = text.slice(start);
        if (out.length > 0) yield out;
      }
      const last = parseLine(carry, line);
      if (last) yield [last];
    },
  };
}
