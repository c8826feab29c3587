import { DatabaseError, SqlState } from '../../errors.js';

type Node = any;

/**
 * COPY's text and CSV formats as PostgreSQL reads and writes them: options, splitting input into
 * records of raw fields (null = SQL NULL), and formatting a row of text values.
 */
export interface CopyOptions {
  readonly format: 'text' | 'csv';
  readonly header: boolean;
  readonly delimiter: string;
  readonly null: string;
  readonly quote: string;
  readonly escape: string;
}

/** A record of input: its first line number and raw fields (null = SQL NULL). */
export interface CopyRecord {
  readonly line: number;
  readonly fields: (string | null)[];
}

const invalid = (message: string): DatabaseError => new DatabaseError(SqlState.syntaxError, message);

/** The WITH (...) options of a CopyStmt, with PostgreSQL's defaults per format. */
export function copyOptions(options: readonly Node[] | undefined): CopyOptions {
  const given = new Map<string, string | true>();
  for (const o of options ?? []) {
    const d = o.DefElem;
    const v = d.arg?.String?.sval ?? d.arg?.Boolean?.boolval ?? d.arg?.Integer?.ival;
    given.set(d.defname, v === undefined || v === true ? true : String(v));
  }
  const format = String(given.get('format') ?? 'text').toLowerCase();
  if (format === 'binary')
    throw new DatabaseError(SqlState.featureNotSupported, 'COPY format "binary" is not supported');
  if (format !== 'text' && format !== 'csv') throw invalid(`COPY format "${format}" not recognized`);
  const csv = format === 'csv';
  const str = (k: string, dflt: string): string => {
    const v = given.get(k);
    return v === undefined ? dflt : v === true ? '' : v;
  };
  const h = given.get('header');
  const header = h !== undefined && (h === true || ['true', 'on', '1'].includes(h.toLowerCase()));
  const delimiter = str('delimiter', csv ? ',' : '\t');
  if (delimiter.length !== 1) throw invalid('COPY delimiter must be a single one-byte character');
  const quote = str('quote', '"');
  return {
    format,
    header,
    delimiter,
    null: str('null', csv ? '' : '\\N'),
    quote,
    escape: str('escape', quote),
  };
}

/** Splits COPY input into records; the end-of-data marker `\.` stops it. */
export function parseCopy(text: string, o: CopyOptions): CopyRecord[] {
  return o.format === 'csv' ? parseCsv(text, o) : parseText(text, o);
}

const TEXT_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function parseText(text: string, o: CopyOptions): CopyRecord[] {
  const out: CopyRecord[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '\\.') break;
    if (n === 0 && o.header) continue;
    const fields: (string | null)[] = [];
    let raw = '';
    let value = '';
    for (let i = 0; i <= line.length; i++) {
      const c = line[i];
      if (c === undefined || c === o.delimiter) {
        fields.push(raw === o.null ? null : value);
        raw = value = '';
        continue;
      }
      if (c === '\\' && i + 1 < line.length) {
        const e = line[++i]!;
        raw += c + e;
        const oct = /^[0-7]{1,3}/.exec(line.slice(i));
        const hex = e === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 1)) : null;
        if (oct) {
          value += String.fromCharCode(parseInt(oct[0], 8));
          raw += oct[0].slice(1);
          i += oct[0].length - 1;
        } else if (hex) {
          value += String.fromCharCode(parseInt(hex[0], 16));
          raw += hex[0];
          i += hex[0].length;
        } else value += TEXT_ESCAPES[e] ?? e;
        continue;
      }
      raw += c;
      value += c;
    }
    out.push({ line: n + 1, fields });
  }
  return out;
}

function parseCsv(text: string, o: CopyOptions): CopyRecord[] {
  const out: CopyRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: (string | null)[] = [];
    let value = '';
    let quoted = false;
    let atEnd = false;
    if (text.startsWith('\\.', i) && (i + 2 === n || text[i + 2] === '\n' || text[i + 2] === '\r')) break;
    while (!atEnd) {
      const c = text[i];
      if (c === undefined || c === '\n' || c === '\r') {
        fields.push(!quoted && value === o.null ? null : value);
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        line++;
        atEnd = true;
      } else if (c === o.delimiter) {
        fields.push(!quoted && value === o.null ? null : value);
        value = '';
        quoted = false;
        i++;
      } else if (c === o.quote) {
        quoted = true;
        i++;
        for (;;) {
          const q = text[i];
          if (q === undefined)
            throw new DatabaseError(SqlState.badCopyFileFormat, 'unterminated CSV quoted field');
          const next = text[i + 1];
          if (q === o.escape && (next === o.quote || (o.escape !== o.quote && next === o.escape))) {
            value += next;
            i += 2;
          } else if (q === o.quote) {
            i++;
            break;
          } else {
            if (q === '\n') line++;
            value += q;
            i++;
          }
        }
      } else {
        value += c;
        i++;
      }
    }
    if (!(start === 1 && o.header)) out.push({ line: start, fields });
  }
  return out;
}

const TEXT_OUT: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

/** One output line (with its newline) for a row of text values. */
export function formatCopyRow(values: readonly (string | null)[], o: CopyOptions): string {
  const cells = values.map((v) => {
    if (v === null) return o.null;
    if (o.format === 'text')
      return v
        .replace(/[\\\n\r\t\b\f\v]/g, (c) => TEXT_OUT[c]!)
        .split(o.delimiter)
        .join(`\\${o.delimiter}`);
    const needsQuotes =
      v === o.null || v === '\\.' || v.includes(o.delimiter) || v.includes(o.quote) || /[\r\n]/.test(v);
    if (!needsQuotes) return v;
    let body = '';
    for (const c of v) body += c === o.quote || c === o.escape ? o.escape + c : c;
    return o.quote + body + o.quote;
  });
  return `${cells.join(o.delimiter)}\n`;
}
