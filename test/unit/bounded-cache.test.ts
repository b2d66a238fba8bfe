import { BoundedCache } from '../../subgraphs/shared/cache';

describe('BoundedCache', () => {
  let cache: BoundedCache<number>;
  afterEach(() => cache.close());

  it('never holds more than maxKeys, dropping the oldest tenth when full', () => {
    cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 20 });
    for (let i = 0; i < 20; i++) cache.set(`key${i}`, i);
    expect(cache.size).toBe(20);
    cache.set('key20', 20);
    expect(cache.size).toBe(19); // 2 oldest dropped, 1 added
    expect(cache.evictions).toBe(2);
    expect(cache.get('key0')).toBeUndefined();
    expect(cache.get('key1')).toBeUndefined();
    expect(cache.get('key2')).toBe(2);
    expect(cache.get('key20')).toBe(20);
    for (let i = 21; i < 200; i++) cache.set(`key${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(20);
    expect(cache.get('key199')).toBe(199);
  });

  it('keeps digit-only keys (18-digit codes) in insertion order for eviction', () => {
    cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 10 });
    const codes = Array.from({ length: 10 }, (_, i) => String(915226330000000000 - i * 1000));
    codes.forEach((c, i) => cache.set(c, i));
    cache.set('915226339999999999', 99);
    expect(cache.get(codes[0]!)).toBeUndefined();
    expect(cache.get(codes[9]!)).toBe(9);
  });

  it('replaces a value without evicting', () => {
    cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    expect(cache.evictions).toBe(0);
    expect(cache.get('a')).toBe(3);
  });

  it('counts hits and misses', () => {
    cache = new BoundedCache<number>({ ttlSeconds: 60, maxKeys: 2 });
    cache.set('a', 1);
    cache.get('a');
    cache.get('b');
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });
});
