/**
 * Tracing across the stack: the gateway, each subgraph and each department call make
 * spans, and W3C `traceparent` carries the trace from the caller through the gateway
 * and the subgraphs to the department systems.
 *
 * Off by default. Until `startTracing` runs, `tracerFor` answers undefined and every
 * traced path in the code takes its plain branch: no span, no header, no allocation;
 * @apollo/gateway's own spans go to the OpenTelemetry API's no-op tracer. The SDK is
 * loaded only when tracing starts.
 *
 * One process may host several components (`npm start` runs the gateway and the four
 * subgraphs together); each gets its own service name (`county-gateway`,
 * `subgraph-land` …) so a trace reads the same whether they share a process or not.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from './logger';
import type { TracingConfig } from './tracing-config';

/** Who makes a span: `gateway`, or `subgraph:<name>`. */
export type Component = 'gateway' | `subgraph:${string}`;

export interface Tracing {
  /** Sends what is still buffered; resolves when the exporter has answered. */
  flush(): Promise<void>;
  /** Flushes, then turns tracing off for this process. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  logger: Logger;
  /** Replaces the configured exporters, each span handed over as it ends (tests pass an in-memory one). */
  exporter?: SpanExporter;
}

let active: { tracer(component: Component): Tracer } | undefined;

/** The tracer of a component while tracing runs; undefined when it is off. */
export function tracerFor(component: Component): Tracer | undefined {
  return active?.tracer(component);
}

export function tracingActive(): boolean {
  return active !== undefined;
}

/**
 * Starts tracing for this process: one at a time. Registers the context manager, the
 * propagator and the gateway's tracer provider globally (@apollo/gateway traces through
 * the global API).
 */
export async function startTracing(config: TracingConfig, options: StartTracingOptions): Promise<Tracing> {
  if (active) throw new Error('tracing is already running in this process');
  const { createTracingRuntime } = await import('./tracing-sdk');
  const runtime = createTracingRuntime(config, options);
  active = runtime;
  return {
    flush: () => runtime.flush(),
    shutdown: async () => {
      active = undefined;
      await runtime.shutdown();
    },
  };
}

/** `set` on a fetch-style Headers object. */
const headersSetter: TextMapSetter<{ set(name: string, value: string): void }> = { set: (carrier, key, value) => carrier.set(key, value) };

/** Adds `traceparent` (and `tracestate`) for the active span to outgoing headers; nothing when tracing is off. */
export function injectTraceHeaders(headers: { set(name: string, value: string): void } | undefined): void {
  if (!active || !headers) return;
  propagation.inject(context.active(), headers, headersSetter);
}

/**
 * Runs `handle` inside a SERVER span continuing the caller's trace (its `traceparent`,
 * if any). Only called while tracing runs.
 */
export function traceServerRequest(
  tracer: Tracer,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  requestId: string,
  handle: () => Promise<void>,
): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const method = req.method ?? 'GET';
  // The path only: a GET request carries the whole operation and its variables in the query string.
  const span = tracer.startSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route, 'url.path': route, 'url.scheme': 'http', 'county.request_id': requestId } },
    parent,
  );
  return context.with(trace.setSpan(parent, span), handle).then(
    () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    (error: unknown) => {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
      throw error;
    },
  );
}
