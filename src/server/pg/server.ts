import { randomInt } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import pino, { type Logger } from 'pino';
import type { Database } from '../../index.js';
import type { Session } from '../../engine/session.js';
import { ADMIN_ROLE } from '../../tenancy/roles.js';
import { md5Secret, scramVerifier } from '../../tenancy/passwords.js';
import type { AuthMethod } from './auth.js';
import { PgConnection } from './connection.js';

/**
 * Options of PgServer.
 * @example
 * const server = await PgServer.listen(db, { port: 6543, password: process.env.LIVEVIEWDB_PASSWORD });
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
  readonly logger?: Logger;
}

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
  private nextProcessId = 1;
  readonly log: Logger;
  /** The authentication method in force. */
  readonly auth: AuthMethod;
  private readonly tls: SecureContext | null;

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
    server.on('connection', (s) => this.accept(s));
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

  /** The bound port (useful with port 0). */
  /** Client connections open now (the liveviewdb_open_connections metric). */
  get connectionCount(): number {
    return this.connections.size;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const processId = this.nextProcessId++;
    const log = this.log.child({ conn: processId, remote: socket.remoteAddress });
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
      },
      processId,
      randomInt(-0x80000000, 0x7fffffff),
      log,
    );
    this.connections.set(processId, conn);
    this.sockets.add(socket);
    socket.on('close', () => {
      this.connections.delete(processId);
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
