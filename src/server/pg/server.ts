import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import pino, { type Logger } from 'pino';
import type { Database } from '../../index.js';
import type { Session } from '../../engine/session.js';
import { DatabaseError, SqlState } from '../../errors.js';
import { ADMIN_ROLE } from '../../tenancy/roles.js';
import { md5Secret, scramVerifier } from '../../tenancy/passwords.js';
import type { AuthMethod } from './auth.js';
import { PgConnection } from './connection.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './reader.js';

/**
 * Options of PgServer.
 * @example
 * const server = await PgServer.listen(db, {
 *   port: 6543,
 *   password: process.env.LIVEVIEWDB_PASSWORD,
 *   maxConnections: 500,
 * });
 */
export interface PgServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; default 6543; 0 picks a free one. */
  readonly port?: number;
  /**
   * Password of user `admin`, kept as a SCRAM verifier and an md5 secret in the database's role
   * store (db.engine.roles); undefined leaves the roles as they are.
   */
  readonly password?: string | undefined;
  /**
   * How clients authenticate; default scram-sha-256 when some role has a password, else trust.
   */
  readonly auth?: AuthMethod;
  /** PEM certificate and key: SSLRequest is answered 'S' and the connection goes on over TLS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** The one database name clients may connect to; default 'liveview'. */
  readonly database?: string;
  /**
   * Most client connections open at once (PostgreSQL's max_connections); default 100. One more is
   * answered FATAL 53300 `sorry, too many clients already` and closed.
   */
  readonly maxConnections?: number;
  /**
   * Largest message a client may send, in bytes; default 64 MiB. A longer one is answered FATAL
   * 08P01 `invalid message length` and its connection closed.
   */
  readonly maxMessageSize?: number;
  /**
   * Milliseconds a client has to finish startup and authentication (PostgreSQL's
   * authentication_timeout); default 60 000; 0 waits forever.
   */
  readonly authenticationTimeout?: number;
  readonly logger?: Logger;
}

/** Defaults of PgServerOptions' limits, as in PostgreSQL where it has them. */
export const PG_SERVER_LIMITS = {
  maxConnections: 100,
  maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
  authenticationTimeout: 60_000,
} as const;

/** The default PostgreSQL-protocol port: clear of 5432 so a local PostgreSQL can run beside it. */
export const DEFAULT_PG_PORT = 6543;

/**
 * A PostgreSQL wire protocol (v3) server over an embedded database: each connection gets its own
 * session, so any PostgreSQL client or driver can query LiveViewDB.
 *
 * @example
 * const db = await open();
 * const server = await PgServer.listen(db, { port: 0 });
 * // psql "postgresql://admin@127.0.0.1:${server.port}/liveview"
 * await server.close();
 */
export class PgServer {
  private readonly connections = new Map<number, PgConnection>();
  private readonly sockets = new Set<Socket>();
  /** Connections over the limit, kept only until their startup packet is answered with 53300. */
  private refusing = 0;
  private nextProcessId = 1;
  readonly log: Logger;
  /** The authentication method in force. */
  readonly auth: AuthMethod;
  private readonly tls: SecureContext | null;
  readonly maxConnections: number;
  readonly maxMessageSize: number;
  readonly authenticationTimeout: number;

  private constructor(
    private readonly db: Database,
    private readonly server: Server,
    private readonly options: PgServerOptions,
  ) {
    this.log = options.logger ?? pino({ level: 'silent' });
    const roles = db.engine.roles;
    if (options.password !== undefined)
      roles.setSecrets(ADMIN_ROLE, [
        scramVerifier(options.password),
        md5Secret(options.password, ADMIN_ROLE),
      ]);
    this.auth = options.auth ?? (roles.hasPasswords ? 'scram-sha-256' : 'trust');
    this.tls = options.tls ? createSecureContext({ cert: options.tls.cert, key: options.tls.key }) : null;
    this.maxConnections = limit('maxConnections', options.maxConnections, 1);
    this.maxMessageSize = limit('maxMessageSize', options.maxMessageSize, 1024);
    this.authenticationTimeout = limit('authenticationTimeout', options.authenticationTimeout, 0);
    server.on('connection', (s) => this.accept(s));
    // E.g. EMFILE when accepting with no file descriptors left: log it and keep serving.
    server.on('error', (e) => this.log.error({ err: e }, 'pg server error'));
  }

  /** Starts listening; resolves once the port is bound. */
  static async listen(db: Database, options: PgServerOptions = {}): Promise<PgServer> {
    const server = new PgServer(db, createServer(), options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port ?? DEFAULT_PG_PORT, options.host ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Client connections open now (the liveviewdb_open_connections metric). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Output bytes queued for clients and not yet read by them, over all connections; connections
   * that wait for a slow reader stop at about 1 MiB (OUTPUT_HIGH_WATER) plus one result.
   */
  get outputBacklog(): number {
    let bytes = 0;
    for (const c of this.connections.values()) bytes += c.outputBacklog;
    return bytes;
  }

  /** Connections waiting for their client to read output before handling more messages. */
  get slowReaders(): number {
    let n = 0;
    for (const c of this.connections.values()) if (c.waitingForClient) n++;
    return n;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const processId = this.nextProcessId++;
    const log = this.log.child({ conn: processId, remote: socket.remoteAddress });
    const full = this.connections.size >= this.maxConnections;
    if (full && this.refusing >= this.maxConnections) {
      log.warn({ open: this.connections.size }, 'too many clients: connection dropped');
      socket.destroy();
      return;
    }
    const conn = new PgConnection(
      socket,
      {
        auth: this.auth,
        roles: this.db.engine.roles,
        tls: this.tls,
        database: this.options.database ?? 'liveview',
        log,
        newSession: (): Session => this.db.session(),
        cancel: (pid, key) => this.cancel(pid, key),
        maxMessageSize: this.maxMessageSize,
        authenticationTimeout: this.authenticationTimeout,
      },
      processId,
      randomInt(-0x80000000, 0x7fffffff),
      log,
      full ? new DatabaseError(SqlState.tooManyConnections, 'sorry, too many clients already') : null,
    );
    this.sockets.add(socket);
    if (full) {
      this.refusing++;
      log.warn({ open: this.connections.size, max: this.maxConnections }, 'too many clients');
    } else this.connections.set(processId, conn);
    socket.on('close', () => {
      if (full) this.refusing--;
      else this.connections.delete(processId);
      this.sockets.delete(socket);
      log.debug('connection closed');
    });
  }

  /** CancelRequest: cancels the connection's running statement if the key matches. */
  private cancel(processId: number, secretKey: number): void {
    const conn = this.connections.get(processId);
    if (conn && conn.secretKey === secretKey) {
      this.log.info({ conn: processId }, 'cancel request');
      conn.cancel();
    }
  }

  /** Stops accepting connections and closes the open ones. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

function limit(name: keyof typeof PG_SERVER_LIMITS, value: number | undefined, min: number): number {
  const v = value ?? PG_SERVER_LIMITS[name];
  if (!Number.isInteger(v) || v < min) throw new RangeError(`invalid ${name}: ${value}`);
  return v;
}
