/**
 * Federated subscriptions: a client's subscription becomes one subscription to the
 * subgraph that owns its root field, and each event that subgraph sends is completed
 * through the query plan like a query (the other subgraphs' fields fetched per event,
 * with the same batching and caches).
 *
 * Every event goes through Apollo Server's request pipeline as its own request, with the
 * caller's context: the operation is normalized and limited, refused fields are cut,
 * personal data masked, and the audit writes one record for each event that disclosed
 * data, exactly as for a query. A subscription the policies refuse outright is never
 * opened upstream. Region: the subgraph delivers only events within the caller's
 * jurisdiction (it is told who is asking, signed), and what the rest of the plan fetches
 * is bounded by the jurisdiction as for any query.
 *
 * The transports (transports.ts) own connections: sign-in at connect, the token's expiry,
 * counts per connection and per caller, idle and total lifetimes, slow consumers.
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql-ws/client';
import { eventIdOf, lastEventIdOf, subscriptionExtensions } from '../../contracts/subgraph-subscriptions';
import type { Logger } from '../../lib/logger';
import type { GatewayContext, OutgoingHeaders } from '../capabilities/capability';
import type { SubscriptionStep } from '../execution/plan-executor';
import type { UpstreamSubscriptions } from './upstream';

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

export interface SubscriptionDeps {
  apollo: ApolloServer<GatewayContext>;
  upstream: UpstreamSubscriptions;
  /** The subgraph's URL (the supergraph's, or the one configured over it). */
  subgraphUrl(name: string): string | undefined;
  /** What an HTTP fetch to a subgraph would carry for this context (the signed caller …). */
  forwardedHeaders(subgraph: string, context: GatewayContext): Record<string, string>;
  /** The context for one more event of a long-lived subscription (the caller's signature renewed). */
  renew(context: GatewayContext): Promise<GatewayContext>;
  logger: Logger;
}

/** How often, and how patiently, a subscription resumes after its subgraph's connection dropped. */
const RESUME_ATTEMPTS = 5;
const RESUME_DELAY_MS = 500;

export interface StartOptions {
  /** SSE's Last-Event-ID header, when `extensions.lastEventId` is not given. */
  lastEventIdHeader?: string;
  /** Completed events the client may leave waiting before it is too slow. */
  maxWaiting: number;
  /** The client fell that far behind: its connection is dropped (never buffered for without bound). */
  onSlow(): void;
}

export type Started = { kind: 'single'; result: FormattedExecutionResult } | { kind: 'stream'; events: AsyncIterableIterator<FormattedExecutionResult> };

export class FederatedSubscriptions {
  constructor(private readonly deps: SubscriptionDeps) {}

