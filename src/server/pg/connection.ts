import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { DatabaseError, SqlState, toDatabaseError } from '../../errors.js';
import type { Session } from '../../engine/session.js';
import { ADMIN_ROLE, type RoleStore } from '../../tenancy/roles.js';
import { PARAMETERS } from '../../sql/config/parameters.js';
import { PasswordExchange, type AuthMethod } from './auth.js';
import { ExtendedProtocol } from './extended.js';
import { PROTOCOL_3_0, type FrontendMessage, type StartupPacket } from './messages.js';
import { ClientOutput, OUTPUT_HIGH_WATER } from './output.js';
import { FrontendReader, MAX_AUTH_MESSAGE_SIZE, typeCode } from './reader.js';
import { SimpleQuery } from './simple-query.js';
import * as msg from './writer.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly auth: AuthMethod;
  readonly roles: RoleStore;
  /** TLS certificate and key; null answers SSLRequest with 'N'. */
  readonly tls: SecureContext | null;
  readonly database: string;
  readonly log: Logger;
  /** Largest message accepted after authentication, in bytes. */
  readonly maxMessageSize: number;
  /** Milliseconds to finish startup and authentication before the connection is dropped. */
  readonly authenticationTimeout: number;
  newSession(): Session;
  cancel(processId: number, secretKey: number): void;
}

/** Settings reported to the client at startup and whenever they change (GUC_REPORT). */
const REPORTED: readonly [setting: string, name: string][] = [...PARAMETERS]
  .filter(([, p]) => p.report === true)
  .map(([key, p]) => [key, p.name]);

type Phase = 'startup' | 'password' | 'ready' | 'closed';

/** How long a closing connection may take to deliver its last messages before it is destroyed. */
const CLOSE_GRACE_MS = 5_000;

/** One client connection: startup and authentication, then simple and extended queries. */
export class PgConnection {
  private readonly reader: FrontendReader;
  private phase: Phase = 'startup';
  private session: Session | null = null;
  private extended: ExtendedProtocol | null = null;
  private simple: SimpleQuery | null = null;
  private exchange: PasswordExchange | null = null;
  private startup: ReadonlyMap<string, string> = new Map();
  private reported = new Map<string, string>();
  /** After an error in the extended protocol, messages are skipped until Sync. */
  private skipToSync = false;
  private readonly output: ClientOutput;
  private readonly send: (b: Buffer) => void;
  private busy = false;
  private startupTimer: NodeJS.Timeout | null;

  /**
   * `refuse`, when given, is the FATAL error that answers the startup packet (e.g. too many
   * connections): the client still gets a proper ErrorResponse, as from PostgreSQL.
   */
  constructor(
    private socket: Socket,
    private readonly host: ConnectionHost,
    readonly processId: number,
    readonly secretKey: number,
    private readonly log: Logger,
    private readonly refuse: DatabaseError | null = null,
  ) {
    this.reader = new FrontendReader(host.maxMessageSize);
    this.output = new ClientOutput(socket);
    this.send = this.output.send;
    this.startupTimer =
      host.authenticationTimeout > 0
        ? setTimeout(() => this.onStartupTimeout(), host.authenticationTimeout).unref()
        : null;
    socket.on('data', this.onData);
    socket.on('error', (e) => this.log.debug({ err: e }, 'socket error'));
    socket.on('close', () => {
      // Messages still buffered have no one to answer to.
      this.phase = 'closed';
      this.stopStartupTimer();
      this.reader.clear();
      // An open transaction rolls back and gives up its locks (after the statement running now).
      if (!this.busy) this.session?.close();
    });
  }

  /** Whether the connection waits for its client to read output before going on (a slow reader). */
  get waitingForClient(): boolean {
    return this.output.waitingForClient;
  }

  /** Output bytes queued on the socket and not yet taken by the client. */
  get outputBacklog(): number {
    return this.output.backlog;
  }

