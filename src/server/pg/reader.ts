import { DatabaseError, SqlState } from '../../errors.js';
import { MessageBody } from './message-body.js';
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  SSL_REQUEST_CODE,
  type FrontendMessage,
  type StartupPacket,
  type TargetKind,
} from './messages.js';

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
const MAX_STARTUP_PACKET = 10_000;

/** Default largest message a client may send (PgServerOptions.maxMessageSize): 64 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 2 ** 20;

/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: the largest password message before authentication. */
export const MAX_AUTH_MESSAGE_SIZE = 65_535;

type Known = Exclude<FrontendMessage['kind'], 'unsupported'>;

/** The type byte of each frontend message. */
export const TYPE_BYTE: Record<Known, string> = {
  query: 'Q',
  parse: 'P',
  bind: 'B',
  describe: 'D',
  execute: 'E',
  close: 'C',
  sync: 'S',
  flush: 'H',
  terminate: 'X',
  password: 'p',
  copyData: 'd',
  copyDone: 'c',
  copyFail: 'f',
};

/** The type byte of a message as a number, as PostgreSQL's messages print it. */
export function typeCode(m: FrontendMessage): number {
  return (m.kind === 'unsupported' ? m.code : TYPE_BYTE[m.kind]).charCodeAt(0);
}

const violation = (message: string, detail?: string): DatabaseError =>
  new DatabaseError(SqlState.protocolViolation, message, detail === undefined ? undefined : { detail });

/**
 * Splits the bytes a client sends into messages. Framing is the protocol's (a type byte and an
 * int32 length; the startup packet has no type byte). A length outside the limits fails at once,
 * before the body is buffered; a body whose fields do not fit its length fails with 08P01.
 *
 * @example
 * const reader = new FrontendReader(1 << 20);
 * socket.on('data', (chunk) => reader.push(chunk));
 * const m = reader.next(); // null until a whole message has arrived
 */
export class FrontendReader {
  /** Received chunks not consumed yet; kept apart so a large message is copied once, not per chunk. */
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(readonly maxMessageSize: number = DEFAULT_MAX_MESSAGE_SIZE) {}

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Drops everything buffered (the connection is closing). */
  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  /** The next startup-phase packet, or null until it has fully arrived. */
  nextStartup(): StartupPacket | null {
    const head = this.peek(4);
    if (!head) return null;
    const len = head.readInt32BE(0);
    if (len < 8 || len > MAX_STARTUP_PACKET) throw violation('invalid length of startup packet');
    if (this.size < len) return null;
    const packet = this.take(len);
    const body = new MessageBody(packet.subarray(4));
    const code = body.int32();
    if (code === SSL_REQUEST_CODE) return { kind: 'sslRequest' };
    if (code === GSSENC_REQUEST_CODE) return { kind: 'gssEncRequest' };
    if (code === CANCEL_REQUEST_CODE) {
      if (body.remaining !== 8) throw violation('invalid length of startup packet');
      return { kind: 'cancelRequest', processId: body.int32(), secretKey: body.int32() };
    }
    const layout = (): DatabaseError =>
      violation('invalid startup packet layout: expected terminator as last byte');
    if (packet[len - 1] !== 0) throw layout();
    const params = new Map<string, string>();
    // Name/value pairs, each a C string, up to an empty name.
    for (;;) {
      const name = body.cstring();
      if (name === '') break;
      if (body.remaining === 0) throw layout();
      params.set(name, body.cstring());
    }
    if (body.remaining !== 0) throw layout();
    return { kind: 'startup', version: code, params };
  }

  /**
   * The next message of an established session, or null until it has fully arrived. `limit` is
   * the largest length accepted (smaller before authentication).
   */
  next(limit: number = this.maxMessageSize): FrontendMessage | null {
    const head = this.peek(5);
    if (!head) return null;
    const len = head.readInt32BE(1);
    if (len < 4) throw violation('invalid message length', `The message claims ${len} bytes.`);
    if (len > limit)
      throw violation(
        'invalid message length',
        `The message is ${len} bytes; the largest accepted is ${limit} bytes.`,
      );
    if (this.size < len + 1) return null;
    const msg = this.take(len + 1);
    const body = new MessageBody(msg.subarray(5));
    const m = decode(String.fromCharCode(msg[0]!), body);
    if (m.kind !== 'unsupported') body.end();
    return m;
  }

  /** The first `n` buffered bytes as one buffer (joining the first chunks if need be), not consumed. */
  private peek(n: number): Buffer | null {
    if (this.size < n) return null;
    if (this.chunks[0]!.length < n) {
      let k = 0;
      for (let got = 0; got < n; k++) got += this.chunks[k]!.length;
      this.chunks.splice(0, k, Buffer.concat(this.chunks.slice(0, k)));
    }
    return this.chunks[0]!;
  }

  /** Consumes the first `n` buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    this.size -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let at = 0; at < n;) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

function decode(code: string, r: MessageBody): FrontendMessage {
  switch (code) {
    case 'Q':
      return { kind: 'query', sql: r.cstring() };
    case 'P': {
      const name = r.cstring();
      const sql = r.cstring();
      const n = r.count();
      const paramTypes = Array.from({ length: n }, () => r.uint32());
      return { kind: 'parse', name, sql, paramTypes };
    }
    case 'B': {
      const portal = r.cstring();
      const statement = r.cstring();
      const paramFormats = Array.from({ length: r.count() }, () => r.int16());
      const params = Array.from({ length: r.count() }, () => {
        const l = r.int32();
        return l === -1 ? null : r.bytes(l);
      });
      const resultFormats = Array.from({ length: r.count() }, () => r.int16());
      return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case 'D':
    case 'C': {
      const target = String.fromCharCode(r.byte());
      if (target !== 'S' && target !== 'P')
        throw violation(
          `invalid ${code === 'D' ? 'DESCRIBE' : 'CLOSE'} message subtype ${target.charCodeAt(0)}`,
        );
      const kind = code === 'D' ? 'describe' : 'close';
      return { kind, target: target as TargetKind, name: r.cstring() };
    }
    case 'E':
      return { kind: 'execute', portal: r.cstring(), maxRows: r.int32() };
    case 'S':
      return { kind: 'sync' };
    case 'H':
      return { kind: 'flush' };
    case 'X':
      return { kind: 'terminate' };
    case 'p':
      return { kind: 'password', data: r.rest() };
    case 'd':
      return { kind: 'copyData', data: r.rest() };
    case 'c':
      return { kind: 'copyDone' };
    case 'f':
      return { kind: 'copyFail', message: r.cstring() };
    default:
      return { kind: 'unsupported', code };
  }
}
