import { LRUCache } from 'lru-cache';
import type { SharedRedis } from '../../lib/redis';
import type { DepartmentClientSettings } from './config';

export interface CacheOptions {
  /** How long a record is served as fresh. */
  ttlSeconds: number;
  /** How long it is kept to serve when the department is down (stale-if-error). */
  maxStaleSeconds?: number;
  maxKeys: number;
  /** A level shared by every replica of the subgraph (REDIS_URL), behind this process's LRU. */
  shared?: SharedLevel;
}

export interface SharedLevel {
  redis: SharedRedis;
  /** Keys are `county-subgraph:<namespace>:<key>`: the department and which of its records, so two caches never meet. */
  namespace: string;
}

interface Entry<V> {
  value: V;
  storedAt: number;
}

/**
 * Department records with a TTL and a bound on their number. Records are kept past their
 * TTL, up to `maxStaleSeconds`, so that a department outage can be bridged with the last
 * known value (said so in the response). When full, the record used least recently goes
 * (lru-cache): the records a busy joint-review screen keeps reading stay, one-off lookups
 * do not push them out.
 *
 * With a shared level (Redis), a record one replica fetched is a hit on the others, and
 * the stale-if-error copies outlive a restart and are the same on every replica: an
 * outage gets one answer whichever replica serves it. Entries keep the time they were
 * first stored, so freshness is judged alike everywhere. While Redis is down the cache is
 * this process's alone (lookups skip it, writes are dropped), never a reason to fail.
 */
export class BoundedCache<V> {
  private readonly store: LRUCache<string, Entry<V>>;
  private readonly ttlMs: number;
  private readonly keepMs: number;
  private readonly shared: SharedLevel | undefined;
  hits = 0;
  /** Of the hits, those found in the shared level (another replica, or before a restart). */
  sharedHits = 0;
  misses = 0;
  staleServes = 0;
  evictions = 0;

  constructor(options: CacheOptions, private readonly now: () => number = () => Date.now()) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.keepMs = Math.max(options.ttlSeconds, options.maxStaleSeconds ?? options.ttlSeconds) * 1000;
    this.shared = options.shared;
    this.store = new LRUCache<string, Entry<V>>({
      max: options.maxKeys,
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  /** A fresh value from this process, or undefined. */
  get(key: string): V | undefined {
    const entry = this.fresh(this.kept(key));
    if (entry === undefined) this.misses++;
    else this.hits++;
    return entry?.value;
  }

  /**
   * Fresh values, slot per key: this process's first, then the shared level for the rest.
   * A record the shared level still keeps but no longer counts as fresh comes into this
   * process too, so `getStale` finds it if the department then fails.
   */
  async getMany(keys: readonly string[]): Promise<(V | undefined)[]> {
    const values: (V | undefined)[] = new Array(keys.length);
    // Not fresh here: another replica may have fetched it since.
    const absent: number[] = [];
    keys.forEach((key, i) => {
      values[i] = this.fresh(this.kept(key))?.value;
      if (values[i] === undefined) absent.push(i);
    });
    const shared = this.shared;
    if (shared && absent.length && shared.redis.state() === 'ready') {
      const found = await shared.redis.client.mget(absent.map((i) => this.sharedKey(keys[i]!))).catch(() => [] as (string | null)[]);
      absent.forEach((keyIndex, j) => {
        const entry = parseEntry<V>(found[j]);
        const here = this.store.get(keys[keyIndex]!);
        if (entry === undefined || this.now() - entry.storedAt > this.keepMs || (here && here.storedAt >= entry.storedAt)) return;
        this.store.set(keys[keyIndex]!, entry);
        values[keyIndex] = this.fresh(entry)?.value;
        if (values[keyIndex] !== undefined) this.sharedHits++;
      });
    }
    for (const value of values) {
      if (value === undefined) this.misses++;
      else this.hits++;
    }
    return values;
  }

  /** The last known value however old (within the staleness bound), for when the department fails. */
  getStale(key: string): { value: V; ageSeconds: number } | undefined {
    const entry = this.kept(key);
    if (entry === undefined) return undefined;
    this.staleServes++;
    return { value: entry.value, ageSeconds: Math.round((this.now() - entry.storedAt) / 1000) };
  }

  set(key: string, value: V): void {
    const entry = { value, storedAt: this.now() };
    this.store.set(key, entry);
    const shared = this.shared;
    // Not awaited: the answer does not wait on Redis, and a lost write only costs another replica one department call.
    if (shared?.redis.state() === 'ready') void shared.redis.client.set(this.sharedKey(key), JSON.stringify(entry), 'PX', this.keepMs).catch(() => undefined);
  }

  get size(): number {
    return this.store.size;
  }

  /** Forgets every record, the shared level's too (every replica then asks the department again). */
  async clear(): Promise<void> {
    this.store.clear();
    const shared = this.shared;
    if (!shared || shared.redis.state() !== 'ready') return;
    // ioredis prefixes the keys of commands (REDIS_KEY_PREFIX), not SCAN's pattern or its answers.
    const prefix = shared.redis.client.options.keyPrefix ?? '';
    let cursor = '0';
    do {
      const [next, keys] = await shared.redis.client.scan(cursor, 'MATCH', `${prefix}${this.sharedKey('')}*`, 'COUNT', 500);
      if (keys.length) await shared.redis.client.unlink(...keys.map((key) => key.slice(prefix.length)));
      cursor = next;
    } while (cursor !== '0');
  }

  private sharedKey(key: string): string {
    return `county-subgraph:${this.shared!.namespace}:${key}`;
  }

  private fresh(entry: Entry<V> | undefined): Entry<V> | undefined {
    return entry !== undefined && this.now() - entry.storedAt <= this.ttlMs ? entry : undefined;
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

function parseEntry<V>(text: string | null | undefined): Entry<V> | undefined {
  if (!text) return undefined;
  try {
    const entry = JSON.parse(text) as Entry<V>;
    return typeof entry.storedAt === 'number' && 'value' in entry ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** A department client's record cache, as configured (DEPARTMENT_CACHE_*), shared through Redis when the subgraph has it. */
export function departmentCache<V>(settings: DepartmentClientSettings, redis: SharedRedis | undefined, namespace: string): BoundedCache<V> {
  return new BoundedCache<V>({
    ttlSeconds: settings.cacheTtlSeconds,
    maxStaleSeconds: settings.cacheMaxStaleSeconds,
    maxKeys: settings.cacheMaxKeys,
    shared: redis && { redis, namespace },
  });
}
