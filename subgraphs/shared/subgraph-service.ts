import type { IncomingMessage, Server } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

export type Resolvers<TContext> = GraphQLResolverMap<TContext>;
import type { DocumentNode } from 'graphql';
import { createGraphQLHttpServer, sendJson } from '../../lib/graphql-http';
import type { Logger } from '../../lib/logger';
import { redactedUrl, type SharedRedis } from '../../lib/redis';
import type { BoundedCache } from './cache';
import type { InternalIdentityVerifier, TrustedCaller } from './caller';
import type { DepartmentHttp } from './department-http';
import type { EventBus } from './events';
import { createSubgraphMetrics } from './metrics';
import { serveSubscriptions } from './subscriptions';
import { STALE_EXTENSION, type StaleReport } from '../../contracts/stale-report';

export interface SubgraphService {
  name: string;
  /** Built, not listening: the entry point or the test decides where it listens. */
  server: Server;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forgets cached department records (the replicas' shared ones too), e.g. after a department corrects its data. */
  clearCaches(): Promise<void>;
  /** From now on /readyz says draining (503), so load balancers stop sending; requests keep being answered. */
  drain(): void;
}

/** What every subgraph is built with besides its department's settings. */
export interface SubgraphRuntime {
  logger: Logger;
  /** Checks the gateway's signature on the caller's identity. */
  identity: InternalIdentityVerifier;
  /** Redis the subgraph's replicas share department records through (REDIS_URL); none: this process's cache alone. */
  redis?: SharedRedis;
}

/** What a subgraph keeps in Redis, and does without it, for its log lines. */
export const SUBGRAPH_REDIS_USES = { shares: 'department records are', fallback: 'department records are cached in this process alone' };

export type CacheCounters = Pick<BoundedCache<unknown>, 'hits' | 'sharedHits' | 'misses' | 'staleServes' | 'clear'>;

export interface SubgraphDefinition<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: Resolvers<TContext>;
  /** Builds a fresh context per request: DataLoaders must never outlive one request. */
  context: (req: IncomingMessage, caller: TrustedCaller) => TContext;
  /** Checks the gateway's signature on the caller's identity. */
  identity: InternalIdentityVerifier;
  logger: Logger;
  caches: CacheCounters[];
  redis?: SharedRedis;
  /** The subgraph's door to its department: /readyz reports it. */
  department: DepartmentHttp;
  /** What its subscriptions are fed from; a subgraph without a Subscription type has none. */
  events?: EventBus;
}

export function createSubgraphService<TContext extends BaseContext>(definition: SubgraphDefinition<TContext>): SubgraphService {
  const redis = definition.redis;
  let draining = false;
  const metrics = createSubgraphMetrics(definition.department.department.id, () => definition.caches, () => definition.department, definition.redis);
  definition.department.observer = metrics.observer;
  definition.department.tracedAs = `subgraph:${definition.name}`;
  const schema = buildSubgraphSchema({ typeDefs: definition.typeDefs, resolvers: definition.resolvers as Resolvers<unknown> });
  const apollo = new ApolloServer<TContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // The entry points drain on SIGTERM (subgraphs/index.ts); Apollo Server's own handler would exit at once.
    stopOnTerminationSignals: false,
    // The explorer belongs to the gateway; a subgraph is not browsed directly. Traces go
    // to Apollo's cloud only, which a government network neither reaches nor may use.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo Server's cache-control plugin hooks every field of every answer (willResolveField wraps each
      // resolver; off, the construction subgraph's part of a cache-warm dashboard page went from 3.97 to 3.10 ms
      // of CPU) to add up hints no schema of ours gives: it only ever said `no-store`, which the plugin below says.
      ApolloServerPluginCacheControlDisabled(),
      {
        // Stale records served while a department was down are said so, for the gateway to pass on.
        async requestDidStart() {
          return {
            async willSendResponse(ctx) {
              // Answers are per caller and carry personal data: no shared cache may keep them.
              ctx.response.http.headers.set('cache-control', 'no-store');
              const stale = (ctx.contextValue as { stale?: StaleReport }).stale?.entries;
              if (!stale?.length || ctx.response.body.kind !== 'single') return;
              const result = ctx.response.body.singleResult;
              result.extensions = { ...result.extensions, [STALE_EXTENSION]: stale };
            },
          };
        },
      },
    ],
    logger: definition.logger,
  });
  const server = createGraphQLHttpServer({
    apollo,
    context: async (req) => definition.context(req, await definition.identity.verify(req)),
    // Department calls deep in the resolvers carry the caller's request id on.
    requestScope: true,
    logger: definition.logger,
    tracedAs: `subgraph:${definition.name}`,
    routes: {
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok', subgraph: definition.name }),
      '/metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
      // Ready: this subgraph serves. A department that is down is not a reason to leave the load balancer: the
      // subgraph still answers (stale records, or the department's own error), so it is told in /status only.
      '/readyz': (_req, res) => sendJson(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ready', subgraph: definition.name }),
      // For operators and the gateway's /status: whether the department answers, and how this subgraph sees it.
      '/status': async (_req, res) => {
        const probe = await definition.department.probe();
        const { breaker, ...counters } = definition.department.stats;
        sendJson(res, 200, {
          status: probe.reachable ? 'ready' : 'department unavailable',
          subgraph: definition.name,
          department: { id: definition.department.department.id, name: definition.department.department.name, ...probe, breaker: breaker.state, ...counters },
          ...(definition.events && { subscriptions: definition.events.subscribers }),
          ...(redis && { sharedCache: { redis: redactedUrl(redis.url), state: redis.state(), fallback: redis.state() === 'ready' ? null : redis.uses.fallback } }),
        });
      },
    },
  });
  const events = definition.events;
  if (schema.getSubscriptionType() && !events) throw new Error(`the ${definition.name} subgraph has subscriptions but no event bus to feed them`);
  const stopSubscriptions =
    events &&
    serveSubscriptions({
      server,
      path: '/graphql',
      schema,
      events,
      identity: definition.identity,
      context: definition.context,
      logger: definition.logger,
    });
  return {
    name: definition.name,
    server,
    start: () => apollo.start(),
    stop: async () => {
      await stopSubscriptions?.();
      await events?.close();
      await apollo.stop();
    },
    drain: () => {
      draining = true;
    },
    clearCaches: async () => {
      await Promise.all(definition.caches.map((cache) => cache.clear()));
    },
  };
}
