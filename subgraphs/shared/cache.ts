import NodeCache from 'node-cache';

export interface CacheOptions {
  ttlSeconds: number;
  maxKeys: number;
}

/**
 * A per-process cache of department records with a TTL and a bound on its size.
 * node-cache refuses new keys when full rather than evicting, so when it is full this
 * drops the oldest tenth (node-cache keeps keys in insertion order) and stores anyway:
 * a cache that silently stops caching would turn into a department-load spike.
 */
export class BoundedCache<V> {
  private readonly store: NodeCache;
  private readonly maxKeys: number;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(options: CacheOptions) {
    this.maxKeys = options.maxKeys;
    this.store = new NodeCache({
      stdTTL: options.ttlSeconds,
      checkperiod: Math.max(1, Math.min(options.ttlSeconds, 600)),
      maxKeys: options.maxKeys,
      // Records are never mutated after they are cached; cloning would cost every hit.
      useClones: false,
    });
  }

  get(key: string): V | undefined {
    const value = this.store.get<V>(`k:${key}`);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  set(key: string, value: V): void {
    const k = `k:${key}`;
    // node-cache refuses even a replacement when full; a refreshed key also becomes the newest.
    this.store.del(k);
    if (this.store.getStats().keys < this.maxKeys) {
      this.store.set(k, value);
      return;
    }
    const oldest = this.store.keys().slice(0, Math.max(1, Math.ceil(this.maxKeys / 10)));
    this.evictions += this.store.del(oldest);
    this.store.set(k, value);
  }

  get size(): number {
    return this.store.getStats().keys;
  }

  clear(): void {
    this.store.flushAll();
  }

  close(): void {
    this.store.close();
  }
}
