/**
 * The gateway vouches for the caller to the subgraphs: a short-lived JWT signed with the
 * gateway's own key, in `x-county-identity`. A subgraph trusts nothing else, so a client
 * that sends the header itself gains nothing (the gateway never forwards client headers).
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { BoundedMap } from '../../lib/bounded-map';
import { callerId, type Caller } from './identity';

export const IDENTITY_HEADER = 'x-county-identity';
export const IDENTITY_ISSUER = 'county-gateway';
export const IDENTITY_AUDIENCE = 'county-subgraphs';

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
    const token = this.fresh(caller, purpose);
    this.signed.set(key, { token, until: Date.now() + REUSE_MS });
    return token;
  }

  private fresh(caller: Caller, purpose: string | null): Promise<string> {
    const claims: Record<string, unknown> = {
      kind: caller.kind,
      scope: [...caller.scopes].join(' '),
      purpose,
    };
    if (caller.kind !== 'anonymous') claims.region = caller.region;
    if (caller.kind === 'user') claims.org = caller.org;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(caller.kind === 'anonymous' ? 'anonymous' : caller.subject)
      .setIssuer(IDENTITY_ISSUER)
      .setAudience(IDENTITY_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(this.privateKey);
  }
}
