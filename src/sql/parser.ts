import { createRequire } from 'node:module';
import { DatabaseError, SqlState } from '../errors.js';

const require = createRequire(import.meta.url);
// libpg-query ships CommonJS; its parser is PostgreSQL's own, compiled to wasm.
const pg = require('libpg-query') as {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts: { stmt: unknown; stmt_location?: number; stmt_len?: number }[] };
};

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

/** Parses one or more statements; syntax errors become 42601 with PostgreSQL's message and position. */
export function parseSql(sql: string): ParsedStatement[] {
  let r: ReturnType<typeof pg.parseSync>;
  try {
    r = pg.parseSync(sql);
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
  return (r.stmts ?? []).map((s) => {
    const offset = s.stmt_location ?? 0;
    const len = s.stmt_len ?? sql.length - offset;
    const text = sql.slice(offset, offset + len).trim();
    const body = Object.values(s.stmt as object)[0] as unknown;
    if (typeof body === 'object' && body !== null) sourceText.set(body, text);
    return { stmt: s.stmt, sql: text, offset };
  });
}

/** The text each parsed statement came from, keyed by its node (`{ ViewStmt: node }` → node). */
const sourceText = new WeakMap<object, string>();

/** The SQL text a statement node returned by parseSql was parsed from, if it was. */
export function statementSource(node: object): string | undefined {
  return sourceText.get(node);
}
