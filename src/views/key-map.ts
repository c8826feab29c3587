/** Keys below this that are non-negative integers index an array instead of hashing. */
const DENSE_LIMIT = 1 << 16;

const isDense = (k: unknown): k is number => typeof k === 'number' && k >>> 0 === k && k < DENSE_LIMIT;

/**
 * A Map keyed by valueKey keys, with small non-negative integers (product ids, sensor ids) kept in
 * an array: finding one is an index, not a hash lookup.
 */
export class KeyMap<V> {
  private readonly dense: (V | undefined)[] = [];
  private readonly map = new Map<unknown, V>();
  private denseCount = 0;

  get size(): number {
    return this.denseCount + this.map.size;
  }

  get(k: unknown): V | undefined {
    return isDense(k) ? this.dense[k] : this.map.get(k);
  }

  set(k: unknown, v: V): void {
    if (!isDense(k)) {
      this.map.set(k, v);
      return;
    }
    if (this.dense[k] === undefined) this.denseCount++;
    this.dense[k] = v;
  }

  delete(k: unknown): boolean {
    if (!isDense(k)) return this.map.delete(k);
    if (this.dense[k] === undefined) return false;
    this.dense[k] = undefined;
    this.denseCount--;
    return true;
  }
}
