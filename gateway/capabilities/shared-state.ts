/**
 * The state replicas share (REDIS_URL: rate-limit counts, automatic persisted queries):
 * whether Redis answers, in /readyz and /status detail and as the `gateway_redis_up`
 * gauge. While it does not, the replicas keep answering on their own state
 * (lib/rate-limits.ts, lib/shared-cache.ts say how), so it is reported, never a reason
 * to refuse.
 */
import { Gauge } from 'prom-client';
import { redactedUrl, type SharedRedis } from '../../lib/redis';
import type { Capability } from './capability';

export function sharedStateCapability(redis: SharedRedis): Capability {
  return {
    name: 'shared state',
    status: () => ({
      sharedState: {
        redis: redactedUrl(redis.url),
        state: redis.state(),
        fallback: redis.state() === 'ready' ? null : redis.uses.fallback,
      },
    }),
    registerMetrics(registry) {
      new Gauge({
        name: 'gateway_redis_up',
        help: 'Whether Redis (the state replicas share) answers: 1, or 0 while rate limits count per process',
        registers: [registry],
        // With --workers the primary sums workers' series: for this one, any worker cut off shows.
        aggregator: 'min',
        collect() {
          this.set(redis.state() === 'ready' ? 1 : 0);
        },
      });
    },
    stop: () => redis.close(),
  };
}
