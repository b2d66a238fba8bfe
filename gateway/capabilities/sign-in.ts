/**
 * Sign-in: who is asking (context.caller). End users bring a bearer JWT from the unified
 * identity provider (统一身份认证), checked against its JWKS; partner systems bring an API
 * key mapped to a registered client (keys are stored as SHA-256 hashes: they are random,
 * not passwords). Anything presented and wrong is 401 at once: a bad credential is never
 * downgraded to anonymous. Failed sign-ins from one address are slowed down. The partner
 * registry follows its file while the gateway runs (partner-registry.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { HttpError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { rateLimits } from '../../lib/rate-limits';
import type { SharedRedis } from '../../lib/redis';
import { PartnerRegistry, type PartnerRegistryFile } from '../partner-registry';
import type { Capability } from './capability';
import { sha256 } from '../../lib/hash';
import { isDirectLoopbackRequest } from '../../lib/loopback';

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
  /** SHA-256 (hex) of its API key; unset: it signs in at the identity provider only. */
  keySha256?: string;
  /** Its client id at a trusted identity provider, for partners that prefer OAuth client credentials to an API key. */
  oauthClientId?: string;
  scopes: string[];
  /** Division code of its jurisdiction: 52 for the provincial platform, 522633 for a county bank branch … */
  region: string;
  purposes: string[];
  operations: string[];
  ratePerMinute: number;
}

/** An identity provider whose tokens this gateway accepts. */
export interface TrustedIssuer {
  /** The `iss` its tokens carry; an http(s) issuer without `jwks` publishes its keys through discovery. */
  issuer: string;
  /** Where its keys are; unset: `jwks_uri` of `${issuer}/.well-known/openid-configuration`. */
  jwks?: { url: string } | { set: { keys: object[] } };
  audience?: string;
  /** Accepted only from this machine: the embedded default's development issuer, for curl users. */
  loopbackOnly?: boolean;
}

export interface SignInOptions {
  /** The identity providers whose tokens are accepted, chosen by each token's `iss`; none: users cannot sign in (partners still can). */
  issuers?: TrustedIssuer[];
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

/** The identity provider is not answering: nobody can be judged, so the request waits for it rather than being called unauthenticated. */
class IdentityProviderUnavailable extends Error {}

/** jose's codes for a token that is wrong, as against a key server that did not answer. */
const TOKEN_FAULTS = /^(ERR_JWS_|ERR_JWT_|ERR_JWKS_NO_MATCHING_KEY$|ERR_JWKS_MULTIPLE_MATCHING_KEYS$|ERR_JOSE_ALG_NOT_ALLOWED$|ERR_JOSE_NOT_SUPPORTED$|ERR_JWK_INVALID$)/;

/** A failed discovery is asked again after this long, not on every request. */
const DISCOVERY_RETRY_MS = 30_000;
const DISCOVERY_TIMEOUT_MS = 5_000;

/** One trusted issuer's keys: given, or found through its discovery document on first use. */
class IssuerKeys {
  private keys: JWTVerifyGetKey | undefined;
  private discovering: Promise<JWTVerifyGetKey> | undefined;
  private failedAt = 0;
  private lastFailure = '';

  constructor(readonly trusted: TrustedIssuer) {
    const jwks = trusted.jwks;
    if (jwks) this.keys = 'url' in jwks ? createRemoteJWKSet(new URL(jwks.url)) : createLocalJWKSet(jwks.set as never);
  }

  async get(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    if (!this.discovering && Date.now() - this.failedAt < DISCOVERY_RETRY_MS) throw new IdentityProviderUnavailable(this.lastFailure);
    this.discovering ??= this.discover().then(
      (keys) => (this.keys = keys),
      (error: Error) => {
        this.discovering = undefined;
        this.failedAt = Date.now();
        this.lastFailure = `the identity provider's discovery document (${this.discoveryUrl}) could not be read: ${error.message}`;
        throw new IdentityProviderUnavailable(this.lastFailure);
      },
    );
    return this.discovering;
  }

  private get discoveryUrl() {
    return `${this.trusted.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const response = await fetch(this.discoveryUrl, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
    if (document.issuer !== this.trusted.issuer) throw new Error(`it names issuer ${JSON.stringify(document.issuer)}, not ${this.trusted.issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new Error('it has no jwks_uri');
    const jwksUri = new URL(document.jwks_uri);
    // Keys fetched over plain http could be swapped on the way: an https issuer's keys must be https too.
    if (this.trusted.issuer.startsWith('https://') && jwksUri.protocol !== 'https:') throw new Error(`its jwks_uri ${jwksUri.href} is not https`);
    return createRemoteJWKSet(jwksUri);
  }
}

class CallerVerifier {
  private readonly issuers: Map<string, IssuerKeys>;
  private readonly verified = new LRUCache<string, { caller: Caller; partnerClientId?: string; expiresAt: number; loopbackOnly: boolean }>({ max: 10_000 });

  constructor(
    private readonly options: SignInOptions,
    private readonly partners: PartnerRegistry,
  ) {
    this.issuers = new Map((options.issuers ?? []).map((trusted) => [trusted.issuer, new IssuerKeys(trusted)]));
  }

