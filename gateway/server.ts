import type { InternalIdentityKey } from '../contracts/internal-identity';
import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Kind, parse } from 'graphql';
import proxyaddr from 'proxy-addr';
import { HttpError } from '../lib/errors';
import { createGraphQLHttpServer, sendJson, type Route } from '../lib/graphql-http';
import { connectRedis } from '../lib/redis';
import { sharedCache } from '../lib/shared-cache';
import { staticSite, type StaticSiteOptions } from '../lib/static-files';
import type { Logger } from '../lib/logger';
import type { AuditLog } from './audit/log';
import { auditCapability } from './capabilities/audit';
import { authorizationCapability } from './capabilities/authorization';
import type { Capability, ContextDraft, GatewayContext, IncomingRequest } from './capabilities/capability';
import { forwardCallerCapability } from './capabilities/forward-caller';
import { DEFAULT_LIMITS, limitsCapability, type OperationLimits } from './capabilities/limits';
import { maskingCapability } from './capabilities/masking';
import { metricsCapability } from './capabilities/metrics';
import { operationCapability } from './capabilities/operation';
import { purposeCapability } from './capabilities/purpose';
import { rateLimitCapability } from './capabilities/rate-limit';
import { requestLogCapability } from './capabilities/request-log';
import { signInCapability, type SignInOptions } from './capabilities/sign-in';
import { sharedStateCapability } from './capabilities/shared-state';
import { staleReportCapability } from './capabilities/stale-report';
import { PlanExecutor } from './execution/plan-executor';
import { DEFAULT_PLANNER, operationPlanner, type PlannerName } from './execution/planner';
import { CoalescingGraphQLDataSource, subgraphConnectionPool } from './execution/subgraph-data-source';
import { explorerPages, type ExplorerOptions } from './explorer';
import { LiveSupergraph, type ReloadOutcome, type SupergraphFile } from './live-supergraph';
import type { SupergraphUrl } from './supergraph-url';
import { normalizers } from './operation/normalize';
import { collectHeaders, FederatedSubscriptions } from './subscriptions/subscriptions';
import { DEFAULT_SUBSCRIPTION_LIMITS, serveSubscriptionTransports, type SubscriptionLimits } from './subscriptions/transports';
import { UpstreamSubscriptions } from './subscriptions/upstream';

