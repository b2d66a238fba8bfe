/**
 * The caller as the gateway vouches for it (`x-county-identity`, signed by the gateway),
 * and the jurisdiction rules every subgraph applies with it. A request without a valid
 * gateway signature is refused outright: subgraphs are reached through the gateway only.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jwtVerify } from 'jose';
import { isWithin, regionPrefix } from '../../domain/regions';
import { forbidden, HttpError } from '../../lib/errors';

export interface TrustedCaller {
  kind: 'anonymous' | 'user' | 'client';
  subject: string;
  /** Division code of the caller's jurisdiction; null for anonymous callers. */
  region: string | null;
  org: string | null;
  scopes: ReadonlySet<string>;
  purpose: string | null;
}

const HEADER = 'x-county-identity';

export class GatewayIdentity {
  private readonly key: KeyObject;

  constructor(publicKeyPem: string) {
    this.key = createPublicKey(publicKeyPem);
  }

  async verify(req: IncomingMessage): Promise<TrustedCaller> {
    const token = req.headers[HEADER];
    if (typeof token !== 'string') throw new HttpError(401, 'UNAUTHENTICATED', 'no gateway identity: this subgraph is reached through the gateway only');
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'county-gateway', audience: 'county-subgraphs' });
      return {
        kind: payload.kind === 'user' || payload.kind === 'client' ? payload.kind : 'anonymous',
        subject: payload.sub ?? 'anonymous',
        region: typeof payload.region === 'string' ? payload.region : null,
        org: typeof payload.org === 'string' ? payload.org : null,
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
        purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
      };
    } catch {
      throw new HttpError(401, 'UNAUTHENTICATED', 'the gateway identity does not verify: this subgraph is reached through the gateway only');
    }
  }
}

/**
 * The region prefix a list may cover: the caller's jurisdiction, narrowed to the region
 * asked for. A region outside the jurisdiction is FORBIDDEN, not silently emptied.
 */
export function listScope(caller: TrustedCaller, requested: string | undefined): string | undefined {
  const own = caller.region;
  if (!own) return requested ? regionPrefix(requested) : undefined;
  if (!requested) return regionPrefix(own);
  if (isWithin(requested, own)) return regionPrefix(requested);
  if (isWithin(own, requested)) return regionPrefix(own);
  throw forbidden(`region ${requested} is outside your jurisdiction (${own})`);
}

/** A single record outside the caller's jurisdiction is FORBIDDEN. */
export function assertWithin(caller: TrustedCaller, regionCode: string, what: string): void {
  if (caller.region && !isWithin(regionCode, caller.region)) throw forbidden(`${what} is outside your jurisdiction (${caller.region})`);
}
