import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { silentLogger } from '../../lib/logger';
import { startTracing, type Tracing } from '../../lib/tracing';
import { readTracingConfig } from '../../lib/tracing-config';
import type { DepartmentId } from '../../mocks';
import { DEPARTMENT_IDS } from '../../stack/embedded-stack';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

// The whole stack runs in this process; one in-memory exporter sees every component's spans.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: TestStack;
/** `traceparent` each subgraph received from the gateway. */
const subgraphTraceparents: Record<string, (string | undefined)[]> = {};

beforeAll(async () => {
  tracing = await startTracing(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' })!, { logger: silentLogger(), exporter });
  // A one-second TTL lets the stale-if-error test expire a cached record.
  stack = await startTestStack({ cacheTtlSeconds: 1 });
  for (const id of DEPARTMENT_IDS) {
    subgraphTraceparents[id] = [];
    stack.subgraphs[id].server.on('request', (req: IncomingMessage) => subgraphTraceparents[id]!.push(req.headers.traceparent as string | undefined));
  }
});
afterAll(async () => {
  await stack.stop();
  await tracing.shutdown();
});
beforeEach(async () => {
  await stack.resetCounts();
  exporter.reset();
  for (const id of DEPARTMENT_IDS) {
    subgraphTraceparents[id]!.length = 0;
    Object.assign(stack.departments[id].faults, { latencyMs: 0, failureRate: 0, down: false, failNext: 0 });
  }
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;
const service = (span: ReadableSpan) => span.resource.attributes['service.name'];
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

/**
 * The spans of the request sent with `requestId`, once the gateway's server span has
 * ended (it ends just after the response is written, so it can trail the client by a tick).
 */
async function traceOf(requestId: string): Promise<{ traceId: string; spans: ReadableSpan[]; server: ReadableSpan }> {
  for (let i = 0; i < 200; i++) {
    const server = exporter.getFinishedSpans().find((s) => service(s) === 'county-gateway' && s.attributes['county.request_id'] === requestId);
    if (server) {
      const traceId = server.spanContext().traceId;
      return { traceId, server, spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId) };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no gateway span for request ${requestId}`);
}

async function jointReview(code: string, headers: Record<string, string> = {}, query = operation('JointReview')) {
  const requestId = randomUUID();
  const response = await stack.queryWith({ authorization: `Bearer ${stack.staffToken}`, 'x-request-id': requestId, ...headers }, query, { code });
  return { response, ...(await traceOf(requestId)) };
}

const departmentSpans = (spans: ReadableSpan[], id: DepartmentId) => spans.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['county.department'] === id);

describe('one trace from the caller to the departments', () => {
  it('joins the gateway, its plan and fetches, the subgraphs and every department call in one trace, each under its parent', async () => {
    const project = stack.departments.county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT')!;
    // An operation the gateway did not plan at start-up (docs/operations are warmed), so gateway.plan is part of the trace.
    const { response, traceId, spans, server } = await jointReview(project.code, {}, operation('JointReview').replace('query JointReview(', 'query JointReviewTraced('));
    expect(response.errors).toBeUndefined();

    expect(server).toMatchObject({ name: 'POST /graphql', kind: SpanKind.SERVER });
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(parentOf(server)).toBeUndefined(); // the caller sent no traceparent: a new trace

    const byName = (name: string) => spans.filter((s) => s.name === name);
    const [request] = byName('gateway.request');
    expect(parentOf(request!)).toBe(idOf(server));
    const [plan] = byName('gateway.plan');
    expect(parentOf(plan!)).toBe(idOf(request!));
    const [execute] = byName('gateway.execute');
    expect(parentOf(execute!)).toBe(idOf(request!));
    const fetches = byName('gateway.fetch');
    expect(new Set(fetches.map((f) => f.attributes.service))).toEqual(new Set(['construction', 'enterprise', 'land']));

    for (const id of ['construction', 'enterprise', 'land'] as const) {
      const subgraphServers = spans.filter((s) => service(s) === `subgraph-${id}` && s.kind === SpanKind.SERVER);
      expect(subgraphServers.length).toBeGreaterThan(0);
      for (const subgraph of subgraphServers) {
        // Each subgraph request continues the gateway.fetch that sent it.
        const parent = fetches.find((f) => idOf(f) === parentOf(subgraph));
        expect(parent?.attributes.service).toBe(id);
        expect(subgraph.resource.attributes['county.component']).toBe(`subgraph:${id}`);
      }
      const calls = departmentSpans(spans, id);
      expect(calls.length).toBe(stack.requests(id).length);
      for (const call of calls) {
        expect(service(call)).toBe(`subgraph-${id}`);
        expect(subgraphServers.map(idOf)).toContain(parentOf(call));
        expect(call.attributes).toMatchObject({ 'http.response.status_code': 200, 'county.department.breaker': 'closed', 'county.department.endpoint': expect.any(String) });
        expect(call.status.code).not.toBe(SpanStatusCode.ERROR);
      }
      // Every department request carried the trace, with its call span as the parent.
      for (const received of stack.requests(id)) {
        const [, receivedTrace, parentSpan] = TRACEPARENT.exec(received.traceparent ?? '') ?? [];
        expect(receivedTrace).toBe(traceId);
        expect(calls.map(idOf)).toContain(parentSpan);
      }
      expect(subgraphTraceparents[id]!.length).toBeGreaterThan(0);
      for (const header of subgraphTraceparents[id]!) expect(TRACEPARENT.exec(header ?? '')?.[1]).toBe(traceId);
    }
    // The approval subgraph has nothing to do with this query.
    expect(spans.some((s) => service(s) === 'subgraph-approval')).toBe(false);
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
  });

  it('continues the caller’s trace when it sends a traceparent', async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const project = stack.departments.county.projects[5]!;
    const { traceId, server, spans } = await jointReview(project.code, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(traceId).toBe(callerTrace);
    expect(parentOf(server)).toBe(callerSpan);
    expect(departmentSpans(spans, 'land').length).toBeGreaterThan(0);
    expect(stack.requests('land').map((r) => TRACEPARENT.exec(r.traceparent ?? '')?.[1])).toEqual(stack.requests('land').map(() => callerTrace));
  });

  it('marks a department call that failed as an error, with each failed attempt and the breaker state', async () => {
    stack.departments.land.faults.down = true;
    const project = stack.departments.county.projects[7]!;
    const { response, spans } = await jointReview(project.code);
    expect(response.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'DEPARTMENT_UNAVAILABLE', department: 'land' }) })]);

    const [call] = departmentSpans(spans, 'land');
    expect(call!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'HTTP 503' });
    expect(call!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': 'DEPARTMENT_UNAVAILABLE', 'http.request.resend_count': 2, 'county.department.breaker': 'closed' });
    expect(call!.events.filter((e) => e.name === 'attempt failed').map((e) => e.attributes?.['county.department.retrying'])).toEqual([true, true, false]);
    // Three attempts, one span: all three requests name it as their parent.
    expect(stack.requests('land').map((r) => TRACEPARENT.exec(r.traceparent ?? '')?.[2])).toEqual([idOf(call!), idOf(call!), idOf(call!)]);
    // The other departments answered.
    for (const other of departmentSpans(spans, 'construction')) expect(other.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('says on the subgraph span when records came from the cache, and when they were served stale', async () => {
    const project = stack.departments.county.projects[9]!;
    await jointReview(project.code);
    const landServer = (spans: ReadableSpan[]) => spans.find((s) => service(s) === 'subgraph-land' && s.kind === SpanKind.SERVER)!;
    const cacheEvent = (spans: ReadableSpan[]) => landServer(spans).events.find((e) => e.name === 'department cache')?.attributes;

    const warm = await jointReview(project.code);
    expect(departmentSpans(warm.spans, 'land')).toHaveLength(0); // nothing asked of the department
    expect(cacheEvent(warm.spans)).toEqual({ 'county.cache.hits': 1, 'county.cache.misses': 0, 'county.cache.stale_served': 0 });

    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the one-second TTL
    stack.departments.land.faults.down = true;
    const stale = await jointReview(project.code);
    expect(stale.response.errors).toBeUndefined();
    expect(departmentSpans(stale.spans, 'land')[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(cacheEvent(stale.spans)).toEqual({ 'county.cache.hits': 0, 'county.cache.misses': 1, 'county.cache.stale_served': 1 });
  });
});
