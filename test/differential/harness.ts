/**
 * Differential testing against DuckDB (in-process) as the oracle.
 *
 * The same randomly generated tables are loaded into LiveViewDB and DuckDB, the same SQL runs on
 * both, and the results are compared after normalising values to a canonical form:
 * - int8 (bigint), numeric (Decimal), hugeint and doubles all become JS numbers, compared with a
 *   relative tolerance (floating-point aggregates depend on the summation order);
 * - text and booleans compare exactly, NULL is null;
 * - rows compare as multisets unless the query has a total ORDER BY.
 *
 * PostgreSQL semantics are the target, never DuckDB's. DuckDB's default NULL ordering is set to
 * PostgreSQL's; elsewhere queries avoid the places where the two legitimately differ (integer `/`,
 * NaN results where PostgreSQL returns NULL) or pass DuckDB an `oracle` spelling of the query.
 *
 * Failures print the tables and the query; rerun with the same DIFFERENTIAL_SEED to reproduce.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { open, type Database } from '../../src/index.js';

/** Reproducible by default; set DIFFERENTIAL_SEED to explore other inputs. */
export const SEED = Number(process.env['DIFFERENTIAL_SEED'] ?? 20_240_611);

/** Multiplies every property's run count (e.g. DIFFERENTIAL_SCALE=20 for a long soak). */
const SCALE = Number(process.env['DIFFERENTIAL_SCALE'] ?? 1);

export function runs(numRuns: number): fc.Parameters<unknown> {
  return { numRuns: Math.ceil(numRuns * SCALE), seed: SEED };
}

export type ColumnType = 'int' | 'bigint' | 'numeric' | 'double' | 'text' | 'bool';
export type Cell = number | bigint | string | boolean | null;

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly (readonly Cell[])[];
}

const SQL_TYPE: Record<ColumnType, string> = {
  int: 'integer',
  bigint: 'bigint',
  // Explicit precision: DuckDB's bare NUMERIC is DECIMAL(18,3), PostgreSQL's is unconstrained.
  numeric: 'numeric(12, 2)',
  double: 'double precision',
  text: 'text',
  bool: 'boolean',
};

/** Cell values: few distinct values so that group and join keys collide, and ~20% NULLs. */
export const cellArb: Record<ColumnType, fc.Arbitrary<Cell>> = {
  int: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 4 }),
  // Large magnitudes: sums and products leave the float64-exact range.
  bigint: fc.option(
    fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })),
    { nil: null, freq: 4 },
  ),
  // Cents: String() prints them exactly, and numeric(12, 2) stores them exactly.
  numeric: fc.option(
    fc.integer({ min: -99_999, max: 99_999 }).map((c) => c / 100),
    { nil: null, freq: 4 },
  ),
  // Multiples of 1/4: exact in binary, so sums do not depend on the summation order.
  double: fc.option(
    fc.integer({ min: -40, max: 40 }).map((n) => n / 4 + 0),
    { nil: null, freq: 4 },
  ),
  text: fc.option(fc.constantFrom('a', 'b', 'c', 'ab', 'ba', ''), { nil: null, freq: 4 }),
  bool: fc.option(fc.boolean(), { nil: null, freq: 4 }),
};

export function tableArb(
  name: string,
  columns: readonly ColumnSpec[],
  maxRows = 60,
): fc.Arbitrary<TableSpec> {
  const row = fc.tuple(...columns.map((c) => cellArb[c.type]));
  // Half small tables (edge cases: empty, one row), half up to maxRows (collisions, big groups).
  const rows = fc.oneof(
    fc.array(row, { maxLength: maxRows, size: 'small' }),
    fc.array(row, { maxLength: maxRows, size: 'max' }),
  );
  return rows.map((rs) => ({ name, columns, rows: rs }));
}

/** Columns `name:type` shorthand: `cols('k:int', 'v:double')`. */
export function cols(...specs: string[]): ColumnSpec[] {
  return specs.map((s) => {
    const [name, type] = s.split(':') as [string, ColumnType];
    return { name, type };
  });
}

function literal(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'bigint') return `${v}::bigint`;
  // NaN, ±Infinity and -0 have no numeric literal; both engines read them as float8 strings.
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
    return `'${Object.is(v, -0) ? '-0' : v}'::double precision`;
  }
  return String(v);
}

export function loadSql(t: TableSpec): string {
  const ddl = `CREATE TABLE ${t.name} (${t.columns.map((c) => `${c.name} ${SQL_TYPE[c.type]}`).join(', ')});`;
  if (t.rows.length === 0) return ddl;
  return `${ddl}\nINSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ')};`;
}

type Canon = number | string | boolean | null;

/** Canonical form of one value from either engine. */
export function canon(v: unknown): Canon {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v === 0 ? 0 : v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  // Arrays (array_agg) compare as their canonical elements' text.
  if (Array.isArray(v)) return show(v.map(canon));
  // LiveViewDB's Decimal and DuckDB's decimal values both print their exact value.
  if (typeof v === 'object' && 'toString' in v) return Number(String(v));
  throw new Error(`cannot canonicalise ${String(v)}`);
}

