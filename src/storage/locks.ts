import { DatabaseError, SqlState } from '../errors.js';

/** Who holds a lock: an open transaction (any object with identity). */
export type LockOwner = object;

interface LockEntry {
  /** The transaction that changed this name's definition (DDL), until it ends. */
  exclusive: LockOwner | null;
  /** Whether the name was defined when the exclusive holder locked it (else others do not see it). */
  existedBefore: boolean;
  /** Transactions with uncommitted row changes in the relation. */
  readonly shared: Set<LockOwner>;
}

/** What another transaction's lock means for a reader: nothing, the name is hidden, or it is busy. */
export type LockVisibility = 'free' | 'hidden';

/**
 * Name-level locks on relations and schemas, held until the transaction ends (PostgreSQL's table
 * locks). DDL takes the exclusive lock and is applied in place, so it must stay unseen: other
 * transactions treat a name created under the lock as absent, and any other locked name is busy.
 * DML takes the shared lock so that DDL cannot reshape a table under uncommitted rows.
 * A conflict throws 55P03 naming the holder (`lockHolder`); the session then waits for the holder
 * to release its locks and runs the statement again (`waitFor`: lock_timeout, deadlock detection).
 *
 * @example
 * locks.acquireExclusive(relationKey('public', 't'), txn, true, 'relation "t"');
 * locks.releaseAll(txn); // at COMMIT or ROLLBACK
 */
export class LockTable {
  private readonly entries = new Map<string, LockEntry>();
  private readonly held = new Map<LockOwner, Set<string>>();
  /** Each waiting transaction and the one it waits for. */
  private readonly waits = new Map<LockOwner, LockOwner>();
  /** Wakes the waiters of a holder when it releases a lock. */
  private readonly wakers = new Map<
    LockOwner,
    { readonly promise: Promise<void>; readonly wake: () => void }
  >();

  /** How a name locked by another transaction looks to `viewer`; throws 55P03 when it is busy. */
  check(key: string, viewer: LockOwner | null, label: string): LockVisibility {
    const e = this.entries.get(key);
    if (!e || e.exclusive === null || e.exclusive === viewer) return 'free';
    if (!e.existedBefore) return 'hidden';
    throw lockNotAvailable(label, e.exclusive);
  }

  /** Takes the shared lock; returns false if `owner` already held it. */
  acquireShared(key: string, owner: LockOwner, label: string): boolean {
    const e = this.entry(key);
    if (e.exclusive !== null && e.exclusive !== owner) throw lockNotAvailable(label, e.exclusive);
    if (e.shared.has(owner)) return false;
    e.shared.add(owner);
    this.track(key, owner);
    return true;
  }

  /** Whether some transaction holds an exclusive lock (has uncommitted DDL applied in place). */
  hasExclusive(): boolean {
    for (const e of this.entries.values()) if (e.exclusive !== null) return true;
    return false;
  }

  /** Takes the exclusive lock; returns false if `owner` already held it. */
  acquireExclusive(key: string, owner: LockOwner, existed: boolean, label: string): boolean {
    const e = this.entry(key);
    if (e.exclusive === owner) return false;
    if (e.exclusive !== null) throw lockNotAvailable(label, e.exclusive);
    for (const o of e.shared) if (o !== owner) throw lockNotAvailable(label, o);
    e.exclusive = owner;
    e.existedBefore = existed;
    this.track(key, owner);
    return true;
  }

  releaseShared(key: string, owner: LockOwner): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.shared.delete(owner);
    this.prune(key, e);
    this.wake(owner);
  }

  releaseExclusive(key: string, owner: LockOwner): void {
    const e = this.entries.get(key);
    if (!e || e.exclusive !== owner) return;
    e.exclusive = null;
    this.prune(key, e);
    this.wake(owner);
  }

  /** Releases every lock `owner` holds (its transaction ended). */
  releaseAll(owner: LockOwner): void {
    for (const key of this.held.get(owner) ?? []) {
      const e = this.entries.get(key);
      if (!e) continue;
      e.shared.delete(owner);
      if (e.exclusive === owner) e.exclusive = null;
      this.prune(key, e);
    }
    this.held.delete(owner);
    this.wake(owner);
  }

  /**
   * Resolves when `holder` next releases a lock (the waiter then tries again). Throws 40P01 at once
   * when `holder` waits, directly or through others, for `waiter`: neither could ever go on.
   */
  waitFor(waiter: LockOwner, holder: LockOwner): Promise<void> {
    for (let h: LockOwner | undefined = holder; h !== undefined; h = this.waits.get(h))
      if (h === waiter)
        throw new DatabaseError(SqlState.deadlockDetected, 'deadlock detected', {
          detail: 'Two transactions each wait for a lock the other holds.',
          hint: 'This transaction is rolled back so that the other can go on; retry it.',
        });
    // Released meanwhile (the conflict was found a few awaits ago): try again at once.
    if (!this.held.has(holder)) return Promise.resolve();
    this.waits.set(waiter, holder);
    let w = this.wakers.get(holder);
    if (!w) {
      let wake!: () => void;
      const promise = new Promise<void>((resolve) => (wake = resolve));
      this.wakers.set(holder, (w = { promise, wake }));
    }
    return w.promise;
  }

  /** `waiter` waits no longer (woken, timed out or cancelled). */
  doneWaiting(waiter: LockOwner): void {
    this.waits.delete(waiter);
  }

  private wake(owner: LockOwner): void {
    const w = this.wakers.get(owner);
    if (!w) return;
    this.wakers.delete(owner);
    w.wake();
  }

  private entry(key: string): LockEntry {
    let e = this.entries.get(key);
    if (!e) {
      e = { exclusive: null, existedBefore: true, shared: new Set() };
      this.entries.set(key, e);
    }
    return e;
  }

  private track(key: string, owner: LockOwner): void {
    let s = this.held.get(owner);
    if (!s) {
      s = new Set();
      this.held.set(owner, s);
    }
    s.add(key);
  }

  private prune(key: string, e: LockEntry): void {
    if (e.exclusive === null && e.shared.size === 0) this.entries.delete(key);
  }
}

export function relationKey(schema: string, name: string): string {
  return `r:${schema}.${name}`;
}

export function schemaKey(name: string): string {
  return `s:${name}`;
}

const holders = new WeakMap<DatabaseError, LockOwner>();

/** The transaction holding the lock a 55P03 from this table could not get. */
export function lockHolder(e: unknown): LockOwner | undefined {
  return e instanceof DatabaseError ? holders.get(e) : undefined;
}

function lockNotAvailable(label: string, holder: LockOwner): DatabaseError {
  const e = new DatabaseError(SqlState.lockNotAvailable, `could not obtain lock on ${label}`, {
    detail: 'Another transaction has changed its definition or its rows and has not ended yet.',
    hint: 'Retry after that transaction commits or rolls back.',
  });
  holders.set(e, holder);
  return e;
}
