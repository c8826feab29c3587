import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/errors.js';
import { LockTable, relationKey } from '../../src/storage/locks.js';

const key = relationKey('public', 't');
const label = 'relation "t"';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DatabaseError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('LockTable', () => {
  it('hides a name another transaction created and reports one it changed as busy', () => {
    const locks = new LockTable();
    const a = {};
    const b = {};
    locks.acquireExclusive(key, a, false, label);
    expect(locks.check(key, a, label)).toBe('free');
    expect(locks.check(key, b, label)).toBe('hidden');
    locks.releaseAll(a);
    locks.acquireExclusive(key, a, true, label);
    expect(codeOf(() => locks.check(key, b, label))).toBe('55P03');
    expect(codeOf(() => locks.check(key, null, label))).toBe('55P03');
  });

  it('shares among writers but not with DDL, and lets the only writer take it over', () => {
    const locks = new LockTable();
    const a = {};
    const b = {};
    expect(locks.acquireShared(key, a, label)).toBe(true);
    expect(locks.acquireShared(key, a, label)).toBe(false);
    expect(locks.acquireShared(key, b, label)).toBe(true);
    expect(codeOf(() => locks.acquireExclusive(key, a, true, label))).toBe('55P03');
    locks.releaseShared(key, b);
    expect(locks.acquireExclusive(key, a, true, label)).toBe(true);
    expect(codeOf(() => locks.acquireShared(key, b, label))).toBe('55P03');
  });

  it('frees everything a transaction held when it ends', () => {
    const locks = new LockTable();
    const a = {};
    const b = {};
    locks.acquireExclusive(key, a, true, label);
    locks.acquireShared(relationKey('public', 'u'), a, label);
    locks.releaseAll(a);
    expect(locks.acquireExclusive(key, b, true, label)).toBe(true);
    expect(locks.acquireExclusive(relationKey('public', 'u'), b, true, label)).toBe(true);
  });
});
