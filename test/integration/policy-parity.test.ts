/**
 * The policies take away, they never change: for an operation they allow, the stack's
 * gateway with every feature on (the normalized operation, limits, authorization,
 * masking, the audit trail with its entity keys) answers byte for byte what the same
 * gateway answers with the audit off and limits out of the way, over the same
 * subgraphs. The caller is entitled to everything (every scope, personal data with a
 * purpose), so masking leaves values as they are: what is compared is everything else.
 * Operations: the README's (docs/operations, as the explorer opens them) and the
 * dashboard's. Writes are left out: the two gateways would make two applications.
 */
import { internalIdentityKey } from '../../contracts/internal-identity';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { createGateway, type GatewayService } from '../../gateway/server';
import { listen, type Listening } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { ALL_SCOPES, AUDIENCE, DEV_ISSUER } from '../../stack/dev-issuer';
import { explorerExamples } from '../../stack/explorer-examples';
import { startTestStack, type TestStack } from '../helpers/stack';

const keys = generateKeyPairSync('ed25519');
const auditDir = mkdtempSync(join(tmpdir(), 'audit-'));
const UNLIMITED = { maxDepth: 1_000, maxAliases: 10_000, maxCost: 1e12, maxSelections: 1e6, maxResponseBytes: 1e12, maxEntities: 1e9 };
let stack: TestStack;
let plain: { gateway: GatewayService; listening: Listening };
let headers: Record<string, string>;

beforeAll(async () => {
  stack = await startTestStack({ gatewayKeys: keys, explorer: false, audit: new AuditLog({ dir: auditDir }) });
  const gateway = createGateway({
    supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH, 'utf8'),
    subgraphUrls: stack.subgraphUrls,
    logger: silentLogger(),
    signIn: { issuers: [{ issuer: DEV_ISSUER, audience: AUDIENCE, jwks: { set: stack.issuer.jwks } }] },
    internalIdentityKey: await internalIdentityKey(keys.privateKey),
    limits: UNLIMITED,
  });
  await gateway.start();
  plain = { gateway, listening: await listen(gateway.server, 0) };
  const token = await stack.issuer.token({ sub: 'parity', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') });
  headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'case:GC202612020002' };
});
afterAll(async () => {
  await plain.listening.close();
  await plain.gateway.stop();
  await stack.stop();
});

const post = async (url: string, query: string, variables: Record<string, unknown>) => {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.text() };
};

/** The full gateway first (it fills the subgraphs' caches, so `dataAsOf` is the same after). */
async function compare(query: string, variables: Record<string, unknown>) {
  await post(stack.gatewayUrl, query, variables);
  const withoutPolicies = await post(`${plain.listening.url}/graphql`, query, variables);
  const withPolicies = await post(stack.gatewayUrl, query, variables);
  expect(withPolicies).toEqual(withoutPolicies);
  expect(withPolicies.status).toBe(200);
  return JSON.parse(withPolicies.body);
}

const dashboard = (name: string) => readFileSync(join(__dirname, '..', '..', 'web', 'dashboard', 'src', 'operations', `${name}.graphql`), 'utf8');

describe('with every policy on, an allowed operation is answered byte for byte as without them', () => {
  it('every README operation the explorer opens', async () => {
    const examples = explorerExamples(stack.departments.county);
    expect(examples.length).toBeGreaterThanOrEqual(7);
    const before = readRecords(auditDir).length;
    for (const example of examples) expect((await compare(example.query, example.variables ?? {})).data).toBeTruthy();
    // The audit was on for all of them: it recorded, and still changed nothing.
    expect(readRecords(auditDir).length).toBeGreaterThan(before);
  });

  it('the dashboard’s operations: a project page, a list, an application list, the towns', async () => {
    const project = stack.departments.county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT')!;
    expect((await compare(dashboard('DashboardProject'), { code: project.code })).data.constructionProject.code).toBe(project.code);
    expect((await compare(dashboard('DashboardProjectList'), { first: 50 })).data.constructionProjects.nodes).toHaveLength(50);
    await compare(dashboard('DashboardApplicationList'), { first: 20, jointStatus: 'IN_REVIEW' });
    await compare(dashboard('DashboardTowns'), { county: '522633' });
  });
});
