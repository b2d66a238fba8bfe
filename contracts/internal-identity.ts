/**
 * The agreement between the gateway and the subgraphs about who is asking: a short-lived
 * JWT the gateway signs with its own Ed25519 key and sends in `x-county-identity`. A
 * subgraph trusts nothing else about the caller, so a client that sends the header
 * itself gains nothing (the gateway never forwards client headers). Both sides, and the
 * benchmark that stands in for the gateway, import this one definition.
 */
import type { KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export const INTERNAL_IDENTITY_HEADER = 'x-county-identity';
const ISSUER = 'county-gateway';
const AUDIENCE = 'county-subgraphs';
/** How long a signed identity is valid: long enough for one request's plan, short enough not to be worth stealing. */
export const INTERNAL_IDENTITY_LIFETIME_SECONDS = 120;

export interface InternalIdentity {
  kind: 'anonymous' | 'user' | 'client';
  subject: string;
  /** Division code of the caller's jurisdiction; null for anonymous callers. */
  region: string | null;
  org: string | null;
  scopes: readonly string[];
  /** `X-Purpose`: the case, item or project the data is read for. */
  purpose: string | null;
}

export function signInternalIdentity(identity: InternalIdentity, privateKey: KeyObject, lifetimeSeconds = INTERNAL_IDENTITY_LIFETIME_SECONDS): Promise<string> {
  const claims: Record<string, unknown> = { kind: identity.kind, scope: identity.scopes.join(' '), purpose: identity.purpose };
  if (identity.region !== null) claims.region = identity.region;
  if (identity.org !== null) claims.org = identity.org;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(identity.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(privateKey);
}

/** The identity in `token`, or an error when it is not one the gateway signed (or has expired). */
export async function verifyInternalIdentity(token: string, publicKey: KeyObject): Promise<InternalIdentity> {
  const { payload } = await jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE });
  return {
    kind: payload.kind === 'user' || payload.kind === 'client' ? payload.kind : 'anonymous',
    subject: payload.sub ?? 'anonymous',
    region: typeof payload.region === 'string' ? payload.region : null,
    org: typeof payload.org === 'string' ? payload.org : null,
    scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
  };
}
