import { internalIdentityKey } from '../../contracts/internal-identity';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { createGateway, type GatewayService } from '../../gateway/server';
import { listen, type Listening } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { AUDIENCE, DEV_ISSUER } from '../../stack/dev-issuer';
import { explorerExamples } from '../../stack/explorer-examples';
import { executorMetrics } from '../helpers/gateway';
import { startTestStack, type TestStack } from '../helpers/stack';
import { readOperationFiles } from '../../scripts/schema-operations';

/** What the stack plans at start: every operation clients send (docs/operations, the dashboard's). */
const WARM_OPERATIONS = readOperationFiles(join(__dirname, '..', '..')).flatMap((file) => file.documents).length;

/**
 * Our county's operations through the compiled plan executor (the stack's gateway) and
 * through @apollo/gateway's own (a second gateway over the same subgraphs, signing with
 * the same key): the same bytes, with masking, stale markers and department errors in.
 */
describe('the compiled executor answers our operations as @apollo/gateway does', () => {
  const keys = generateKeyPairSync('ed25519');
  let stack: TestStack;
  let apollo: { gateway: GatewayService; listening: Listening };

  beforeAll(async () => {
    stack = await startTestStack({ gatewayKeys: keys, explorer: false });
    const gateway = createGateway({
      supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH, 'utf8'),
      subgraphUrls: stack.subgraphUrls,
      logger: silentLogger(),
      signIn: { issuers: [{ issuer: DEV_ISSUER, audience: AUDIENCE, jwks: { set: stack.issuer.jwks } }] },
      internalIdentityKey: await internalIdentityKey(keys.privateKey),
      executor: 'apollo',
    });
    await gateway.start();
    apollo = { gateway, listening: await listen(gateway.server, 0) };
  });

  afterAll(async () => {
    await apollo.listening.close();
    await apollo.gateway.stop();
    await stack.stop();
  });

  async function post(url: string, query: string, variables: Record<string, unknown>): Promise<string> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.staffToken}` },
      body: JSON.stringify({ query, variables }),
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  /** The stack's gateway first (it fills the subgraphs' caches, so `dataAsOf` is the same for both after). */
  async function compare(query: string, variables: Record<string, unknown>): Promise<any> {
    await post(stack.gatewayUrl, query, variables);
    const fromApollo = await post(`${apollo.listening.url}/graphql`, query, variables);
    const compiled = await post(stack.gatewayUrl, query, variables);
    expect(compiled).toBe(fromApollo);
    return JSON.parse(compiled);
  }

  it('plans our documented and dashboard operations before the first request, and counts them in /metrics', async () => {
    // docs/operations and the dashboard's, each planned when the supergraph loaded.
    expect(await executorMetrics(stack.gatewayUrl)).toEqual({ plans: WARM_OPERATIONS, handedOver: {} });
  });

  it('every example operation of the explorer', async () => {
    const examples = explorerExamples(stack.departments.county);
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const example of examples) {
      const body = await compare(example.query, example.variables ?? {});
      expect(body.data).toBeTruthy();
    }
    // Served by the warmed plans: none was planned again, none handed over.
    expect(await executorMetrics(stack.gatewayUrl)).toEqual({ plans: WARM_OPERATIONS, handedOver: {} });
  });

  it('a 50-project dashboard page, and a page with a department down', async () => {
    const dashboard = explorerExamples(stack.departments.county).find((e) => e.name === 'DashboardProjects')!;
    const full = await compare(dashboard.query, { first: 50 });
    expect(full.data.constructionProjects.nodes).toHaveLength(50);
    await stack.resetCounts();
    stack.departments.land.faults.down = true;
    try {
      const degraded = await compare(dashboard.query, { first: 50, after: Buffer.from('offset:50').toString('base64url') });
      expect(degraded.errors.some((e: { extensions: { code: string } }) => e.extensions.code === 'DEPARTMENT_UNAVAILABLE')).toBe(true);
    } finally {
      stack.departments.land.faults.down = false;
    }
  });

  it('plans them again for a new supergraph, before a request asks, and drops the old plans', async () => {
    const before = (await executorMetrics(stack.gatewayUrl)).plans;
    const sdl = readFileSync(DEFAULT_SUPERGRAPH, 'utf8').replace('\ntype Query', '\n"Reloaded by the executor test."\ntype Query');
    expect(stack.gateway!.reloadSupergraph(sdl).status).toBe('reloaded');
    expect((await executorMetrics(stack.gatewayUrl)).plans).toBe(before + WARM_OPERATIONS);
    const joint = explorerExamples(stack.departments.county).find((e) => e.name === 'JointReview')!;
    await compare(joint.query, joint.variables ?? {});
    expect((await executorMetrics(stack.gatewayUrl)).plans).toBe(before + WARM_OPERATIONS);
  });
});
