/**
 * The baseline: a plain @apollo/gateway in @apollo/server's standalone server, nothing
 * added. It forwards one fixed identity token (signed by the benchmark) so our subgraphs
 * accept its fetches; everything else is stock.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { prepareSupergraph } from '../gateway/supergraph';

async function main() {
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
          request.http?.headers.set('x-county-identity', token);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' } });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

void main();
