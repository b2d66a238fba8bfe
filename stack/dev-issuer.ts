/**
 * The development identity issuer for the embedded default: an Ed25519 key pair made on
 * first use in `.dev-keys/` (git-ignored, never committed) and tokens signed with it.
 * Production never accepts its tokens: see gateway/config.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_KEYS_DIR } from '../lib/paths';
import type { TrustedIssuer } from '../gateway/capabilities/sign-in';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';

export const DEV_ISSUER = 'urn:congjiang:dev-identity';
export const AUDIENCE = 'county-gateway';

/** Every scope the embedded default knows: what a newcomer's development token carries. */
export const ALL_SCOPES = [
  'enterprise:read',
  'land:read',
  'construction:read',
  'approval:read',
  'approval:submit',
  'pii:read',
  ...['zrzy', 'zjj', 'zjj-xf', 'fgj', 'rfb', 'da'].map((d) => `approval:review:${d}`),
];

export interface DevIssuer {
  jwks: { keys: JWK[] };
  /** How a gateway trusts it: by its keys as given, and from this machine only unless `anywhere` (tests call from loopback anyway). */
  trusted(anywhere?: boolean): TrustedIssuer;
  token(claims: { sub: string; name?: string; org?: string; region: string; scope: string; expiresIn?: string }): Promise<string>;
  /** Exactly these claims, signed: nothing added (no issuer, audience, iat or exp unless given). */
  sign(claims: JWTPayload): Promise<string>;
}

export async function devIssuer(dir = DEV_KEYS_DIR): Promise<DevIssuer> {
  const privatePath = join(dir, 'issuer.private.jwk.json');
  let privateJwk: JWK;
  if (existsSync(privatePath)) {
    privateJwk = JSON.parse(readFileSync(privatePath, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: `dev-${Date.now()}`, alg: 'EdDSA' };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(privatePath, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  return issuerFromJwk(privateJwk);
}

/** An issuer held in memory only: tests. */
export async function ephemeralIssuer(): Promise<DevIssuer> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return issuerFromJwk({ ...(await exportJWK(privateKey)), kid: 'test', alg: 'EdDSA' });
}

async function issuerFromJwk(privateJwk: JWK): Promise<DevIssuer> {
  const { d: _private, ...publicJwk } = privateJwk;
  const key = await importJWK(privateJwk, 'EdDSA');
  return {
    jwks: { keys: [publicJwk] },
    trusted: (anywhere = false) => ({ issuer: DEV_ISSUER, audience: AUDIENCE, jwks: { set: { keys: [publicJwk] } }, loopbackOnly: !anywhere }),
    token: ({ sub, name, org, region, scope, expiresIn = '8h' }) =>
      new SignJWT({ name, org, region, scope })
        .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(key),
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid }).sign(key),
  };
}
