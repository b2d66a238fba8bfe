/**
 * Entry point: `npm run gateway -- --supergraph <file> --port <n>` serves any
 * Federation 2 supergraph, its subgraph URLs taken from the file unless overridden.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { listen } from '../lib/listen';
import { createLogger } from '../lib/logger';
import { AuditLog } from './audit-log';
import { readGatewayConfig, readSecurityConfig } from './config';
import { createGateway } from './server';

async function main(): Promise<void> {
  const config = readGatewayConfig(process.argv.slice(2), process.env);
  const security = readSecurityConfig(process.env);
  const logger = createLogger(config.logLevel, 'gateway');
  const signingKey = process.env.INTERNAL_IDENTITY_PRIVATE_KEY;
  const gateway = createGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    subgraphUrls: config.subgraphUrls,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    identity: { ...security.identity, partners: security.partners },
    identitySigningKey: signingKey ? createPrivateKey(signingKey.replace(/\\n/g, '\n')) : undefined,
    audit: new AuditLog(security.audit),
    corsOrigins: security.corsOrigins,
    ratePerMinute: security.ratePerMinute,
    production: security.production,
    // Another county's supergraph: the explorer opens with an empty tab (no examples, no token).
    explorer: security.explorer ? {} : undefined,
  });
  await gateway.start();
  const listening = await listen(gateway.server, config.port, config.host, 'set PORT or --port');
  logger.info({ url: `${listening.url}/graphql`, supergraph: config.supergraphPath }, 'gateway ready');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await listening.close();
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
