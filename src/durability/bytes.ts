/**
 * Little-endian binary writing and reading for WAL payloads and checkpoint files. The writer grows
 * one buffer; the reader checks every length against what is left, so a corrupt file fails with
 * a RangeError instead of reading garbage.
 */

/** Appends fixed-width numbers, byte arrays and strings to a growing buffer. */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(initial = 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.length);
    this.length += 8;
  }

  /** The raw bytes of a typed array (or part of one). */
  bytes(b: ArrayBufferView): void {
    const src = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    this.reserve(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  /** A length-prefixed UTF-8 string. */
  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.u32(n);
    this.reserve(n);
    this.buf.write(s, this.length, 'utf8');
    this.length += n;
  }

  /** A length-prefixed JSON document. */
  json(v: unknown): void {
    this.string(JSON.stringify(v));
  }

  /** The bytes written so far (a view: copy it before writing more if it must stay). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Reads what ByteWriter wrote, failing with RangeError past the end. */
export class ByteReader {
  offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length)
      throw new RangeError(
        `truncated data: need ${n} bytes at offset ${this.offset}, have ${this.remaining}`,
      );
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }

  /** `n` bytes, copied into `into` (a fresh, aligned buffer the caller owns). */
  bytesInto(into: Uint8Array): void {
    this.need(into.length);
    into.set(this.buf.subarray(this.offset, this.offset + into.length));
    this.offset += into.length;
  }

  /** A view of the next `n` bytes. */
  slice(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  string(): string {
    const n = this.u32();
    return this.slice(n).toString('utf8');
  }

  json<T>(): T {
    return JSON.parse(this.string()) as T;
  }
}
