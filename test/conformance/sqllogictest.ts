/**
 * Parser and runner for SQLite's sqllogictest format, run as engine `postgresql`.
 *
 * The format: records separated by blank lines; `#` lines between records are comments.
 *
 *     skipif mysql            conditions: the record is skipped for that engine
 *     onlyif postgresql       ... or run only on that engine
 *     query II rowsort label  one type letter per column (I, R, T); nosort | rowsort | valuesort
 *     SELECT a, b FROM t
 *     ----
 *     1                       one value per line, or `N values hashing to <md5>`
 *     2
 *
 * Result values are formatted as the reference implementation formats them (see `formatValue`),
 * sorted as text, then compared with the expected lines or hashed: md5 over every value followed
 * by "\n".
 *
 * @example
 * const records = parseTestFile(text, 'select1.test');
 * const result = await runRecords(() => open(), records);   // { passed, failed, skipped, failures }
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DatabaseError } from '../../src/errors.js';

/** The engine name matched by `skipif` and `onlyif`. */
export const ENGINE_NAME = 'postgresql';

/** A record's time budget; past it the record fails and the run goes on. */
export const DEFAULT_RECORD_TIMEOUT_MS = 10_000;

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

export interface Conditions {
  readonly skipIf: readonly string[];
  readonly onlyIf: readonly string[];
}

interface RecordBase {
  readonly file: string;
  /** 1-based line of the record's first line (its first condition, if any). */
  readonly line: number;
  readonly conditions: Conditions;
}

export interface StatementRecord extends RecordBase {
  readonly kind: 'statement';
  readonly expectError: boolean;
  readonly sql: string;
}

export interface QueryRecord extends RecordBase {
  readonly kind: 'query';
  readonly sql: string;
  /** One letter per result column: I (integer), R (real), T (text). */
  readonly types: string;
  readonly sortMode: SortMode;
  readonly label: string | undefined;
  /** The lines after `----`, as written (one value per line, a row per line, or a hash line). */
  readonly expected: readonly string[];
}

export interface HaltRecord extends RecordBase {
  readonly kind: 'halt';
}

export interface HashThresholdRecord extends RecordBase {
  readonly kind: 'hash-threshold';
  readonly threshold: number;
}

/** A record the parser could not make sense of; running it counts as a failure. */
export interface InvalidRecord extends RecordBase {
  readonly kind: 'invalid';
  readonly message: string;
  readonly text: string;
}

export type SqlLogicRecord = StatementRecord | QueryRecord | HaltRecord | HashThresholdRecord | InvalidRecord;

/** The part of the engine API the runner uses (`open()` from src/index.ts returns one). */
export interface SqlLogicDatabase {
  exec(sql: string): Promise<unknown>;
  query(
    sql: string,
    params: readonly unknown[],
    options: { rowMode: 'array' },
  ): Promise<{
    readonly columns: readonly { readonly name: string }[];
    readonly rows: readonly (readonly unknown[])[];
  }>;
  close(): Promise<void>;
}

export type EngineFactory = () => Promise<SqlLogicDatabase>;

export interface RecordFailure {
  readonly file: string;
  readonly line: number;
  readonly sql: string;
  /** `statement ok`, `statement error`, or the expected result lines joined with "\n". */
  readonly expected: string;
  /** What the engine produced, rendered like `expected`, when it produced something. */
  readonly actual?: string;
  /** The first values of a hashed actual result, to see what differs. */
  readonly actualValues?: readonly string[];
  /** The error the engine threw (or the timeout), when it threw. */
  readonly error?: string;
}

export interface FileResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  /** Records not run: conditions excluded them, or they follow a `halt`. */
  readonly skipped: number;
  /** At most `maxFailures` of them, in file order. */
  readonly failures: readonly RecordFailure[];
}

