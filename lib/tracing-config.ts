/**
 * The standard `OTEL_*` variables that switch tracing on and say where spans go, read
 * and checked once at start-up by the gateway command and `npm start`. Tracing is off
 * unless an exporter is asked for: `OTEL_TRACES_EXPORTER` (otlp, console) or an OTLP
 * endpoint. `OTEL_SDK_DISABLED=true` turns it off whatever else is set.
 *
 * The SDK would read most of these itself, but silently falls back to a default on a
 * bad value; a typo in a sampler or an endpoint should stop start-up instead.
 */

type Env = Record<string, string | undefined>;

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TraceExporterConfig =
  | { kind: 'otlp'; url: string; protocol: OtlpProtocol; headers: Record<string, string>; timeoutMillis: number; compression: 'gzip' | 'none' }
  | { kind: 'console' };

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface TracingConfig {
  exporters: TraceExporterConfig[];
  /** OTEL_SERVICE_NAME: the gateway's service name (subgraphs are always `subgraph-<name>`). */
  serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES, on every component's resource. */
  resourceAttributes: Record<string, string>;
  sampler: { name: SamplerName; ratio: number };
  /** What crosses process boundaries in headers: W3C `traceparent`/`tracestate`, and `baggage` only if asked for. */
  propagators: ('tracecontext' | 'baggage')[];
}

