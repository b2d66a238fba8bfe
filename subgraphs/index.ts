/**
 * Entry point: `npm run subgraph -- <department> --port <n>` (compiled: `node
 * dist/node/subgraphs/index.js <department> --port <n>`) runs one subgraph in front of
 * its department system, as one replica of many behind a load balancer: the
 * department's URL, the gateway's public keys and Redis come from the environment
 * (subgraphs/command-config.ts; the README's deployment section lists them).
 */
import { listen } from '../lib/listen';
import { createLogger } from '../lib/logger';
import { connectRedis } from '../lib/redis';
import { SUBGRAPHS } from './catalog';
import { readSubgraphCommandConfig } from './command-config';
import { InternalIdentityVerifier } from './shared/caller';
import { SUBGRAPH_REDIS_USES } from './shared/subgraph-service';

async function main(): Promise<void> {
  const config = await readSubgraphCommandConfig(process.argv.slice(2), process.env);
  const logger = createLogger(config.logLevel, `subgraph-${config.name}`);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger, SUBGRAPH_REDIS_USES) : undefined;
  const subgraph = SUBGRAPHS[config.name].create(
    { settings: config.settings, connection: config.connection, licenceIssuers: config.licenceIssuers },
    { logger, identity: new InternalIdentityVerifier(config.identity.keys), redis },
  );
  await subgraph.start();
  const listening = await listen(subgraph.server, config.port, config.host, 'set PORT or --port');
  logger.info({ url: `${listening.url}/graphql`, department: config.connection.url, identityKeys: config.identity.source, redis: Boolean(redis) }, 'subgraph ready');
  // As the gateway does: leave the load balancer (/readyz 503), then let requests in flight finish.
  const shutdown = async (signal: string) => {
    subgraph.drain();
    const drainSeconds = signal === 'SIGTERM' ? config.drainSeconds : 0;
    logger.info({ signal, drainSeconds }, 'draining: /readyz says so, then the port closes');
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    const cut = await listening.closeWithin(config.shutdownTimeoutSeconds * 1000);
    if (cut > 0) logger.warn({ connections: cut }, 'requests still in flight at the shutdown deadline: their connections were cut');
    await subgraph.stop();
    await redis?.close();
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
