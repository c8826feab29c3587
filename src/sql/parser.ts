import { createRequire } from 'node:module';
import { DatabaseError, SqlState } from '../errors.js';

const require = createRequire(import.meta.url);
// libpg-query ships CommonJS; its parser is PostgreSQL's own, compiled to wasm.
const pg = require('libpg-query') as {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts: { stmt: unknown; stmt_location?: number; stmt_len?: number }[] };
};

type ParseResult = ReturnType<typeof pg.parseSync>;

let loaded: Promise<void> | null = null;

/** Loads the wasm parser once; must be awaited before parseSql. */
export function loadParser(): Promise<void> {
  loaded ??= pg.loadModule();
  return loaded;
}

export interface ParsedStatement {
  readonly stmt: unknown;
  /** The statement's own text. */
  readonly sql: string;
  /** Offset of the statement in the whole string (for error positions). */
  readonly offset: number;
}

/**
 * `CREATE OR REPLACE MATERIALIZED VIEW`, which PostgreSQL's grammar lacks: group 1 is what comes
 * before `OR REPLACE`, group 2 is `OR REPLACE`.
 */
const OR_REPLACE_MATVIEW =
  /\b(CREATE[ \t\n\r\f\v]+)(OR[ \t\n\r\f\v]+REPLACE)[ \t\n\r\f\v]+MATERIALIZED[ \t\n\r\f\v]+VIEW\b/gi;

/** Where `OR REPLACE` is blanked: the match's start (CREATE), the words' span, and its end. */
interface OrReplace {
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly end: number;
}

/**
 * Parses one or more statements; syntax errors become 42601 with PostgreSQL's message and position.
 *
 * `CREATE OR REPLACE MATERIALIZED VIEW` is parsed as CREATE MATERIALIZED VIEW with `replace: true`
 * on its CreateTableAsStmt: the `OR REPLACE` words are blanked to spaces (offsets stay right) where
 * they begin a statement, and nowhere else (a string or comment keeps its text).
 *
 * @example
 * parseSql('CREATE OR REPLACE MATERIALIZED VIEW v AS SELECT 1')[0].stmt;
 * // { CreateTableAsStmt: { objtype: 'OBJECT_MATVIEW', replace: true, ... } }
 */
export function parseSql(sql: string): ParsedStatement[] {
  const found = [...sql.matchAll(OR_REPLACE_MATVIEW)].map((m): OrReplace => {
    const from = m.index + m[1]!.length;
    return { at: m.index, from, to: from + m[2]!.length, end: m.index + m[0].length };
  });
  if (found.length === 0) return statements(sql, parse(sql), []);
  let r: ParseResult;
  try {
    r = parse(blank(sql, found));
  } catch (e) {
    // A match that is not a statement's start may be what broke the parse; without any blanking
    // there is no CREATE OR REPLACE MATERIALIZED VIEW to parse (PostgreSQL rejects it).
    try {
      return statements(sql, parse(sql), []);
    } catch {
      throw e;
    }
  }
  const chars = charOffsets(sql);
  const starts = new Set((r.stmts ?? []).map((s) => skipSpaceAndComments(sql, chars(s.stmt_location ?? 0))));
  const atStart = found.filter((m) => starts.has(m.at));
  // Blanking changes no quote, comment or semicolon: statements begin where they did.
  if (atStart.length < found.length) r = parse(blank(sql, atStart));
  return statements(sql, r, atStart);
}

/** Runs PostgreSQL's parser; a syntax error becomes 42601 with its position. */
function parse(sql: string): ParseResult {
  try {
    return pg.parseSync(sql);
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { message?: string; cursorPosition?: number } };
    const msg = err.sqlDetails?.message ?? err.message ?? 'syntax error';
    const pos = err.sqlDetails?.cursorPosition;
    throw new DatabaseError(
      SqlState.syntaxError,
      msg,
      pos !== undefined && pos >= 0 ? { position: pos + 1 } : undefined,
    );
  }
}

