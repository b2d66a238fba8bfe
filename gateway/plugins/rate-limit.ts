/**
 * A token bucket per key (each user, each partner system, all anonymous callers from one
 * address, the failed sign-ins from one address): `ratePerMinute` a minute, with bursts
 * up to that many. Over the limit is 429 with Retry-After, before any GraphQL work is done.
 */
import { HttpError } from '../../lib/errors';

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Takes one from `key`'s bucket, or throws 429 when it is empty. */
  take(key: string, ratePerMinute: number, what = 'requests'): void {
    const bucket = this.refilled(key, ratePerMinute);
    const wait = this.wait(bucket, ratePerMinute);
    if (wait > 0) {
      throw new HttpError(429, 'TOO_MANY_REQUESTS', `rate limit of ${ratePerMinute} ${what} a minute reached; retry in ${wait} s`, { 'retry-after': String(wait) });
    }
    bucket.tokens -= 1;
    // Full buckets carry no information: forget them so idle callers cost no memory.
    if (this.buckets.size > 50_000) for (const [k, b] of this.buckets) if (b.tokens >= ratePerMinute - 1) this.buckets.delete(k);
  }

  /** Seconds until `key` may take again; 0 when it may now. Takes nothing. */
  waitFor(key: string, ratePerMinute: number): number {
    return this.wait(this.refilled(key, ratePerMinute), ratePerMinute);
  }

  private refilled(key: string, ratePerMinute: number): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: ratePerMinute, updated: now }));
    bucket.tokens = Math.min(ratePerMinute, bucket.tokens + (now - bucket.updated) * (ratePerMinute / 60_000));
    bucket.updated = now;
    return bucket;
  }

  private wait(bucket: Bucket, ratePerMinute: number): number {
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / (ratePerMinute / 60_000) / 1000);
  }
}
