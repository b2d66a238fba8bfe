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
 * A per-request DataLoader in front of the per-process cache: keys found fresh in the
 * cache are answered from it, the rest go to the department in one call of `fetchMany`,
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
  return new DataLoader<string, V | null>(
    async (keys) => {
      const results: (V | null | Error)[] = new Array(keys.length);
      const missing: number[] = [];
      keys.forEach((key, i) => {
        const cached = cache.get(key);
        if (cached === undefined) missing.push(i);
        else results[i] = cached;
      });
      const span = tracingActive() ? trace.getActiveSpan() : undefined;
      if (missing.length === 0) {
        if (span) reportCache(span, keys.length, 0, 0);
        return results;
      }
      let stale = 0;
      let fetched: (V | null | Error)[];
      try {
        fetched = await fetchMany(missing.map((i) => keys[i]!));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const i of missing) {
          results[i] = staleOrError(keys[i]!, failure);
          if (results[i] !== failure) stale++;
        }
        if (span) reportCache(span, keys.length - missing.length, missing.length, stale);
        return results;
      }
      const dataAsOf = new Date().toISOString();
      missing.forEach((keyIndex, j) => {
        const value = fetched[j] ?? null;
        const key = keys[keyIndex]!;
        if (value instanceof Error) {
          results[keyIndex] = staleOrError(key, value);
          if (results[keyIndex] !== value) stale++;
          return;
        }
        if (value !== null) {
          if (typeof value === 'object') Object.assign(value as object, { dataAsOf });
          cache.set(key, value);
        }
        results[keyIndex] = value;
      });
      if (span) reportCache(span, keys.length - missing.length, missing.length, stale);
      return results;
    },
    { maxBatchSize: options.maxBatchSize },
  );
}

function reportCache(span: Span, hits: number, misses: number, staleServed: number): void {
  span.addEvent('department cache', { 'county.cache.hits': hits, 'county.cache.misses': misses, 'county.cache.stale_served': staleServed });
}
