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
 * transactions treat a name created under the lock as absent and fail with 55P03 on any other locked
 * name. DML takes the shared lock so that DDL cannot reshape a table under uncommitted rows.
 * Nothing waits: a conflict fails at once, as PostgreSQL's NOWAIT does.
 *
 * @example
 * locks.acquireExclusive(relationKey('public', 't'), txn, true, 'relation "t"');
 * locks.releaseAll(txn); // at COMMIT or ROLLBACK
 */
export class LockTable {
  private readonly entries = new Map<string, LockEntry>();
  private readonly held = new Map<LockOwner, Set<string>>();

  /** How a name locked by another transaction looks to `viewer`; throws 55P03 when it is busy. */
  check(key: string, viewer: LockOwner | null, label: string): LockVisibility {
    const e = this.entries.get(key);
    if (!e || e.exclusive === null || e.exclusive === viewer) return 'free';
    if (!e.existedBefore) return 'hidden';
    throw lockNotAvailable(label);
  }

  /** Takes the shared lock; returns false if `owner` already held it. */
  acquireShared(key: string, owner: LockOwner, label: string): boolean {
    const e = this.entry(key);
    if (e.exclusive !== null && e.exclusive !== owner) throw lockNotAvailable(label);
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
    if (e.exclusive !== null) throw lockNotAvailable(label);
    for (const o of e.shared) if (o !== owner) throw lockNotAvailable(label);
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
  }

  releaseExclusive(key: string, owner: LockOwner): void {
    const e = this.entries.get(key);
    if (!e || e.exclusive !== owner) return;
    e.exclusive = null;
    this.prune(key, e);
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

function lockNotAvailable(label: string): DatabaseError {
  return new DatabaseError(SqlState.lockNotAvailable, `could not obtain lock on ${label}`, {
    detail: 'Another transaction has changed its definition and has not committed yet.',
    hint: 'Retry after that transaction commits or rolls back.',
  });
}
