/**
 * A key-value cache for Apollo Server (automatic persisted queries) shared by replicas:
 * this process's LRU first, then Redis, so a query registered on one replica is served by
 * hash on every other. While Redis is down it is this process's LRU alone: a miss there
 * is the client's usual PERSISTED_QUERY_NOT_FOUND, which it answers by sending the text.
 */
import { InMemoryLRUCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { SharedRedis } from './redis';

export function sharedCache(redis: SharedRedis, prefix: string): KeyValueCache<string> {
  const local = new InMemoryLRUCache<string>();
  const key = (k: string) => `county-gateway:${prefix}:${k}`;
  const shared = () => redis.state() === 'ready';
  return {
    async get(k) {
      const here = await local.get(k);
      if (here !== undefined || !shared()) return here;
      const there = await redis.client.get(key(k)).catch(() => null);
      if (there === null) return undefined;
      await local.set(k, there);
      return there;
    },
    async set(k, value, options?: KeyValueCacheSetOptions) {
      await local.set(k, value, options);
      if (!shared()) return;
      const ttl = options?.ttl;
      await (ttl ? redis.client.set(key(k), value, 'EX', ttl) : redis.client.set(key(k), value)).catch(() => undefined);
    },
    async delete(k) {
      await local.delete(k);
      if (shared()) await redis.client.del(key(k)).catch(() => undefined);
    },
  };
}