export interface GatewayOptions {
  /** Any Federation 2 supergraph; the gateway knows nothing of our departments. Required unless `supergraphUrl` is given. */
  supergraphSdl?: string;
  /** The file `supergraphSdl` was read from: each valid new version of it is served without a restart. */
  supergraphFile?: SupergraphFile;
  /** Instead of a text: where the supergraph is published, asked for every poll; not ready until it gives one. */
  supergraphUrl?: SupergraphUrl;
  /** Subgraph name → URL, over the URLs written in the supergraph. */
  subgraphUrls?: Record<string, string>;
  logger: Logger;
  maxBodyBytes?: number;
  /** Who may sign in: the identity provider's keys and the registered partner systems. */
  signIn?: SignInOptions;
  /** Signs the caller's identity for the subgraphs (contracts/internal-identity.ts); without it none is forwarded. */
  internalIdentityKey?: InternalIdentityKey;
  /** The kinds of `X-Purpose` accepted (`case` → `X-Purpose: case:<reference>`); unset: any lower-case kind. */
  purposeKinds?: readonly string[];
  /** Redis the replicas share rate-limit counts and persisted queries through; unset: each process keeps its own. */
  redisUrl?: string;
  /** Before every key in that Redis (REDIS_KEY_PREFIX): one deployment's apart from another's. */
  redisKeyPrefix?: string;
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For names the client; unset: the socket's peer is the client. */
  trustProxy?: readonly string[];
  audit?: AuditLog;
  limits?: Partial<OperationLimits>;
  /** Tokens a document may have (graphql-js counts them while parsing, before any other work). */
  maxTokens?: number;
  /** Requests a minute per user (partners have their own in their registration). */
  ratePerMinute?: number;
  /** Failed sign-ins (bad tokens, unknown API keys) a minute per client address before 429 (default 10). */
  failedSignInsPerMinute?: number;
  corsOrigins?: string[];
  /** Production: no introspection, no field suggestions in errors. */
  production?: boolean;
  /** Built web pages served by the gateway itself (the dashboard …), each under its prefix. */
  sites?: StaticSiteOptions[];
  /** More routes from whoever embeds the gateway (exact paths win over a site's folder). */
  routes?: Record<string, Route>;
  /** What a browser's plain GET of /graphql answers, over the explorer's page. */
  landingPage?: Route;
  /** The GraphQL explorer for browsers at /graphql (and /explorer/); none: off. */
  explorer?: ExplorerOptions;
  /**
   * Who executes query plans: `compiled` (default, gateway/execution) or `apollo`
   * (@apollo/gateway's own executor: the reference, and a way back if ours misbehaves).
   */
  executor?: 'compiled' | 'apollo';
  /**
   * Who plans for the compiled executor: `hive` (default, Hive Router's planner) or `apollo`
   * (@apollo/gateway's), execution/planner.ts. Apollo's executor plans with Apollo's only.
   */
  planner?: PlannerName;
  /** Operation documents planned at start-up and after each supergraph change. */
  warmOperations?: readonly string[];
  /** What subscriptions (WebSocket and SSE on /graphql) may hold; defaults in subscriptions/transports.ts. */
  subscriptionLimits?: Partial<SubscriptionLimits>;
}

export interface GatewayService {
  /** Built, not listening: the entry point or the test decides where it listens. */
  server: Server;
  start(): Promise<void>;
  /** From now on /readyz says `draining` (503), so load balancers send no new requests; it keeps serving. */
  drain(): void;
  stop(): Promise<void>;
  /** Serves this supergraph from now on if it is valid whole; otherwise keeps the current one. */
  reloadSupergraph(supergraphSdl: string): ReloadOutcome;
}

const GRAPHQL_PATH = '/graphql';

/** What the gateway keeps in Redis, and does without it (lib/rate-limits.ts, lib/shared-cache.ts say how). */
const GATEWAY_REDIS_USES = { shares: 'rate limits and persisted queries are', fallback: "rate limits count in this process only; persisted queries are this process's alone" };

/**
 * The gateway: capabilities (capabilities/, each one file) composed around Apollo's query
 * planner and our executor. Order matters and is written once, here: the context is built
 * sign-in → rate limit → purpose → caller forwarding → stale report; the operation is
 * normalized before every policy; refusals are cut before masking, the audit sees the
 * final answer, and the request log line sees every error.
 */
