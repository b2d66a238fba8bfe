import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Kind, parse } from 'graphql';
import { HttpError } from '../lib/errors';
import { createGraphQLHttpServer, sendJson, type Route } from '../lib/graphql-http';
import { staticSite, type StaticSiteOptions } from '../lib/static-files';
import { injectTraceHeaders } from '../lib/tracing';
import type { Logger } from '../lib/logger';
import type { AuditLog } from './audit/log';
import { explorerPages, type ExplorerOptions } from './explorer';
import { CoalescingGraphQLDataSource, subgraphConnectionPool } from './datasources/CoalescingGraphQLDataSource';
import { auditCapability } from './plugins/audit';
import { authorizationPlugin } from './plugins/authorization';
import type { GatewayContext } from './plugins/context';
import { IdentitySigner } from './plugins/forward-identity';
import { INTERNAL_IDENTITY_HEADER } from '../contracts/internal-identity';
import { STALE_EXTENSION, StaleReport } from '../contracts/stale-report';
import { AuthenticationError, callerId, IdentityVerifier, type IdentityOptions } from './plugins/identity';
import { DEFAULT_LIMITS, limitsPlugin, type OperationLimits } from './plugins/limits';
import { operationPlugin } from './plugins/operation';
import { normalizers } from './operation/normalize';
import { maskingPlugin } from './plugins/masking';
import { GatewayMetrics } from './plugins/metrics';
import { RateLimiter } from './plugins/rate-limit';
import { stalePlugin } from './plugins/stale';
import { PlanExecutor } from './execution/plan-executor';
import { LiveSupergraph, type ReloadOutcome, type SupergraphFile } from './live-supergraph';

export interface GatewayOptions {
  /** Any Federation 2 supergraph; the gateway knows nothing of our departments. */
  supergraphSdl: string;
  /** The file `supergraphSdl` was read from: each valid new version of it is served without a restart. */
  supergraphFile?: SupergraphFile;
  /** Subgraph name → URL, over the URLs written in the supergraph. */
  subgraphUrls?: Record<string, string>;
  logger: Logger;
  maxBodyBytes?: number;
  /** Who may sign in: the identity provider's keys and the registered partner systems. */
  identity?: IdentityOptions;
  /** Signs the caller's identity for the subgraphs; without it none is forwarded. */
  identitySigningKey?: KeyObject;
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
  /** Operation documents planned at start-up and after each supergraph change. */
  warmOperations?: readonly string[];
}

export interface GatewayService {
  /** Built, not listening: the entry point or the test decides where it listens. */
  server: Server;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Serves this supergraph from now on if it is valid whole; otherwise keeps the current one. */
  reloadSupergraph(supergraphSdl: string): ReloadOutcome;
}

const GRAPHQL_PATH = '/graphql';
const PURPOSE = /^(case|item|project):[\w.:-]{1,64}$/;

