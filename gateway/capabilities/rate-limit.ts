/**
 * Requests a minute per caller: each user and each partner system has its own count (a
 * partner's rate is in its registration), anonymous callers one per client address (the
 * proxy's X-Forwarded-For when it is trusted, TRUST_PROXY). With Redis, one count across
 * every replica (lib/rate-limits.ts). Over the limit is 429 with Retry-After, before any
 * GraphQL work is done. sign-in.ts counts failed sign-ins from one address apart.
 */
import { rateLimits } from '../../lib/rate-limits';
import type { SharedRedis } from '../../lib/redis';
import { needs, type Capability } from './capability';
import { callerId } from './sign-in';

/** `ratePerMinute`: for users and anonymous callers. */
export function rateLimitCapability(ratePerMinute: number, redis?: SharedRedis): Capability {
  const limits = rateLimits('requests', redis);
  return {
    name: 'rate limit',
    async context({ address }, context) {
      const caller = needs(context, 'caller', 'rate limit');
      await limits.take(caller.kind === 'anonymous' ? `anonymous:${address}` : callerId(caller), caller.kind === 'client' ? caller.ratePerMinute : ratePerMinute);
    },
  };
}
