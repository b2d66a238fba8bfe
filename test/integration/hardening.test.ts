import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { AuditLog } from '../../gateway/audit/log';
import { sha256 } from '../../lib/hash';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    audit: new AuditLog({ dir: mkdtempSync(join(tmpdir(), 'audit-')) }),
    partners: [
      {
        id: 'tiny',
        name: '限流测试客户端',
        keySha256: sha256('key-tiny'),
        scopes: [],
        region: '522633',
        purposes: ['item'],
        operations: [sha256('{ serviceItems { code } }'), sha256('{ __schema { queryType { name } } }')],
        ratePerMinute: 3,
      },
      { id: 'quiet', name: 'quiet', keySha256: sha256('key-quiet'), scopes: [], region: '522633', purposes: ['item'], operations: [], ratePerMinute: 100 },
    ],
  });
});
afterAll(() => stack.stop());

const raw = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(stack.gatewayUrl, { method: 'POST', headers: { authorization: `Bearer ${stack.staffToken}`, ...headers }, body });

describe('limits with clear errors', () => {
  it('refuses an operation nested too deep', async () => {
    let query = 'name';
    for (let i = 0; i < 7; i++) query = `projects { applicant { ${query} } }`;
    const deep = `{ enterprise(uscc: "91350100M000100Y43") { ${query} } }`;
    const { status, errors } = await stack.query(deep);
    expect(status).toBe(400);
    expect(errors![0]!.message).toMatch(/16 levels deep; at most 12/);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: serviceItems { code }`).join(' ');
    const { errors } = await stack.query(`{ ${aliases} }`);
    expect(errors![0]!.message).toMatch(/31 aliases; at most 30/);
  });

  it('prices list fields by the page they ask for', async () => {
    const costly = `{ constructionProjects(first: 100) { nodes { participants { enterprise { projects { participants { enterprise { name } } } } } } } }`;
    const { status, errors } = await stack.query(costly);
    expect(status).toBe(400);
    expect(errors![0]!.message).toMatch(/would cost about \d+ .*ask for smaller pages/);
    // The dashboard's real page is well within the limit.
    expect((await stack.query(operation('DashboardProjects'), { first: 100 })).errors).toBeUndefined();
  });

  it('refuses a document with too many tokens before parsing it all', async () => {
    const huge = `{ ${'__typename '.repeat(20_000)} }`;
    const response = await raw(JSON.stringify({ query: huge }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/contains more th\w+ 5000 tokens/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] });
  });

  it('limits each caller’s rate with 429 and Retry-After', async () => {
    const headers = { 'x-api-key': 'key-tiny', 'x-purpose': 'item:000133001000', 'content-type': 'application/json' };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(stack.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query: '{ serviceItems { code } }' }) });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('introspection and CORS', () => {
  it('is refused to partner systems even for a registered operation', async () => {
    const other = await startTestStack({
      partners: [{ id: 'p', name: 'p', keySha256: sha256('key-p'), scopes: [], region: '522633', purposes: ['item'], operations: [sha256('{ __schema { queryType { name } } }')], ratePerMinute: 100 }],
    });
    try {
      const { status, errors } = await other.queryWith({ 'x-api-key': 'key-p', 'x-purpose': 'item:1' }, '{ __schema { queryType { name } } }');
      expect(status).toBe(403);
      expect(errors![0]!.message).toMatch(/introspection is not available/);
      expect((await other.query('{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
    } finally {
      await other.stop();
    }
  });

  it('gives partner systems no field suggestions', async () => {
    const headers = { 'x-api-key': 'key-quiet', 'x-purpose': 'item:1' };
    const staff = await stack.query('{ serviceItem { cod } }');
    expect(staff.errors![0]!.message).toMatch(/Did you mean/);
    const partnerAnswer = await stack.queryWith(headers, '{ serviceItems { cod } }');
    expect(partnerAnswer.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(partnerAnswer.errors![0]!.message).toMatch(/Cannot query field "cod"/);
    expect(partnerAnswer.errors![0]!.message).not.toMatch(/Did you mean/);
  });

  it('answers CORS preflight only for allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(stack.gatewayUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect((await preflight('https://evil.example')).status).toBe(403);
    const allowed = await startTestStack({ corsOrigins: ['https://dashboard.congjiang.gov.cn'] });
    try {
      const ok = await fetch(allowed.gatewayUrl, {
        method: 'OPTIONS',
        headers: { origin: 'https://dashboard.congjiang.gov.cn', 'access-control-request-method': 'POST' },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://dashboard.congjiang.gov.cn');
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    } finally {
      await allowed.stop();
    }
  });
});

describe('fuzz: bad and hostile input never gets a 5xx, a hang or a crash', () => {
  const cases: [string, () => Promise<Response>][] = [
    ['malformed JSON', () => raw('{"query": "{ serviceItems { code } ')],
    ['JSON that is not an object', () => raw('[1,2,3]')],
    ['a number as query', () => raw(JSON.stringify({ query: 42 }))],
    ['wrong content type', () => raw('query={ serviceItems { code } }', { 'content-type': 'application/x-www-form-urlencoded' })],
    ['no body', () => raw('')],
    ['binary garbage', () => raw(String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)))],
    ['variables of the wrong type', () => raw(JSON.stringify({ query: operation('JointReview'), variables: { code: { nested: true } } }))],
    ['variables that are not an object', () => raw(JSON.stringify({ query: operation('JointReview'), variables: 'code' }))],
    ['an unknown operation name', () => raw(JSON.stringify({ query: operation('JointReview'), operationName: 'Nope', variables: { code: 'x' } }))],
    ['deeply nested brackets', () => raw(JSON.stringify({ query: `{ ${'serviceItems { '.repeat(500)}code${' }'.repeat(500)} }` }))],
    ['a huge body', () => raw(JSON.stringify({ query: '{ __typename }', x: 'y'.repeat(2_000_000) }))],
    ['a garbage token', () => raw(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', authorization: 'Bearer not.a.token' })],
    ['a token in the wrong scheme', () => raw(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', authorization: 'Basic dTpw' })],
    ['a bad purpose header', () => raw(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', 'x-purpose': 'because I want it' })],
    ['a mutation over GET', () => fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('mutation { resubmitCorrections(applicationId: "x", materials: []) { id } }')}`, { headers: { 'apollo-require-preflight': '1' } })],
  ];

  it.each(cases)('%s → 4xx or a GraphQL error with a message', async (_name, send) => {
    const response = await send();
    expect(response.status).toBeLessThan(500);
    const body = await response.json();
    if (response.status >= 400) expect(body.errors?.[0]?.message).toEqual(expect.any(String));
    else expect(body.errors?.[0]?.message ?? body.data).toBeDefined();
  });

  it('is still serving afterwards', async () => {
    expect((await stack.query('{ serviceItems { code } }')).data.serviceItems.length).toBeGreaterThan(0);
  });
});

