/**
 * The agreement between the gateway and the subgraphs about who is asking: a short-lived
 * JWT the gateway signs with its own Ed25519 key and sends in `x-county-identity`. A
 * subgraph trusts nothing else about the caller, so a client that sends the header
 * itself gains nothing (the gateway never forwards client headers). Both sides, and the
 * benchmark that stands in for the gateway, import this one definition.
 *
 * The key's id (`kid`) is its JWK thumbprint (RFC 7638), so no one has to name keys and
 * an id can never point at the wrong key. Subgraphs verify against a JWKS: during a
 * rotation it holds the old key and the new, and gateway replicas move to the new key
 * one at a time.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';

export const INTERNAL_IDENTITY_HEADER = 'x-county-identity';
const ISSUER = 'county-gateway';
const AUDIENCE = 'county-subgraphs';
/** How long a signed identity is valid: long enough for one request's plan, short enough not to be worth stealing. */
export const INTERNAL_IDENTITY_LIFETIME_SECONDS = 120;

export interface InternalIdentity {
  kind: 'anonymous' | 'user' | 'client';
  subject: string;
  /**
   * The person's name as the identity service gave it (the user token's `name`), or the
   * partner system's registered name; null when there is none. Carried so a subgraph can
   * record who decided something by name, as it was at the time.
   */
  name: string | null;
  /** Division code of the caller's jurisdiction; null for anonymous callers. */
  region: string | null;
  org: string | null;
  scopes: readonly string[];
  /** `X-Purpose`: the case, item or project the data is read for. */
  purpose: string | null;
}

/** The gateway's signing key and its id. */
export interface InternalIdentityKey {
  privateKey: KeyObject;
  kid: string;
}

/** The public half of an Ed25519 key (private or public), as a JWKS entry with its thumbprint as `kid`. */
export async function internalIdentityJwk(key: KeyObject): Promise<JWK> {
  const jwk = await exportJWK(key.type === 'private' ? createPublicKey(key) : key);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'EdDSA', use: 'sig' };
}

export async function internalIdentityKey(privateKey: KeyObject): Promise<InternalIdentityKey> {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the internal identity key must be Ed25519 (this one is ${privateKey.asymmetricKeyType ?? privateKey.type})`);
  return { privateKey, kid: (await internalIdentityJwk(privateKey)).kid! };
}

/** The keys a subgraph accepts: a JWKS (`keys` of Ed25519 public JWKs), or a function that finds the key (a remote JWKS). */
export type InternalIdentityKeys = JSONWebKeySet | JWTVerifyGetKey;

export function signInternalIdentity(identity: InternalIdentity, key: InternalIdentityKey, lifetimeSeconds = INTERNAL_IDENTITY_LIFETIME_SECONDS): Promise<string> {
  const claims: Record<string, unknown> = { kind: identity.kind, scope: identity.scopes.join(' '), purpose: identity.purpose };
  if (identity.name !== null) claims.name = identity.name;
  if (identity.region !== null) claims.region = identity.region;
  if (identity.org !== null) claims.org = identity.org;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject(identity.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(key.privateKey);
}

/** A verifier over `keys`, made once (a local JWKS is indexed, a remote one keeps its cache). */
export function internalIdentityKeys(keys: InternalIdentityKeys): JWTVerifyGetKey {
  return typeof keys === 'function' ? keys : createLocalJWKSet(keys);
}

/** The identity in `token`, or an error when it is not one the gateway signed with a key in `keys` (or has expired). */
export async function verifyInternalIdentity(token: string, keys: JWTVerifyGetKey): Promise<InternalIdentity> {
  const { payload } = await jwtVerify(token, keys, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'] });
  return {
    kind: payload.kind === 'user' || payload.kind === 'client' ? payload.kind : 'anonymous',
    subject: payload.sub ?? 'anonymous',
    name: typeof payload.name === 'string' ? payload.name : null,
    region: typeof payload.region === 'string' ? payload.region : null,
    org: typeof payload.org === 'string' ? payload.org : null,
    scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
  };
}
