import NodeCache from 'node-cache';

export interface CacheOptions {
  /** How long a record is served as fresh. */
  ttlSeconds: number;
  /** How long it is kept to serve when the department is down (stale-if-error). */
  maxStaleSeconds?: number;
  maxKeys: number;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

/**
 * A per-process cache of department records with a TTL and a bound on its size. Records
 * are kept past their TTL, up to `maxStaleSeconds`, so that a department outage can be
 * bridged with the last known value (said so in the response).
 *
 * node-cache refuses new keys when full rather than evicting, so when it is full this
 * drops the oldest tenth (node-cache keeps keys in insertion order) and stores anyway:
 * a cache that silently stops caching would turn into a department-load spike.
 */
export class BoundedCache<V> {
  private readonly store: NodeCache;
  private readonly maxKeys: number;
  private readonly ttlMs: number;
  hits = 0;
  misses = 0;
  staleServes = 0;
  evictions = 0;

  constructor(options: CacheOptions, private readonly now: () => number = () => Date.now()) {
    this.maxKeys = options.maxKeys;
    this.ttlMs = options.ttlSeconds * 1000;
    const keepSeconds = Math.max(options.ttlSeconds, options.maxStaleSeconds ?? options.ttlSeconds);
    this.store = new NodeCache({
      stdTTL: keepSeconds,
      checkperiod: Math.max(1, Math.min(keepSeconds, 600)),
      maxKeys: options.maxKeys,
      // Records are never mutated after they are cached; cloning would cost every hit.
      useClones: false,
    });
  }

  /** A fresh value, or undefined. */
  get(key: string): V | undefined {
    const entry = this.store.get<Entry<V>>(`k:${key}`);
    if (entry === undefined || this.now() - entry.storedAt > this.ttlMs) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** The last known value however old (within the staleness bound), for when the department fails. */
  getStale(key: string): { value: V; ageSeconds: number } | undefined {
    const entry = this.store.get<Entry<V>>(`k:${key}`);
    if (entry === undefined) return undefined;
    this.staleServes++;
    return { value: entry.value, ageSeconds: Math.round((this.now() - entry.storedAt) / 1000) };
  }

  set(key: string, value: V): void {
    const k = `k:${key}`;
    const entry: Entry<V> = { value, storedAt: this.now() };
    // node-cache refuses even a replacement when full; a refreshed key also becomes the newest.
    this.store.del(k);
    if (this.store.getStats().keys < this.maxKeys) {
      this.store.set(k, entry);
      return;
    }
    const oldest = this.store.keys().slice(0, Math.max(1, Math.ceil(this.maxKeys / 10)));
    this.evictions += this.store.del(oldest);
    this.store.set(k, entry);
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
