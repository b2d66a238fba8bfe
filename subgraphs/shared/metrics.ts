import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SharedRedis } from '../../lib/redis';
import type { DepartmentHttp } from './department-http';

/** What a department client reports about each call, for /metrics. */
export interface DepartmentObserver {
  request(endpoint: string, status: string, seconds: number): void;
}

const BREAKER_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * A subgraph's Prometheus metrics, in its own registry (several subgraphs may share a
 * process in the embedded default): department requests by endpoint and status, their
 * duration, cache hits (and of them, those from the replicas' shared level), misses and
 * stale serves, the breaker state, and whether the shared level (Redis) answers.
 */
export function createSubgraphMetrics(
  department: string,
  caches: () => { hits: number; sharedHits: number; misses: number; staleServes: number }[],
  http: () => DepartmentHttp,
  redis?: SharedRedis,
): { registry: Registry; observer: DepartmentObserver } {
  const registry = new Registry();
  const requests = new Counter({ name: 'department_requests_total', help: 'Requests to the department system', labelNames: ['department', 'endpoint', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'department_request_duration_seconds',
    help: 'Duration of requests to the department system',
    labelNames: ['department', 'endpoint'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'department_cache_events',
    help: 'Cache hits, hits from the shared level (shared_hit, also counted in hit), misses and stale serves since start',
    labelNames: ['department', 'event'],
    registers: [registry],
    collect() {
      const totals = { hit: 0, shared_hit: 0, miss: 0, stale: 0 };
      for (const c of caches()) {
        totals.hit += c.hits;
        totals.shared_hit += c.sharedHits;
        totals.miss += c.misses;
        totals.stale += c.staleServes;
      }
      for (const [event, value] of Object.entries(totals)) this.set({ department, event }, value);
    },
  });
  new Gauge({
    name: 'department_breaker_state',
    help: 'Circuit breaker: 0 closed, 1 half-open, 2 open',
    labelNames: ['department'],
    registers: [registry],
    collect() {
      this.set({ department }, BREAKER_STATES[http().stats.breaker.state]);
    },
  });
  if (redis) {
    new Gauge({
      name: 'department_cache_redis_up',
      help: 'Whether Redis (the department records replicas share) answers: 1, or 0 while this process caches alone',
      labelNames: ['department'],
      registers: [registry],
      collect() {
        this.set({ department }, redis.state() === 'ready' ? 1 : 0);
      },
    });
  }
  return {
    registry,
    observer: {
      request(endpoint, status, seconds) {
        requests.inc({ department, endpoint, status });
        duration.observe({ department, endpoint }, seconds);
      },
    },
  };
}