  private onData = (chunk: Buffer): void => {
    if (this.phase === 'closed') return;
    this.reader.push(chunk);
    // Input that arrives while a message is being handled waits in the kernel, not in memory.
    if (this.busy && this.reader.buffered > OUTPUT_HIGH_WATER) this.socket.pause();
    this.drain().catch((e: unknown) => {
      this.log.error({ err: e }, 'connection failed');
      this.socket.destroy();
    });
  };

  private onStartupTimeout(): void {
    this.startupTimer = null;
    if (this.phase !== 'startup' && this.phase !== 'password') return;
    // As PostgreSQL's authentication_timeout: nothing is sent, the connection is dropped.
    this.log.info({ phase: this.phase }, 'canceling authentication due to timeout');
    this.phase = 'closed';
    this.socket.destroy();
  }

  private stopStartupTimer(): void {
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.startupTimer = null;
  }

  /** Answers 'S' and goes on over TLS on the same socket; the client's handshake comes next. */
  private startTls(context: SecureContext): void {
    const raw = this.socket;
    raw.off('data', this.onData);
    raw.write('S');
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    tls.on('data', this.onData);
    tls.on('error', (e) => this.log.debug({ err: e }, 'TLS error'));
    this.socket = tls;
    this.output.socket = tls;
  }

  /** Cancels the statement running now, if any (CancelRequest). */
  cancel(): void {
    this.session?.cancel();
  }

  private flush(): void {
    this.output.flush();
  }

