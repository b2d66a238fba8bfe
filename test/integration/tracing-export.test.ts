import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../lib/logger';
import { startTracing, tracerFor } from '../../lib/tracing';
import { readTracingConfig } from '../../lib/tracing-config';

/** A stand-in OpenTelemetry Collector: takes OTLP/HTTP exports and keeps them. */
interface Export {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
let collector: Server;
let collectorUrl: string;
const exports: Export[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exports.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

describe('OTLP export', () => {
  it('sends spans to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces as protobuf, with the configured headers, each component under its service name', async () => {
    const config = readTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collectorUrl}/`,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%3D1',
      OTEL_SERVICE_NAME: 'congjiang-gateway',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    })!;
    const tracing = await startTracing(config, { logger: silentLogger() });
    try {
      const parent = tracerFor('gateway')!.startSpan('POST /graphql');
      parent.end();
      tracerFor('subgraph:land')!.startSpan('GET /bdc/query').end();
      await tracing.flush();
    } finally {
      await tracing.shutdown();
    }
    expect(exports.length).toBeGreaterThan(0);
    const [sent] = exports;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/traces' });
    expect(sent!.headers['content-type']).toBe('application/x-protobuf');
    expect(sent!.headers['x-collector-key']).toBe('k=1');
    const body = Buffer.concat(exports.map((e) => e.body)).toString('latin1');
    // Protobuf carries strings as they are: the service names, the resource attribute and the span names.
    for (const text of ['congjiang-gateway', 'subgraph-land', 'deployment.environment', 'POST /graphql', 'GET /bdc/query']) expect(body).toContain(text);
    expect(tracerFor('gateway')).toBeUndefined(); // shut down: off again
  });
});
