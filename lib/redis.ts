/**
 * The connection to Redis that replicas share their state through (REDIS_URL). Commands
 * fail at once while it is down (no offline queue): whoever uses it falls back to
 * per-process state rather than waiting. It reconnects by itself; each change of state is
 * logged once.
 */
import { Redis } from 'ioredis';
import type { Logger } from './logger';

export type RedisState = 'connecting' | 'ready' | 'unreachable';

/** What a process keeps in Redis, and what it does without it: its log lines and its /status say so. */
export interface RedisUses {
  shares: string;
  fallback: string;
}

export interface SharedRedis {
  client: Redis;
  url: string;
  uses: RedisUses;
  state(): RedisState;
  close(): Promise<void>;
}

/** What keeps one deployment's keys apart from another's on a shared Redis (REDIS_KEY_PREFIX). */
export const REDIS_KEY_PREFIX = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * `shares` and `fallback` say, in the log lines, what this process keeps in Redis and what
 * it does without it. `keyPrefix` (REDIS_KEY_PREFIX) goes before every key this client
 * touches (ioredis adds it), so two counties, or staging and production, can share a Redis.
 */
export function connectRedis(url: string, logger: Logger, uses: RedisUses, keyPrefix?: string): SharedRedis {
  const client = new Redis(url, {
    keyPrefix: keyPrefix ? `${keyPrefix}:` : undefined,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A Redis that stops answering without closing the socket (a partition, a stalled proxy) must cost a
    // request half a second at most: a command that times out is a miss, like one that fails.
    commandTimeout: 500,
    // Keep trying, at most every 2 s: Redis coming back must be noticed without a restart.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let state: RedisState = 'connecting';
  const become = (next: RedisState, reason?: string) => {
    if (state === next) return;
    state = next;
    if (next === 'ready') logger.info({ redis: redactedUrl(url) }, `redis ready: ${uses.shares} shared between replicas`);
    else logger.warn({ redis: redactedUrl(url), reason }, `redis unreachable: ${uses.fallback} until it is back`);
  };
  client.on('ready', () => become('ready'));
  client.on('error', (error: Error) => become('unreachable', error.message));
  client.on('close', () => become('unreachable', 'connection closed'));
  return {
    client,
    url,
    uses,
    state: () => state,
    close: async () => {
      client.removeAllListeners('close');
      client.disconnect();
    },
  };
}

/** The URL without its password, for logs and /status. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
