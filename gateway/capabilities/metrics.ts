/**
 * The gateway's Prometheus metrics at /metrics: requests by operation and outcome, their
 * latency, errors by code, how long each subgraph takes to answer a fetch, how many
 * operations were planned and how many requests the compiled executor handed over.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram, Registry } from 'prom-client';
import { clusterMetrics } from '../cluster';
import type { Capability, GatewayContext } from './capability';
import { sha256 } from '../../lib/hash';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'gateway_requests_total', help: 'GraphQL requests by operation and outcome', labelNames: ['operation', 'outcome'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'gateway_request_duration_seconds', help: 'GraphQL request latency', labelNames: ['operation'], buckets: BUCKETS, registers: [this.registry] });
  private readonly errors = new Counter({ name: 'gateway_errors_total', help: 'Errors in responses by extensions.code', labelNames: ['code'], registers: [this.registry] });
  private readonly fetches = new Histogram({ name: 'gateway_subgraph_fetch_duration_seconds', help: 'Subgraph fetch latency', labelNames: ['subgraph'], buckets: BUCKETS, registers: [this.registry] });

  private readonly plans = new Counter({ name: 'gateway_query_plans_total', help: 'Operations planned (start-up warm-up, supergraph changes, and operations met for the first time)', registers: [this.registry] });
  private readonly handOvers = new Counter({
    name: 'gateway_executor_handovers_total',
    help: "Requests the compiled executor handed to @apollo/gateway's own, by reason (@defer, subscription, usage traces …)",
    labelNames: ['reason'],
    registers: [this.registry],
  });

  queryPlanned(): void {
    this.plans.inc();
  }

  executorHandOver(reason: string): void {
    this.handOvers.inc({ reason });
  }

  subgraphFetch(subgraph: string, seconds: number): void {
    this.fetches.observe({ subgraph }, seconds);
  }

  /**
   * `known`: operation names that may become labels (the operations the gateway warms,
   * which its own clients send). A partner's registered operations are labelled by name
   * too; anything else is `other`, so no client can add series without bound.
   */
  plugin(known: ReadonlySet<string>): ApolloServerPlugin<GatewayContext> {
    const { requests, latency, errors: errorCount } = this;
    const labelOf = (name: string | null | undefined, context: GatewayContext, source: string | undefined): string => {
      if (!name) return 'anonymous';
      if (known.has(name)) return name;
      const caller = context.caller;
      return caller.kind === 'client' && source !== undefined && caller.operations.has(sha256(source)) && /^\w{1,64}$/.test(name) ? name : 'other';
    };
    return {
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse(ctx) {
            const operation = labelOf(ctx.operationName, ctx.contextValue, ctx.source);
            const result = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
            const errors = result?.errors ?? [];
            const outcome = errors.length === 0 ? 'ok' : result?.data ? 'partial' : 'error';
            requests.inc({ operation, outcome });
            latency.observe({ operation }, (performance.now() - started) / 1000);
            for (const error of errors) errorCount.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
          },
        };
      },
    };
  }
}

/**
 * `known`: operation names that may become labels (the operations the gateway warms);
 * a partner's registered operations are labelled by name too, anything else is `other`.
 */
export function metricsCapability(known: ReadonlySet<string>, others: readonly Capability[] = []): Capability {
  const metrics = new GatewayMetrics();
  for (const capability of others) capability.registerMetrics?.(metrics.registry);
  // With --workers, whichever worker is asked answers for all of them.
  const everyWorker = clusterMetrics(metrics.registry);
  return {
    name: 'metrics',
    plugin: metrics.plugin(known),
    execution: { onPlanned: () => metrics.queryPlanned(), onHandOver: (reason) => metrics.executorHandOver(reason) },
    subgraphFetch: { fetched: (subgraph, seconds) => metrics.subgraphFetch(subgraph, seconds) },
    routes: {
      '/metrics': async (_req, res) => {
        let text: string;
        try {
          text = everyWorker ? await everyWorker() : await metrics.registry.metrics();
        } catch (error) {
          res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics could not be gathered from every worker: ${(error as Error).message}\n`);
          return;
        }
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      },
    },
  };
}