export function createGateway(options: GatewayOptions): GatewayService {
  const { subgraphUrls = {}, logger } = options;
  const supergraph = new LiveSupergraph(options.supergraphSdl, logger, options.supergraphUrl ?? options.supergraphFile);
  const subgraphEndpoints = () => Object.fromEntries(Object.entries(supergraph.current?.subgraphUrls ?? {}).map(([name, url]) => [name, subgraphUrls[name] ?? url]));
  const limits: OperationLimits = { ...DEFAULT_LIMITS, introspectionOff: options.production ?? false, ...options.limits };
  const normalizerFor = normalizers({ maxSelections: limits.maxSelections });
  const warm = options.warmOperations ?? [];
  const redis = options.redisUrl ? connectRedis(options.redisUrl, logger, GATEWAY_REDIS_USES, options.redisKeyPrefix) : undefined;
  const shared = redis ? [sharedStateCapability(redis)] : [];
  const capabilities: Capability[] = [
    ...shared,
    signInCapability(options.signIn ?? {}, options.failedSignInsPerMinute ?? 10, logger, redis),
    rateLimitCapability(options.ratePerMinute ?? 600, redis),
    purposeCapability(options.purposeKinds),
    forwardCallerCapability(options.internalIdentityKey),
    // The first with a didResolveOperation hook: every policy after it reads the normalized operation.
    operationCapability(normalizerFor),
    limitsCapability(limits),
    // Apollo Server starts each willSendResponse hook in this order: refusals are added, then masking, then the
    // audit sees the final answer; the report, the metrics and the log line come last and see all of it.
    authorizationCapability(supergraph.policiesFor),
    maskingCapability(supergraph.policiesFor),
    ...(options.audit ? [auditCapability(supergraph.policiesFor, options.audit)] : []),
    staleReportCapability(),
    metricsCapability(operationNames(warm), shared),
    requestLogCapability(logger),
  ];
  const fetchHooks = capabilities.flatMap((c) => (c.subgraphFetch ? [c.subgraphFetch] : []));
  const willSend = fetchHooks.flatMap((h) => (h.willSend ? [h.willSend] : []));
  const didReceive = fetchHooks.flatMap((h) => (h.didReceive ? [h.didReceive] : []));
  const fetched = fetchHooks.flatMap((h) => (h.fetched ? [h.fetched] : []));
  const failed = fetchHooks.flatMap((h) => (h.failed ? [h.failed] : []));
  let started = false;
  let ready = false;
  let draining = false;
  const serving = (): 'ready' | 'starting' | 'draining' => (draining ? 'draining' : ready ? 'ready' : 'starting');
  const connections = subgraphConnectionPool();
  const explorer = options.explorer && explorerPages(options.explorer, { production: options.production ?? false, endpoint: GRAPHQL_PATH });

  if (process.env.APOLLO_TELEMETRY_DISABLED !== 'true' && process.env.APOLLO_TELEMETRY_DISABLED !== '1') {
    logger.warn('APOLLO_TELEMETRY_DISABLED is not set: @apollo/gateway will try to send usage metrics to Apollo (set it to true where the gateway is started)');
  }
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    logger,
    buildService: ({ name, url }) => {
      const source = new CoalescingGraphQLDataSource({
        url: subgraphUrls[name] ?? url,
        connections,
        subgraph: name,
        onFailure: (failure) => failed.forEach((hook) => hook(failure)),
        willSendRequest: ({ request, context }) => {
          const headers = request.http?.headers;
          if (headers) for (const hook of willSend) hook({ subgraph: name, headers, context: context as Partial<GatewayContext> });
        },
        didReceiveResponse: async ({ response, context }) => {
          for (const hook of didReceive) hook({ subgraph: name, response, context: context as Partial<GatewayContext> });
          return response;
        },
      });
      if (fetched.length) source.onFetched = (seconds) => fetched.forEach((hook) => hook(name, seconds));
      return source;
    },
  });
  supergraph.attach(gateway);
  const planner = options.planner ?? (options.executor === 'apollo' ? 'apollo' : DEFAULT_PLANNER);
  if (planner !== 'apollo' && options.executor === 'apollo') throw new Error(`the ${planner} planner needs the compiled executor: @apollo/gateway's executor plans with its own planner`);
  const executor =
    (options.executor ?? 'compiled') === 'compiled' ? new PlanExecutor(gateway, { ...executionHooks(capabilities), planner: operationPlanner(planner, gateway) }) : undefined;
  if (executor && warm.length > 0) {
    gateway.onSchemaLoadOrUpdate(() => {
      const { prepared, skipped } = executor.warm(warm, (schema, document, queryHash, name) => normalizerFor(schema).normalize(document, queryHash, name, {}));
      logger.debug({ prepared, skipped }, 'query plans warmed');
    });
  }
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    // The entry points own SIGTERM and SIGINT (leave the load balancer, drain, then stop). Apollo Server's
    // own handler, on whenever NODE_ENV is not "test", would stop it at once and re-raise the signal, so
    // a deployment would drop requests in flight while every test (NODE_ENV=test under jest) passed.
    stopOnTerminationSignals: false,
    introspection: !options.production,
    // Refuse giant documents while parsing, before any other work (graphql-js counts tokens).
    parseOptions: { maxTokens: options.maxTokens ?? 5000 },
    hideSchemaDetailsFromClientErrors: options.production ?? false,
    // A query registered on one replica is served by hash on every other.
    ...(redis ? { persistedQueries: { cache: sharedCache(redis, 'apq') } } : {}),
    plugins: [
      // Apollo's landing page loads from a CDN, which county networks cannot reach; ours is gateway/explorer.ts.
      ApolloServerPluginLandingPageDisabled(),
      ...capabilities.flatMap((c) => (c.plugin ? [c.plugin] : [])),
    ],
    logger,
  });

  const contextHooks = capabilities.flatMap((c) => (c.context ? [c.context.bind(c)] : []));
  const renewHooks = capabilities.flatMap((c) => (c.renew ? [c.renew.bind(c)] : []));
  const trusted = options.trustProxy?.length ? proxyaddr.compile([...options.trustProxy]) : undefined;
  const statusOf = () => Object.assign({}, ...capabilities.map((c) => c.status?.() ?? {})) as Record<string, unknown>;
  async function context(req: IncomingRequest['req'], requestId: string): Promise<GatewayContext> {
    // Listening before the first supergraph arrives (from a URL): answer at once rather than hold the request.
    if (!started) throw new HttpError(503, 'NOT_READY', 'this gateway has no supergraph yet: retry shortly (/readyz says when it is ready)', { 'retry-after': '5' });
    const request: IncomingRequest = {
      req,
      header: (name) => {
        const value = req.headers[name];
        return typeof value === 'string' ? value : undefined;
      },
      address: trusted ? proxyaddr(req, trusted) : (req.socket.remoteAddress ?? 'unknown'),
    };
    const draft: ContextDraft = { requestId };
    for (const hook of contextHooks) {
      const pending = hook(request, draft);
      if (pending) await pending;
    }
    return draft as GatewayContext;
  }

  const upstream = new UpstreamSubscriptions();
  const subscriptions = new FederatedSubscriptions({
    apollo,
    upstream,
    subgraphUrl: (name) => subgraphEndpoints()[name],
    forwardedHeaders: (subgraph, context) => collectHeaders((headers) => willSend.forEach((hook) => hook({ subgraph, headers, context }))),
    renew: async (context) => {
      const renewed: ContextDraft = { ...context };
      for (const hook of renewHooks) await hook(renewed);
      return renewed as GatewayContext;
    },
    logger,
  });
  const server = createGraphQLHttpServer({
    apollo,
    context,
    logger,
    maxBodyBytes: options.maxBodyBytes,
    corsOrigins: options.corsOrigins,
    path: GRAPHQL_PATH,
    landingPage: options.landingPage ?? explorer?.landingPage,
    tracedAs: 'gateway',
    eventStream: (req, res, requestId) => transports.eventStream(req, res, requestId),
    routes: {
      ...Object.fromEntries((options.sites ?? []).map((site) => [`${site.prefix}/*`, staticSite(site)])),
      ...explorer?.routes,
      ...options.routes,
      ...Object.assign({}, ...capabilities.map((c) => c.routes ?? {})),
      // Alive: the process answers.
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
      // This replica can serve: a load balancer's probe. Departments do not count: with one down, every replica
      // still answers the rest (partial answers), so taking replicas out would only make it worse.
      '/readyz': (_req, res) => {
        const state = serving();
        sendJson(res, state === 'ready' ? 200 : 503, { status: state, supergraph: supergraph.describe(), ...statusOf() });
      },
      // For operators and dashboards: every subgraph and its department, never in the status code.
      '/status': async (_req, res) => {
        const subgraphs = await readiness(subgraphEndpoints());
        const state = serving();
        const status = state === 'ready' && !Object.values(subgraphs).every((s) => s.ready) ? 'degraded' : state;
        sendJson(res, 200, { status, supergraphLoaded: ready, supergraph: supergraph.describe(), subgraphs, ...statusOf() });
      },
    },
  });
  const transports = serveSubscriptionTransports({
    server,
    path: GRAPHQL_PATH,
    subscriptions,
    context,
    limits: { ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.subscriptionLimits },
    maxBodyBytes: options.maxBodyBytes ?? 1_000_000,
  });
  return {
    server,
    start: async () => {
      try {
        await apollo.start();
      } catch (error) {
        // Stopped while still waiting for a supergraph URL: a shutdown, not a failure to report.
        if (supergraph.closed) return;
        throw error;
      }
      started = true;
      ready = true;
    },
    drain: () => {
      draining = true;
    },
    stop: async () => {
      ready = false;
      supergraph.close();
      // Apollo Server refuses to stop a start that has not finished (a supergraph URL never answered).
      await transports.close();
      await upstream.close();
      if (started) await apollo.stop();
      await connections.close();
      for (const capability of capabilities) await capability.stop?.();
    },
    reloadSupergraph: (sdl) => supergraph.reload(sdl),
  };
}

