/**
 * The baseline: a plain @apollo/gateway in @apollo/server's standalone server, nothing
 * added. It forwards one fixed identity token (signed by the benchmark) so our subgraphs
 * accept its fetches; everything else is stock. BENCH_WORKERS=N serves the port from N
 * node:cluster workers, as our gateway's `--workers N` does, for the whole-machine figure.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { INTERNAL_IDENTITY_HEADER } from '../contracts/internal-identity';
import { prepareSupergraph } from '../gateway/supergraph';

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

async function main() {
  const workers = Number(process.env.BENCH_WORKERS ?? 1);
  if (workers > 1 && cluster.isPrimary) {
    let listening = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().once('listening', ({ port }) => {
        if (++listening === workers) process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/`, workers })}\n`);
      });
    }
    cluster.on('exit', (_worker, code) => {
      console.error(`plain gateway worker exited with ${code}`);
      process.exit(1);
    });
    process.once('SIGTERM', () => {
      cluster.removeAllListeners('exit');
      const running = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
      void Promise.all(running.map((w) => new Promise((done) => w!.once('exit', done).process.kill('SIGTERM')))).then(() => process.exit(0));
    });
    return;
  }
  const { url } = await serve(Number(process.env.PORT ?? 0));
  if (cluster.isPrimary) process.stdout.write(`${JSON.stringify({ url })}\n`);
}

void main();
