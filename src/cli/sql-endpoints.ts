import pg from 'pg';
import { DatabaseError, SqlState, open, type Database } from '../index.js';
import type { Session } from '../engine/session.js';
import { textContext } from '../server/http/run-sql.js';
import { commandTag } from '../server/pg/writer.js';
import { formatValue } from '../types/text-io.js';

/** One statement's outcome as the shell prints it: cells in PostgreSQL's text form, NULL as null. */
export interface ShellResult {
  /** The command tag, e.g. `INSERT 0 2`, `CREATE TABLE`. */
  readonly tag: string;
  /** Column names; empty for a statement that returns no rows. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Where the shell's SQL runs: an embedded database, or a server over pg or HTTP. */
export interface SqlEndpoint {
  /** The line the interactive shell opens with. */
  readonly banner: string;
  /** Runs SQL (one or more statements); rejects with a DatabaseError when a statement fails. */
  run(sql: string): Promise<ShellResult[]>;
  close(): Promise<void>;
}

/** The server could not be reached (psql's exit code 2), as opposed to a statement failing. */
export class ConnectionFailure extends Error {}

/** An embedded in-memory database, one session for the whole shell (transactions span lines). */
export class EmbeddedEndpoint implements SqlEndpoint {
  readonly banner = 'LiveViewDB 0.1.0 (embedded, in memory). End statements with ";". \\q quits.';
  private constructor(
    private readonly db: Database,
    private readonly session: Session,
  ) {}

  static async open(): Promise<EmbeddedEndpoint> {
    const db = await open();
    return new EmbeddedEndpoint(db, db.session());
  }

  async run(sql: string): Promise<ShellResult[]> {
    const results = await this.session.execute(sql);
    const ctx = textContext(this.session);
    return results.map((r) => ({
      tag: commandTag(r.command, r.rowCount),
      columns: r.columns.map((c) => c.name),
      rows: r.rows.map((row) =>
        row.map((v, i) => (v === null ? null : formatValue(v, r.columns[i]!.type, ctx))),
      ),
    }));
  }

  async close(): Promise<void> {
    this.session.close();
    await this.db.close();
  }
}

/** A server over the PostgreSQL protocol (node-postgres): results arrive in text form, kept as is. */
export class PgEndpoint implements SqlEndpoint {
  readonly banner: string;
  private tags: string[] = [];
  private constructor(
    private readonly client: pg.Client,
    url: URL,
  ) {
    this.banner = `LiveViewDB shell, connected to ${url.host}${url.pathname} over the PostgreSQL protocol. \\q quits.`;
    // node-postgres keeps only the first word of a command tag ("CREATE"); psql prints it whole.
    const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
    connection.on('commandComplete', (m: { text: string }) => this.tags.push(m.text));
  }

  static async connect(url: string): Promise<PgEndpoint> {
    const client = new pg.Client({
      connectionString: url,
      // Every value stays the server's text output, as psql shows it.
      types: { getTypeParser: () => (v: string) => v },
    });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (e) {
      throw new ConnectionFailure(`connection to server at ${new URL(url).host} failed: ${errorText(e)}`);
    }
    return new PgEndpoint(client, new URL(url));
  }

  async run(sql: string): Promise<ShellResult[]> {
    this.tags = [];
    let out: pg.QueryArrayResult | pg.QueryArrayResult[];
    try {
      // Several statements in one string answer with one result each (node-postgres's array form).
      out = (await this.client.query({ text: sql, rowMode: 'array' })) as
        pg.QueryArrayResult | pg.QueryArrayResult[];
    } catch (e) {
      if (e instanceof pg.DatabaseError) {
        throw new DatabaseError(e.code ?? SqlState.internalError, e.message, {
          ...(e.detail ? { detail: e.detail } : {}),
          ...(e.hint ? { hint: e.hint } : {}),
        });
      }
      throw new ConnectionFailure(`server connection lost: ${errorText(e)}`);
    }
    const results = Array.isArray(out) ? out : [out];
    return results.map((r, i) => ({
      tag: this.tags[i] ?? r.command,
      columns: r.fields.map((f) => f.name),
      rows: r.rows.map((row) => row.map((v) => (v === null ? null : String(v)))),
    }));
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

interface HttpQueryBody {
  columns?: { name: string }[];
  rows?: unknown[][];
  stats?: { rowCount: number; command: string };
  error?: { code: string; message: string; detail?: string; hint?: string };
}

/** A JSON value of the HTTP API back in PostgreSQL's text form (docs/http.md has the mapping). */
function httpCell(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) return `{${v.map((e) => arrayElement(httpCell(e))).join(',')}}`;
  return String(v);
}

function arrayElement(s: string | null): string {
  if (s === null) return 'NULL';
  return s === '' || /[{},"\\\s]/.test(s) || /^null$/i.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s;
}

/**
 * A server over the HTTP API (`POST /api/v1/query`). Each request is a session of its own, so only
 * the last statement of a request comes back and a transaction does not span requests.
 */
export class HttpEndpoint implements SqlEndpoint {
  readonly banner: string;
  private readonly queryUrl: URL;

  constructor(
    url: string,
    private readonly token: string | undefined,
  ) {
    const base = new URL(url);
    this.queryUrl = new URL('api/v1/query', base.href.endsWith('/') ? base : base.href + '/');
    this.banner = `LiveViewDB shell, connected to ${base.host} over HTTP (each request its own session). \\q quits.`;
  }

  async run(sql: string): Promise<ShellResult[]> {
    let res: Response;
    try {
      res = await fetch(this.queryUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.token !== undefined ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ sql }),
      });
    } catch (e) {
      throw new ConnectionFailure(`connection to server at ${this.queryUrl.host} failed: ${errorText(e)}`);
    }
    let body: HttpQueryBody;
    try {
      body = (await res.json()) as HttpQueryBody;
    } catch {
      throw new ConnectionFailure(`the server answered ${res.status} with a body that is not JSON`);
    }
    if (body.error) {
      const { code, message, detail, hint } = body.error;
      throw new DatabaseError(code, message, {
        ...(detail !== undefined ? { detail } : {}),
        ...(hint !== undefined ? { hint } : {}),
      });
    }
    const stats = body.stats ?? { command: '', rowCount: 0 };
    const columns = (body.columns ?? []).map((c) => c.name);
    return [
      {
        tag: commandTag(stats.command, stats.rowCount),
        columns,
        rows: (body.rows ?? []).map((row) => row.map(httpCell)),
      },
    ];
  }

  async close(): Promise<void> {}
}

function errorText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return (err.message || String(e)) + (cause ? ` (${cause})` : '');
}

/** The endpoint a `--url` names: postgres:// or postgresql:// (pg), http:// or https:// (HTTP API). */
export async function connectEndpoint(url: string, token: string | undefined): Promise<SqlEndpoint> {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new ConnectionFailure(`invalid URL "${url}"`);
  }
  if (scheme === 'postgres:' || scheme === 'postgresql:') return PgEndpoint.connect(url);
  if (scheme === 'http:' || scheme === 'https:') return new HttpEndpoint(url, token);
  throw new ConnectionFailure(
    `unsupported URL scheme "${scheme}": use postgres://, postgresql://, http:// or https://`,
  );
}
