/**
 * The OpenTelemetry SDK behind `startTracing`, loaded only when tracing is on.
 *
 * Components sharing a process share one pipeline (span processors, exporters), but
 * each has its own tracer provider and so its own resource and `service.name`: in
 * `npm start` the gateway exports as `county-gateway` and the land subgraph as
 * `subgraph-land`, as they would from separate processes. One OTLP request carries the
 * spans of all of them, grouped by resource.
 */
import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Component, StartTracingOptions } from './tracing';
import type { TraceExporterConfig, TracingConfig } from './tracing-config';

/** The instrumentation scope of every span this project makes (apart from @apollo/gateway's own). */
const SCOPE = 'county-data-gateway';

export interface TracingRuntime {
  tracer(component: Component): Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracingRuntime(config: TracingConfig, options: StartTracingOptions): TracingRuntime {
  const { logger } = options;
  // The SDK reports failed exports through diag as errors; without a logger they vanish.
  // Its warnings are about its own internals (and @apollo/gateway's usage metrics): left out.
  const ignore = () => {};
  diag.setLogger({ error: (message) => logger.warn(`tracing: ${readable(message)}`), warn: ignore, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.ERROR);

  const processors: SpanProcessor[] = options.exporter ? [new SimpleSpanProcessor(options.exporter)] : config.exporters.map(processorFor);
  const sampler = samplerFor(config.sampler);
  const providers = new Map<Component, BasicTracerProvider>();
  const tracers = new Map<Component, Tracer>();
  const providerFor = (component: Component): BasicTracerProvider => {
    let provider = providers.get(component);
    if (!provider) {
      const serviceName =
        component === 'gateway' ? (config.serviceName ?? config.resourceAttributes[ATTR_SERVICE_NAME] ?? 'county-gateway') : `subgraph-${component.slice('subgraph:'.length)}`;
      provider = new BasicTracerProvider({
        resource: defaultResource().merge(resourceFromAttributes({ ...config.resourceAttributes, [ATTR_SERVICE_NAME]: serviceName, 'county.component': component })),
        sampler,
        spanProcessors: processors,
      });
      providers.set(component, provider);
    }
    return provider;
  };

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  if (config.propagators.length) {
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: config.propagators.map((p) => (p === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator())),
      }),
    );
  }
  // @apollo/gateway's spans (gateway.request, gateway.plan, gateway.fetch …) go through the global provider.
  trace.setGlobalTracerProvider(providerFor('gateway'));

  return {
    tracer(component) {
      let tracer = tracers.get(component);
      if (!tracer) {
        tracer = providerFor(component).getTracer(SCOPE);
        tracers.set(component, tracer);
      }
      return tracer;
    },
    flush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      // Processors are shared by every provider: shut each down once, not once per provider.
      await Promise.all(processors.map((p) => p.shutdown()));
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    },
  };
}

type OtlpSettings = NonNullable<ConstructorParameters<typeof OtlpJsonExporter>[0]>;

function processorFor(exporter: TraceExporterConfig): SpanProcessor {
  if (exporter.kind === 'console') return new SimpleSpanProcessor(new ConsoleSpanExporter());
  const settings: OtlpSettings = {
    url: exporter.url,
    headers: exporter.headers,
    timeoutMillis: exporter.timeoutMillis,
    // The exporters type it as their own string enum of the same two values.
    compression: exporter.compression as OtlpSettings['compression'],
  };
  return new BatchSpanProcessor(exporter.protocol === 'http/json' ? new OtlpJsonExporter(settings) : new OtlpProtobufExporter(settings));
}

function samplerFor({ name, ratio }: TracingConfig['sampler']): Sampler {
  const root = name.endsWith('always_off') ? new AlwaysOffSampler() : name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/** The SDK's error handler hands errors over as JSON with their stack; the message is what a person needs. */
function readable(message: string): string {
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: already a sentence
  }
  return message;
}
