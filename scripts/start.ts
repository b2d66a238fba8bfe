/**
 * `npm start`: the whole stack on the embedded default (mock departments over real
 * HTTP), until Ctrl-C or SIGTERM.
 */
import { createLogger } from '../lib/logger';
import { startEmbeddedStack } from './embedded-stack';
import { readStartConfig } from './start-config';

async function main(): Promise<void> {
  const config = readStartConfig(process.env);
  const logger = createLogger(config.logLevel, 'county-gateway');
  console.log('starting the embedded stack (mock departments → subgraphs → gateway)…');
  const stack = await startEmbeddedStack({
    host: config.host,
    gatewayPort: config.gatewayPort,
    subgraphPorts: config.subgraphPorts,
    departmentPorts: config.departmentPorts,
    departmentClients: config.departmentClients,
    faults: config.faults,
    seed: config.seed,
    logger,
    onProgress: (message) => console.log(`  ✓ ${message}`),
  });
  const example = stack.departments.county.projects[0]!.code;
  console.log(`\nready. GraphQL: ${stack.gatewayUrl}`);
  console.log(`try:  curl -s ${stack.gatewayUrl} -H 'content-type: application/json' \\`);
  console.log(`        -d '{"query":"{ constructionProject(code: \\"${example}\\") { name stage applicant { name } parcel { area } } }"}'`);
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