/** The executor's hooks from every capability that has some: plans rewritten in order, the rest all told. */
function executionHooks(capabilities: readonly Capability[]): ConstructorParameters<typeof PlanExecutor>[1] {
  const hooks = capabilities.flatMap((c) => (c.execution ? [c.execution] : []));
  const planWith = hooks.flatMap((h) => (h.planWith ? [h.planWith] : []));
  const onMerged = hooks.flatMap((h) => (h.onMerged ? [h.onMerged] : []));
  const onPlanned = hooks.flatMap((h) => (h.onPlanned ? [h.onPlanned] : []));
  const onHandOver = hooks.flatMap((h) => (h.onHandOver ? [h.onHandOver] : []));
  const bounds = hooks.find((h) => h.bounds)?.bounds;
  return {
    bounds,
    planWith: planWith.length ? (document, schema) => planWith.reduce((planned, rewrite) => rewrite(planned, schema), document) : undefined,
    onMerged: onMerged.length ? (context, data, planned) => onMerged.forEach((hook) => hook(context, data, planned)) : undefined,
    onPlanned: onPlanned.length ? () => onPlanned.forEach((hook) => hook()) : undefined,
    onHandOver: onHandOver.length ? (reason) => onHandOver.forEach((hook) => hook(reason)) : undefined,
  };
}

