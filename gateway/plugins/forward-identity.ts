/**
 * The gateway vouches for the caller to the subgraphs (contracts/internal-identity.ts),
 * reusing a signature for the same caller and purpose while it has life left.
 */
import type { KeyObject } from 'node:crypto';
import { signInternalIdentity } from '../../contracts/internal-identity';
import { BoundedMap } from '../../lib/bounded-map';
import { callerId, type Caller } from './identity';

/** A signed identity is reused while it has this much life left (it lives two minutes). */
const REUSE_MS = 60_000;

export class IdentitySigner {
  private readonly signed = new BoundedMap<string, { token: Promise<string>; until: number }>(10_000);

  constructor(private readonly privateKey: KeyObject) {}

  /** The caller's identity for the subgraphs; the same caller and purpose reuse one signature for a minute. */
  sign(caller: Caller, purpose: string | null): Promise<string> {
    const key = `${callerId(caller)}|${caller.kind === 'anonymous' ? '' : caller.region}|${[...caller.scopes].sort().join(' ')}|${purpose ?? ''}`;
    const cached = this.signed.get(key);
    if (cached && cached.until > Date.now()) return cached.token;
    const token = signInternalIdentity(
      {
        kind: caller.kind,
        subject: caller.kind === 'anonymous' ? 'anonymous' : caller.subject,
        region: caller.kind === 'anonymous' ? null : caller.region,
        org: caller.kind === 'user' ? caller.org : null,
        scopes: [...caller.scopes],
        purpose,
      },
      this.privateKey,
    );
    this.signed.set(key, { token, until: Date.now() + REUSE_MS });
    return token;
  }
}
