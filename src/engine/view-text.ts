import { parseSql } from '../sql/parser.js';

type Node = any;

/** The AST without source positions, to compare parses of the same text at different offsets. */
function shape(node: Node): string {
  return JSON.stringify(node, (k, v: unknown) => (k === 'location' ? undefined : v));
}

/**
 * The text of a CREATE VIEW's query, cut from the statement's SQL: the text after the `AS` whose
 * parse is the view's query (libpg-query has no deparser; positions of a SelectStmt are not kept).
 * Empty when `sql` is not the statement's text.
 *
 * @example
 * viewQueryText('CREATE VIEW v AS SELECT a FROM t WITH CHECK OPTION', query); // 'SELECT a FROM t'
 */
export function viewQueryText(sql: string, query: Node): string {
  const want = shape(query);
  for (const m of sql.matchAll(/\bAS\b/gi)) {
    const text = sql
      .slice(m.index + 2)
      .replace(/;\s*$/, '')
      .replace(/\s+WITH\s+(?:CASCADED\s+|LOCAL\s+)?CHECK\s+OPTION\s*$/i, '')
      .replace(/\s+WITH\s+(?:NO\s+)?DATA\s*$/i, '')
      .trim();
    let parsed;
    try {
      parsed = parseSql(text);
    } catch {
      continue;
    }
    const stmt = parsed.length === 1 ? (parsed[0]!.stmt as Node) : undefined;
    if (stmt?.SelectStmt && shape(stmt.SelectStmt) === want) return text;
  }
  return '';
}
