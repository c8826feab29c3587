import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DatabaseError, SqlState } from '../errors.js';
import type { AccessTokenStore } from '../sql/functions/registry.js';

interface StoredToken {
  readonly name: string;
  /** SHA-256 of the secret; the secret itself is never stored. */
  readonly hash: Buffer;
  readonly createdAt: number;
}

/** A token as stored: its name, the hex SHA-256 of its secret and when it was made. */
export interface StoredTokenData {
  readonly name: string;
  readonly hash: string;
  readonly createdAt: number;
}

const TOKEN_PREFIX = 'lvdb_';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * The engine's API access tokens: bearer secrets for the HTTP API, created and dropped through SQL
 * (liveview_create_token / liveview_drop_token). Only the SHA-256 hash of each secret is kept, so the
 * secret is shown once, when it is created. Tokens are engine state outside transactions: creating
 * one inside a transaction block that rolls back still keeps it.
 *
 * @example
 * const secret = engine.tokens.create('dashboard'); // 'lvdb_…'
 * engine.tokens.verify(secret); // 'dashboard'
 */
export class AccessTokens implements AccessTokenStore {
  private readonly byName = new Map<string, StoredToken>();
  /** Called after every change (the write-ahead log records the tokens then). */
  onChange: (() => void) | null = null;

  get size(): number {
    return this.byName.size;
  }

  create(name: string): string {
    if (name.length === 0)
      throw new DatabaseError(SqlState.invalidParameterValue, 'token name must not be empty');
    if (this.byName.has(name))
      throw new DatabaseError(SqlState.duplicateObject, `token "${name}" already exists`);
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    this.byName.set(name, { name, hash: sha256(secret), createdAt: Date.now() * 1000 });
    this.onChange?.();
    return secret;
  }

  drop(name: string): boolean {
    const dropped = this.byName.delete(name);
    if (dropped) this.onChange?.();
    return dropped;
  }

  /** The stored tokens (hashes, never secrets), for the write-ahead log and checkpoints. */
  export(): StoredTokenData[] {
    return [...this.byName.values()].map((t) => ({
      name: t.name,
      hash: t.hash.toString('hex'),
      createdAt: t.createdAt,
    }));
  }

  /** Replaces every token with `tokens` (recovery). */
  import(tokens: readonly StoredTokenData[]): void {
    this.byName.clear();
    for (const t of tokens)
      this.byName.set(t.name, { name: t.name, hash: Buffer.from(t.hash, 'hex'), createdAt: t.createdAt });
  }

  list(): { name: string; createdAt: number }[] {
    return [...this.byName.values()].map((t) => ({ name: t.name, createdAt: t.createdAt }));
  }

  /** The name of the token whose secret is `secret`, or undefined. Compares hashes in constant time. */
  verify(secret: string): string | undefined {
    const h = sha256(secret);
    let found: string | undefined;
    for (const t of this.byName.values()) if (timingSafeEqual(t.hash, h)) found = t.name;
    return found;
  }
}
