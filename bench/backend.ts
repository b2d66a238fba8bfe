/**
 * The benchmark's backend, in its own process: the mock departments and the four
 * subgraphs, trusting the gateway identity key the benchmark hands it. Prints the
 * subgraph and department URLs as one JSON line, then serves until killed.
 *
 * BENCH_SUBGRAPH_CACHE_TTL_SECONDS=0 makes the subgraphs read through to the departments
 * on every request (the benchmark's "read-through" backend); the default keeps
 * department records for a minute (its "cached" one). Latency is set at run time
 * through each department's `/__admin/faults`.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { silentLogger } from '../lib/logger';
import { startEmbeddedStack } from '../stack/embedded-stack';

async function main() {
  const privateKey = createPrivateKey(process.env.BENCH_IDENTITY_PRIVATE_KEY!);
  const cacheTtlSeconds = Number(process.env.BENCH_SUBGRAPH_CACHE_TTL_SECONDS ?? 60);
  const settings = { timeoutMs: 10_000, cacheTtlSeconds, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 50_000, retries: 0, breakerFailures: 1000, breakerOpenMs: 1000 };
  const stack = await startEmbeddedStack({
    departmentClients: {
      enterprise: { ...settings, maxConcurrency: 64 },
      land: { ...settings, maxConcurrency: 16 },
      construction: { ...settings, maxConcurrency: 64 },
      approval: { ...settings, maxConcurrency: 64 },
    },
    // Land's mock is slow by default; the benchmark sets every department's latency itself.
    faults: Object.fromEntries(['enterprise', 'land', 'construction', 'approval'].map((d) => [d, { latencyMs: 0, failureRate: 0, down: false }])),
    gatewayKeys: { privateKey, publicKey: createPublicKey(privateKey) },
    withGateway: false,
    logger: silentLogger(),
  });
  process.stdout.write(`${JSON.stringify({ subgraphUrls: stack.subgraphUrls, departmentUrls: stack.departmentUrls })}\n`);
  process.once('SIGTERM', () => void stack.stop().then(() => process.exit(0)));
}

void main();