/** Default relative tolerance: covers summation-order differences in float aggregates. */
export const TOLERANCE = 1e-9;

function closeEnough(a: Canon, b: Canon, tolerance: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const rowsClose = (a: readonly Canon[], b: readonly Canon[], tolerance: number): boolean =>
  a.length === b.length && a.every((v, i) => closeEnough(v, b[i]!, tolerance));

/** JSON that keeps NaN and ±Infinity apart from NULL. */
export const show = (rows: unknown): string =>
  JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

/** Sort key that survives last-bit float differences (numbers rounded to 6 digits). */
function sortKey(row: readonly Canon[]): string {
  return show(row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)));
}

/** Equal as multisets: sorted pairwise first, then a greedy matching for rounding-boundary ties. */
export function sameMultiset(a: readonly Canon[][], b: readonly Canon[][], tolerance = TOLERANCE): boolean {
  if (a.length !== b.length) return false;
  const sorted = (rows: readonly Canon[][]): Canon[][] =>
    rows
      .map((row) => ({ row, key: sortKey(row) }))
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
      .map((x) => x.row);
  const sa = sorted(a);
  const sb = sorted(b);
  if (sa.every((r, i) => rowsClose(r, sb[i]!, tolerance))) return true;
  const used = new Array<boolean>(sb.length).fill(false);
  return sa.every((r) => {
    const j = sb.findIndex((s, k) => !used[k] && rowsClose(r, s, tolerance));
    if (j < 0) return false;
    used[j] = true;
    return true;
  });
}

export function sameSequence(a: readonly Canon[][], b: readonly Canon[][], tolerance = TOLERANCE): boolean {
  return a.length === b.length && a.every((r, i) => rowsClose(r, b[i]!, tolerance));
}

export interface CompareOptions {
  /** The query has a total ORDER BY: compare row order too. */
  readonly ordered?: boolean;
  /** Relative tolerance for numbers; TOLERANCE unless the query needs more slack. */
  readonly tolerance?: number;
  /** DuckDB's spelling of the query, where its semantics differ from PostgreSQL's. */
  readonly oracle?: string;
}

/** One LiveViewDB database and one DuckDB connection holding the same tables. */
export class DifferentialPair {
  private lv: Database | undefined;
  private tables: readonly TableSpec[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly duck: DuckDBConnection,
  ) {}

  static async start(): Promise<DifferentialPair> {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      // PostgreSQL's default: NULLs sort as larger than any value.
      default_null_order: 'nulls_last_on_asc_first_on_desc',
    });
    return new DifferentialPair(instance, await instance.connect());
  }

  /** Replaces all tables in both engines with these. */
  async load(...tables: TableSpec[]): Promise<void> {
    await this.lv?.close();
    this.lv = await open();
    for (const t of this.tables) await this.duck.run(`DROP TABLE IF EXISTS ${t.name}`);
    this.tables = tables;
    for (const t of tables) {
      const sql = loadSql(t);
      await this.lv.exec(sql);
      await this.duck.run(sql);
    }
  }

  async liveview(sql: string): Promise<Canon[][]> {
    if (!this.lv) throw new Error('load() first');
    const r = await this.lv.query(sql, [], { rowMode: 'array' });
    return r.rows.map((row) => row.map(canon));
  }

  async duckdb(sql: string): Promise<Canon[][]> {
    const reader = await this.duck.runAndReadAll(sql);
    return reader.getRowsJS().map((row) => row.map(canon));
  }

  /** Runs `sql` on both engines and throws with both results when they differ. */
  async expectSame(sql: string, options: CompareOptions = {}): Promise<void> {
    const expected = await this.duckdb(options.oracle ?? sql);
    let actual: Canon[][];
    try {
      actual = await this.liveview(sql);
    } catch (e) {
      throw new Error(`LiveViewDB failed: ${(e as Error).message}\n${this.describe(sql)}`, { cause: e });
    }
    const tol = options.tolerance ?? TOLERANCE;
    const same = options.ordered ? sameSequence(actual, expected, tol) : sameMultiset(actual, expected, tol);
    if (!same) {
      throw new Error(
        `results differ\n${this.describe(sql)}\n` +
          `DuckDB:     ${show(expected)}\nLiveViewDB: ${show(actual)}`,
      );
    }
  }

  /** The failing case as SQL, with very large loads cut short (the seed reproduces them). */
  private describe(sql: string): string {
    const load = this.tables.map((t) => {
      const full = loadSql(t);
      return full.length <= 4000 ? full : `${full.slice(0, 4000)} … (${t.rows.length} rows)`;
    });
    return `${load.join('\n')}\n${sql}`;
  }

  async close(): Promise<void> {
    await this.lv?.close();
    this.duck.closeSync();
    this.instance.closeSync();
  }
}

export const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);

/** A non-empty subset of `items`, in their original order. */
export function someOf<T>(items: readonly T[], max = items.length): fc.Arbitrary<T[]> {
  return fc
    .subarray([...items], { minLength: 1, maxLength: max })
    .map((xs) => items.filter((x) => xs.includes(x)));
}
