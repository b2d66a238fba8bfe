import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createGraphQLHttpServer, sendJson } from '../lib/graphql-http';
import type { Logger } from '../lib/logger';
import { CoalescingGraphQLDataSource } from './datasources/CoalescingGraphQLDataSource';

export interface GatewayOptions {
  /** Any Federation 2 supergraph; the gateway knows nothing of our departments. */
  supergraphSdl: string;
  /** Subgraph name → URL, over the URLs written in the supergraph. */
  subgraphUrls?: Record<string, string>;
  logger: Logger;
  maxBodyBytes?: number;
}

export interface GatewayService {
  /** Built, not listening: the entry point or the test decides where it listens. */
  server: Server;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createGateway(options: GatewayOptions): GatewayService {
  const { supergraphSdl, subgraphUrls = {}, logger } = options;
  let ready = false;
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) => new CoalescingGraphQLDataSource({ url: subgraphUrls[name] ?? url }),
  });
  const apollo = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The default landing page loads from a CDN; county networks are often offline.
    plugins: [ApolloServerPluginLandingPageDisabled()],
    logger,
  });
  const server = createGraphQLHttpServer({
    apollo,
    context: async () => ({}),
    logger,
    maxBodyBytes: options.maxBodyBytes,
    routes: {
      '/healthz': (_req, res) =>
        ready ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'starting', reason: 'supergraph not loaded yet' }),
    },
  });
  return {
    server,
    start: async () => {
      await apollo.start();
      ready = true;
    },
    stop: async () => {
      ready = false;
      await apollo.stop();
    },
  };
}
