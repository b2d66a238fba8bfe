import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { generateCounty } from '../../mocks';
import { startCommand, TOKEN_LINE, ZERO_PORTS } from '../helpers/npm-start';
import { operation, postGraphQL } from '../helpers/stack';

describe('npm start (the embedded default)', () => {
  it('brings the whole stack up over real HTTP, answers the joint-review query, and stops cleanly on SIGTERM', async () => {
    const { child, output, waitForLine } = startCommand(ZERO_PORTS);
    const [, url] = await waitForLine(/^ready\. GraphQL: (\S+)$/);
    for (const part of ['department enterprise (mock)', 'department land (mock)', 'department construction (mock)', 'department approval (mock)', 'subgraph enterprise', 'subgraph land', 'subgraph construction', 'subgraph approval', 'gateway']) {
      expect(output.some((l) => l.includes(`✓ ${part}:`))).toBe(true);
    }
    // One summary a person can follow: where to point a browser, where the audit trail goes.
    const origin = url!.replace(/\/graphql$/, '');
    await waitForLine(/partner systems:/);
    expect(output).toEqual(expect.arrayContaining([`  explorer (browser):  ${origin}/graphql`, `  dashboard (browser): ${origin}/dashboard/  (联审工作台)`]));
    expect(output.some((l) => /^ {2}audit trail: {9}\S+/.test(l))).toBe(true);
    // The development token is printed after the URLs, on a line of its own.
    const [token] = await waitForLine(TOKEN_LINE);
    const code = generateCounty().projects[0]!.code;
    const { data, errors } = await postGraphQL(url!, operation('JointReview'), { code }, { authorization: `Bearer ${token!}` });
    expect(errors).toBeUndefined();
    expect(data.constructionProject.code).toBe(code);

    child.kill('SIGTERM');
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(0);
    expect(output).toContain('stopped.');
  });

  // The gateway's port comes last: everything started before it must be stopped again.
  it.each(['PORT', 'IDENTITY_PROVIDER_PORT', 'LAND_SUBGRAPH_PORT', 'ENTERPRISE_DEPARTMENT_PORT'])('names a port already in use and the variable that moves it: %s', async (variable) => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = String((blocker.address() as AddressInfo).port);
    try {
      const { child, output } = startCommand({ ...ZERO_PORTS, [variable]: port });
      // 'close', not 'exit': every line it printed has been read by then.
      const [exitCode] = await once(child, 'close');
      expect(exitCode).toBe(1);
      expect(output.join('\n')).toMatch(new RegExp(`could not start: port ${port} on 127\\.0\\.0\\.1 is already in use: stop what holds it or set ${variable}$`, 'm'));
      expect(output.some((l) => l.startsWith('ready.'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('refuses bad configuration before starting anything', async () => {
    const { child, output } = startCommand({ ...ZERO_PORTS, LAND_DEPARTMENT_TIMEOUT_MS: 'soon' });
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(1);
    expect(output.join('\n')).toMatch(/LAND_DEPARTMENT_TIMEOUT_MS must be a number/);
  });

  it('exports its traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, and flushes them on SIGTERM', async () => {
    // A stand-in collector: keeps every OTLP/HTTP JSON export.
    const received: { path: string; type: string | undefined; body: any }[] = [];
    const collector = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url!, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
      const { child, output, waitForLine } = startCommand({ ...ZERO_PORTS, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
      await waitForLine(new RegExp(`✓ tracing: spans sent to ${endpoint}/v1/traces \\(OTLP http/json\\)`));
      const [, url] = await waitForLine(/^ready\. GraphQL: (\S+)$/);
      const [token] = await waitForLine(TOKEN_LINE);
      const { errors } = await postGraphQL(url!, operation('JointReview'), { code: generateCounty().projects[0]!.code }, { authorization: `Bearer ${token!}` });
      expect(errors).toBeUndefined();
      child.kill('SIGTERM');
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(0);
      expect(output).toContain('stopped.');

      expect(received.length).toBeGreaterThan(0);
      expect(received.every((r) => r.path === '/v1/traces' && r.type === 'application/json')).toBe(true);
      const spans = received.flatMap((r) =>
        r.body.resourceSpans.flatMap((rs: any) => {
          const serviceName = rs.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue;
          return rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ serviceName, name: s.name, traceId: s.traceId })));
        }),
      );
      const request = spans.find((s) => s.serviceName === 'county-gateway' && s.name === 'gateway.request')!;
      const services = new Set(spans.filter((s) => s.traceId === request.traceId).map((s) => s.serviceName));
      expect(services).toEqual(new Set(['county-gateway', 'subgraph-construction', 'subgraph-enterprise', 'subgraph-land']));
    } finally {
      collector.close();
    }
  });
});
