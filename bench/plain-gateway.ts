/**
 * The baseline: a plain @apollo/gateway in @apollo/server's standalone server, nothing
 * added. It forwards one fixed identity token (signed by the benchmark) so our subgraphs
 * accept its fetches; everything else is stock. BENCH_WORKERS=N serves the port from N
 * node:cluster workers, as our gateway's `--workers N` does, for the whole-machine figure.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { INTERNAL_IDENTITY_HEADER } from '../contracts/internal-identity';
import { prepareSupergraph } from '../gateway/supergraph';
import { serveWithWorkers } from './workers';

// @apollo/gateway sends usage metrics to Apollo's servers unless this is set: county networks
// (政务外网) must not send anything out, and every gateway stop would wait on the unreachable host.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

async function serve(port: number) {
  const urls = JSON.parse(process.env.BENCH_SUBGRAPH_URLS!) as Record<string, string>;
  const token = process.env.BENCH_IDENTITY_TOKEN!;
  // Only to let @apollo/gateway load a supergraph with @authenticated: it enforces nothing.
  const { sdl } = prepareSupergraph(readFileSync(process.env.BENCH_SUPERGRAPH!, 'utf8'));
  const gateway = new ApolloGateway({
    supergraphSdl: sdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url: urls[name] ?? url,
        willSendRequest: ({ request }) => {
          request.http?.headers.set(INTERNAL_IDENTITY_HEADER, token);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  return startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
}

void serveWithWorkers('plain gateway', async (port) => (await serve(port)).url);
