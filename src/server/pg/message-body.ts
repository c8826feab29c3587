import { DatabaseError, SqlState } from '../../errors.js';

const violation = (message: string): DatabaseError => new DatabaseError(SqlState.protocolViolation, message);

/**
 * A cursor over one message body that checks every read against the body's end, as PostgreSQL's
 * pq_getmsg* functions do (pg-protocol's BufferReader reads past the end without complaint). A
 * client's malformed message fails with 08P01 and PostgreSQL's wording instead of garbage values.
 *
 * @example
 * const body = new MessageBody(Buffer.from('SELECT 1\0'));
 * body.cstring(); // 'SELECT 1'
 * body.end(); // throws 08P01 'invalid message format' if bytes were left over
 */
export class MessageBody {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(n: number): number {
    if (n < 0 || n > this.remaining) throw violation('insufficient data left in message');
    const at = this.offset;
    this.offset += n;
    return at;
  }

  byte(): number {
    return this.buffer[this.need(1)]!;
  }

  int16(): number {
    return this.buffer.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.need(4));
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.need(4));
  }

  /** A count of items that follow (int16); a negative one is malformed. */
  count(): number {
    const n = this.int16();
    if (n < 0) throw violation('invalid message format');
    return n;
  }

  /** `n` raw bytes (a view of the message, not a copy). */
  bytes(n: number): Buffer {
    const at = this.need(n);
    return this.buffer.subarray(at, at + n);
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end < 0) throw violation('invalid string in message');
    const s = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return s;
  }

  /** The unread rest of the body. */
  rest(): Buffer {
    return this.buffer.subarray(this.need(this.remaining));
  }

  /** Checks that the whole body was read (pq_getmsgend). */
  end(): void {
    if (this.remaining !== 0) throw violation('invalid message format');
  }
}
