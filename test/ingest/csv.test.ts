import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord } from '../../src/ingest/csv.js';

function parse(text: string, chunkSize = text.length || 1, delimiter = ','): CsvRecord[] {
  const p = new CsvParser(delimiter);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) p.push(text.slice(i, i + chunkSize), out);
  p.end(out);
  return out;
}
const fields = (text: string, chunkSize?: number): (string | null)[][] =>
  parse(text, chunkSize).map((r) => r.fields);

describe('CsvParser', () => {
  it('splits plain fields and records', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and embedded newlines', () => {
    expect(fields('"a,b","say ""hi""","two\nlines"\n')).toEqual([['a,b', 'say "hi"', 'two\nlines']]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = '"x""y",plain,"multi\r\nline"\r\nlast,"",\n';
    const whole = fields(text);
    for (const size of [1, 2, 3, 5]) expect(fields(text, size)).toEqual(whole);
    expect(whole).toEqual([
      ['x"y', 'plain', 'multi\r\nline'],
      ['last', '', null],
    ]);
  });

  it('accepts CRLF, LF and CR line ends and a last line without one', () => {
    expect(fields('a\r\nb\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('reads an unquoted empty field as NULL and a quoted one as the empty string', () => {
    expect(fields(',"",x,\n')).toEqual([[null, '', 'x', null]]);
  });

  it('keeps whitespace and skips blank lines', () => {
    expect(fields(' a , b \n\n\r\nc\n')).toEqual([[' a ', ' b '], ['c']]);
  });

  it('numbers records by the line they start on', () => {
    expect(parse('h\n"a\nb"\nc\n').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('fails on an unterminated quote with the line it opened on', () => {
    expect(() => parse('ok\n"never closed\nmore\n')).toThrow('line 2: unterminated CSV quoted field');
  });

  it('takes another delimiter', () => {
    expect(parse('a;"b;c"\n', 100, ';').map((r) => r.fields)).toEqual([['a', 'b;c']]);
  });
});
