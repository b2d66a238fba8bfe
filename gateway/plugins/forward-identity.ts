/**
 * The gateway vouches for the caller to the subgraphs: a short-lived JWT signed with the
 * gateway's own key, in `x-county-identity`. A subgraph trusts nothing else, so a client
 * that sends the header itself gains nothing (the gateway never forwards client headers).
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Caller } from './identity';

export const IDENTITY_HEADER = 'x-county-identity';
export const IDENTITY_ISSUER = 'county-gateway';
export const IDENTITY_AUDIENCE = 'county-subgraphs';

export class IdentitySigner {
  constructor(private readonly privateKey: KeyObject) {}

  sign(caller: Caller, purpose: string | null, requestId: string): Promise<string> {
    const claims: Record<string, unknown> = {
      kind: caller.kind,
      scope: [...caller.scopes].join(' '),
      purpose,
      rid: requestId,
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
