/** One NOTIFY as a listener receives it. */
export interface Notification {
  readonly channel: string;
  readonly payload: string;
  /** The process id of the notifying session (0 for the engine's own, e.g. view changes). */
  readonly pid: number;
}

/** PostgreSQL's limit on a NOTIFY payload. */
export const MAX_PAYLOAD = 7999;

/**
 * LISTEN/NOTIFY channels: sessions listen by channel name and receive each notification sent to
 * it after the sending transaction commits. Materialized views publish their changes on the
 * channel named after them.
 *
 * @example
 * const stop = engine.notifications.listen('sales_by_region', (n) => console.log(n.payload));
 */
export class NotificationHub {
  private readonly channels = new Map<string, Set<(n: Notification) => void>>();

  listen(channel: string, listener: (n: Notification) => void): () => void {
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.channels.delete(channel);
    };
  }

  /** Whether anyone listens on `channel` (so senders can skip building payloads). */
  hasListeners(channel: string): boolean {
    return this.channels.has(channel);
  }

  publish(n: Notification): void {
    for (const l of this.channels.get(n.channel) ?? []) {
      try {
        l(n);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