  async identify(headers: { authorization?: string; apiKey?: string }, fromLoopback: boolean): Promise<{ caller: Caller; expiresAt?: number }> {
    if (headers.apiKey) return { caller: this.client(headers.apiKey) };
    if (!headers.authorization) return { caller: ANONYMOUS };
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization);
    if (!match) throw new AuthenticationError('Authorization must be "Bearer <token>"');
    const caller = await this.user(match[1]!, fromLoopback);
    return { caller, expiresAt: this.verified.get(match[1]!)?.expiresAt };
  }

  private async user(token: string, fromLoopback: boolean): Promise<Caller> {
    if (this.issuers.size === 0) throw new AuthenticationError('this gateway accepts no user tokens (no identity provider is configured)');
    // A token verified once is the same token until it expires: skip the signature check then.
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now() && (fromLoopback || !known.loopbackOnly)) {
      // A partner is looked up again each time, as an API key is: a registry change takes effect at once.
      return known.partnerClientId ? this.partnerByOAuthClient(known.partnerClientId) : known.caller;
    }
    // The claimed issuer only chooses whose keys to check with; the signature and `iss` are then verified against that issuer.
    let claimedIssuer: unknown;
    try {
      claimedIssuer = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError('the token is not valid (not a JWT)');
    }
    const issuer = typeof claimedIssuer === 'string' ? this.issuers.get(claimedIssuer) : undefined;
    if (!issuer) throw new AuthenticationError(`the token's issuer ${JSON.stringify(claimedIssuer ?? null)} is not one this gateway trusts: sign in at the county's identity service`);
    if (issuer.trusted.loopbackOnly && !fromLoopback) throw new AuthenticationError('development tokens are accepted from this machine only: sign in at the county\'s identity service');
    let payload: JWTPayload;
    const skew = this.options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    const keys = await issuer.get();
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: issuer.trusted.issuer, audience: issuer.trusted.audience, clockTolerance: skew, requiredClaims: ['exp'] }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const claim = (error as { claim?: string }).claim;
      // Only these say the token is bad; anything else (a refused connection, DNS, a key server's 5xx or garbage,
      // a timeout) is the key server not answering, which says nothing about the token.
      if (!code || !TOKEN_FAULTS.test(code)) throw new IdentityProviderUnavailable(`the identity provider's keys could not be read: ${(error as Error).message}`);
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp') throw new AuthenticationError('the token has no "exp" claim: tokens must expire');
      throw new AuthenticationError(code === 'ERR_JWT_EXPIRED' ? 'the token has expired: sign in again' : `the token is not valid (${code})`);
    }
    // A token that never expires in practice, or one dated in the future, is one nobody should hold.
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + skew) throw new AuthenticationError('the token is issued in the future ("iat"): check the identity provider\'s clock');
    const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : now);
    const longest = this.options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    if (lifetime > longest) throw new AuthenticationError(`the token is valid for ${lifetime} s; this gateway accepts at most ${longest} s: sign in again for a shorter-lived token`);
    // OAuth client credentials (RFC 9068: the subject is the client itself): a partner system, known by its registration
    // here. A registered client is a partner whatever else its token claims; an unregistered one without a region is refused.
    if (typeof payload.client_id === 'string' && payload.sub === payload.client_id) {
      const registered = this.partners.current.some((p) => p.oauthClientId === payload.client_id);
      if (registered || payload.region === undefined) {
        const caller = this.partnerByOAuthClient(payload.client_id);
        this.verified.set(token, { caller, partnerClientId: payload.client_id, expiresAt: payload.exp! * 1000, loopbackOnly: issuer.trusted.loopbackOnly ?? false });
        return caller;
      }
    }
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
    this.verified.set(token, { caller, expiresAt: payload.exp! * 1000, loopbackOnly: issuer.trusted.loopbackOnly ?? false });
    return caller;
  }

  private client(apiKey: string): Caller {
    const hash = Buffer.from(sha256(apiKey), 'hex');
    const client = this.partners.current.find((p) => {
      if (!p.keySha256) return false;
      const stored = Buffer.from(p.keySha256, 'hex');
      return stored.length === hash.length && timingSafeEqual(stored, hash);
    });
    if (!client) throw new AuthenticationError('the API key is not registered');
    return partnerCaller(client);
  }

  /** The token's own scopes are not used: what a partner may do is its registration here, the same as with an API key. */
  private partnerByOAuthClient(clientId: string): Caller {
    const client = this.partners.current.find((p) => p.oauthClientId === clientId);
    if (!client) throw new AuthenticationError(`the identity provider's client "${clientId}" is not registered as a partner system at this gateway (npm run partner:register)`);
    return partnerCaller(client);
  }
}

function partnerCaller(client: PartnerClient): Caller {
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
    async context({ req, header, address }, context) {
      try {
        const { caller, expiresAt } = await callers.identify({ authorization: header('authorization'), apiKey: header('x-api-key') }, isDirectLoopbackRequest(req));
        context.caller = caller;
        if (expiresAt !== undefined) context.credentialExpiresAt = expiresAt;
      } catch (error) {
        if (error instanceof IdentityProviderUnavailable) {
          logger.error({ requestId: context.requestId, reason: error.message }, 'identity provider unavailable');
          throw new HttpError(503, 'IDENTITY_PROVIDER_UNAVAILABLE', `${error.message}; try again shortly`, { 'retry-after': '30' });
        }
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