  /**
   * Runs the request once to plan it and apply every policy; a subscription comes back as
   * its stream of events, anything else (a query over the socket, a refusal) as one result.
   */
  async start(body: GraphQLRequestBody, context: GatewayContext, options: StartOptions): Promise<Started> {
    const request = {
      query: typeof body.query === 'string' ? body.query : undefined,
      variables: isObject(body.variables) ? body.variables : undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      extensions: isObject(body.extensions) ? body.extensions : undefined,
    };
    const step: SubscriptionStep = { phase: 'subscribe' };
    const first = await this.run(request, { ...context, subscription: step } as GatewayContext);
    if (step.phase !== 'subscribe' || !step.primary || first.errors?.length) return { kind: 'single', result: first };
    const primary = step.primary;
    const url = this.deps.subgraphUrl(primary.subgraph);
    if (!url) return { kind: 'single', result: { errors: [{ message: `no URL for subgraph ${primary.subgraph}`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
    let lastEventId = lastEventIdOf(request.extensions?.lastEventId) ?? lastEventIdOf(options.lastEventIdHeader);
    const deps = this.deps;
    // Signed afresh each time: a resume may come long after the signature of the first subscribe expired.
    const subscribe = async () =>
      deps.upstream.subscribe(url, {
        query: primary.query,
        operationName: primary.operationName,
        variables: primary.variables,
        extensions: subscriptionExtensions(deps.forwardedHeaders(primary.subgraph, await deps.renew(context)), lastEventId),
      });

    // The pump reads the subgraph's events as they come and completes each in order; what the client has not
    // taken yet waits in `ready`, bounded: past `maxWaiting` the client is too slow and is dropped.
    const ready: FormattedExecutionResult[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let upstream = await subscribe();
    const finish = (last?: FormattedExecutionResult) => {
      if (finished) return;
      finished = true;
      if (last) ready.push(last);
      void upstream.return?.();
      wake?.();
    };
    const pump = async () => {
      let resumes = 0;
      while (!finished) {
        let next: IteratorResult<FormattedExecutionResult>;
        try {
          next = await upstream.next();
        } catch (error) {
          if (finished) return;
          // The subgraph refused the subscription (graphql-ws rejects with its errors): the client's answer, as sent.
          if (Array.isArray(error)) return finish({ errors: error });
          // The subgraph's connection dropped: resume from the last event seen, a few times, then say so.
          if (resumes++ < RESUME_ATTEMPTS) {
            deps.logger.warn({ requestId: context.requestId, subgraph: primary.subgraph, reason: describe(error), resumeFrom: lastEventId ?? null }, 'subscription upstream lost: resuming');
            await new Promise((resolve) => setTimeout(resolve, RESUME_DELAY_MS * resumes));
            if (!finished) upstream = await subscribe();
            continue;
          }
          return finish({
            errors: [{ message: `the ${primary.subgraph} subgraph cannot be reached: subscribe again later, with the last event id you received`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: primary.subgraph } }],
          });
        }
        if (next.done) return finish();
        resumes = 0;
        const eventId = eventIdOf(next.value as { extensions?: Record<string, unknown> });
        if (eventId) lastEventId = eventId;
        const renewed = await deps.renew(context);
        const result = await this.run(request, { ...renewed, requestId: randomUUID(), subscription: { phase: 'event', result: next.value } } as GatewayContext);
        if (finished) return;
        ready.push(eventId ? { ...result, extensions: { ...result.extensions, eventId } } : result);
        if (ready.length > options.maxWaiting) {
          finished = true;
          void upstream.return?.();
          options.onSlow();
        }
        wake?.();
      }
    };
    void pump().catch((error: unknown) => {
      deps.logger.error({ err: error, requestId: context.requestId }, 'subscription failed');
      finish({ errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    });
    const events: AsyncIterableIterator<FormattedExecutionResult> = {
      [Symbol.asyncIterator]: () => events,
      next: async () => {
        for (;;) {
          const result = ready.shift();
          if (result) return { done: false, value: result };
          if (finished) return { done: true, value: undefined };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      return: async () => {
        finish();
        ready.length = 0;
        return { done: true, value: undefined };
      },
    };
    return { kind: 'stream', events };
  }

  private async run(request: { query?: string; variables?: Record<string, unknown>; operationName?: string; extensions?: Record<string, unknown> }, contextValue: GatewayContext): Promise<FormattedExecutionResult> {
    const response = await this.deps.apollo.executeOperation(request, { contextValue });
    if (response.body.kind !== 'single') return { errors: [{ message: 'incremental delivery (@defer) is not served over subscriptions', extensions: { code: 'BAD_REQUEST' } }] };
    return response.body.singleResult as FormattedExecutionResult;
  }
}

/** Headers as the subgraph fetch hooks set them, collected for a subscribe message. */
export function collectHeaders(set: (headers: OutgoingHeaders) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  set({ set: (name, value) => void (headers[name.toLowerCase()] = value) });
  return headers;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // graphql-ws rejects with the close event, or with the errors the subgraph sent.
  const close = error as { code?: number; reason?: string };
  if (typeof close?.code === 'number') return `connection closed (${close.code}${close.reason ? `: ${close.reason}` : ''})`;
  return JSON.stringify(error);
}
