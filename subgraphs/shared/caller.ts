/**
 * The caller as the gateway vouches for it (`x-county-identity`, signed by the gateway);
 * the jurisdiction it gives is applied in jurisdiction.ts. A request without a valid
 * gateway signature is refused outright: subgraphs are reached through the gateway only.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, decodeProtectedHeader, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { INTERNAL_IDENTITY_HEADER, internalIdentityJwk, internalIdentityKeys, verifyInternalIdentity, type InternalIdentityKeys } from '../../contracts/internal-identity';
import { HttpError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';

export interface TrustedCaller {
  kind: 'anonymous' | 'user' | 'client';
  subject: string;
  /** The person's (or partner system's) name as the gateway vouches for it; null when the identity service gave none. */
  name: string | null;
  /** Division code of the caller's jurisdiction; null for anonymous callers. */
  region: string | null;
  org: string | null;
  scopes: ReadonlySet<string>;
  purpose: string | null;
}

/** A refusal of the same kind is logged at most this often: a botched key rotation refuses every request. */
const REFUSAL_LOG_MS = 60_000;

/** Verified tokens kept: callers signing in at once within a token's life (the gateway keeps as many signatures). */
const VERIFIED_TOKENS = 10_000;

export class InternalIdentityVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly lastLogged = new Map<string, number>();
  /**
   * Tokens that verified, by their exact text, until they expire. The gateway reuses one
   * signature per caller for a minute, so most requests bring a token already checked; the
   * Ed25519 check and jose's claim checks cost the construction subgraph's part of a
   * cache-warm dashboard page 3.10 against 2.27 ms of CPU without them (docs/NOTES.md). The same bytes verify the same way until `exp`, which is
   * kept; a key withdrawn from the JWKS meanwhile stops new tokens at once and old ones
   * within their two-minute life (INTERNAL_IDENTITY_LIFETIME_SECONDS).
   */
  private readonly verified = new LRUCache<string, { caller: TrustedCaller; until: number }>({ max: VERIFIED_TOKENS });

  /**
   * `keys`: the gateway's public keys (INTERNAL_IDENTITY_JWKS_FILE or _URL). With a
   * `logger`, refusals are logged, once a minute per kind (jose's code), with the token's
   * kid but never the token, so a replica that refuses every request after a rotation says why.
   */
  constructor(
    keys: InternalIdentityKeys,
    private readonly logger?: Logger,
  ) {
    this.keys = internalIdentityKeys(keys);
  }

  /** Trusting one key: the embedded stack, whose gateway and subgraphs share a process. */
  static async trusting(publicKey: KeyObject, logger?: Logger): Promise<InternalIdentityVerifier> {
    return new InternalIdentityVerifier({ keys: [await internalIdentityJwk(publicKey)] }, logger);
  }

  verify(req: IncomingMessage): Promise<TrustedCaller> {
    return this.verifyToken(req.headers[INTERNAL_IDENTITY_HEADER]);
  }

  /** The signed identity as sent with a request, or with a subscription (contracts/subgraph-subscriptions.ts). */
  async verifyToken(token: unknown): Promise<TrustedCaller> {
    if (typeof token !== 'string') throw new HttpError(401, 'UNAUTHENTICATED', 'no gateway identity: this subgraph is reached through the gateway only');
    const known = this.verified.get(token);
    if (known && Date.now() < known.until) return known.caller;
    try {
      const identity = await verifyInternalIdentity(token, this.keys);
      // Shared by every request that brings this token: frozen, so none can change it for the others.
      const caller: TrustedCaller = Object.freeze({ ...identity, scopes: new Set(identity.scopes) });
      const exp = decodeJwt(token).exp;
      if (typeof exp === 'number') this.verified.set(token, { caller, until: exp * 1000 });
      return caller;
    } catch (error) {
      this.logRefusal(token, error as Error & { code?: string });
      throw new HttpError(401, 'UNAUTHENTICATED', 'the gateway identity does not verify: this subgraph is reached through the gateway only');
    }
  }

  private logRefusal(token: string, error: Error & { code?: string }): void {
    if (!this.logger) return;
    let kid: string | null = null;
    try {
      kid = decodeProtectedHeader(token).kid ?? null;
    } catch {
      // Not even a JWT: the kind says so.
    }
    // By jose's code only, a handful of kinds: the kid is the caller's to choose, and must not grow this map.
    const kind = error.code ?? error.name;
    const now = Date.now();
    if (now - (this.lastLogged.get(kind) ?? -Infinity) < REFUSAL_LOG_MS) return;
    this.lastLogged.set(kind, now);
    this.logger.warn({ code: error.code ?? error.name, kid, reason: error.message }, 'gateway identity refused (logged once a minute per kind): is this subgraph given the gateway\'s current key (INTERNAL_IDENTITY_JWKS_FILE / _URL)?');
  }
}
