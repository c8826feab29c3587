import { BufferReader } from 'pg-protocol/dist/buffer-reader.js';
import { DatabaseError, SqlState } from '../../errors.js';
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  SSL_REQUEST_CODE,
  type FrontendMessage,
  type StartupPacket,
  type TargetKind,
} from './messages.js';

/** Largest message accepted; PostgreSQL's limit for most messages is 1 GB. */
const MAX_MESSAGE = 1 << 30;

/**
 * Splits the bytes a client sends into messages. Framing is the protocol's (a type byte and an
 * int32 length; the startup packet has no type byte); field decoding uses pg-protocol's reader.
 */
export class FrontendReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly fields = new BufferReader();
  private current: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The next startup-phase packet, or null until it has fully arrived. */
  nextStartup(): StartupPacket | null {
    if (this.buffer.length < 4) return null;
    const len = this.buffer.readInt32BE(0);
    if (len < 8 || len > 10_000)
      throw new DatabaseError(SqlState.protocolViolation, 'invalid length of startup packet');
    if (this.buffer.length < len) return null;
    const body = this.take(0, len).subarray(4);
    const code = body.readInt32BE(0);
    if (code === SSL_REQUEST_CODE) return { kind: 'sslRequest' };
    if (code === GSSENC_REQUEST_CODE) return { kind: 'gssEncRequest' };
    if (code === CANCEL_REQUEST_CODE && body.length >= 12)
      return { kind: 'cancelRequest', processId: body.readInt32BE(4), secretKey: body.readInt32BE(8) };
    const params = new Map<string, string>();
    this.fields.setBuffer(4, body);
    // Name/value pairs, each a C string, up to an empty name.
    for (;;) {
      const name = this.fields.cstring();
      if (name === '') break;
      params.set(name, this.fields.cstring());
    }
    return { kind: 'startup', version: code, params };
  }

  /** The next message of an established session, or null until it has fully arrived. */
  next(): FrontendMessage | null {
    if (this.buffer.length < 5) return null;
    const len = this.buffer.readInt32BE(1);
    if (len < 4 || len > MAX_MESSAGE)
      throw new DatabaseError(SqlState.protocolViolation, `invalid message length ${len}`);
    if (this.buffer.length < len + 1) return null;
    const msg = this.take(0, len + 1);
    this.current = msg;
    const code = String.fromCharCode(msg[0]!);
    this.fields.setBuffer(5, msg);
    return this.decode(code);
  }

  /** The unread rest of the current message body. */
  private rest(): Buffer {
    return this.current.subarray(5);
  }

  private take(start: number, end: number): Buffer {
    const out = this.buffer.subarray(start, end);
    this.buffer = this.buffer.subarray(end);
    return out;
  }

  private decode(code: string): FrontendMessage {
    const r = this.fields;
    switch (code) {
      case 'Q':
        return { kind: 'query', sql: r.cstring() };
      case 'P': {
        const name = r.cstring();
        const sql = r.cstring();
        const n = r.int16();
        const paramTypes = Array.from({ length: n }, () => r.uint32());
        return { kind: 'parse', name, sql, paramTypes };
      }
      case 'B': {
        const portal = r.cstring();
        const statement = r.cstring();
        const paramFormats = Array.from({ length: r.int16() }, () => r.int16());
        const params = Array.from({ length: r.int16() }, () => {
          const l = r.int32();
          return l < 0 ? null : r.bytes(l);
        });
        const resultFormats = Array.from({ length: r.int16() }, () => r.int16());
        return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
      }
      case 'D':
      case 'C': {
        const target = String.fromCharCode(r.byte());
        if (target !== 'S' && target !== 'P')
          throw new DatabaseError(
            SqlState.protocolViolation,
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
        return { kind: 'password', data: this.rest() };
      case 'd':
        return { kind: 'copyData', data: this.rest() };
      case 'c':
        return { kind: 'copyDone' };
      case 'f':
        return { kind: 'copyFail', message: r.cstring() };
      default:
        return { kind: 'unsupported', code };
    }
  }
}
