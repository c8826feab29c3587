/**
 * The sqllogictest parser and runner, driven by a fake engine (the corpus itself runs only from
 * `npm run conformance`). Hashes are checked against records of the SQLite corpus whose values are
 * small enough to list here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { Decimal } from '../../src/types/decimal.js';
import {
  classifyRecords,
  compareResult,
  formatReal,
  formatValue,
  hashValues,
  isExcluded,
  parseTestFile,
  runFile,
  rowFormValues,
  runRecords,
  sortValues,
  type QueryRecord,
  type SqlLogicDatabase,
  type SqlLogicRecord,
} from './sqllogictest.js';

type Answer =
  | { readonly columns?: readonly string[]; readonly rows: readonly (readonly unknown[])[] }
  | { readonly throws: unknown }
  | 'hang';

/** An engine that answers from a table of canned results; unknown SQL succeeds with no rows. */
class FakeDatabase implements SqlLogicDatabase {
  readonly executed: string[] = [];
  closed = false;

  constructor(private readonly answers: Readonly<Record<string, Answer>>) {}

  async exec(sql: string): Promise<void> {
    this.executed.push(sql);
    await this.answer(sql);
  }

  async query(sql: string): Promise<{ columns: { name: string }[]; rows: (readonly unknown[])[] }> {
    this.executed.push(sql);
    const a = await this.answer(sql);
    if (a === undefined) return { columns: [], rows: [] };
    const width = a.columns?.length ?? a.rows[0]?.length ?? 0;
    const names = a.columns ?? Array.from({ length: width }, (_, i) => `c${i}`);
    return { columns: names.map((name) => ({ name })), rows: [...a.rows] };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private answer(sql: string): Promise<Exclude<Answer, 'hang' | { throws: unknown }> | undefined> {
    const a = this.answers[sql];
    if (a === 'hang') return new Promise(() => {});
    if (a !== undefined && 'throws' in a) return Promise.reject(a.throws);
    return Promise.resolve(a);
  }
}

function fakeEngine(answers: Readonly<Record<string, Answer>> = {}) {
  const opened: FakeDatabase[] = [];
  const factory = async (): Promise<FakeDatabase> => {
    const db = new FakeDatabase(answers);
    opened.push(db);
    return db;
  };
  return { factory, opened };
}

const undefinedTable = { throws: new DatabaseError('42P01', 'relation "nope" does not exist') };

function onlyQuery(records: SqlLogicRecord[]): QueryRecord {
  const q = records.find((r): r is QueryRecord => r.kind === 'query');
  if (!q) throw new Error('no query record');
  return q;
}

describe('parseTestFile', () => {
  it('reads statements, queries, expected lines, labels and 1-based line numbers', () => {
    const text = [
      'hash-threshold 8',
      '',
      '# a comment',
      'statement ok',
      'CREATE TABLE t1(a INTEGER,',
      '  b INTEGER)',
      '',
      'statement error',
      'SELECT * FROM nope',
      '',
      'query IT rowsort label-7',
      'SELECT a, b',
      '  FROM t1',
      '----',
      '1',
      'x',
      '',
    ].join('\n');
    const records = parseTestFile(text, 'f.test');
    expect(records.map((r) => [r.kind, r.line])).toEqual([
      ['hash-threshold', 1],
      ['statement', 4],
      ['statement', 8],
      ['query', 11],
    ]);
    expect(records[0]).toMatchObject({ threshold: 8 });
    expect(records[1]).toMatchObject({ expectError: false, sql: 'CREATE TABLE t1(a INTEGER,\n  b INTEGER)' });
    expect(records[2]).toMatchObject({ expectError: true, sql: 'SELECT * FROM nope' });
    expect(records[3]).toMatchObject({
      file: 'f.test',
      sql: 'SELECT a, b\n  FROM t1',
      types: 'IT',
      sortMode: 'rowsort',
      label: 'label-7',
      expected: ['1', 'x'],
    });
  });

  it('collects skipif and onlyif lines, ignoring trailing comments on them', () => {
    const text = [
      'skipif mysql # aggregate syntax:',
      'onlyif postgresql',
      'query I rowsort label-4',
      'SELECT 1',
      '----',
      '1',
    ].join('\n');
    const [record] = parseTestFile(text, 'f.test');
    expect(record).toMatchObject({
      kind: 'query',
      line: 1,
      conditions: { skipIf: ['mysql'], onlyIf: ['postgresql'] },
    });
  });

  it('reads CRLF files as the reference reads LF ones', () => {
    const lf = 'statement ok\nCREATE TABLE t(x INT)\n\nquery I nosort\nSELECT 1\n----\n1\n';
    expect(parseTestFile(lf.replace(/\n/g, '\r\n'), 'f.test')).toEqual(parseTestFile(lf, 'f.test'));
  });

  it('treats whitespace-only lines as record separators', () => {
    const records = parseTestFile('statement ok\nSELECT 1\n   \t\nstatement ok\nSELECT 2', 'f.test');
    expect(records.map((r) => r.kind === 'statement' && r.sql)).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('expects no rows from a query without ----, and defaults the sort mode to nosort', () => {
    const q = onlyQuery(parseTestFile('query I\nSELECT 1 WHERE false', 'f.test'));
    expect(q).toMatchObject({ sortMode: 'nosort', expected: [], label: undefined });
  });

  it('turns malformed records into invalid records without swallowing the next one', () => {
    const text = ['query I sideways', 'SELECT 1', '', 'frobnicate', '', 'onlyif mysql', '', 'halt'].join(
      '\n',
    );
    const records = parseTestFile(text, 'f.test');
    expect(records.map((r) => r.kind)).toEqual(['invalid', 'invalid', 'invalid', 'halt']);
    expect(records[0]).toMatchObject({ message: 'unknown sort mode "sideways"' });
    expect(records[1]).toMatchObject({ message: 'unknown record type "frobnicate"' });
    expect(records[2]).toMatchObject({ message: 'conditions without a record', line: 6 });
  });
});

describe('formatValue', () => {
  it('prints NULL and the empty string as the reference does', () => {
    expect(formatValue(null, 'I')).toBe('NULL');
    expect(formatValue(null, 'T')).toBe('NULL');
    expect(formatValue('', 'T')).toBe('(empty)');
  });

  it('prints integers in full and truncates fractions toward zero in an I column', () => {
    expect(formatValue(42, 'I')).toBe('42');
    expect(formatValue(-0, 'I')).toBe('0');
    expect(formatValue(9223372036854775807n, 'I')).toBe('9223372036854775807');
    expect(formatValue(2.9, 'I')).toBe('2');
    expect(formatValue(-2.9, 'I')).toBe('-2');
    expect(formatValue(-0.5, 'I')).toBe('0');
    expect(formatValue(1e21, 'I')).toBe('1000000000000000000000');
    expect(formatValue(Decimal.parse('-12.75'), 'I')).toBe('-12');
    expect(formatValue(Decimal.parse('-0.75'), 'I')).toBe('0');
    expect(formatValue(Decimal.parse('123456789012345678901.5'), 'I')).toBe('123456789012345678901');
    expect(formatValue('17', 'I')).toBe('17');
    expect(formatValue('abc', 'I')).toBe('abc');
  });

  it('prints booleans as 1 and 0', () => {
    expect(formatValue(true, 'I')).toBe('1');
    expect(formatValue(false, 'I')).toBe('0');
    expect(formatValue(true, 'T')).toBe('1');
    expect(formatValue(false, 'R')).toBe('0.000');
  });

  it('prints R columns with three decimals', () => {
    expect(formatValue(1.25, 'R')).toBe('1.250');
    expect(formatValue(5, 'R')).toBe('5.000');
    expect(formatValue(7n, 'R')).toBe('7.000');
    expect(formatValue(Decimal.parse('2.3456'), 'R')).toBe('2.346');
    expect(formatReal(-0.0001)).toBe('-0.000');
    expect(formatReal(0.0625)).toBe('0.063'); // half away from zero, as SQLite's printf
  });

  it('prints at most 16 significant digits of a large R value, as SQLite does', () => {
    expect(formatReal(-9223372036854775808)).toBe('-9223372036854776000.000'); // slt_lang_aggfunc.test
    expect(formatReal(123456789012345.67)).toBe('123456789012345.700');
    expect(formatReal(1e13)).toBe('10000000000000.000');
  });

  it('replaces each byte outside printable ASCII with @ in text', () => {
    expect(formatValue('a\tb\nc', 'T')).toBe('a@b@c');
    expect(formatValue('é', 'T')).toBe('@@');
    expect(formatValue('€', 'T')).toBe('@@@');
    expect(formatValue('1,0,2', 'T')).toBe('1,0,2');
  });
});

describe('sorting and hashing', () => {
  it('sorts rows as text, not as numbers', () => {
    // random/select/slt_good_0.test line 74: `query I rowsort` expecting -51, -68, -69.
    expect(sortValues([['-69'], ['-51'], ['-68']], 'rowsort')).toEqual(['-51', '-68', '-69']);
    expect(
      sortValues(
        [
          ['10', 'b'],
          ['9', 'a'],
          ['10', 'a'],
        ],
        'rowsort',
      ),
    ).toEqual(['10', 'a', '10', 'b', '9', 'a']);
  });

  it('sorts every value on its own for valuesort and keeps the order for nosort', () => {
    expect(
      sortValues(
        [
          ['3', '1'],
          ['2', 'NULL'],
        ],
        'valuesort',
      ),
    ).toEqual(['1', '2', '3', 'NULL']);
    expect(
      sortValues(
        [
          ['3', '1'],
          ['2', 'NULL'],
        ],
        'nosort',
      ),
    ).toEqual(['3', '1', '2', 'NULL']);
  });

  it('hashes values each followed by a newline, matching the corpus', () => {
    // random/select/slt_good_0.test: `SELECT * FROM tab2`, rows (7,31,27) (79,17,38) (78,59,26).
    const tab2 = sortValues(
      [
        ['7', '31', '27'],
        ['79', '17', '38'],
        ['78', '59', '26'],
      ],
      'rowsort',
    );
    expect(hashValues(tab2)).toBe('ad05b5942400d5e7a21b323b3da65a45');
    // Same file: `SELECT 67 AS col0 FROM tab2 AS cor0 CROSS JOIN tab2 AS cor1`.
    expect(hashValues(Array<string>(9).fill('67'))).toBe('b56f8a4f1fcebc9802481256df61e97c');
    // select1.test: `SELECT CASE a+1 WHEN b THEN 111 ... ELSE 555 END FROM t1 ORDER BY 1`.
    const counts: [string, number][] = [
      ['111', 4],
      ['222', 3],
      ['333', 9],
      ['444', 5],
      ['555', 9],
    ];
    const caseValues = counts.flatMap(([v, n]) => Array<string>(n).fill(v));
    expect(hashValues(caseValues)).toBe('f2bf77f8cfb62666ab72c866ed4d4f1a');
  });
});

describe('compareResult', () => {
  const query = (types: string, sortMode: QueryRecord['sortMode'], expected: string[]) => ({
    types,
    sortMode,
    expected,
  });

  it('compares a hashed expectation by value count and md5', () => {
    const rows = [
      ['7', '31', '27'],
      ['79', '17', '38'],
      ['78', '59', '26'],
    ];
    const record = query('III', 'rowsort', ['9 values hashing to ad05b5942400d5e7a21b323b3da65a45']);
    expect(compareResult(record, rows, 0)).toEqual({
      ok: true,
      hashed: true,
      actual: '9 values hashing to ad05b5942400d5e7a21b323b3da65a45',
    });
    expect(compareResult(record, rows.slice(0, 2), 0).ok).toBe(false);
  });

  it('hashes a result over the threshold even where the file lists values', () => {
    const rows = [['1'], ['2'], ['3']];
    expect(compareResult(query('I', 'nosort', ['1', '2', '3']), rows, 0).ok).toBe(true);
    expect(compareResult(query('I', 'nosort', ['1', '2', '3']), rows, 2)).toMatchObject({
      ok: false,
      hashed: true,
    });
    expect(compareResult(query('I', 'nosort', ['1', '2', '3']), rows, 3).ok).toBe(true);
  });

  it('accepts expected results written one row per line', () => {
    const rows = [
      ['1', 'a'],
      ['2', '(empty)'],
    ];
    expect(compareResult(query('IT', 'nosort', ['1\ta', '2\t(empty)']), rows, 0).ok).toBe(true);
    expect(compareResult(query('IT', 'nosort', ['1 a', '2 (empty)']), rows, 0).ok).toBe(true);
    expect(compareResult(query('IT', 'nosort', ['1', 'a', '2', '(empty)']), rows, 0).ok).toBe(true);
  });

  it('reads values holding spaces one per line when their count matches', () => {
    const rows = [['a b', 'c d']];
    expect(compareResult(query('TT', 'nosort', ['a b', 'c d']), rows, 0).ok).toBe(true);
    expect(compareResult(query('TT', 'nosort', ['a b\tc d']), rows, 0).ok).toBe(true);
  });

  it('never splits values of a one-column result', () => {
    expect(rowFormValues(['hello world'], 1)).toBeUndefined();
    expect(compareResult(query('T', 'nosort', ['hello world']), [['hello world']], 0).ok).toBe(true);
  });

  it('fails on a different order under nosort and passes it under rowsort', () => {
    const rows = [['2'], ['1']];
    expect(compareResult(query('I', 'nosort', ['1', '2']), rows, 0)).toEqual({
      ok: false,
      hashed: false,
      actual: '2\n1',
    });
    expect(compareResult(query('I', 'rowsort', ['1', '2']), rows, 0).ok).toBe(true);
  });
});

describe('conditions', () => {
  const cond = (skipIf: string[], onlyIf: string[]) => ({ skipIf, onlyIf });

  it('skips skipif postgresql and onlyif of any other engine', () => {
    expect(isExcluded(cond(['postgresql'], []))).toBe(true);
    expect(isExcluded(cond([], ['mysql']))).toBe(true);
    expect(isExcluded(cond(['mysql', 'mssql'], []))).toBe(false);
    expect(isExcluded(cond([], ['postgresql']))).toBe(false);
  });

  it('halts only where the halt record applies, and skips everything after it', () => {
    const text = [
      'onlyif mssql',
      'halt',
      '',
      'statement ok',
      'SELECT 1',
      '',
      'skipif sqlite',
      'halt',
      '',
      'statement ok',
      'SELECT 2',
    ].join('\n');
    expect(classifyRecords(parseTestFile(text, 'f.test'))).toEqual(['directive', 'run', 'directive', 'skip']);
  });
});

describe('runRecords', () => {
  const file = [
    'statement ok',
    'CREATE TABLE t(a INTEGER)',
    '',
    'skipif postgresql',
    'statement ok',
    'CREATE INDEX i ON t(a) NOT POSTGRES',
    '',
    'onlyif mysql',
    'query I nosort',
    'SELECT a DIV 2 FROM t',
    '----',
    '1',
    '',
    'onlyif postgresql',
    'query I rowsort',
    'SELECT a FROM t',
    '----',
    '1',
    '2',
    '',
    'statement error',
    'SELECT * FROM nope',
  ].join('\n');

  it('counts passes and skips, on a fresh database that is closed afterwards', async () => {
    const { factory, opened } = fakeEngine({
      'SELECT a FROM t': { rows: [[2], [1]] },
      'SELECT * FROM nope': undefinedTable,
    });
    const result = await runRecords(factory, parseTestFile(file, 'f.test'));
    expect(result).toEqual({ file: 'f.test', passed: 3, failed: 0, skipped: 2, failures: [] });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.closed).toBe(true);
    expect(opened[0]!.executed).toEqual([
      'CREATE TABLE t(a INTEGER)',
      'SELECT a FROM t',
      'SELECT * FROM nope',
    ]);
  });

  it('reports a wrong result with what was expected and what came back', async () => {
    const { factory } = fakeEngine({
      'SELECT a FROM t': { rows: [[1], [3]] },
      'SELECT * FROM nope': undefinedTable,
    });
    const result = await runRecords(factory, parseTestFile(file, 'f.test'));
    expect(result.failures).toEqual([
      { file: 'f.test', line: 14, sql: 'SELECT a FROM t', expected: '1\n2', actual: '1\n3' },
    ]);
  });

  it('fails statement error when the statement succeeds or throws something other than a DatabaseError', async () => {
    const records = parseTestFile('statement error\nSELECT 1\n\nstatement error\nSELECT 2', 'f.test');
    const { factory } = fakeEngine({ 'SELECT 2': { throws: new TypeError('x is undefined') } });
    const result = await runRecords(factory, records);
    expect(result.passed).toBe(0);
    expect(result.failures.map((f) => f.actual ?? f.error)).toEqual([
      'statement ok',
      'not a DatabaseError: TypeError: x is undefined',
    ]);
  });

  it('fails statement ok and queries that throw, naming the SQLSTATE', async () => {
    const records = parseTestFile(
      'statement ok\nSELECT * FROM nope\n\nquery I\nSELECT * FROM nope\n----\n1',
      'f.test',
    );
    const { factory } = fakeEngine({ 'SELECT * FROM nope': undefinedTable });
    const result = await runRecords(factory, records);
    expect(result.failed).toBe(2);
    expect(result.failures.map((f) => f.error)).toEqual([
      '42P01: relation "nope" does not exist',
      '42P01: relation "nope" does not exist',
    ]);
  });

  it('fails a record that runs past its budget and goes on with the next', async () => {
    const records = parseTestFile('query I\nSELECT slow()\n----\n1\n\nquery I\nSELECT 1\n----\n1', 'f.test');
    const { factory } = fakeEngine({ 'SELECT slow()': 'hang', 'SELECT 1': { rows: [[1]] } });
    const result = await runRecords(factory, records, { recordTimeoutMs: 20 });
    expect(result).toMatchObject({ passed: 1, failed: 1 });
    expect(result.failures[0]!.error).toBe('timed out after 20 ms');
  });

  it('fails a query whose column count differs from its type string', async () => {
    const records = parseTestFile('query II\nSELECT 1\n----\n1\n1', 'f.test');
    const { factory } = fakeEngine({ 'SELECT 1': { rows: [[1]] } });
    const result = await runRecords(factory, records);
    expect(result.failures[0]!.error).toBe('expected 2 columns (II), got 1');
  });

  it('lists the first actual values of a failed hashed result', async () => {
    const records = parseTestFile(
      'query I nosort\nSELECT 67\n----\n9 values hashing to b56f8a4f1fcebc9802481256df61e97c',
      'f.test',
    );
    const { factory } = fakeEngine({ 'SELECT 67': { rows: Array.from({ length: 9 }, () => [68]) } });
    const result = await runRecords(factory, records);
    expect(result.failures[0]).toMatchObject({ actualValues: Array<string>(9).fill('68') });
    expect(result.failures[0]!.actual).toMatch(/^9 values hashing to [0-9a-f]{32}$/);
  });

  it('runs only the first records with limit, and keeps counts complete past maxFailures', async () => {
    const text = Array.from({ length: 5 }, (_, i) => `statement ok\nSELECT * FROM nope${i}`).join('\n\n');
    const throwing = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`SELECT * FROM nope${i}`, undefinedTable]),
    );
    const { factory } = fakeEngine(throwing);
    const records = parseTestFile(text, 'f.test');
    expect(await runRecords(factory, records, { limit: 2 })).toMatchObject({ failed: 2, skipped: 0 });
    const capped = await runRecords(factory, records, { maxFailures: 1 });
    expect(capped.failed).toBe(5);
    expect(capped.failures).toHaveLength(1);
  });