/** `sql` with the `OR REPLACE` words of `spans` turned to spaces (line breaks kept). */
function blank(sql: string, spans: readonly OrReplace[]): string {
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += sql.slice(last, s.from) + sql.slice(s.from, s.to).replace(/\S/g, ' ');
    last = s.to;
  }
  return out + sql.slice(last);
}

/** The parsed statements with their text from `sql`; those starting at `replaced` get `replace: true`. */
function statements(sql: string, r: ParseResult, replaced: readonly OrReplace[]): ParsedStatement[] {
  const chars = charOffsets(sql);
  return (r.stmts ?? []).map((s) => {
    const offset = chars(s.stmt_location ?? 0);
    const end = s.stmt_len ? chars((s.stmt_location ?? 0) + s.stmt_len) : sql.length;
    const text = sql.slice(offset, end).trim();
    const body = Object.values(s.stmt as object)[0] as unknown;
    const start = skipSpaceAndComments(sql, offset);
    const m = replaced.find((x) => x.at === start);
    if (m) markReplace(sql, s.stmt as Record<string, Record<string, unknown>>, m);
    if (typeof body === 'object' && body !== null) sourceText.set(body, text);
    return { stmt: s.stmt, sql: text, offset };
  });
}

/** Sets `replace` on a CREATE MATERIALIZED VIEW; OR REPLACE with IF NOT EXISTS is a syntax error. */
function markReplace(sql: string, stmt: Record<string, Record<string, unknown>>, m: OrReplace): void {
  const body = stmt.CreateTableAsStmt;
  if (body?.objtype !== 'OBJECT_MATVIEW') return;
  if (body.if_not_exists === true) {
    // As PostgreSQL's grammar would see it: IF is the view's name, and NOT cannot follow it.
    const ifAt = skipSpaceAndComments(sql, m.end);
    const notAt = skipSpaceAndComments(sql, ifAt + 2);
    throw new DatabaseError(
      SqlState.syntaxError,
      `syntax error at or near "${sql.slice(notAt, notAt + 3)}"`,
      {
        position: notAt + 1,
      },
    );
  }
  body.replace = true;
}

/**
 * Converts the parser's UTF-8 byte offsets into `sql` to string offsets (they differ once a
 * character outside ASCII comes before them). Offsets asked in increasing order cost one pass.
 */
function charOffsets(sql: string): (byteOffset: number) => number {
  const bytes = Buffer.from(sql, 'utf8');
  if (bytes.length === sql.length) return (b) => b;
  let byte = 0;
  let char = 0;
  return (b) => {
    if (b < byte) byte = char = 0;
    // Statement bounds fall between tokens, so never inside a character.
    char += bytes.toString('utf8', byte, b).length;
    byte = b;
    return char;
  };
}

/** The offset of the first token at or after `at`: past whitespace and comments (`--`, nested block ones). */
function skipSpaceAndComments(sql: string, at: number): number {
  for (;;) {
    while (at < sql.length && ' \t\n\r\f\v'.includes(sql[at]!)) at++;
    if (sql.startsWith('--', at)) {
      const nl = sql.indexOf('\n', at);
      if (nl < 0) return sql.length;
      at = nl + 1;
    } else if (sql.startsWith('/*', at)) {
      let depth = 0;
      do {
        if (sql.startsWith('/*', at)) {
          depth++;
          at += 2;
        } else if (sql.startsWith('*/', at)) {
          depth--;
          at += 2;
        } else at++;
      } while (depth > 0 && at < sql.length);
    } else return at;
  }
}

/** The text each parsed statement came from, keyed by its node (`{ ViewStmt: node }` → node). */
const sourceText = new WeakMap<object, string>();

/** The SQL text a statement node returned by parseSql was parsed from, if it was. */
export function statementSource(node: object): string | undefined {
  return sourceText.get(node);
}
