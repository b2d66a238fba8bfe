import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { loadSupergraph } from '../../gateway/supergraph';
import { explorerExamples } from '../../stack/explorer-examples';
import { equivalentShapes } from '../helpers/equivalent-shapes';
import { secondReplica } from '../helpers/gateway';
import { ALL_SCOPES } from '../helpers/issuer';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

/**
 * The prepared path (gateway/execution/prepared-request.ts) against Apollo Server's own
 * request pipeline: the stack's gateway (path on) and a second gateway over the same
 * subgraphs with it off get the same requests, and must answer the same status, the
 * same content type and cache-control, and the same bytes. The requests cover what the
 * pipeline does besides executing: refusals in `didResolveOperation` (limits, an
 * unregistered shape), fields cut by authorization, masking for one caller and not the
 * other, variable coercion errors (BAD_USER_INPUT, 400), a department down (partial
 * answers), a refused mutation, content negotiation, and every equivalent shape of two
 * operations. /status proves the path served them.
 */
const api = loadSupergraph(readFileSync(DEFAULT_SUPERGRAPH, 'utf8')).apiSchema;
const keys = generateKeyPairSync('ed25519');
let stack: TestStack;
let apolloPath: { url: string; stop: () => Promise<void> };
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  stack = await startTestStack({ gatewayKeys: keys, explorer: false });
  apolloPath = await secondReplica(stack, keys.privateKey, { preparedPath: false });
  const clerk = await stack.issuer.token({ sub: 'clerk-prepared', org: '522633-zwzx', region: '522633', scope: 'enterprise:read construction:read approval:read' });
  const entitled = await stack.issuer.token({ sub: 'auditor-prepared', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') });
  callers.staff = { authorization: `Bearer ${stack.staffToken}` };
  callers.clerk = { authorization: `Bearer ${clerk}` };
  callers.entitled = { authorization: `Bearer ${entitled}`, 'x-purpose': 'case:GC202612030001' };
});
afterAll(async () => {
  await apolloPath?.stop();
  await stack?.stop();
});

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  body: string;
}

async function ask(url: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, contentType: response.headers.get('content-type'), cacheControl: response.headers.get('cache-control'), body: await response.text() };
}

const served = async (): Promise<number> => ((await (await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/status'))).json()) as { preparedPath: { served: number } }).preparedPath.served;

/** The prepared path first (it fills the subgraphs' caches, so `dataAsOf` is the same after), then Apollo Server's, then the prepared path again. */
async function same(headers: Record<string, string>, body: unknown): Promise<Answer> {
  await ask(stack.gatewayUrl, headers, body);
  const viaApollo = await ask(apolloPath.url, headers, body);
  const prepared = await ask(stack.gatewayUrl, headers, body);
  expect(prepared).toEqual(viaApollo);
  return prepared;
}

it('is on in the stack, and off in the replica it is compared with', async () => {
  const status = (url: string) => fetch(url.replace(/\/graphql$/, '/status')).then((r) => r.json() as Promise<{ preparedPath: unknown }>);
  expect((await status(stack.gatewayUrl)).preparedPath).toEqual({ served: expect.any(Number), texts: expect.any(Number) });
  expect((await status(apolloPath.url)).preparedPath).toBe('off');
});

it('every explorer example, for each caller: masked, cut and shown as Apollo Server answers', async () => {
  const before = await served();
  const examples = explorerExamples(stack.departments.county);
  let cut = 0;
  let masked = 0;
  for (const example of examples) {
    for (const headers of Object.values(callers)) {
      const answer = await same(headers, { query: example.query, variables: example.variables ?? {}, operationName: example.name });
      expect(answer.status).toBe(200);
      if (answer.body.includes('"FORBIDDEN"')) cut++;
      if (/"\d{6}\*+\d{3}[\dX]"/.test(answer.body)) masked++;
    }
  }
  // Not a comparison of empty answers: the clerk was cut somewhere, and someone saw masked identity numbers.
  expect(cut).toBeGreaterThan(0);
  expect(masked).toBeGreaterThan(0);
  expect((await served()) - before).toBe(examples.length * Object.keys(callers).length * 2);
});

it('every equivalent shape of two operations, for a clerk and for an entitled caller', async () => {
  const project = stack.departments.county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.participants.length === 4)!;
  const bases = [
    { query: operation('JointReview'), variables: { code: project.code } },
    { query: `query Page($region: String!) { enterprises(regionCode: $region, first: 3) { nodes { uscc name legalRepresentative { name idNumber } projects { code parcel { unitNumber } } } } }`, variables: { region: '522633' } },
  ];
  let compared = 0;
  for (const base of bases) {
    for (const shape of equivalentShapes(api, base.query, base.variables)) {
      for (const headers of [callers.clerk!, callers.entitled!]) {
        await same(headers, { query: shape.query, variables: shape.variables });
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThanOrEqual(40);
});

it('refusals, errors and partial answers: the same status, headers and bytes', async () => {
  const staff = callers.staff!;
  const cases: { body: unknown; headers?: Record<string, string>; status: number }[] = [
    // Refused by the limits in didResolveOperation (400).
    { body: { query: `{ constructionProjects(first: 100) { nodes { participants { enterprise { projects { applications { tasks { id } } } } } } } }` }, status: 400 },
    // Variable coercion: BAD_USER_INPUT, 400.
    { body: { query: operation('DashboardProjects'), variables: { first: 'fifty' } }, status: 400 },
    { body: { query: `query One($code: ID!) { constructionProject(code: $code) { code } }`, variables: {} }, status: 400 },
    // Not an operation of the document (Apollo Server's to report), and a syntax error.
    { body: { query: `query A { __typename } query B { __typename }`, operationName: 'C' }, status: 400 },
    { body: { query: `{ constructionProjects(first: 1) { nodes { code }` }, status: 400 },
    // Introspection and __typename, answered by the gateway itself.
    { body: { query: `{ __typename __schema { queryType { name } } }` }, status: 200 },
    // A mutation its subgraph refuses (no such application): an error from the department's side, nothing written.
    { body: { query: `mutation { sendMessage(applicationId: "none", body: "x") { id } }` }, headers: callers.clerk, status: 200 },
    // Content negotiation: the GraphQL response type, and an Accept that takes no JSON (406, Apollo Server's).
    { body: { query: `{ __typename }` }, headers: { accept: 'application/graphql-response+json' }, status: 200 },
    { body: { query: `{ __typename }` }, headers: { accept: 'text/plain' }, status: 406 },
    // Persisted-query hash unknown, and a batch: Apollo Server's either way.
    { body: { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }, status: 200 },
    { body: [{ query: `{ __typename }` }], status: 400 },
  ];
  for (const { body, headers, status } of cases) {
    const answer = await same({ ...staff, ...headers }, body);
    expect([JSON.stringify(body).slice(0, 60), answer.status]).toEqual([JSON.stringify(body).slice(0, 60), status]);
  }
  // A department down: a partial answer with DEPARTMENT_UNAVAILABLE, the same from both.
  stack.departments.land.faults.down = true;
  try {
    await stack.resetCounts();
    const answer = await same(staff, { query: operation('DashboardProjects'), variables: { first: 10 } });
    expect(answer.body).toContain('DEPARTMENT_UNAVAILABLE');
  } finally {
    stack.departments.land.faults.down = false;
  }
});