  /** Handles every complete message received, one at a time. */
  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (;;) {
        if (this.phase === 'closed') return;
        if (this.phase === 'startup') {
          const p = this.reader.nextStartup();
          if (!p) break;
          this.onStartup(p);
        } else {
          // Before authentication only short password messages are accepted, as in PostgreSQL.
          const limit = this.phase === 'password' ? MAX_AUTH_MESSAGE_SIZE : this.reader.maxMessageSize;
          const m = this.reader.next(limit);
          if (!m) break;
          await this.onMessage(m);
        }
        if (this.output.behind) await this.output.caughtUp();
      }
      // Everything received is handled: read on (a pause above may have stopped reading).
      if (this.socket.isPaused()) this.socket.resume();
    } catch (e) {
      this.fatal(toDatabaseError(e));
    } finally {
      this.busy = false;
      if (this.phase === 'closed') this.session?.close();
      this.flush();
    }
  }

  private fatal(err: DatabaseError): void {
    if (err.code === SqlState.protocolViolation)
      this.log.warn({ code: err.code, error: err.message, detail: err.detail }, 'protocol violation');
    else this.log.info({ code: err.code, error: err.message }, 'connection rejected');
    this.send(msg.errorResponse(err, 'FATAL'));
    this.close();
  }

  private close(): void {
    this.flush();
    this.phase = 'closed';
    this.stopStartupTimer();
    this.reader.clear();
    this.socket.end();
    // A client that does not read would keep a half-closed socket open forever.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private onStartup(p: StartupPacket): void {
    switch (p.kind) {
      case 'sslRequest':
        if (this.host.tls && !(this.socket instanceof TLSSocket)) return this.startTls(this.host.tls);
        // 'N' tells the client to go on in plain text (or give up, if it requires TLS).
        this.socket.write('N');
        return;
      case 'gssEncRequest':
        this.socket.write('N');
        return;
      case 'cancelRequest':
        this.host.cancel(p.processId, p.secretKey);
        return this.close();
      case 'startup':
        if (this.refuse) throw this.refuse;
        if (p.version >>> 16 !== PROTOCOL_3_0 >>> 16)
          throw new DatabaseError(
            SqlState.featureNotSupported,
            `unsupported frontend protocol ${p.version >>> 16}.${p.version & 0xffff}: server supports 3.0 to 3.0`,
          );
        if (!p.params.get('user'))
          throw new DatabaseError(
            SqlState.invalidAuthorizationSpecification,
            'no PostgreSQL user name specified in startup packet',
          );
        this.startup = p.params;
        if (this.host.auth === 'trust') return this.authenticated();
        this.phase = 'password';
        this.exchange = new PasswordExchange(this.host.auth, this.host.roles, p.params.get('user')!);
        this.send(this.exchange.start());
    }
  }

  private authenticated(): void {
    const user = this.startup.get('user')!;
    const database = this.startup.get('database') || user;
    if (database !== this.host.database)
      throw new DatabaseError(SqlState.invalidCatalogName, `database "${database}" does not exist`);
    this.stopStartupTimer();
    const session = this.host.newSession();
    // Checked like SET: an invalid value fails the connection, as in PostgreSQL.
    for (const [k, v] of this.startup) session.config.initial(k, v);
    session.config.preset('session_authorization', user);
    session.config.preset('is_superuser', user === ADMIN_ROLE ? 'on' : 'off');
    this.session = session;
    this.extended = new ExtendedProtocol(session, this.send);
    this.simple = new SimpleQuery(session, this.send, () => this.readyForQuery(), user === ADMIN_ROLE);
    session.processId = this.processId;
    // Asynchronous notifications go out at once when the connection is idle, else with the reply.
    session.onNotification = (n) => {
      this.send(msg.notificationResponse(n.pid, n.channel, n.payload));
      if (!this.busy) this.flush();
    };
    this.exchange = null;
    this.phase = 'ready';
    this.send(msg.authenticationOk());
    this.reportSettings();
    this.send(msg.backendKeyData(this.processId, this.secretKey));
    this.send(msg.readyForQuery('I'));
    this.log.info({ user, application: session.settings.get('application_name') }, 'session started');
  }

  /** ParameterStatus for each reported setting that is new or changed. */
  private reportSettings(): void {
    for (const [setting, name] of REPORTED) {
      const v = this.session!.settings.get(setting) ?? '';
      if (this.reported.get(setting) === v) continue;
      this.reported.set(setting, v);
      this.send(msg.parameterStatus(name, v));
    }
  }

  private readyForQuery(): void {
    this.reportSettings();
    this.send(msg.readyForQuery(this.session!.transactionStatus));
    this.flush();
  }

  private sendError(e: unknown): void {
    const err = toDatabaseError(e);
    if (err.code === SqlState.internalError) this.log.error({ err: e }, 'internal error');
    this.send(msg.errorResponse(err));
  }

  private async onMessage(m: FrontendMessage): Promise<void> {
    if (this.phase === 'password') {
      if (m.kind !== 'password')
        throw new DatabaseError(
          SqlState.protocolViolation,
          `expected password response, got message type ${typeCode(m)}`,
        );
      const step = this.exchange!.step(m.data);
      for (const b of step.reply) this.send(b);
      return step.done ? this.authenticated() : undefined;
    }
    if (this.simple!.copying) return this.onCopyMessage(m);
    switch (m.kind) {
      case 'query':
        return this.simple!.start(m.sql);
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        // Left over from a COPY that already failed: PostgreSQL ignores them too.
        return;
      case 'sync':
        this.skipToSync = false;
        this.extended!.sync();
        return this.readyForQuery();
      case 'flush':
        return this.flush();
      case 'terminate':
        return this.close();
      case 'parse':
      case 'bind':
      case 'describe':
      case 'execute':
      case 'close':
        if (this.skipToSync) return;
        try {
          await this.extended!.handle(m);
        } catch (e) {
          this.sendError(e);
          this.skipToSync = true;
        }
        return;
      default:
        throw new DatabaseError(SqlState.protocolViolation, `invalid frontend message type ${typeCode(m)}`);
    }
  }

  /** During COPY FROM STDIN: data, then CopyDone or CopyFail; Flush and Sync are ignored. */
  private async onCopyMessage(m: FrontendMessage): Promise<void> {
    switch (m.kind) {
      case 'copyData':
        return this.simple!.copyData(m.data);
      case 'copyDone':
        return this.simple!.copyDone();
      case 'copyFail':
        return this.simple!.copyFail(m.message);
      case 'flush':
      case 'sync':
        return;
      case 'terminate':
        return this.close();
      default:
        return this.simple!.copyError(
          new DatabaseError(
            SqlState.protocolViolation,
            `unexpected message type 0x${typeCode(m).toString(16).toUpperCase().padStart(2, '0')} during COPY from stdin`,
          ),
        );
    }
  }
}
