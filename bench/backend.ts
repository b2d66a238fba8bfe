/**
 * The benchmark's backend, in its own process: the mock departments and the four
 * subgraphs, trusting the gateway identity key the benchmark hands it. Prints the
 * subgraph URLs as one JSON line, then serves until killed.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { silentLogger } from '../lib/logger';
import { startEmbeddedStack } from '../scripts/embedded-stack';

async function main() {
  const latencyMs = Number(process.env.BENCH_DEPARTMENT_LATENCY_MS ?? 0);
  const privateKey = createPrivateKey(process.env.BENCH_IDENTITY_PRIVATE_KEY!);
  const settings = { timeoutMs: 10_000, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 50_000, retries: 0, breakerFailures: 1000, breakerOpenMs: 1000 };
  const stack = await startEmbeddedStack({
    departmentClients: {
      enterprise: { ...settings, maxConcurrency: 64 },
      land: { ...settings, maxConcurrency: 16 },
      construction: { ...settings, maxConcurrency: 64 },
      approval: { ...settings, maxConcurrency: 64 },
    },
    faults: Object.fromEntries(['enterprise', 'land', 'construction', 'approval'].map((d) => [d, { latencyMs, failureRate: 0, down: false }])),
    gatewayKeys: { privateKey, publicKey: createPublicKey(privateKey) },
    withGateway: false,
    logger: silentLogger(),
  });
  process.stdout.write(`${JSON.stringify({ subgraphUrls: stack.subgraphUrls, departmentUrls: stack.departmentUrls })}\n`);
  process.once('SIGTERM', () => void stack.stop().then(() => process.exit(0)));
}

void main();
