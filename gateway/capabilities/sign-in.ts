/**
 * Sign-in: who is asking (context.caller). End users bring a bearer JWT from the unified
 * identity provider (统一身份认证), checked against its JWKS; partner systems bring an API
 * key mapped to a registered client (keys are stored as SHA-256 hashes: they are random,
 * not passwords). Anything presented and wrong is 401 at once: a bad credential is never
 * downgraded to anonymous. Failed sign-ins from one address are slowed down. The partner
 * registry follows its file while the gateway runs (partner-registry.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { HttpError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { rateLimits } from '../../lib/rate-limits';
import type { SharedRedis } from '../../lib/redis';
import { PartnerRegistry, type PartnerRegistryFile } from '../partner-registry';
import type { Capability } from './capability';
import { sha256 } from '../../lib/hash';

export type Caller =
  | { kind: 'anonymous'; scopes: ReadonlySet<string> }
  | { kind: 'user'; subject: string; name: string | null; org: string | null; region: string; scopes: ReadonlySet<string> }
  | {
      kind: 'client';
      subject: string;
      name: string;
      region: string;
      scopes: ReadonlySet<string>;
      purposes: readonly string[];
      /** SHA-256 of each operation the client registered (trusted documents). */
      operations: ReadonlySet<string>;
      ratePerMinute: number;
    };

const ANONYMOUS: Caller = { kind: 'anonymous', scopes: new Set() };

/** A registered partner system. */
export interface PartnerClient {
  id: string;
  name: string;
  /** SHA-256 (hex) of its API key. */
  keySha256: string;
  scopes: string[];
  /** Division code of its jurisdiction: 52 for the provincial platform, 522633 for a county bank branch … */
  region: string;
  purposes: string[];
  operations: string[];
  ratePerMinute: number;
}

export interface SignInOptions {
  /** Where user tokens' keys come from; none: users cannot sign in (partners still can). */
  jwks?: { url: string } | { set: { keys: object[] } };
  issuer?: string;
  audience?: string;
  partners?: PartnerClient[];
  /** The file `partners` was read from: each valid new version of it is served without a restart. */
  partnersFile?: PartnerRegistryFile;
  /** The longest a token may be valid for, from its `iat` (default 12 h: a working day and then some). */
  maxTokenLifetimeSeconds?: number;
  /** How far the identity provider's clock may be from ours (default 60 s). */
  clockSkewSeconds?: number;
}

export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

class AuthenticationError extends Error {}

class CallerVerifier {
  private readonly keys: JWTVerifyGetKey | undefined;
  private readonly verified = new LRUCache<string, { caller: Caller; expiresAt: number }>({ max: 10_000 });

  constructor(
    private readonly options: SignInOptions,
    private readonly partners: PartnerRegistry,
  ) {
    const jwks = options.jwks;
    this.keys = !jwks ? undefined : 'url' in jwks ? createRemoteJWKSet(new URL(jwks.url)) : createLocalJWKSet(jwks.set as never);
  }

  async identify(headers: { authorization?: string; apiKey?: string }): Promise<Caller> {
    if (headers.apiKey) return this.client(headers.apiKey);
    if (!headers.authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization);
    if (!match) throw new AuthenticationError('Authorization must be "Bearer <token>"');
    return this.user(match[1]!);
  }

  private async user(token: string): Promise<Caller> {
    if (!this.keys) throw new AuthenticationError('this gateway accepts no user tokens (no identity provider is configured)');
    // A token verified once is the same token until it expires: skip the signature check then.
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.caller;
    let payload: JWTPayload;
    const skew = this.options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    try {
      ({ payload } = await jwtVerify(token, this.keys, { issuer: this.options.issuer, audience: this.options.audience, clockTolerance: skew, requiredClaims: ['exp'] }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const claim = (error as { claim?: string }).claim;
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp') throw new AuthenticationError('the token has no "exp" claim: tokens must expire');
      throw new AuthenticationError(code === 'ERR_JWT_EXPIRED' ? 'the token has expired: sign in again' : `the token is not valid (${code ?? 'unreadable'})`);
    }
    // A token that never expires in practice, or one dated in the future, is one nobody should hold.
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + skew) throw new AuthenticationError('the token is issued in the future ("iat"): check the identity provider\'s clock');
    const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : now);
    const longest = this.options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    if (lifetime > longest) throw new AuthenticationError(`the token is valid for ${lifetime} s; this gateway accepts at most ${longest} s: sign in again for a shorter-lived token`);
    const region = typeof payload.region === 'string' ? payload.region : '';
    if (!/^(\d{2}|\d{4}|\d{6}|\d{12})$/.test(region)) throw new AuthenticationError('the token has no valid "region" claim (a division code)');
    if (typeof payload.sub !== 'string' || !payload.sub) throw new AuthenticationError('the token has no "sub" claim');
    const caller: Caller = {
      kind: 'user',
      subject: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : null,
      org: typeof payload.org === 'string' ? payload.org : null,
      region,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : []),
    };
    this.verified.set(token, { caller, expiresAt: payload.exp! * 1000 });
    return caller;
  }

  private client(apiKey: string): Caller {
    const hash = Buffer.from(sha256(apiKey), 'hex');
    const client = this.partners.current.find((p) => {
      const stored = Buffer.from(p.keySha256, 'hex');
      return stored.length === hash.length && timingSafeEqual(stored, hash);
    });
    if (!client) throw new AuthenticationError('the API key is not registered');
    return {
      kind: 'client',
      subject: client.id,
      name: client.name,
      region: client.region,
      scopes: new Set(client.scopes),
      purposes: client.purposes,
      operations: new Set(client.operations),
      ratePerMinute: client.ratePerMinute,
    };
  }
}


export const callerId = (caller: Caller) => (caller.kind === 'anonymous' ? 'anonymous' : `${caller.kind}:${caller.subject}`);

/** `failedPerMinute`: failed sign-ins a minute from one address before 429. */
export function signInCapability(options: SignInOptions, failedPerMinute: number, logger: Logger, redis?: SharedRedis): Capability {
  const partners = new PartnerRegistry(options.partners ?? [], logger, options.partnersFile);
  const callers = new CallerVerifier(options, partners);
  const failed = rateLimits('failed-sign-ins', redis);
  return {
    name: 'sign-in',
    plugin: {
      async serverWillStart() {
        const stopFollowing = partners.follow();
        return { serverWillStop: async () => stopFollowing() };
      },
    },
    // Which registry this replica serves, when it follows a file.
    status: () => (partners.describe() ? { partners: partners.describe() } : {}),
    async context({ header, address }, context) {
      try {
        context.caller = await callers.identify({ authorization: header('authorization'), apiKey: header('x-api-key') });
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        // Guessing from one address is slowed down (and its flood kept out of the log); a valid credential from it
        // (others behind the same NAT) is not.
        await failed.take(address, failedPerMinute, 'failed sign-ins from this address');
        // Who tried and why it failed, never what was presented.
        logger.warn({ requestId: context.requestId, address, credential: header('x-api-key') ? 'api-key' : 'bearer', reason: error.message }, 'sign-in failed');
        throw new HttpError(401, 'UNAUTHENTICATED', error.message, { 'www-authenticate': 'Bearer' });
      }
    },
  };
}
