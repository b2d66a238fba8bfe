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
import { stopOnSignals } from '../lib/shutdown';
import { SUBGRAPHS } from './catalog';
import { readSubgraphCommandConfig } from './command-config';
import { InternalIdentityVerifier } from './shared/caller';
import { SUBGRAPH_REDIS_USES } from './shared/subgraph-service';

async function main(): Promise<void> {
  const config = await readSubgraphCommandConfig(process.argv.slice(2), process.env);
  const logger = createLogger(config.logLevel, `subgraph-${config.name}`);
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger, SUBGRAPH_REDIS_USES, config.redisKeyPrefix) : undefined;
  const subgraph = SUBGRAPHS[config.name].create(
    { settings: config.settings, connection: config.connection, licenceIssuers: config.licenceIssuers },
    { logger, identity: new InternalIdentityVerifier(config.identity.keys, logger), redis },
  );
  await subgraph.start();
  const listening = await listen(subgraph.server, config.port, config.host, 'set PORT or --port');
  logger.info({ url: `${listening.url}/graphql`, department: config.connection.url, identityKeys: config.identity.source, redis: Boolean(redis) }, 'subgraph ready');
  stopOnSignals(listening, logger, {
    drainSeconds: config.drainSeconds,
    shutdownTimeoutSeconds: config.shutdownTimeoutSeconds,
    drain: () => subgraph.drain(),
    stop: async () => {
      await subgraph.stop();
      await redis?.close();
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
