import { LRUCache } from 'lru-cache';

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
 * bridged with the last known value (said so in the response). When full, the record used
 * least recently goes (lru-cache): the records a busy joint-review screen keeps reading
 * stay, one-off lookups do not push them out.
 */
export class BoundedCache<V> {
  private readonly store: LRUCache<string, Entry<V>>;
  private readonly ttlMs: number;
  private readonly keepMs: number;
  hits = 0;
  misses = 0;
  staleServes = 0;
  evictions = 0;

  constructor(options: CacheOptions, private readonly now: () => number = () => Date.now()) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.keepMs = Math.max(options.ttlSeconds, options.maxStaleSeconds ?? options.ttlSeconds) * 1000;
    this.store = new LRUCache<string, Entry<V>>({
      max: options.maxKeys,
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  /** A fresh value, or undefined. */
  get(key: string): V | undefined {
    const entry = this.kept(key);
    if (entry === undefined || this.now() - entry.storedAt > this.ttlMs) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** The last known value however old (within the staleness bound), for when the department fails. */
  getStale(key: string): { value: V; ageSeconds: number } | undefined {
    const entry = this.kept(key);
    if (entry === undefined) return undefined;
    this.staleServes++;
    return { value: entry.value, ageSeconds: Math.round((this.now() - entry.storedAt) / 1000) };
  }

  set(key: string, value: V): void {
    this.store.set(key, { value, storedAt: this.now() });
  }

  get size(): number {
    return this.store.size;
  }

  clear(): void {
    this.store.clear();
  }

  /** The entry while it may still be served, fresh or stale; an older one is dropped (checked on read: no timers to stop). */
  private kept(key: string): Entry<V> | undefined {
    const entry = this.store.get(key);
    if (entry !== undefined && this.now() - entry.storedAt > this.keepMs) {
      this.store.delete(key);
      return undefined;
    }
    return entry;
  }
}