/** Every bad tracing variable at once, for the caller to list with its own problems. */
export class TracingConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`tracing configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const EXPORTERS = ['otlp', 'console', 'none'] as const;
const SAMPLERS: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];
const DEFAULT_OTLP_BASE = 'http://localhost:4318';

/**
 * The tracing settings, or undefined when tracing is off. Throws one error naming
 * every bad variable.
 */
export function readTracingConfig(env: Env): TracingConfig | undefined {
  const problems: string[] = [];
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled && disabled !== 'true' && disabled !== 'false') problems.push(`OTEL_SDK_DISABLED="${env.OTEL_SDK_DISABLED}" must be true or false`);
  if (disabled === 'true') return undefined;

  const requested = list(env.OTEL_TRACES_EXPORTER);
  for (const name of requested) {
    if (!(EXPORTERS as readonly string[]).includes(name)) {
      problems.push(`OTEL_TRACES_EXPORTER: "${name}" is not supported; use otlp (an OpenTelemetry Collector forwards to Jaeger, Zipkin …), console or none`);
    }
  }
  if (requested.includes('none') && requested.length > 1) problems.push('OTEL_TRACES_EXPORTER: "none" cannot be combined with other exporters');
  const endpointSet = Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const exporterNames = requested.length ? requested.filter((n) => n !== 'none') : endpointSet ? ['otlp'] : [];
  if (exporterNames.length === 0) {
    if (problems.length) throw new TracingConfigError(problems);
    return undefined;
  }

  const exporters: TraceExporterConfig[] = [];
  for (const name of new Set(exporterNames)) {
    if (name === 'console') exporters.push({ kind: 'console' });
    if (name === 'otlp') exporters.push(readOtlp(env, problems));
  }

  const serviceName = env.OTEL_SERVICE_NAME?.trim() || undefined;
  const resourceAttributes = keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES', problems, true);

  const samplerName = (env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(samplerName)) problems.push(`OTEL_TRACES_SAMPLER="${env.OTEL_TRACES_SAMPLER}" must be one of ${SAMPLERS.join(', ')}`);
  let ratio = 1;
  if (env.OTEL_TRACES_SAMPLER_ARG?.trim() && samplerName.endsWith('traceidratio')) {
    ratio = Number(env.OTEL_TRACES_SAMPLER_ARG);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) problems.push(`OTEL_TRACES_SAMPLER_ARG="${env.OTEL_TRACES_SAMPLER_ARG}" must be a ratio from 0 to 1`);
  }

  const propagators: TracingConfig['propagators'] = [];
  for (const name of list(env.OTEL_PROPAGATORS ?? 'tracecontext')) {
    if (name === 'tracecontext' || name === 'baggage') propagators.push(name);
    else if (name !== 'none') problems.push(`OTEL_PROPAGATORS: "${name}" is not supported; use tracecontext (W3C), baggage or none`);
  }

  if (problems.length) throw new TracingConfigError(problems);
  return { exporters, serviceName, resourceAttributes, sampler: { name: samplerName, ratio }, propagators: [...new Set(propagators)] };
}

/** One line for a person starting the stack: where spans go. */
export function describeTracing(config: TracingConfig): string {
  return config.exporters.map((e) => (e.kind === 'console' ? 'spans printed to the console' : `spans sent to ${e.url} (OTLP ${e.protocol})`)).join(', ');
}

/** OTLP over HTTP: the traces variable wins over the general one, as the specification says. */
function readOtlp(env: Env, problems: string[]): TraceExporterConfig {
  const pick = (suffix: string): [string, string | undefined] => {
    const specific = `OTEL_EXPORTER_OTLP_TRACES_${suffix}`;
    const general = `OTEL_EXPORTER_OTLP_${suffix}`;
    return env[specific]?.trim() ? [specific, env[specific]!.trim()] : [general, env[general]?.trim() || undefined];
  };

  // The general endpoint is a base URL that gets /v1/traces; the traces endpoint is used as written.
  let url: string;
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [endpointVar, raw] = specific ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific] : ['OTEL_EXPORTER_OTLP_ENDPOINT', base ?? DEFAULT_OTLP_BASE];
  url = specific ? raw : `${raw.replace(/\/+$/, '')}/v1/traces`;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    url = parsed.toString();
  } catch {
    problems.push(`${endpointVar}="${raw}" must be an http(s) URL, e.g. http://collector:4318`);
  }

  const [protocolVar, protocol = 'http/protobuf'] = pick('PROTOCOL');
  if (protocol === 'grpc') problems.push(`${protocolVar}=grpc is not supported; use http/protobuf (the collector's port 4318) or http/json`);
  else if (protocol !== 'http/protobuf' && protocol !== 'http/json') problems.push(`${protocolVar}="${protocol}" must be http/protobuf or http/json`);

  const [headersVar, headersRaw] = pick('HEADERS');
  const headers = keyValues(headersRaw, headersVar, problems, false);

  const [timeoutVar, timeoutRaw] = pick('TIMEOUT');
  const timeoutMillis = timeoutRaw === undefined ? 10_000 : Number(timeoutRaw);
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0) problems.push(`${timeoutVar}="${timeoutRaw}" must be a whole number of milliseconds greater than 0`);

  const [compressionVar, compression = 'none'] = pick('COMPRESSION');
  if (compression !== 'gzip' && compression !== 'none') problems.push(`${compressionVar}="${compression}" must be gzip or none`);

  return { kind: 'otlp', url, protocol: protocol as OtlpProtocol, headers, timeoutMillis, compression: compression as 'gzip' | 'none' };
}

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * `key=value,key2=value2` with percent-encoded values (W3C baggage style), as
 * OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS are written. Header values can
 * be secrets (an API key for a hosted collector), so a bad entry is named by position only.
 */
function keyValues(raw: string | undefined, variable: string, problems: string[], showValues: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  if (!raw?.trim()) return result;
  raw.split(',').forEach((entry, i) => {
    if (!entry.trim()) return;
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    let value: string | undefined;
    try {
      value = at > 0 ? decodeURIComponent(entry.slice(at + 1).trim()) : undefined;
    } catch {
      value = undefined;
    }
    if (!key || value === undefined) {
      problems.push(`${variable}: entry ${i + 1}${showValues ? ` ("${entry.trim()}")` : ''} must be key=value (values percent-encoded), entries separated by commas`);
      return;
    }
    result[key] = value;
  });
  return result;
}

/** readTracingConfig for a caller that gathers every configuration problem before it reports them. */
export function readTracingConfigNoting(env: Env, problems: string[]): TracingConfig | undefined {
  try {
    return readTracingConfig(env);
  } catch (error) {
    if (!(error instanceof TracingConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
