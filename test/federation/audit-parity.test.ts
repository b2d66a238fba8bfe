/**
 * The audit on a supergraph that is not ours: it must never change an answer. The same
 * shop subgraphs behind two gateways, one with the audit trail and one without: every
 * answer is the same bytes, no reserved alias reaches a client, and the record names the
 * entities returned under interfaces and through @interfaceObject by their runtime type.
 * Equivalent shapes of each operation (test/helpers/equivalent-shapes.ts) get the same
 * answer and the same record too. Also here: the cost of fragments on types that can
 * never both apply is their dearest branch.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { OperationNormalizer } from '../../gateway/operation/normalize';
import { measure } from '../../gateway/capabilities/limits';
import { createGateway, type GatewayService } from '../../gateway/server';
import { loadSupergraph } from '../../gateway/supergraph';
import { listen, type Listening } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { equivalentShapes } from '../helpers/equivalent-shapes';
import { startFederationFixture, type FederationFixture } from './fixture';

let fixture: FederationFixture;
let audited: { gateway: GatewayService; listening: Listening };
const auditDir = mkdtempSync(join(tmpdir(), 'audit-'));

beforeAll(async () => {
  fixture = await startFederationFixture();
  const gateway = createGateway({ supergraphSdl: fixture.supergraphSdl, logger: silentLogger(), audit: new AuditLog({ dir: auditDir }) });
  await gateway.start();
  audited = { gateway, listening: await listen(gateway.server, 0) };
});
afterAll(async () => {
  await audited.listening.close();
  await audited.gateway.stop();
  await fixture.stop();
});

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const requestId = randomUUID();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.text(), requestId };
}

/** The audited gateway's answer, checked against the plain one's, with the record it left. */
async function both(query: string, variables?: Record<string, unknown>) {
  const plain = await post(fixture.gatewayUrl, query, variables);
  const withAudit = await post(`${audited.listening.url}/graphql`, query, variables);
  expect(withAudit.body).toBe(plain.body);
  expect(withAudit.status).toBe(plain.status);
  expect(withAudit.body).not.toMatch(/__auditKey/);
  const record = readRecords(auditDir).find((r) => r.requestId === withAudit.requestId);
  return { data: JSON.parse(withAudit.body).data, entities: record?.entities as Record<string, string[]> | undefined };
}

// Three items each: jest hands a test function with more parameters than its row a `done` callback.
const OPERATIONS: [string, string, Record<string, unknown>][] = [
  ['an interface with fragments per type', '{ media { __typename id title ... on Book { author } ... on Movie { director } } }', {}],
  ['a fragment on one member type only', '{ media { ... on Book { title } } }', {}],
  ['only __typename under a member type', '{ media { ... on Book { __typename } } }', {}],
  ['@interfaceObject fields', '{ topRated { id rating title } }', {}],
  ['@requires and @provides across subgraphs', '{ topProducts { upc name shippingEstimate reviews { body author { username name } } } }', {}],
  ['entities without their keys selected', '{ me { name reviews { body product { name price } } } }', {}],
  ['aliases and a named fragment', 'query { a: topProducts(first: 1) { ...P } b: topProducts(first: 2) { upc } } fragment P on Product { name inStock }', {}],
  ['conditions from variables', 'query($withPrice: Boolean!, $noName: Boolean!) { topProducts { upc price @include(if: $withPrice) name @skip(if: $noName) } }', { withPrice: true, noName: true }],
  ['null and unresolvable entities', '{ reviews { id product { upc name } } }', {}],
];

describe('the audit changes no answer', () => {
  it.each(OPERATIONS)('%s', async (_name, query, variables) => {
    const { data } = await both(query, variables);
    expect(data).not.toBeNull();
  });

  it('records entities under an interface by runtime type, including those whose fragment selected nothing', async () => {
    expect((await both('{ media { ... on Book { title } } }')).entities).toEqual({ Book: ['m1'], Movie: ['m2'] });
    const typenames = await both('{ media { ... on Book { __typename } } }');
    expect(typenames.data).toEqual({ media: [{ __typename: 'Book' }, {}] });
    expect(typenames.entities).toEqual({ Book: ['m1'], Movie: ['m2'] });
  });

  it('records @interfaceObject entities and entities whose keys the client did not select', async () => {
    expect((await both('{ topRated { rating } }')).entities).toEqual({ Movie: ['m2'] });
    const me = await both('{ me { name reviews { body product { name } } } }');
    expect(me.entities).toEqual({ User: ['1'], Review: ['r1', 'r3'], Product: ['p1', 'p3'] });
  });

  it.each(OPERATIONS.slice(0, 7))('every equivalent shape of “%s” gets the same answer and record', async (_name, query, variables) => {
    const expected = await both(query, variables);
    const { apiSchema } = loadSupergraph(fixture.supergraphSdl);
    for (const shape of equivalentShapes(apiSchema, query, variables)) {
      const got = await both(shape.query, shape.variables);
      expect({ shape: shape.name, ...got }).toEqual({ shape: shape.name, ...expected });
    }
  });
});

describe('the cost of fragments on types that cannot both apply', () => {
  it('is their dearest branch, not their sum', () => {
    const { apiSchema } = loadSupergraph(fixture.supergraphSdl);
    const costOf = (query: string) => measure(apiSchema, new OperationNormalizer(apiSchema, { maxSelections: 1000 }).normalize(parse(query), query, undefined, {}), {}).cost;
    // A list of media: 10 items assumed, each a Book or a Movie, never both.
    const exclusive = costOf('{ media { ... on Book { title author } ... on Movie { title director } } }');
    expect(exclusive).toBe(costOf('{ media { ... on Book { title author } } }'));
    expect(exclusive).toBe(10 + 10 * 2);
    // Fields on the interface itself apply to every member: added to the branch.
    expect(costOf('{ media { id ... on Book { title author } ... on Movie { director } } }')).toBe(10 + 10 * 3);
  });
});
