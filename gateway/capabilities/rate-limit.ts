/**
 * Requests a minute per caller: each user and each partner system has its own bucket (a
 * partner's rate is in its registration), anonymous callers one per address. Over the
 * limit is 429 with Retry-After, before any GraphQL work is done.
 *
 * sign-in.ts keeps the failed sign-ins from one address in buckets of its own.
 */
import { TokenBuckets } from '../../lib/token-buckets';
import { needs, type Capability } from './capability';
import { callerId } from './sign-in';

/** `ratePerMinute`: for users and anonymous callers. */
export function rateLimitCapability(ratePerMinute: number): Capability {
  const buckets = new TokenBuckets();
  return {
    name: 'rate limit',
    context({ address }, context) {
      const caller = needs(context, 'caller', 'rate limit');
      buckets.take(caller.kind === 'anonymous' ? `anonymous:${address}` : callerId(caller), caller.kind === 'client' ? caller.ratePerMinute : ratePerMinute);
    },
  };
}
