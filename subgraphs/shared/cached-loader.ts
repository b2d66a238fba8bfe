import DataLoader from 'dataloader';
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
      if (missing.length === 0) return results;
      let fetched: (V | null | Error)[];
      try {
        fetched = await fetchMany(missing.map((i) => keys[i]!));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const i of missing) results[i] = staleOrError(keys[i]!, failure);
        return results;
      }
      const dataAsOf = new Date().toISOString();
      missing.forEach((keyIndex, j) => {
        const value = fetched[j] ?? null;
        const key = keys[keyIndex]!;
        if (value instanceof Error) {
          results[keyIndex] = staleOrError(key, value);
          return;
        }
        if (value !== null) {
          if (typeof value === 'object') Object.assign(value as object, { dataAsOf });
          cache.set(key, value);
        }
        results[keyIndex] = value;
      });
      return results;
    },
    { maxBatchSize: options.maxBatchSize },
  );
}
