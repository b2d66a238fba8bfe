/**
 * A token bucket per key: `ratePerMinute` a minute, with bursts up to that many. Over the
 * limit is 429 with Retry-After. The table of buckets stays bounded whatever the keys.
 */
import { HttpError } from './errors';

const MAX_BUCKETS = 50_000;

interface Bucket {
  tokens: number;
  updated: number;
}

export class TokenBuckets {
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
    if (this.buckets.size > MAX_BUCKETS) this.forget(ratePerMinute);
  }

  /**
   * Buckets that are full again carry no information: forgotten, so idle callers cost no
   * memory. If callers that never come back (a client rotating addresses) still fill the
   * table, the ones idle longest go too: the table stays bounded.
   */
  private forget(ratePerMinute: number): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updated) * (ratePerMinute / 60_000) >= ratePerMinute) this.buckets.delete(key);
    }
    if (this.buckets.size <= MAX_BUCKETS / 2) return;
    const byAge = [...this.buckets].sort((a, b) => a[1].updated - b[1].updated);
    for (const [key] of byAge.slice(0, this.buckets.size - MAX_BUCKETS / 2)) this.buckets.delete(key);
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
