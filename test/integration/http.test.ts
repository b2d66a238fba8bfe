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
