/**
 * One subgraph of the benchmark's backend, in its own process (bench/backend.ts starts one
 * per department), compiled like the gateways (`dist/node/bench/subgraph.js`): the same
 * subgraph the standalone command and the embedded stack build (subgraphs/catalog.ts), with
 * the benchmark's client settings given whole in BENCH_SUBGRAPH (JSON). Not the standalone
 * command itself: the read-through backend wants a cache TTL of 0, which a deployment's
 * DEPARTMENT_CACHE_TTL_SECONDS rightly refuses. Prints its URL as one JSON line, then
 * serves until SIGTERM (and exits then, so `--cpu-prof` writes its profile).
 */
import { createPublicKey } from 'node:crypto';
import { listen } from '../lib/listen';
import { silentLogger } from '../lib/logger';
import { SUBGRAPHS, type SubgraphBuild, type SubgraphName } from '../subgraphs/catalog';
import { InternalIdentityVerifier } from '../subgraphs/shared/caller';

interface BenchSubgraph extends SubgraphBuild {
  name: SubgraphName;
}

async function main() {
  const build = JSON.parse(process.env.BENCH_SUBGRAPH!) as BenchSubgraph;
  const logger = silentLogger();
  const identity = await InternalIdentityVerifier.trusting(createPublicKey(process.env.BENCH_IDENTITY_PUBLIC_KEY!), logger);
  const subgraph = SUBGRAPHS[build.name].create(build, { logger, identity, redis: undefined });
  await subgraph.start();
  const listening = await listen(subgraph.server, 0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ subgraph: build.name, url: `${listening.url}/graphql` })}\n`);
  process.once('SIGTERM', () => void Promise.all([subgraph.stop(), listening.close()]).then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
