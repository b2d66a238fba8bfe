import { internalIdentityKey } from '../../contracts/internal-identity';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { createGateway, type GatewayOptions } from '../../gateway/server';
import { listen } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { AUDIENCE, DEV_ISSUER } from '../../stack/dev-issuer';

/** A gateway over our supergraph (or one from `supergraphUrl`) and nothing behind it: enough for what it serves itself (pages, refusals, probes). */
export async function bareGateway(options: Partial<GatewayOptions>): Promise<{ url: string; stop: () => Promise<void> }> {
  // Our supergraph unless it comes from a URL (a gateway takes one or the other).
  const supergraphSdl = options.supergraphUrl ? undefined : readFileSync(DEFAULT_SUPERGRAPH, 'utf8');
  const gateway = createGateway({ supergraphSdl, logger: silentLogger(), ...options });
  await gateway.start();
  const listening = await listen(gateway.server, 0, '127.0.0.1', 'test');
  return {
    url: listening.url,
    stop: async () => {
      await listening.close();
      await gateway.stop();
    },
  };
}

/**
 * What a gateway's /metrics says of its plan executor: operations planned, and requests
 * handed to @apollo/gateway's own executor by reason (none: an empty record).
 */
export async function executorMetrics(graphqlUrl: string): Promise<{ plans: number; handedOver: Record<string, number> }> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  const plans = Number(/^gateway_query_plans_total (\d+)$/m.exec(text)?.[1] ?? NaN);
  const handedOver = Object.fromEntries([...text.matchAll(/^gateway_executor_handovers_total\{reason="([^"]*)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  return { plans, handedOver };
}

/** Another replica in front of `stack`'s subgraphs: the same supergraph, issuer and identity key. */
export async function secondReplica(
  stack: { subgraphUrls: Record<string, string>; issuer: { jwks: { keys: object[] } } },
  privateKey: KeyObject,
  options: Partial<GatewayOptions> = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const { url, stop } = await bareGateway({
    subgraphUrls: stack.subgraphUrls,
    signIn: { issuers: [{ issuer: DEV_ISSUER, audience: AUDIENCE, jwks: { set: stack.issuer.jwks } }] },
    internalIdentityKey: await internalIdentityKey(privateKey),
    ...options,
  });
  return { url: `${url}/graphql`, stop };
}