export function createGateway(options: GatewayOptions): GatewayService {
  const { subgraphUrls = {}, logger } = options;
  const supergraph = new LiveSupergraph(options.supergraphSdl, logger, options.supergraphFile);
  const subgraphEndpoints = () => Object.fromEntries(Object.entries(supergraph.current.subgraphUrls).map(([name, url]) => [name, subgraphUrls[name] ?? url]));
  const identity = new IdentityVerifier(options.identity ?? {});
  const signer = options.identitySigningKey && new IdentitySigner(options.identitySigningKey);
  const rateLimiter = new RateLimiter();
  const ratePerMinute = options.ratePerMinute ?? 600;
  const failedSignIns = new RateLimiter();
  const failedSignInsPerMinute = options.failedSignInsPerMinute ?? 10;
  let ready = false;
  const metrics = new GatewayMetrics();
  const connections = subgraphConnectionPool();
  const explorer = options.explorer && explorerPages(options.explorer, { production: options.production ?? false, endpoint: GRAPHQL_PATH });

  // @apollo/gateway sends usage metrics to Apollo's servers unless this is set: county networks
  // (政务外网) must not send anything out, and a gateway stop would wait on the unreachable host.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    logger,
    buildService: ({ name, url }) => {
      const source = new CoalescingGraphQLDataSource({
        url: subgraphUrls[name] ?? url,
        connections,
        subgraph: name,
        onFailure: ({ context, ...failure }) => logger.warn({ requestId: (context as Partial<GatewayContext>).requestId, ...failure }, 'subgraph unavailable'),
        willSendRequest: ({ request, context }) => {
          const token = (context as Partial<GatewayContext>).identityToken;
          if (token) request.http?.headers.set(INTERNAL_IDENTITY_HEADER, token);
          const requestId = (context as Partial<GatewayContext>).requestId;
          if (requestId) request.http?.headers.set('x-request-id', requestId);
          // Runs inside the gateway.fetch span: the subgraph continues the trace from there.
          injectTraceHeaders(request.http?.headers);
        },
        didReceiveResponse: async ({ response, context }) => {
          (context as Partial<GatewayContext>).stale?.add(response.extensions?.[STALE_EXTENSION]);
          return response;
        },
      });
      source.onFetched = (seconds) => metrics.subgraphFetch(name, seconds);
      return source;
    },
  });
  supergraph.attach(gateway);
  const limits: OperationLimits = { ...DEFAULT_LIMITS, introspectionOff: options.production ?? false, ...options.limits };
  const normalizerFor = normalizers({ maxSelections: limits.maxSelections });
  const audit = options.audit && auditCapability(supergraph.policiesFor, options.audit);
  const executor =
    (options.executor ?? 'compiled') === 'compiled'
      ? new PlanExecutor(gateway, {
          bounds: limits,
          planWith: audit?.planWith,
          onMerged: audit?.onMerged,
          onPlanned: () => metrics.queryPlanned(),
          onHandOver: (reason) => metrics.executorHandOver(reason),
        })
      : undefined;
  const warm = options.warmOperations ?? [];
  if (executor && warm.length > 0) {
    gateway.onSchemaLoadOrUpdate(() => {
      const { prepared, skipped } = executor.warm(warm, (schema, document, queryHash, name) => normalizerFor(schema).normalize(document, queryHash, name, {}));
      logger.debug({ prepared, skipped }, 'query plans warmed');
    });
  }
  const plugins = [
    // Apollo's landing page loads from a CDN, which county networks cannot reach; ours is gateway/explorer.ts.
    ApolloServerPluginLandingPageDisabled(),
    // First: every policy after it reads the normalized operation it sets.
    operationPlugin(normalizerFor),
    limitsPlugin(limits),
    // Order matters: refusals are nulled first, then masking, then the audit sees the final answer.
    authorizationPlugin(supergraph.policiesFor),
    maskingPlugin(supergraph.policiesFor),
    ...(audit ? [audit.plugin] : []),
    stalePlugin(),
    metrics.plugin(operationNames(warm)),
    {
      // One line per request, by request id: who, which operation, how it ended. No data, no personal data.
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse(ctx) {
            const errors = ctx.response.body.kind === 'single' ? (ctx.response.body.singleResult.errors ?? []) : [];
            logger.info(
              { requestId: ctx.contextValue.requestId, caller: callerId(ctx.contextValue.caller), operation: ctx.operationName, errors: errors.map((e) => e.extensions?.code), ms: Math.round(performance.now() - started) },
              'request',
            );
          },
        };
      },
    } satisfies ApolloServerPlugin<GatewayContext>,
  ];
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    // Refuse giant documents while parsing, before any other work (graphql-js counts tokens).
    parseOptions: { maxTokens: options.maxTokens ?? 5000 },
    hideSchemaDetailsFromClientErrors: options.production ?? false,
    plugins,
    logger,
  });

  async function context(req: IncomingMessage, requestId: string): Promise<GatewayContext> {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    let caller;
    const address = req.socket.remoteAddress ?? 'unknown';
    try {
      caller = await identity.identify({ authorization: header('authorization'), apiKey: header('x-api-key') });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      // Guessing from one address is slowed down (and its flood kept out of the log); a valid credential from it
      // (others behind the same NAT) is not.
      failedSignIns.take(address, failedSignInsPerMinute, 'failed sign-ins from this address');
      // Who tried and why it failed, never what was presented.
      logger.warn({ requestId, address, credential: header('x-api-key') ? 'api-key' : 'bearer', reason: error.message }, 'sign-in failed');
      throw new HttpError(401, 'UNAUTHENTICATED', error.message, { 'www-authenticate': 'Bearer' });
    }
    rateLimiter.take(caller.kind === 'anonymous' ? `anonymous:${req.socket.remoteAddress}` : callerId(caller), caller.kind === 'client' ? caller.ratePerMinute : ratePerMinute);
    const purpose = header('x-purpose') ?? null;
    if (purpose !== null && !PURPOSE.test(purpose)) {
      throw new HttpError(400, 'BAD_REQUEST', 'X-Purpose must be case:<case number>, item:<item code> or project:<project code>');
    }
    if (caller.kind === 'client') {
      if (!purpose) throw new HttpError(403, 'FORBIDDEN', 'partner systems must state a purpose in X-Purpose (case:…, item:… or project:…)');
      const kind = purpose.split(':', 1)[0]!;
      if (!caller.purposes.includes(kind)) throw new HttpError(403, 'FORBIDDEN', `client ${caller.subject} is not registered for purposes of kind "${kind}"`);
    }
    const identityToken = signer ? await signer.sign(caller, purpose) : '';
    return { caller, purpose, requestId, identityToken, stale: new StaleReport() };
  }

  const server = createGraphQLHttpServer({
    apollo,
    context,
    logger,
    maxBodyBytes: options.maxBodyBytes,
    corsOrigins: options.corsOrigins,
    path: GRAPHQL_PATH,
    landingPage: options.landingPage ?? explorer?.landingPage,
    tracedAs: 'gateway',
    routes: {
      ...Object.fromEntries((options.sites ?? []).map((site) => [`${site.prefix}/*`, staticSite(site)])),
      ...explorer?.routes,
      ...options.routes,
      '/healthz': (_req, res) =>
        ready ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'starting', reason: 'supergraph not loaded yet' }),
      '/metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
      '/readyz': async (_req, res) => {
        const subgraphs = await readiness(subgraphEndpoints());
        const allReady = ready && Object.values(subgraphs).every((s) => s.ready);
        sendJson(res, allReady ? 200 : 503, { status: allReady ? 'ready' : ready ? 'degraded' : 'starting', supergraphLoaded: ready, supergraph: supergraph.describe(), subgraphs });
      },
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
      await connections.close();
      options.audit?.close();
    },
    reloadSupergraph: (sdl) => supergraph.reload(sdl),
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
 * Each subgraph's own /readyz (next to its GraphQL path): ready, and what it says of its
 * department. A subgraph without /readyz (another county's) counts as ready if it answers.
 */
async function readiness(endpoints: Record<string, string>): Promise<Record<string, { ready: boolean; url: string; detail: unknown }>> {
  const entries = await Promise.all(
    Object.entries(endpoints).map(async ([name, url]) => {
      const readyz = new URL('/readyz', url).toString();
      try {
        const response = await fetch(readyz, { signal: AbortSignal.timeout(2000) });
        const detail = await response.json().catch(() => null);
        return [name, { ready: response.status < 500, url, detail }] as const;
      } catch (error) {
        return [name, { ready: false, url, detail: { reason: `cannot reach the subgraph: ${(error as Error).message}` } }] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
