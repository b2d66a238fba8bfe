/**
 * What a capability of the gateway (sign-in, rate limit, purpose, limits, authorization,
 * masking, audit, metrics …) may add to a request, at the places a request passes:
 *
 *   HTTP request ─► context ─► GraphQL (plugin hooks) ─► plan executor ─► each subgraph fetch
 *
 * Each capability lives in one file of this folder and says all it adds here; server.ts
 * composes them in order and knows nothing of what any one does.
 */
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import type { StaleReport } from '../../contracts/stale-report';
import type { Route } from '../../lib/graphql-http';
import type { SubscriptionStep } from '../execution/plan-executor';
import type { ResponseBounds } from '../execution/response-budget';
import type { SubgraphFailure } from '../execution/subgraph-data-source';
import type { NormalizedOperation } from '../operation/normalize';
import type { Caller } from './sign-in';

/** What every capability knows about the request it serves, once the context is built. */
export interface GatewayContext {
  requestId: string;
  /** Who is asking (sign-in.ts). */
  caller: Caller;
  /** When the caller's token expires (ms since the epoch); unset for API keys and anonymous callers. A subscription ends then. */
  credentialExpiresAt?: number;
  /** `X-Purpose`: the case, item or project the data is read for (purpose.ts). */
  purpose: string | null;
  /** The caller as the gateway vouches for it to the subgraphs, signed (forward-caller.ts); '' when none is forwarded. */
  identityToken: string;
  /** What subgraphs served from stale cache, passed on to the caller (stale-report.ts). */
  stale: StaleReport;
  /** A subscription's step (subscribe, then each event), set by the transports that serve them (subscriptions/). */
  subscription?: SubscriptionStep;
  /** The operation as every policy reads it (operation.ts sets it before any policy runs). */
  operation?: NormalizedOperation;
}

/** The context while capabilities build it, in order: each reads what those before it set. */
export type ContextDraft = Partial<GatewayContext> & { requestId: string };

/** The incoming HTTP request, as a context hook sees it. */
export interface IncomingRequest {
  req: IncomingMessage;
  /** A header's value when sent once; undefined when absent or repeated. */
  header(name: string): string | undefined;
  /** The client's address: the socket's peer, or the client X-Forwarded-For names when the peer is a trusted proxy (TRUST_PROXY). */
  address: string;
}

/** The headers of a request to a subgraph, as a hook may change them. */
export interface OutgoingHeaders {
  set(name: string, value: string): void;
}

export interface Capability {
  /** For errors and the start-up log. */
  name: string;
  /** Adds to the request's context before GraphQL runs; throwing HttpError answers at once (401, 403, 429 …). */
  context?(request: IncomingRequest, context: ContextDraft): void | Promise<void>;
  /**
   * Renews what it added for one more event of a long-lived subscription (the context was
   * built once, at connect): what must not outlive a request, such as a short-lived signature.
   */
  renew?(context: ContextDraft): void | Promise<void>;
  /** Apollo Server's request hooks. */
  plugin?: ApolloServerPlugin<GatewayContext>;
  /** The compiled executor's hooks (GATEWAY_EXECUTOR=compiled). */
  execution?: {
    /** What is planned instead of the client's normalized document (the client's answer is shaped by its own). */
    planWith?(document: DocumentNode, schema: GraphQLSchema): DocumentNode;
    /** The subgraphs' merged answers of a request, before the response is shaped. */
    onMerged?(context: unknown, data: Record<string, unknown>, planned: DocumentNode): void;
    /** How much a query's subgraph answers may bring back. */
    bounds?: ResponseBounds;
    /** An operation was planned (start-up warm-up, a supergraph change, or met for the first time). */
    onPlanned?(): void;
    /** A request went to @apollo/gateway's own executor instead (@defer, subscriptions …), and why. */
    onHandOver?(reason: string): void;
  };
  /** Each fetch from a subgraph. */
  subgraphFetch?: {
    willSend?(fetch: { subgraph: string; headers: OutgoingHeaders; context: Partial<GatewayContext> }): void;
    didReceive?(fetch: { subgraph: string; response: GatewayGraphQLResponse; context: Partial<GatewayContext> }): void;
    /** How long one HTTP request to the subgraph took. */
    fetched?(subgraph: string, seconds: number): void;
    failed?(failure: SubgraphFailure): void;
  };
  /** Routes beside /graphql (exact paths). */
  routes?: Record<string, Route>;
  /** What it adds to the bodies of /readyz and /status (never to their status codes). */
  status?(): Record<string, unknown>;
  /** Its own series in the gateway's /metrics. */
  registerMetrics?(registry: Registry): void;
  /** On the gateway's stop, after the last request. */
  stop?(): void | Promise<void>;
}

/**
 * What an earlier capability must have set (null is a value: no purpose stated); unset
 * means the capabilities are composed in the wrong order.
 */
export function needs<K extends keyof GatewayContext>(context: ContextDraft, key: K, by: string): GatewayContext[K] {
  const value = context[key];
  if (value === undefined) throw new Error(`${by} reads context.${key}: compose the capability that sets it before ${by}`);
  return value as GatewayContext[K];
}

/** The request's normalized operation; a policy that runs without one is wired wrong. */
export function requireOperation(context: GatewayContext): NormalizedOperation {
  if (!context.operation) throw new Error('no normalized operation: the operation capability must come before every policy');
  return context.operation;
}
