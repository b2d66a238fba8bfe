/**
 * The caller as the gateway vouches for it (`x-county-identity`, signed by the gateway);
 * the jurisdiction it gives is applied in jurisdiction.ts. A request without a valid
 * gateway signature is refused outright: subgraphs are reached through the gateway only.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTVerifyGetKey } from 'jose';
import { INTERNAL_IDENTITY_HEADER, internalIdentityJwk, internalIdentityKeys, verifyInternalIdentity, type InternalIdentityKeys } from '../../contracts/internal-identity';
import { HttpError } from '../../lib/errors';

export interface TrustedCaller {
  kind: 'anonymous' | 'user' | 'client';
  subject: string;
  /** Division code of the caller's jurisdiction; null for anonymous callers. */
  region: string | null;
  org: string | null;
  scopes: ReadonlySet<string>;
  purpose: string | null;
}

export class InternalIdentityVerifier {
  private readonly keys: JWTVerifyGetKey;

  /** `keys`: the gateway's public keys (INTERNAL_IDENTITY_JWKS_FILE or _URL). */
  constructor(keys: InternalIdentityKeys) {
    this.keys = internalIdentityKeys(keys);
  }

  /** Trusting one key: the embedded stack, whose gateway and subgraphs share a process. */
  static async trusting(publicKey: KeyObject): Promise<InternalIdentityVerifier> {
    return new InternalIdentityVerifier({ keys: [await internalIdentityJwk(publicKey)] });
  }

  async verify(req: IncomingMessage): Promise<TrustedCaller> {
    const token = req.headers[INTERNAL_IDENTITY_HEADER];
    if (typeof token !== 'string') throw new HttpError(401, 'UNAUTHENTICATED', 'no gateway identity: this subgraph is reached through the gateway only');
    try {
      const identity = await verifyInternalIdentity(token, this.keys);
      return { ...identity, scopes: new Set(identity.scopes) };
    } catch {
      throw new HttpError(401, 'UNAUTHENTICATED', 'the gateway identity does not verify: this subgraph is reached through the gateway only');
    }
  }
}
