import { trace, type Span } from '@opentelemetry/api';
import DataLoader from 'dataloader';
import { tracingActive } from '../../lib/tracing';
import type { BoundedCache } from './cache';

export interface CachedLoaderOptions {
  /** The most keys the department takes in one request. */
  maxBatchSize: number;
  /** Called when a key is answered with a stale value because the department failed. */
  onStale?: (ageSeconds: number) => void;
}

/**
 * A per-request DataLoader in front of the department cache (this process's, then the
 * replicas' shared level when there is one): keys found fresh in the cache are answered
 * from it, the rest go to the department in one call of `fetchMany`,
 * which must answer one slot per key in key order (`null` unknown, `Error` failed).
 * A failed key is answered with its last known value when the cache still has one
 * (stale-if-error), and `onStale` is told. Fresh records get `dataAsOf`, the time they
 * were read. Unknown keys are not cached, so a record registered a moment ago is found at once.
 *
 * While tracing runs, each batch adds a `department cache` event to the active span (the
 * subgraph's request span): keys answered from the cache, keys asked of the department,
 * and keys answered stale because it failed. A cache hit makes no department call, so
 * there is no call span to carry it.
 */
export function createCachedLoader<V>(
  cache: BoundedCache<V>,
  fetchMany: (keys: readonly string[]) => Promise<(V | null | Error)[]>,
  options: CachedLoaderOptions,
): DataLoader<string, V | null> {
  const staleOrError = (key: string, error: Error): V | Error => {
    const stale = cache.getStale(key);
    if (!stale) return error;
    options.onStale?.(stale.ageSeconds);
    return stale.value;
  };
  // Lookups in flight for this cache, across requests: a key another request is already
  // asking the department for waits for that answer instead of asking again (two plan
  // waves of one query, or two users opening the same project, cost one department call).
  let inFlight = IN_FLIGHT.get(cache) as Map<string, Promise<V | null | Error>> | undefined;
  if (!inFlight) IN_FLIGHT.set(cache, (inFlight = new Map()));
  const flights = inFlight;
  return new DataLoader<string, V | null>(
    async (keys) => {
      const results: (V | null | Error)[] = new Array(keys.length);
      const missing: number[] = [];
      (await cache.getMany(keys)).forEach((cached, i) => {
        if (cached === undefined) missing.push(i);
        else results[i] = cached;
      });
      const span = tracingActive() ? trace.getActiveSpan() : undefined;
      if (missing.length === 0) {
        if (span) reportCache(span, keys.length, 0, 0);
        return results;
      }
      const joined = missing.filter((i) => flights.has(keys[i]!));
      const asked = missing.filter((i) => !flights.has(keys[i]!));
      const answers = asked.length ? askDepartment(asked.map((i) => keys[i]!)) : [];
      let stale = 0;
      const settle = (keyIndex: number, value: V | null | Error) => {
        results[keyIndex] = value instanceof Error ? staleOrError(keys[keyIndex]!, value) : value;
        if (value instanceof Error && results[keyIndex] !== value) stale++;
      };
      const settled = await Promise.all([...answers, ...joined.map((i) => flights.get(keys[i]!)!)]);
      [...asked, ...joined].forEach((keyIndex, j) => settle(keyIndex, settled[j]!));
      if (span) reportCache(span, keys.length - missing.length, missing.length, stale);
      return results;
    },
    { maxBatchSize: options.maxBatchSize },
  );

  /** One department call for `keys`; each key's answer is shared with whoever joins it meanwhile. */
  function askDepartment(keys: string[]): Promise<V | null | Error>[] {
    const call = fetchMany(keys).then(
      (fetched) => {
        const dataAsOf = new Date().toISOString();
        return keys.map((key, j) => {
          const value = fetched[j] ?? null;
          if (value !== null && !(value instanceof Error)) {
            if (typeof value === 'object') Object.assign(value as object, { dataAsOf });
            cache.set(key, value);
          }
          return value;
        });
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        return keys.map(() => failure);
      },
    );
    return keys.map((key, j) => {
      const answer = call.then((values) => values[j]!);
      flights.set(key, answer);
      void answer.finally(() => {
        if (flights.get(key) === answer) flights.delete(key);
      });
      return answer;
    });
  }
}

/** Department lookups in flight, per cache (one cache per department client). */
const IN_FLIGHT = new WeakMap<object, Map<string, Promise<unknown>>>();

function reportCache(span: Span, hits: number, misses: number, staleServed: number): void {
  span.addEvent('department cache', { 'county.cache.hits': hits, 'county.cache.misses': misses, 'county.cache.stale_served': staleServed });
}