  it('counts every runnable record as failed when the database cannot be opened', async () => {
    const records = parseTestFile(file, 'f.test');
    const result = await runRecords(async () => Promise.reject(new Error('no engine')), records);
    expect(result).toMatchObject({ passed: 0, failed: 3, skipped: 2 });
    expect(result.failures[0]!.error).toBe('not a DatabaseError: Error: no engine');
  });

  it('reports progress before each record it runs', async () => {
    const seen: number[] = [];
    const { factory } = fakeEngine({
      'SELECT a FROM t': { rows: [[1], [2]] },
      'SELECT * FROM nope': undefinedTable,
    });
    await runRecords(factory, parseTestFile(file, 'f.test'), { onRecordStart: (p) => seen.push(p.index) });
    expect(seen).toEqual([0, 3, 4]);
  });
});

describe('runFile', () => {
  it('reads a .test file and names results after displayName', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slt-'));
    try {
      const path = join(dir, 'one.test');
      await writeFile(path, "query T nosort\r\nSELECT ''\r\n----\r\n(empty)\r\n");
      const { factory } = fakeEngine({ "SELECT ''": { rows: [['']] } });
      const result = await runFile(factory, path, { displayName: 'dir/one.test' });
      expect(result).toEqual({ file: 'dir/one.test', passed: 1, failed: 0, skipped: 0, failures: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
