import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { createGateway, type GatewayOptions } from '../../gateway/server';
import { listen } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';

/** A gateway over our supergraph and nothing behind it: enough for what it serves itself (pages, refusals). */
export async function bareGateway(options: Partial<GatewayOptions>): Promise<{ url: string; stop: () => Promise<void> }> {
  const gateway = createGateway({ supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH, 'utf8'), logger: silentLogger(), ...options });
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
