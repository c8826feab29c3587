import type { Socket } from 'node:net';

/**
 * Output bytes queued on a socket past which its connection stops handling messages (and reading
 * the socket) until the client has read them: a client that does not read cannot make the server
 * buffer without bound.
 */
export const OUTPUT_HIGH_WATER = 1 << 20;
/** Messages are written to the socket in batches of about this many bytes. */
const WRITE_BATCH = 64 * 1024;

/**
 * Backend messages on their way to one client: batched into few socket writes, and a wait for a
 * client that has fallen more than OUTPUT_HIGH_WATER bytes behind.
 *
 * @example
 * const out = new ClientOutput(socket);
 * out.send(readyForQuery('I'));
 * out.flush();
 * await out.caughtUp(); // returns once the client has read most of it
 */
export class ClientOutput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private waiting = false;

  /** `socket` is replaced when the connection switches to TLS. */
  constructor(public socket: Socket) {}

  /** Bytes queued and not yet taken by the client. */
  get backlog(): number {
    return this.socket.writableLength + this.pendingBytes;
  }

  /** Whether a caughtUp() is waiting for the client to read. */
  get waitingForClient(): boolean {
    return this.waiting;
  }

  /** Whether the client is more than OUTPUT_HIGH_WATER bytes behind. */
  get behind(): boolean {
    return this.backlog > OUTPUT_HIGH_WATER;
  }

  send = (b: Buffer): void => {
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= WRITE_BATCH) this.flush();
  };

  flush(): void {
    if (this.pending.length === 0) return;
    const out = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(out);
  }

  /** Flushes, then waits, not reading input meanwhile, until the client has read the queued output. */
  async caughtUp(): Promise<void> {
    this.flush();
    const socket = this.socket;
    if (socket.writableLength <= OUTPUT_HIGH_WATER || socket.destroyed) return;
    this.waiting = true;
    socket.pause();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
    this.waiting = false;
  }
}
