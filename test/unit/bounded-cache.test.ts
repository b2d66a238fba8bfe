import { BoundedCache } from '../../subgraphs/shared/cache';

describe('BoundedCache', () => {
  it('never holds more than maxKeys, and the record read least recently goes first', () => {
    const cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 20 });
    for (let i = 0; i < 20; i++) cache.set(`key${i}`, i);
    expect(cache.get('key0')).toBe(0); // read: now the most recently used
    cache.set('key20', 20);
    expect(cache.size).toBe(20);
    expect(cache.evictions).toBe(1);
    expect(cache.get('key1')).toBeUndefined();
    expect(cache.get('key0')).toBe(0);
    expect(cache.get('key20')).toBe(20);
    for (let i = 21; i < 200; i++) cache.set(`key${i}`, i);
    expect(cache.size).toBe(20);
    expect(cache.evictions).toBe(180);
    expect(cache.get('key199')).toBe(199);
  });

  it('treats digit-only keys (18-digit codes) like any other', () => {
    const cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 10 });
    const codes = Array.from({ length: 10 }, (_, i) => String(915226330000000000 - i * 1000));
    codes.forEach((c, i) => cache.set(c, i));
    cache.set('915226339999999999', 99);
    expect(cache.get(codes[0]!)).toBeUndefined();
    expect(cache.get(codes[9]!)).toBe(9);
  });

  it('replaces a value without evicting', () => {
    const cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    expect(cache.evictions).toBe(0);
    expect(cache.get('a')).toBe(3);
  });

  it('serves a record fresh within its TTL, stale after it up to maxStaleSeconds, then not at all', () => {
    let now = 0;
    const cache = new BoundedCache<number>({ ttlSeconds: 60, maxStaleSeconds: 3600, maxKeys: 10 }, () => now);
    cache.set('a', 1);
    now = 59_000;
    expect(cache.get('a')).toBe(1);
    now = 61_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.getStale('a')).toEqual({ value: 1, ageSeconds: 61 });
    now = 3_601_000;
    expect(cache.getStale('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('counts hits and misses', () => {
    const cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 2 });
    cache.set('a', 1);
    cache.get('a');
    cache.get('b');
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });
});
