/**
 * Entry point: `npm run gateway -- --supergraph <file> --port <n> [--workers <n>]` serves
 * any Federation 2 supergraph, its subgraph URLs taken from the file unless overridden,
 * and each valid new version of the file without a restart. With SUPERGRAPH_URL instead
 * of a file, it listens at once and is not ready (/readyz 503) until the URL gives it a
 * valid supergraph.
 */
import { readFileSync } from 'node:fs';
import { limitHeapGrowth } from '../lib/heap-growth';
import { listen } from '../lib/listen';
import { stopOnSignals } from '../lib/shutdown';
import { createLogger } from '../lib/logger';
import { startTracing } from '../lib/tracing';
import { AuditLog } from './audit/log';
import { isClusterPrimary, runPrimary, workerSlot } from './cluster';
import { auditLogOptions, readGatewayConfig, readInternalIdentity, readSecurityConfig } from './config';
import { createGateway } from './server';

// @apollo/gateway sends usage metrics to Apollo's servers unless this is set: county networks
// (政务外网) must not send anything out, and every gateway stop would wait on the unreachable host.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

async function main(): Promise<void> {
  const config = readGatewayConfig(process.argv.slice(2), process.env);
  const security = readSecurityConfig(process.env);
  const identity = await readInternalIdentity(process.env);
  const root = createLogger(config.logLevel, 'gateway');
  limitHeapGrowth(config.heapGrowthPercent);
  if (isClusterPrimary(config.workers)) return runPrimary(config.workers, config.host, root);
  const slot = workerSlot();
  const logger = slot === undefined ? root : root.child({ worker: slot });
  // Before the gateway is built, so its first request is traced.
  const tracing = config.tracing && (await startTracing(config.tracing, { logger }));
  const gateway = createGateway({
    ...(config.supergraphUrl
      ? { supergraphUrl: { url: config.supergraphUrl, pollMs: config.supergraphPollMs } }
      : { supergraphSdl: readFileSync(config.supergraphPath!, 'utf8'), supergraphFile: { path: config.supergraphPath!, pollMs: config.supergraphPollMs } }),
    subgraphUrls: config.subgraphUrls,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    signIn: { ...security.identityProvider, ...security.tokens, partners: security.partners, partnersFile: security.partnersFile },
    purposeKinds: security.purposeKinds,
    redisUrl: security.redisUrl,
    redisKeyPrefix: security.redisKeyPrefix,
    trustProxy: security.trustProxy,
    internalIdentityKey: identity.key,
    audit: new AuditLog(auditLogOptions(security.audit, slot)),
    corsOrigins: security.corsOrigins,
    ratePerMinute: security.ratePerMinute,
    failedSignInsPerMinute: security.failedSignInsPerMinute,
    limits: security.limits,
    maxTokens: security.maxTokens,
    subscriptionLimits: security.subscriptionLimits,
    production: security.production,
    // Off unless configured: the gateway serves any supergraph, the dashboard is one county's product.
    sites: config.dashboardDir ? [{ root: config.dashboardDir, prefix: '/dashboard', spaFallback: true }] : [],
    // Another county's supergraph: the explorer opens with an empty tab (no examples, no token).
    explorer: security.explorer ? {} : undefined,
    executor: config.executor,
    planner: config.planner,
    warmOperations: config.warmOperations,
  });
  // Listening first: while a supergraph URL is not answering, probes hear "not ready" (503) rather than nothing.
  const listening = await listen(gateway.server, config.port, config.host, 'set PORT or --port');
  // Taken before start(): a replica still waiting for its supergraph URL stops cleanly too (stop() ends the wait,
  // and the audit chain's lock is let go).
  stopOnSignals(listening, logger, {
    drainSeconds: config.drainSeconds,
    shutdownTimeoutSeconds: config.shutdownTimeoutSeconds,
    drain: () => gateway.drain(),
    stop: async () => {
      await gateway.stop();
      await tracing?.shutdown();
    },
  });
  await gateway.start();
  const dashboard = config.dashboardDir ? { dashboard: `${listening.url}/dashboard/` } : {};
  const identityKey = { kid: identity.key?.kid ?? null, from: identity.source };
  if (slot === undefined) logger.info({ url: `${listening.url}/graphql`, supergraph: config.supergraphPath ?? config.supergraphUrl, identityKey, ...dashboard }, 'gateway ready');
  else logger.info({ url: `${listening.url}/graphql`, pid: process.pid, identityKey, ...dashboard }, 'worker ready');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
