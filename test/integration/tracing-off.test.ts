import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import { tracerFor, tracingActive } from '../../lib/tracing';
import { readTracingConfig } from '../../lib/tracing-config';
import { DEPARTMENT_IDS } from '../../stack/embedded-stack';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

// Tracing is never started in this file (each jest file is its own process-wide API state).
let stack: TestStack;
const subgraphHeaders: (string | undefined)[] = [];
beforeAll(async () => {
  stack = await startTestStack();
  for (const id of DEPARTMENT_IDS) {
    stack.subgraphs[id].server.on('request', (req: IncomingMessage) => subgraphHeaders.push(req.headers.traceparent as string | undefined));
  }
});
afterAll(() => stack.stop());

describe('tracing off (the default)', () => {
  it('is off without OTEL_TRACES_EXPORTER or an OTLP endpoint, and with OTEL_SDK_DISABLED=true whatever else is set', () => {
    expect(readTracingConfig({})).toBeUndefined();
    expect(readTracingConfig({ OTEL_SERVICE_NAME: 'county-gateway', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
    expect(readTracingConfig({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
  });

  it('records no span and passes no traceparent on, not even the caller’s', async () => {
    const callerTraceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const project = stack.departments.county.projects[2]!;
    const { errors } = await stack.queryWith({ authorization: `Bearer ${stack.staffToken}`, traceparent: callerTraceparent }, operation('JointReview'), { code: project.code });
    expect(errors).toBeUndefined();

    expect(tracingActive()).toBe(false);
    expect(tracerFor('gateway')).toBeUndefined();
    // No tracer provider is registered: any span anything in this process starts (@apollo/gateway's included) is a no-op.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);

    expect(subgraphHeaders.length).toBeGreaterThan(0);
    expect(subgraphHeaders.every((h) => h === undefined)).toBe(true);
    const received = DEPARTMENT_IDS.flatMap((id) => stack.requests(id));
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.traceparent === null)).toBe(true);
  });
});
