/**
 * The gateway vouches for the caller to the subgraphs: the caller and purpose, signed
 * (contracts/internal-identity.ts), sent with every subgraph fetch. A signature is reused
 * for the same caller and purpose while it has life left. Without a key (the gateway
 * command only when told: INTERNAL_IDENTITY=off) none is sent, and subgraphs that require
 * one refuse the gateway.
 */
import { LRUCache } from 'lru-cache';
import { INTERNAL_IDENTITY_HEADER, INTERNAL_IDENTITY_LIFETIME_SECONDS, signInternalIdentity, type InternalIdentityKey } from '../../contracts/internal-identity';
import { needs, type Capability } from './capability';
import { callerId, type Caller } from './sign-in';

/** A signed identity is reused for half its life: a subgraph never receives one about to expire. */
const REUSE_MS = (INTERNAL_IDENTITY_LIFETIME_SECONDS * 1000) / 2;

class InternalIdentitySigner {
  private readonly signed = new LRUCache<string, { token: Promise<string>; until: number }>({ max: 10_000 });

  constructor(private readonly key: InternalIdentityKey) {}

  /** The caller's identity for the subgraphs; the same caller and purpose reuse one signature for a minute. */
  sign(caller: Caller, purpose: string | null): Promise<string> {
    const name = caller.kind === 'anonymous' ? null : caller.name;
    const key = `${callerId(caller)}|${name ?? ''}|${caller.kind === 'anonymous' ? '' : caller.region}|${[...caller.scopes].sort().join(' ')}|${purpose ?? ''}`;
    const cached = this.signed.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const token = signInternalIdentity(
      {
        kind: caller.kind,
        subject: caller.kind === 'anonymous' ? 'anonymous' : caller.subject,
        name,
        region: caller.kind === 'anonymous' ? null : caller.region,
        org: caller.kind === 'user' ? caller.org : null,
        scopes: [...caller.scopes],
        purpose,
      },
      this.key,
    );
    this.signed.set(key, { token, until: Date.now() + REUSE_MS });
    return token;
  }
}

export function forwardCallerCapability(key: InternalIdentityKey | undefined): Capability {
  const signer = key && new InternalIdentitySigner(key);
  return {
    name: 'caller forwarding',
    async context(_request, context) {
      context.identityToken = signer ? await signer.sign(needs(context, 'caller', 'caller forwarding'), needs(context, 'purpose', 'caller forwarding')) : '';
    },
    // The signature lives two minutes; a subscription's events go on for hours.
    async renew(context) {
      context.identityToken = signer ? await signer.sign(needs(context, 'caller', 'caller forwarding'), needs(context, 'purpose', 'caller forwarding')) : '';
    },
    subgraphFetch: {
      willSend({ headers, context }) {
        if (context.identityToken) headers.set(INTERNAL_IDENTITY_HEADER, context.identityToken);
      },
    },
  };
}