export interface RunProgress {
  readonly index: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunOptions {
  /** Engine name for skipif/onlyif; default `postgresql`. */
  readonly engine?: string;
  readonly recordTimeoutMs?: number;
  /** Run only the first `limit` records of the file. */
  readonly limit?: number;
  /** Keep at most this many failure details (counts are always complete). */
  readonly maxFailures?: number;
  /** Called before each record runs (the CLI publishes it so a stuck worker can be accounted for). */
  readonly onRecordStart?: (progress: RunProgress) => void;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const SORT_MODES: readonly string[] = ['nosort', 'rowsort', 'valuesort'];
const HASH_LINE = /^(\d+) values hashing to ([0-9a-fA-F]{32})$/;

const isBlank = (line: string): boolean => line.trim() === '';

/** Parses a .test file into records. Never throws: malformed records become `invalid` records. */
export function parseTestFile(text: string, fileName: string): SqlLogicRecord[] {
  // Some copies of the corpus have CRLF line ends; the reference reads lines without them.
  const lines = text.split(/\r?\n/);
  const records: SqlLogicRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (isBlank(first) || first.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    const skipIf: string[] = [];
    const onlyIf: string[] = [];
    // Condition lines (and stray comments among them) precede the record proper.
    for (; i < lines.length && !isBlank(lines[i]!); i++) {
      const tokens = tokenize(lines[i]!);
      if (tokens[0] === 'skipif' && tokens[1] !== undefined) skipIf.push(tokens[1]);
      else if (tokens[0] === 'onlyif' && tokens[1] !== undefined) onlyIf.push(tokens[1]);
      else if (!lines[i]!.startsWith('#')) break;
    }
    const base: RecordBase = { file: fileName, line, conditions: { skipIf, onlyIf } };
    if (i >= lines.length || isBlank(lines[i]!)) {
      records.push({ ...base, kind: 'invalid', message: 'conditions without a record', text: '' });
      continue;
    }
    const header = lines[i]!;
    const tokens = tokenize(header);
    // The record body: every line up to the next blank line.
    const bodyStart = i + 1;
    let end = bodyStart;
    while (end < lines.length && !isBlank(lines[end]!)) end++;
    const body = lines.slice(bodyStart, end);
    records.push(parseRecord(base, header, tokens, body));
    i = end;
  }
  return records;
}

function tokenize(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

function parseRecord(base: RecordBase, header: string, tokens: string[], body: string[]): SqlLogicRecord {
  const invalid = (message: string): InvalidRecord => ({
    ...base,
    kind: 'invalid',
    message,
    text: [header, ...body].join('\n'),
  });
  switch (tokens[0]) {
    case 'statement': {
      const mode = tokens[1];
      if (mode !== 'ok' && mode !== 'error') return invalid(`unknown statement mode "${mode ?? ''}"`);
      const sep = body.indexOf('----');
      const sql = (sep < 0 ? body : body.slice(0, sep)).join('\n');
      if (sql.trim() === '') return invalid('statement without SQL');
      return { ...base, kind: 'statement', expectError: mode === 'error', sql };
    }
    case 'query': {
      const types = tokens[1] ?? '';
      if (!/^[A-Za-z]+$/.test(types)) return invalid(`bad column types "${types}"`);
      const sortMode = tokens[2] ?? 'nosort';
      if (!SORT_MODES.includes(sortMode)) return invalid(`unknown sort mode "${sortMode}"`);
      const sep = body.indexOf('----');
      const sql = (sep < 0 ? body : body.slice(0, sep)).join('\n');
      if (sql.trim() === '') return invalid('query without SQL');
      return {
        ...base,
        kind: 'query',
        sql,
        types: types.toUpperCase(),
        sortMode: sortMode as SortMode,
        label: tokens[3],
        // Without `----` the query must return no rows, as in the reference.
        expected: sep < 0 ? [] : body.slice(sep + 1),
      };
    }
    case 'halt':
      return { ...base, kind: 'halt' };
    case 'hash-threshold': {
      const n = Number(tokens[1]);
      if (!Number.isInteger(n) || n < 0) return invalid(`bad hash-threshold "${tokens[1] ?? ''}"`);
      return { ...base, kind: 'hash-threshold', threshold: n };
    }
    default:
      return invalid(`unknown record type "${tokens[0] ?? ''}"`);
  }
}

/** True when the record's conditions exclude it for `engine`. */
export function isExcluded(conditions: Conditions, engine: string = ENGINE_NAME): boolean {
  return conditions.skipIf.includes(engine) || conditions.onlyIf.some((e) => e !== engine);
}

export type RecordDisposition = 'run' | 'skip' | 'directive';

/**
 * What the runner does with each record: run it (a test), skip it (conditions, or after an
 * applicable `halt`), or apply it (`halt`, `hash-threshold`). Static, so it can also account for
 * records a crashed run never reached.
 */
export function classifyRecords(
  records: readonly SqlLogicRecord[],
  engine: string = ENGINE_NAME,
): RecordDisposition[] {
  let halted = false;
  return records.map((r) => {
    const isTest = r.kind === 'statement' || r.kind === 'query' || r.kind === 'invalid';
    if (halted || isExcluded(r.conditions, engine)) return isTest ? 'skip' : 'directive';
    if (r.kind === 'halt') halted = true;
    return isTest ? 'run' : 'directive';
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * Formats one result value for a column of type `type`, as the reference implementation does:
 *
 * - NULL → `NULL`; booleans → `1` / `0` in every column type (SQLite, which produced the expected
 *   results, has no booleans: its comparisons yield 1 and 0).
 * - `I`: integers in full (bigint exactly). A float or numeric value is truncated toward zero, as
 *   SQLite's integer conversion does (`2.9` → `2`, `-2.9` → `-2`). Numeric text converts the same
 *   way; other text is shown as text, so the mismatch stays visible.
 * - `R`: `%.3f` (see `formatReal`).
 * - `T` (and any other letter): the text; an empty string is `(empty)`; every byte that is not
 *   printable ASCII is `@` (one per UTF-8 byte, as the reference replaces bytes).
 */
export function formatValue(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') {
    if (type === 'R') return value ? '1.000' : '0.000';
    return value ? '1' : '0';
  }
  if (type === 'I') return formatInteger(value);
  if (type === 'R') return formatRealValue(value);
  return formatText(value);
}

function formatInteger(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return integerText(value);
  if (isDecimalLike(value)) return truncateDecimalText(value.toString()) ?? integerText(value.toNumber());
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) {
    return truncateDecimalText(value.trim()) ?? integerText(Number(value));
  }
  return formatText(value);
}

function integerText(x: number): string {
  if (!Number.isFinite(x)) return nonFiniteText(x);
  const t = Math.trunc(x);
  // String() switches to exponent notation at 1e21; BigInt prints every digit. (-0 prints "0".)
  return Math.abs(t) < 1e21 ? String(t) : BigInt(t).toString();
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Truncates plain decimal text (`-12.75` → `-12`) exactly; undefined for other forms. */
function truncateDecimalText(s: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.\d*)?$/.exec(s);
  if (!m) return undefined;
  const digits = (m[2] ?? '').replace(/^0+/, '');
  if (digits === '') return '0';
  return (m[1] === '-' ? '-' : '') + digits;
}

function formatRealValue(value: unknown): string {
  if (typeof value === 'number') return formatReal(value);
  if (typeof value === 'bigint') return formatReal(Number(value));
  if (isDecimalLike(value)) return formatReal(value.toNumber());
  if (typeof value === 'string' && NUMERIC_TEXT.test(value)) return formatReal(Number(value));
  return formatText(value);
}

/**
 * `%.3f` as SQLite's printf produces it: rounds half away from zero (as `toFixed` does), prints
 * at most 16 significant digits and zeros after them (`-9223372036854775808` →
 * `-9223372036854776000.000`), never an exponent.
 */
export function formatReal(x: number): string {
  if (!Number.isFinite(x)) return nonFiniteText(x);
  // Below 1e13 the 13 integer digits plus 3 decimals fit in 16 significant digits.
  if (Math.abs(x) < 1e13) return x.toFixed(3);
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential(15).split('e');
  const digits = mantissa.replace('.', '');
  const intDigits = Number(exponent) + 1;
  const sign = x < 0 ? '-' : '';
  if (intDigits >= digits.length) return `${sign}${digits}${'0'.repeat(intDigits - digits.length)}.000`;
  return `${sign}${digits.slice(0, intDigits)}.${digits.slice(intDigits).padEnd(3, '0').slice(0, 3)}`;
}

function nonFiniteText(x: number): string {
  // PostgreSQL's spellings; the corpus has no non-finite results.
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

function formatText(value: unknown): string {
  const text = valueText(value);
  return text === '' ? '(empty)' : printable(text);
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? integerText(value) : String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? 'NULL' : valueText(v))).join(',')}}`;
  return String(value);
}

/** Replaces each byte outside printable ASCII with `@`, as the reference does. */
function printable(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else out += '@'.repeat(cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  }
  return out;
}

interface DecimalLike {
  toString(): string;
  toNumber(): number;
}

function isDecimalLike(value: unknown): value is DecimalLike {
  return typeof value === 'object' && value !== null && typeof (value as DecimalLike).toNumber === 'function';
}

// ---------------------------------------------------------------------------------------------
// Sorting, hashing, comparing

/** Byte order on the formatted text, as the reference's strcmp (formatted values are ASCII). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareText(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Applies a sort mode to formatted rows and returns the flattened value list. */
export function sortValues(rows: readonly (readonly string[])[], mode: SortMode): string[] {
  if (mode === 'rowsort') return [...rows].sort(compareRows).flat();
  const values = rows.flat();
  return mode === 'valuesort' ? values.sort(compareText) : values;
}

/** md5 over the values, each followed by "\n": the hash of the `N values hashing to H` form. */
export function hashValues(values: readonly string[]): string {
  const md5 = createHash('md5');
  for (const v of values) md5.update(v + '\n');
  return md5.digest('hex');
}

/**
 * Reads expected lines written one row per line, values separated by tabs (or by spaces where a
 * line has no tab), as generators other than the reference write them. Undefined when some line
 * does not hold exactly `columns` values, or for one column (a value may hold spaces).
 */
export function rowFormValues(lines: readonly string[], columns: number): string[] | undefined {
  if (columns < 2 || lines.length === 0) return undefined;
  const split = lines.map((l) => (l.includes('\t') ? l.split('\t') : l.trim().split(/\s+/)));
  return split.every((v) => v.length === columns) ? split.flat() : undefined;
}

export interface Comparison {
  readonly ok: boolean;
  /** The actual result in the form the expected one is written in. */
  readonly actual: string;
  readonly hashed: boolean;
}

/**
 * Compares formatted, unsorted result rows with a query record's expected lines. The actual result
 * is hashed when it has more values than the hash threshold (threshold 0: never), as the
 * reference does, and also whenever the expected result is a hash line: select1.test was generated
 * with a command-line threshold and has no `hash-threshold` record.
 */
export function compareResult(
  record: Pick<QueryRecord, 'types' | 'sortMode' | 'expected'>,
  rows: readonly (readonly string[])[],
  hashThreshold: number,
): Comparison {
  const values = sortValues(rows, record.sortMode);
  const hashLine = record.expected.length === 1 ? HASH_LINE.exec(record.expected[0]!.trim()) : null;
  if (hashLine || (hashThreshold > 0 && values.length > hashThreshold)) {
    const hash = hashValues(values);
    const actual = `${values.length} values hashing to ${hash}`;
    const ok =
      hashLine !== null && Number(hashLine[1]) === values.length && hashLine[2]!.toLowerCase() === hash;
    return { ok, actual, hashed: true };
  }
  const columns = record.types.length;
  // The reference writes one value per line; row form is the other reading tried.
  const readings = [record.expected, rowFormValues(record.expected, columns)];
  const ok = readings.some((lines) => {
    if (lines === undefined || lines.length !== values.length) return false;
    // Sorting the expected side too tolerates files whose generator sorted differently; the
    // reference's own files are already in this order, and sorting is idempotent.
    const expected =
      record.sortMode === 'nosort' ? lines : sortValues(chunk(lines, columns), record.sortMode);
    return expected.every((v, i) => v === values[i]);
  });
  return { ok, actual: values.join('\n'), hashed: false };
}

function chunk(values: readonly string[], size: number): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < values.length; i += size) rows.push(values.slice(i, i + size));
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Running

class RecordTimeout extends Error {
  override readonly name = 'RecordTimeout';
}

/** Is `e` the engine's DatabaseError (also when it comes from another copy of the module)? */
export function isDatabaseError(e: unknown): e is DatabaseError {
  if (e instanceof DatabaseError) return true;
  return (
    e instanceof Error && e.name === 'DatabaseError' && typeof (e as { code?: unknown }).code === 'string'
  );
}

function describeError(e: unknown): string {
  if (e instanceof RecordTimeout) return e.message;
  if (isDatabaseError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return `not a DatabaseError: ${e.name}: ${e.message}`;
  return `not a DatabaseError: ${String(e)}`;
}

/** Races `run` against the budget. The engine is cooperative, so a timer can fire while it works. */
async function withTimeout<T>(run: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Deferring the call also turns a synchronous throw into a rejection.
  const work = Promise.resolve().then(run);
  work.catch(() => {}); // a late rejection after the timeout is expected and ignored
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RecordTimeout(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = { readonly pass: true } | { readonly pass: false; readonly failure: RecordFailure };

const PASS: Outcome = { pass: true };
const MAX_LISTED_VALUES = 100;

async function runStatement(db: SqlLogicDatabase, r: StatementRecord, timeoutMs: number): Promise<Outcome> {
  const expected = r.expectError ? 'statement error' : 'statement ok';
  const fail = (detail: { actual?: string; error?: string }): Outcome => ({
    pass: false,
    failure: { file: r.file, line: r.line, sql: r.sql, expected, ...detail },
  });
  try {
    await withTimeout(() => db.exec(r.sql), timeoutMs);
  } catch (e) {
    // An engine crash or a timeout is a failure even where an error is expected.
    if (r.expectError && isDatabaseError(e)) return PASS;
    return fail({ error: describeError(e) });
  }
  return r.expectError ? fail({ actual: 'statement ok' }) : PASS;
}

async function runQuery(
  db: SqlLogicDatabase,
  r: QueryRecord,
  hashThreshold: number,
  timeoutMs: number,
): Promise<Outcome> {
  const fail = (detail: Omit<RecordFailure, 'file' | 'line' | 'sql' | 'expected'>): Outcome => ({
    pass: false,
    failure: { file: r.file, line: r.line, sql: r.sql, expected: r.expected.join('\n'), ...detail },
  });
  let result: Awaited<ReturnType<SqlLogicDatabase['query']>>;
  try {
    result = await withTimeout(() => db.query(r.sql, [], { rowMode: 'array' }), timeoutMs);
  } catch (e) {
    return fail({ error: describeError(e) });
  }
  const columns = r.types.length;
  const width = result.rows.length > 0 ? result.rows[0]!.length : result.columns.length;
  if (width !== columns || result.rows.some((row) => row.length !== columns)) {
    return fail({ error: `expected ${columns} columns (${r.types}), got ${width}` });
  }
  const rows = result.rows.map((row) => row.map((v, i) => formatValue(v, r.types[i]!)));
  const cmp = compareResult(r, rows, hashThreshold);
  if (cmp.ok) return PASS;
  if (!cmp.hashed) return fail({ actual: cmp.actual });
  return fail({ actual: cmp.actual, actualValues: sortValues(rows, r.sortMode).slice(0, MAX_LISTED_VALUES) });
}

/**
 * Runs parsed records of one file on a fresh database from `factory`. Every failure is counted
 * and the run goes on: a record fails when the engine gives a wrong result, throws where it
 * should not, throws anything but a DatabaseError, or takes longer than the record budget.
 */
export async function runRecords(
  factory: EngineFactory,
  records: readonly SqlLogicRecord[],
  options: RunOptions = {},
): Promise<FileResult> {
  const engine = options.engine ?? ENGINE_NAME;
  const timeoutMs = options.recordTimeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
  const maxFailures = options.maxFailures ?? Number.POSITIVE_INFINITY;
  const selected = options.limit === undefined ? records : records.slice(0, options.limit);
  const dispositions = classifyRecords(selected, engine);
  const file = selected[0]?.file ?? '';
  const failures: RecordFailure[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let hashThreshold = 0;
  const addFailure = (f: RecordFailure): void => {
    failed++;
    if (failures.length < maxFailures) failures.push(f);
  };

  let db: SqlLogicDatabase;
  try {
    db = await withTimeout(factory, timeoutMs);
  } catch (e) {
    const runnable = dispositions.filter((d) => d === 'run').length;
    const first = selected.find((_, i) => dispositions[i] === 'run');
    if (first) addFailure({ file, line: first.line, sql: '', expected: 'open()', error: describeError(e) });
    return {
      file,
      passed: 0,
      failed: runnable,
      skipped: dispositions.filter((d) => d === 'skip').length,
      failures,
    };
  }

  try {
    for (let index = 0; index < selected.length; index++) {
      const r = selected[index]!;
      const disposition = dispositions[index]!;
      if (disposition === 'skip') {
        skipped++;
        continue;
      }
      if (disposition === 'directive') {
        if (r.kind === 'hash-threshold') hashThreshold = r.threshold;
        continue;
      }
      options.onRecordStart?.({ index, passed, failed, skipped });
      let outcome: Outcome;
      try {
        if (r.kind === 'statement') outcome = await runStatement(db, r, timeoutMs);
        else if (r.kind === 'query') outcome = await runQuery(db, r, hashThreshold, timeoutMs);
        else if (r.kind === 'invalid') {
          outcome = {
            pass: false,
            failure: { file, line: r.line, sql: r.text, expected: 'a valid record', error: r.message },
          };
        } else outcome = PASS;
      } catch (e) {
        // Formatting or comparing threw (e.g. a value with a throwing toString): still the engine's.
        outcome = {
          pass: false,
          failure: {
            file,
            line: r.line,
            sql: 'sql' in r ? r.sql : '',
            expected: '',
            error: describeError(e),
          },
        };
      }
      if (outcome.pass) passed++;
      else addFailure(outcome.failure);
    }
  } finally {
    try {
      await withTimeout(() => db.close(), timeoutMs);
    } catch {
      // A database that cannot close does not change the file's results.
    }
  }
  return { file, passed, failed, skipped, failures };
}

/** Reads, parses and runs one .test file; `displayName` names it in results (default: the path). */
export async function runFile(
  factory: EngineFactory,
  path: string,
  options: RunOptions & { readonly displayName?: string } = {},
): Promise<FileResult> {
  const name = options.displayName ?? path;
  const records = parseTestFile(await readFile(path, 'utf8'), name);
  const result = await runRecords(factory, records, options);
  return { ...result, file: name };
}
