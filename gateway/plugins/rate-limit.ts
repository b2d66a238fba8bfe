/**
 * A token bucket per caller (each user, each partner system, and all anonymous callers
 * from one address): `ratePerMinute` requests a minute, with bursts up to that many.
 * Over the limit is 429 with Retry-After, before any GraphQL work is done.
 */
import { HttpError } from '../../lib/errors';

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  take(key: string, ratePerMinute: number): void {
    const now = this.now();
    const perMs = ratePerMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: ratePerMinute, updated: now };
    bucket.tokens = Math.min(ratePerMinute, bucket.tokens + (now - bucket.updated) * perMs);
    bucket.updated = now;
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / perMs / 1000);
      this.buckets.set(key, bucket);
      throw new HttpError(429, 'TOO_MANY_REQUESTS', `rate limit of ${ratePerMinute} requests a minute reached; retry in ${retryAfter} s`, {
        'retry-after': String(retryAfter),
      });
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    // Full buckets carry no information: forget them so idle callers cost no memory.
    if (this.buckets.size > 50_000) for (const [k, b] of this.buckets) if (b.tokens >= ratePerMinute - 1) this.buckets.delete(k);
  }
}