/** The names of the operations in these documents (those that do not parse have none). */
function operationNames(documents: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of documents) {
    try {
      for (const definition of parse(text).definitions) if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
    } catch {
      // Not an operation document: it names nothing.
    }
  }
  return names;
}

/**
 * Each subgraph's own /status (next to its GraphQL path): whether it answers, and what it
 * says of its department. A subgraph without /status (another county's) counts as ready if
 * it answers at all.
 */
async function readiness(endpoints: Record<string, string>): Promise<Record<string, { ready: boolean; url: string; detail: unknown }>> {
  const entries = await Promise.all(
    Object.entries(endpoints).map(async ([name, url]) => {
      const status = new URL('/status', url).toString();
      try {
        const response = await fetch(status, { signal: AbortSignal.timeout(2000) });
        const detail = (await response.json().catch(() => null)) as { status?: unknown } | null;
        // Ours say `status: 'ready'` or what is wrong; another county's may say nothing, and count as ready if they answer.
        const saysWrong = typeof detail?.status === 'string' && detail.status !== 'ready';
        return [name, { ready: response.status < 500 && !saysWrong, url, detail }] as const;
      } catch (error) {
        return [name, { ready: false, url, detail: { reason: `cannot reach the subgraph: ${(error as Error).message}` } }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
