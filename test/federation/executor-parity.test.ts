import { createServer, type Server } from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createGateway, type GatewayService } from '../../gateway/server';
import { createGraphQLHttpServer } from '../../lib/graphql-http';
import { listen, type Listening } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { executorMetrics } from '../helpers/gateway';
import { startFederationFixture, TEST_PLANNER, type FederationFixture } from './fixture';

/**
 * The compiled plan executor (gateway/execution) against @apollo/gateway's own, on the
 * same supergraph and the same subgraphs: every response must be the same bytes. The
 * operations cover what a plan does (entities, @requires, @provides, interfaces,
 * @interfaceObject, @skip/@include, aliases, fragments, introspection) and what a
 * subgraph can get wrong (invalid values, nulls where null is not allowed, unknown
 * types, errors inside entity batches, short batches, failures).
 */

interface Pair {
  compiled: string;
  apollo: string;
  /** What the compiled side handed to Apollo's executor, by reason (its /metrics). */
  handedOver(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function gatewayPair(supergraphSdl: string): Promise<Pair> {
  const started: { gateway: GatewayService; listening: Listening }[] = [];
  for (const executor of ['compiled', 'apollo'] as const) {
    // The compiled executor with the planner under test (GATEWAY_PLANNER); Apollo's executor plans with its own.
    const gateway = createGateway({ supergraphSdl, logger: silentLogger(), executor, planner: executor === 'compiled' ? TEST_PLANNER : undefined });
    await gateway.start();
    started.push({ gateway, listening: await listen(gateway.server, 0) });
  }
  return {
    compiled: `${started[0]!.listening.url}/graphql`,
    apollo: `${started[1]!.listening.url}/graphql`,
    handedOver: async () => (await executorMetrics(`${started[0]!.listening.url}/graphql`)).handedOver,
    stop: async () => {
      for (const { gateway, listening } of started) {
        await listening.close();
        await gateway.stop();
      }
    },
  };
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: await response.text() };
}

/** Both executors' answers, checked equal; the compiled one parsed for the test's own assertions. */
async function both(pair: Pair, query: string, variables?: Record<string, unknown>): Promise<any> {
  const compiled = await post(pair.compiled, query, variables);
  const apollo = await post(pair.apollo, query, variables);
  expect(compiled.body).toBe(apollo.body);
  expect(compiled.status).toBe(apollo.status);
  return JSON.parse(compiled.body);
}

describe('the compiled executor answers as @apollo/gateway does: shop supergraph', () => {
  let fixture: FederationFixture;
  let pair: Pair;
  beforeAll(async () => {
    fixture = await startFederationFixture({ startGateway: false });
    pair = await gatewayPair(fixture.supergraphSdl);
  });
  afterAll(async () => {
    await pair.stop();
    await fixture.stop();
  });
  // Otherwise the parity would be Apollo's executor against itself.
  afterEach(async () => expect(await pair.handedOver()).toEqual({}));

  const operations: [string, string, Record<string, unknown>?][] = [
    ['entities across three subgraphs', '{ topProducts { upc name price inStock shippingEstimate reviews { body author { name username nickname } } } }'],
    ['defaulted and given arguments', 'query($n: Int) { topProducts(first: $n) { name } }', { n: 2 }],
    ['aliases and __typename aliases', '{ a: topProducts(first: 1) { kind: __typename n: name p: price } b: me { t: __typename id } }'],
    ['@skip and @include by variable', 'query($yes: Boolean!, $no: Boolean = false) { topProducts { name price @include(if: $yes) weight @skip(if: $yes) inStock @include(if: $no) } }', { yes: true }],
    ['@skip and @include by literal', '{ me { name @skip(if: true) username @include(if: true) } }'],
    ['fragments merge into one object', 'fragment P on Product { name reviews { body } } { topProducts(first: 2) { ...P ... on Product { reviews { author { name } } } upc } }'],
    ['a null entity and a withdrawn key', '{ reviews { id product { upc name price } } }'],
    ['interfaces and @interfaceObject', '{ media { __typename id title ... on Book { author } ... on Movie { director } rating } topRated { __typename id title rating } }'],
    ['@provides', '{ reviews { author { username } } }'],
    ['introspection beside data', '{ __typename me { name } __schema { queryType { name } } __type(name: "Product") { name kind } }'],
    ['a root field that is null', '{ product(upc: "nope") { name } }'],
    ['variables that do not fit', 'query($n: Int) { topProducts(first: $n) { name } }', { n: 'many' }],
  ];

  // Rows padded to three: jest takes a test function with more parameters than the row for a done-callback test.
  it.each(operations.map(([name, query, variables]) => [name, query, variables ?? {}] as const))('%s', async (_name, query, variables) => {
    const body = await both(pair, query, variables);
    expect(body.data !== undefined || body.errors !== undefined).toBe(true);
  });

  it('reports the entity a subgraph could not resolve, at its place in the response', async () => {
    const body = await both(pair, '{ reviews { id product { upc name } } }');
    const ghost = body.data.reviews.find((r: { id: string }) => r.id === 'r5');
    expect(ghost.product).toEqual({ upc: 'p404', name: 'unknown' });
  });
});

/** A legacy subgraph that answers whatever the test scripts: the wrong things a real one might. */
function scriptedSubgraph(): { server: Server; answer: (reply: (representations: { id: string }[]) => unknown) => void } {
  let reply: (representations: { id: string }[]) => unknown = () => ({ data: { _entities: [] } });
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const { variables } = JSON.parse(text) as { variables?: { representations?: { id: string }[] } };
      const body = reply(variables?.representations ?? []);
      if (body === 'hang up') {
        req.socket.destroy();
        return;
      }
      if (typeof body === 'string') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  return { server, answer: (r) => (reply = r) };
}

describe('the compiled executor answers as @apollo/gateway does: a subgraph that misbehaves', () => {
  const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
  const catalogSdl = `${LINK}
    type Query { items: [Item!]! item(id: ID!): Item looseItems: [Item] }
    type Item @key(fields: "id") { id: ID! title: String }`;
  const legacySdl = `${LINK}
    enum Status { OPEN CLOSED }
    type Owner { name: String! }
    type Item @key(fields: "id") { id: ID! label: String! status: Status count: Int tags: [String!] owner: Owner }`;
  const items = [
    { id: '1', title: 'one' },
    { id: '2', title: 'two' },
    { id: '3', title: null },
  ];
  const closers: (() => Promise<void>)[] = [];
  let pair: Pair;
  let legacy: ReturnType<typeof scriptedSubgraph>;
  const good = (r: { id: string }) => ({ __typename: 'Item', id: r.id, label: `L${r.id}`, status: 'OPEN', count: Number(r.id), tags: ['a'], owner: { name: `owner ${r.id}` } });

  beforeAll(async () => {
    const apollo = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(catalogSdl),
        resolvers: { Query: { items: () => items, item: (_: unknown, { id }: { id: string }) => items.find((i) => i.id === id) ?? null, looseItems: () => [...items, null] } },
      }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await apollo.start();
    const catalog = await listen(createGraphQLHttpServer({ apollo, logger: silentLogger(), context: async () => ({}) }), 0);
    closers.push(async () => {
      await catalog.close();
      await apollo.stop();
    });
    legacy = scriptedSubgraph();
    const legacyListening = await listen(legacy.server, 0);
    closers.push(() => legacyListening.close());
    const composition = composeServices([
      { name: 'catalog', url: `${catalog.url}/graphql`, typeDefs: parse(catalogSdl) },
      { name: 'legacy', url: `${legacyListening.url}/graphql`, typeDefs: parse(legacySdl) },
    ]);
    if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
    pair = await gatewayPair(composition.supergraphSdl);
  });
  afterEach(async () => expect(await pair.handedOver()).toEqual({}));
  afterAll(async () => {
    await pair.stop();
    for (const close of closers.reverse()) await close();
  });

  const ALL = '{ items { id title label status count tags owner { name } } }';

  it('a well-behaved answer', async () => {
    legacy.answer((reps) => ({ data: { _entities: reps.map(good) } }));
    const body = await both(pair, ALL);
    expect(body.data.items).toHaveLength(3);
    expect(body.errors).toBeUndefined();
  });

  it('a value outside its enum or its scalar: nulled, reported as value completion', async () => {
    legacy.answer((reps) => ({ data: { _entities: reps.map((r) => ({ ...good(r), status: r.id === '2' ? 'WEIRD' : 'OPEN', count: r.id === '3' ? 1.5 : '7' })) } }));
    const body = await both(pair, ALL);
    expect(body.data.items[1].status).toBeNull();
    expect(body.extensions.valueCompletion.map((e: { message: string }) => e.message)).toContain('Invalid value found for field Item.status.');
  });

  it('null where null is not allowed bubbles up to the nearest nullable place', async () => {
    legacy.answer((reps) => ({ data: { _entities: reps.map((r) => ({ ...good(r), label: r.id === '2' ? null : good(r).label, tags: r.id === '1' ? ['a', null] : ['b'] })) } }));
    const list = await both(pair, ALL);
    expect(list.data).toBeNull();
    const loose = await both(pair, '{ looseItems { id label tags } }');
    expect(loose.data.looseItems[1]).toBeNull();
    expect(loose.data.looseItems[0].tags).toBeNull();
    const one = await both(pair, '{ item(id: "2") { id label } }');
    expect(one.data.item).toBeNull();
  });

  it('an unknown __typename', async () => {
    legacy.answer((reps) => ({ data: { _entities: reps.map((r) => ({ ...good(r), owner: { __typename: 'Nobody', name: 'x' } })) } }));
    const body = await both(pair, '{ looseItems { id owner { name } } }');
    expect(body.extensions.valueCompletion[0].message).toMatch(/^Invalid __typename found for object at field Item\.owner/);
  });

  it('errors inside an entity batch land at the entity’s path', async () => {
    legacy.answer((reps) => ({
      data: { _entities: reps.map((r) => (r.id === '2' ? null : good(r))) },
      errors: [{ message: 'record 2 is locked', path: ['_entities', 1, 'label'], extensions: { code: 'DEPARTMENT_ERROR' } }],
    }));
    const body = await both(pair, '{ looseItems { id label } }');
    expect(body.errors[0]).toMatchObject({ message: 'record 2 is locked', path: ['looseItems', 1, 'label'], extensions: { code: 'DEPARTMENT_ERROR', serviceName: 'legacy' } });
  });

  it('a batch of the wrong length, and a subgraph that fails outright', async () => {
    legacy.answer(() => ({ data: { _entities: [good({ id: '1' })] } }));
    const short = await both(pair, '{ looseItems { id title label } }');
    expect(short.errors[0].message).toBe('Expected "data._entities" to contain 3 elements');
    legacy.answer(() => 'the legacy system is down at 10.0.0.7');
    const down = await both(pair, '{ looseItems { id title label } }');
    // Named by the subgraph, with no internal address or error page for the client.
    expect(down.errors[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'legacy', reason: 'HTTP 500 Internal Server Error' });
    expect(JSON.stringify(down)).not.toMatch(/127\.0\.0\.1|10\.0\.0\.7/);
    // label is non-null and missing: each item is nulled, the list (of nullable items) stays.
    expect(down.data.looseItems).toEqual([null, null, null, null]);
    legacy.answer(() => 'hang up');
    const dropped = await both(pair, '{ looseItems { id label } }');
    expect(dropped.errors[0].extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'legacy', reason: 'connection failed' });
  });
});
