/**
 * Requests a minute per key (a caller, an address), counted in fixed one-minute windows by
 * rate-limiter-flexible: in Redis when replicas share one (every replica counts against the
 * same total), in this process otherwise, and in this process too while Redis is
 * unreachable (its insurance limiter), so a Redis outage loosens limits to one count per
 * replica instead of refusing or waiting. Over the limit is 429 with Retry-After.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from './errors';
import type { SharedRedis } from './redis';

export interface RateLimits {
  /** Counts one request for `key`, or throws 429 when `perMinute` are used up this minute. */
  take(key: string, perMinute: number, what?: string): Promise<void>;
}

export function rateLimits(name: string, redis?: SharedRedis): RateLimits {
  // One limiter per rate (the default and each partner's): few, and kept for the process's life.
  const byRate = new Map<number, RateLimiterAbstract>();
  const limiterFor = (perMinute: number) => {
    let limiter = byRate.get(perMinute);
    if (!limiter) {
      const options = { points: perMinute, duration: 60, keyPrefix: `county-gateway:${name}:${perMinute}` };
      const memory = new RateLimiterMemory(options);
      limiter = redis ? new RateLimiterRedis({ ...options, storeClient: redis.client, rejectIfRedisNotReady: true, insuranceLimiter: memory }) : memory;
      byRate.set(perMinute, limiter);
    }
    return limiter;
  };
  return {
    async take(key, perMinute, what = 'requests') {
      try {
        await limiterFor(perMinute).consume(key);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        const wait = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        throw new HttpError(429, 'TOO_MANY_REQUESTS', `rate limit of ${perMinute} ${what} a minute reached; retry in ${wait} s`, { 'retry-after': String(wait) });
      }
    },
  };
}
