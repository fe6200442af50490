import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Original from 'mnemonist/lru-cache';
import LRUCache from '../../../lambda/shared/lru-cache';
import { ALIASES, PROJECT_ROOT } from '../../../lib/build/functions';

/** The bundles' `mnemonist/lru-cache` (lib/build/functions.ts ALIASES) against the original. */
describe('the LRU cache the bundles use for mnemonist/lru-cache', () => {
  test('is what the build substitutes for it', () => {
    expect(ALIASES['mnemonist/lru-cache']).toBe('./lambda/shared/lru-cache.ts');
  });

  test("offers every method @aws-sdk/endpoint-cache calls on mnemonist's cache", () => {
    const source = readFileSync(
      join(PROJECT_ROOT, 'node_modules', '@aws-sdk', 'endpoint-cache', 'dist-es', 'EndpointCache.js'),
      'utf8',
    );
    expect(source).toContain('import LRUCache from "mnemonist/lru-cache";');
    expect(source).toContain('new LRUCache(capacity)');
    const used = new Set([...source.matchAll(/this\.cache\.(\w+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(['clear', 'get', 'has', 'peek', 'set']);
  });

  test('answers as the original does over a long run of mixed operations, evictions included', () => {
    const capacity = 4;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const ours = new LRUCache<string, number>(capacity);
    const theirs = new Original<string, number>(capacity);
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    // What each cache answers, step by step; which keys it holds shows which were evicted.
    const trace = (cache: LRUCache<string, number> | Original<string, number>, log: unknown[]) => {
      log.push(cache.size, keys.map((k) => cache.has(k)).join());
    };
    const [a, b]: unknown[][] = [[], []];
    let evictions = 0;
    for (let i = 0; i < 5_000; i++) {
      const key = keys[next(keys.length)] as string;
      const op = next(20);
      if (op < 8) {
        if (theirs.size === capacity && !theirs.has(key)) evictions++;
        ours.set(key, i);
        theirs.set(key, i);
      } else if (op < 13) {
        a.push(ours.get(key));
        b.push(theirs.get(key));
      } else if (op < 16) {
        a.push(ours.peek(key));
        b.push(theirs.peek(key));
      } else if (op === 19) {
        ours.clear();
        theirs.clear();
      }
      trace(ours, a);
      trace(theirs, b);
    }
    expect(a).toEqual(b);
    expect(evictions).toBeGreaterThan(500);
  });

  test('fails as the original does without a positive capacity', () => {
    expect(() => new LRUCache(0)).toThrow('mnemonist/lru-cache: capacity should be positive number.');
    expect(() => new Original(0)).toThrow('mnemonist/lru-cache: capacity should be positive number.');
  });
});
