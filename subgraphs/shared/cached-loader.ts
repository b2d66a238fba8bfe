import DataLoader from 'dataloader';
import type { BoundedCache } from './cache';

export interface CachedLoaderOptions {
  /** The most keys the department takes in one request. */
  maxBatchSize: number;
}

/**
 * A per-request DataLoader in front of the per-process cache: keys found in the cache
 * are answered from it, the rest go to the department in one call of `fetchMany`,
 * which must answer one slot per key in key order (`null` unknown, `Error` failed).
 * Unknown keys are not cached, so a record registered a moment ago is found at once.
 */
export function createCachedLoader<V>(
  cache: BoundedCache<V>,
  fetchMany: (keys: readonly string[]) => Promise<(V | null | Error)[]>,
  options: CachedLoaderOptions,
): DataLoader<string, V | null> {
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
        for (const i of missing) results[i] = failure;
        return results;
      }
      missing.forEach((keyIndex, j) => {
        const value = fetched[j] ?? null;
        if (value !== null && !(value instanceof Error)) cache.set(keys[keyIndex]!, value);
        results[keyIndex] = value;
      });
      return results;
    },
    { maxBatchSize: options.maxBatchSize },
  );
}