describe('production mode', () => {
  it('refuses to start without a configured identity provider', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts')], {
      env: { ...process.env, NODE_ENV: 'production', AUTH_ISSUER: '', AUTH_JWKS_URL: '', AUTH_JWKS_FILE: '', AUDIT_DIR: '', AUDIT_CHECKPOINT_KEY_FILE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/production needs the identity provider: set AUTH_ISSUER/);
    expect(stderr).toMatch(/AUDIT_DIR must be set in production/);
    expect(stderr).toMatch(/AUDIT_CHECKPOINT_KEY_FILE must be set in production/);
    expect(stderr).toMatch(/GATEWAY_PURPOSE_KINDS must be set in production/);
  });
});

describe('automatic persisted queries for front ends', () => {
  it('registers a query by its hash and runs it by hash afterwards', async () => {
    const query = '{ serviceItems(stage: COMPLETION_ACCEPTANCE) { code } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const byHashFirst = await raw(JSON.stringify({ extensions }));
    expect((await byHashFirst.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await raw(JSON.stringify({ query, extensions }));
    expect((await register.json()).data.serviceItems.length).toBeGreaterThan(0);
    const byHash = await raw(JSON.stringify({ extensions }));
    expect((await byHash.json()).data.serviceItems.length).toBeGreaterThan(0);
  });

  it('does not let a partner run an unregistered operation through a persisted hash', async () => {
    const query = '{ serviceItems { name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    await raw(JSON.stringify({ query, extensions })); // staff registers it with the cache
    const partnerTry = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'key-quiet', 'x-purpose': 'item:1' },
      body: JSON.stringify({ extensions }),
    });
    expect(partnerTry.status).toBe(403);
  });
});

describe('what the gateway answers to a subscription sent as one HTTP request', () => {
  it('a 400 that says where subscriptions are served, never a 500', async () => {
    const { status, errors } = await stack.query('subscription { applicationUpdated { id } }');
    expect(status).toBe(400);
    expect(errors![0]!.extensions!.code).toBe('BAD_REQUEST');
    expect(errors![0]!.message).toMatch(/served over WebSocket .* or Server-Sent Events/);
  });
});

describe('metrics labels', () => {
  it('name the operations the gateway knows (warmed, a partner’s registered ones) and call the rest `other`, however many names arrive', async () => {
    for (let i = 0; i < 20; i++) await stack.query(`query Probe${i}x${Date.now()} { serviceItems { code } }`);
    await stack.query(operation('ServiceGuide'), { itemCode: '000127003000', answers: [{ question: 'nature', value: 'NEW' }, { question: 'zone', value: 'INSIDE' }] });
    const text = await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();
    const labels = new Set([...text.matchAll(/^gateway_requests_total\{operation="([^"]*)"/gm)].map((m) => m[1]));
    expect(labels).toContain('ServiceGuide');
    expect(labels).toContain('other');
    expect([...labels].filter((l) => l!.startsWith('Probe'))).toEqual([]);
  });
});
