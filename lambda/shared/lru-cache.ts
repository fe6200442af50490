/**
 * What the bundles use for `mnemonist/lru-cache` (lib/build/functions.ts aliases it here). Its one
 * importer is @aws-sdk/endpoint-cache, the cache of DynamoDB's endpoint discovery, which calls
 * `new LRUCache(capacity)`, `get`, `set`, `has`, `peek` and `clear`; the CommonJS original carries
 * its typed-array list and iterator helpers (~10 KB in every bundle with DynamoDB).
 *
 * The same behaviour on a Map (whose iteration order is insertion order): `get` and `set` make a
 * key the most recently used, `peek` and `has` do not, and a `set` at capacity evicts the least
 * recently used key.
 */
export default class LRUCache<K, V> {
  private readonly items = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (typeof capacity !== 'number' || capacity <= 0)
      throw new Error('mnemonist/lru-cache: capacity should be positive number.');
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  peek(key: K): V | undefined {
    return this.items.get(key);
  }

  get(key: K): V | undefined {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key) as V;
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (!this.items.delete(key) && this.items.size >= this.capacity) {
      const oldest = this.items.keys().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
    this.items.set(key, value);
  }
}
