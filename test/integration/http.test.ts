import { connect } from 'node:net';
import { recordingLogger } from '../helpers/logs';
import { startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(stack.gatewayUrl, { method: 'POST', headers, body });

describe('the gateway over HTTP', () => {
  it('answers /healthz once the supergraph is loaded', async () => {
    const response = await fetch(stack.gatewayUrl.replace('/graphql', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('each subgraph answers /healthz too', async () => {
    for (const url of Object.values(stack.subgraphUrls)) {
      expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
    }
  });

  it('refuses a body that is not JSON with 400 BAD_REQUEST', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })] });
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const response = await post(JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
  });

  it('refuses a simple cross-site form POST (CSRF prevention)', async () => {
    const response = await post('query={__typename}', { 'content-type': 'text/plain' });
    expect(response.status).toBe(400);
  });

  it('answers a syntax error as a GraphQL error, not a crash', async () => {
    const response = await post(JSON.stringify({ query: '{ constructionProject(code: ' }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('points elsewhere with 404 for unknown paths', async () => {
    const response = await fetch(stack.gatewayUrl.replace('/graphql', '/nothing'));
    expect(response.status).toBe(404);
  });

  it('accepts a GET query only with a CSRF-safe header', async () => {
    const url = `${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`;
    expect((await fetch(url)).status).toBe(400);
    const ok = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('what the gateway logs', () => {
  const { logger, lines } = recordingLogger();
  let logged: TestStack;
  beforeAll(async () => {
    logged = await startTestStack({ logger });
  });
  afterAll(() => logged.stop());

  it('a client that hangs up mid-request is one informational line, not an error with a stack trace', async () => {
    const url = new URL(logged.gatewayUrl);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /graphql HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":"{`);
    const went = new Promise((resolve) => socket.once('close', resolve));
    socket.destroy();
    await went;
    const line = await waitFor(() => lines.find((l) => l.msg === 'the client closed the connection before the answer'));
    expect(line).toMatchObject({ level: 30 });
    expect(line.err).toBeUndefined();
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('one line per request, by request id, with every error code the answer carries (refusals too)', async () => {
    const refused = await logged.queryWith({}, 'query Probe { constructionProjects(first: 1) { totalCount } }');
    const codes = (refused.errors ?? []).map((e) => e.extensions?.code);
    expect(codes.length).toBeGreaterThan(0);
    const answered = await logged.query('query Probe { serviceItems(stage: COMPLETION_ACCEPTANCE) { code } }');
    expect(answered.errors).toBeUndefined();
    const requests = await waitFor(() => {
      const found = lines.filter((l) => l.msg === 'request' && l.operation === 'Probe');
      return found.length === 2 ? found : undefined;
    });
    expect(requests.map((l) => ({ caller: l.caller, errors: l.errors }))).toEqual([
      { caller: 'anonymous', errors: codes },
      { caller: expect.stringMatching(/^user:/), errors: [] },
    ]);
    expect(new Set(requests.map((l) => l.requestId)).size).toBe(2);
  });
});

/** Polls until `find` returns something (the server logs after the socket closes). */
async function waitFor<T>(find: () => T | undefined, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the expected log line never came');
}
