/**
 * A small shop supergraph that is not ours, to show the gateway serves any Federation 2
 * supergraph by the specification: six subgraphs using entities, @requires, @provides,
 * interfaces with @interfaceObject, @override, @shareable and @inaccessible.
 * Each subgraph records the operations it receives, so tests assert what was fetched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { readPlanner } from '../../gateway/config';
import type { PlannerName } from '../../gateway/execution/planner';
import { createGateway } from '../../gateway/server';
import { createGraphQLHttpServer } from '../../lib/graphql-http';
import { listen } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { postGraphQL, type GraphQLResponse } from '../helpers/stack';

/**
 * The planner the federation tests run the gateway with: GATEWAY_PLANNER, as the gateway
 * command reads it (`GATEWAY_PLANNER=apollo npx jest test/federation` runs them on Apollo's); unset, the default.
 */
export const TEST_PLANNER: PlannerName | undefined = readPlanner(process.env);

/**
 * `it`, or `it.failing` for a planner known to answer wrongly: the test then states the
 * correct answer and fails the day that planner gets it right (time to drop the mark).
 */
export function itUnless(planner: PlannerName, wrongWith: readonly PlannerName[]): jest.It {
  return wrongWith.includes(planner) ? it.failing : it;
}

export const LINK = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${imports.map((i) => `"${i}"`).join(', ')}])`;

const users = [
  { id: '1', name: 'Ada', username: '@ada' },
  { id: '2', name: 'Grace', username: '@grace' },
];
const products = [
  { upc: 'p1', name: 'Table', price: 899, weight: 100, secret: 'cost 300' },
  { upc: 'p2', name: 'Couch', price: 1299, weight: 1000, secret: 'cost 500' },
  { upc: 'p3', name: 'Chair', price: 54, weight: 50, secret: 'cost 10' },
];
const initialReviews = (): { id: string; body: string; authorId: string; upc: string | null; unlisted?: true }[] => [
  { id: 'r1', body: 'Love it!', authorId: '1', upc: 'p1' },
  { id: 'r2', body: 'Too expensive.', authorId: '2', upc: 'p2' },
  { id: 'r3', body: 'Could be better.', authorId: '1', upc: 'p3' },
  // The product was withdrawn: a null key, no reference to resolve.
  { id: 'r4', body: 'Gone now.', authorId: '2', upc: null },
  // The product is unknown to the products subgraph: its entity resolves to null.
  { id: 'r5', body: 'Ghost product.', authorId: '2', upc: 'p404' },
  // The products subgraph fails this one: its error must land on this path alone.
  { id: 'r6', body: 'Broken record.', authorId: '2', upc: 'pERR' },
  // An auditor's unlisted review whose product makes the products subgraph throw
  // outside any one entity, losing the whole `_entities` answer.
  { id: 'r7', body: 'Crash test.', authorId: '3', upc: 'pCRASH', unlisted: true },
];
const auditors = [{ id: '3', name: 'Audit', username: '@audit' }];
const media = [
  { __typename: 'Book', id: 'm1', title: 'Dream of the Red Chamber', author: 'Cao Xueqin' },
  { __typename: 'Movie', id: 'm2', title: 'Farewell My Concubine', director: 'Chen Kaige' },
];

export interface SubgraphDef {
  name: string;
  sdl: string;
  resolvers: any;
}

function definitions(state: { reviews: ReturnType<typeof initialReviews>; events: string[] }): SubgraphDef[] {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return [
    {
      name: 'accounts',
      sdl: `${LINK(['@key', '@shareable'])}
        type Query { me: User users: [User!]! auditors: [User!]! }
        type Mutation { setName(id: ID!, name: String!): User! }
        type User @key(fields: "id") { id: ID! name: String! username: String! @shareable nickname: String! }`,
      resolvers: {
        Query: { me: () => users[0], users: () => users, auditors: () => auditors },
        Mutation: {
          setName: async (_: unknown, { id, name }: { id: string; name: string }) => {
            state.events.push(`setName:${name}:start`);
            await sleep(20); // if mutations ran in parallel, the next one would start meanwhile
            const user = users.find((u) => u.id === id)!;
            user.name = name;
            state.events.push(`setName:${name}:end`);
            return user;
          },
        },
        User: {
          __resolveReference: (ref: { id: string }) => [...users, ...auditors].find((u) => u.id === ref.id) ?? null,
          nickname: (u: { name: string }) => `old-${u.name}`,
        },
      },
    },
    {
      name: 'products',
      sdl: `${LINK(['@key', '@shareable', '@inaccessible'])}
        type Query { topProducts(first: Int = 5): [Product!]! product(upc: ID!): Product }
        type Product @key(fields: "upc") { upc: ID! name: String! @shareable price: Int! weight: Int! secret: String @inaccessible }`,
      resolvers: {
        Query: {
          topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first),
          product: (_: unknown, { upc }: { upc: string }) => products.find((p) => p.upc === upc) ?? null,
        },
        Product: {
          __resolveReference: (ref: { upc: string }) => {
            if (ref.upc === 'pCRASH') throw new Error('products subgraph crashed');
            if (ref.upc === 'pERR') {
              return Promise.reject(new GraphQLError('product record pERR is corrupt', { extensions: { code: 'BROKEN_RECORD' } }));
            }
            return products.find((p) => p.upc === ref.upc) ?? null;
          },
        },
      },
    },
    {
      name: 'inventory',
      sdl: `${LINK(['@key', '@external', '@requires'])}
        type Product @key(fields: "upc") {
          upc: ID!
          price: Int! @external
          weight: Int! @external
          inStock: Boolean!
          shippingEstimate: Int! @requires(fields: "price weight")
        }`,
      resolvers: {
        Product: {
          __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ref,
          inStock: (p: { upc: string }) => p.upc !== 'p2',
          // Free for expensive items, otherwise by weight: needs price and weight from products.
          shippingEstimate: (p: { price: number; weight: number }) => (p.price > 1000 ? 0 : Math.round(p.weight * 0.5)),
        },
      },
    },
    {
      name: 'reviews',
      sdl: `${LINK(['@key', '@external', '@provides', '@shareable', '@override'])}
        type Query { reviews: [Review!]! }
        type Mutation { addReview(upc: ID!, body: String!): Review! }
        type Review @key(fields: "id") { id: ID! body: String! author: User! @provides(fields: "username") product: Product }
        type User @key(fields: "id") { id: ID! username: String! @external reviews: [Review!]! nickname: String! @override(from: "accounts") }
        type Product @key(fields: "upc") { upc: ID! reviews: [Review!]! name: String! @shareable }`,
      resolvers: {
        Query: { reviews: () => state.reviews.filter((r) => !('unlisted' in r)) },
        Mutation: {
          addReview: (_: unknown, { upc, body }: { upc: string; body: string }) => {
            state.events.push(`addReview:${body}`);
            const review = { id: `r${state.reviews.length + 1}`, body, authorId: '1', upc };
            state.reviews.push(review);
            return review;
          },
        },
        Review: {
          author: (r: { authorId: string }) => ({ id: r.authorId, username: [...users, ...auditors].find((u) => u.id === r.authorId)!.username }),
          product: (r: { upc: string | null }) => (r.upc ? { upc: r.upc } : null),
        },
        User: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          reviews: (u: { id: string }) => state.reviews.filter((r) => r.authorId === u.id),
          nickname: (u: { id: string }) => `new-${[...users, ...auditors].find((x) => x.id === u.id)!.name}`,
        },
        Product: {
          __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }),
          reviews: (p: { upc: string }) => state.reviews.filter((r) => r.upc === p.upc),
          name: (p: { upc: string }) => products.find((x) => x.upc === p.upc)?.name ?? 'unknown',
        },
      },
    },
    {
      name: 'media',
      sdl: `${LINK(['@key'])}
        type Query { media: [Media!]! }
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! director: String! }`,
      resolvers: {
        Query: { media: () => media },
        Media: {
          __resolveReference: (ref: { id: string }) => media.find((m) => m.id === ref.id) ?? null,
          __resolveType: (m: { __typename: string }) => m.__typename,
        },
        Book: { __resolveReference: (ref: { id: string }) => media.find((m) => m.id === ref.id) },
        Movie: { __resolveReference: (ref: { id: string }) => media.find((m) => m.id === ref.id) },
      },
    },
    {
      name: 'ratings',
      sdl: `${LINK(['@key', '@interfaceObject'])}
        type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int! }
        type Query { topRated: [Media!]! }`,
      resolvers: {
        Query: { topRated: () => [{ id: 'm2' }] },
        Media: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          rating: (m: { id: string }) => (m.id === 'm1' ? 5 : 4),
        },
      },
    },
  ];
}

export interface FederationFixture {
  gatewayUrl: string;
  supergraphPath: string;
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  /** Operations each subgraph received, in order. */
  fetched: Record<string, { query: string; variables?: Record<string, unknown> }[]>;
  events: string[];
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startFederationFixture(options: { startGateway?: boolean } = {}): Promise<FederationFixture> {
  const state = { reviews: initialReviews(), events: [] as string[] };
  const fixture = await startSupergraph(definitions(state), options);
  return {
    ...fixture,
    events: state.events,
    reset: () => {
      fixture.reset();
      state.events.length = 0;
    },
  };
}

/**
 * These subgraphs, each served over HTTP on an ephemeral port and recording what it
 * receives, composed, and (unless told not to) our gateway in front of them with `planner`
 * (default TEST_PLANNER).
 */
export async function startSupergraph(defs: SubgraphDef[], options: { startGateway?: boolean; planner?: PlannerName } = {}): Promise<FederationFixture> {
  const fetched: FederationFixture['fetched'] = {};
  const closers: (() => Promise<void>)[] = [];
  const subgraphUrls: Record<string, string> = {};
  for (const def of defs) {
    fetched[def.name] = [];
    const apollo = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(def.sdl), resolvers: def.resolvers }),
      includeStacktraceInErrorResponses: false,
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await apollo.start();
    const server = createGraphQLHttpServer({
      apollo,
      logger: silentLogger(),
      context: async () => ({}),
    });
    server.prependListener('request', (req) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (body) fetched[def.name]!.push(JSON.parse(body));
      });
    });
    const listening = await listen(server, 0);
    closers.push(async () => {
      await listening.close();
      await apollo.stop();
    });
    subgraphUrls[def.name] = `${listening.url}/graphql`;
  }
  const composition = composeServices(defs.map((d) => ({ name: d.name, url: subgraphUrls[d.name], typeDefs: parse(d.sdl) })));
  if (composition.errors) throw new Error(composition.errors.map((e) => e.message).join('\n'));
  const supergraphSdl = composition.supergraphSdl;
  const supergraphPath = join(mkdtempSync(join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
  writeFileSync(supergraphPath, supergraphSdl);

  let gatewayUrl = '';
  if (options.startGateway !== false) {
    const gateway = createGateway({ supergraphSdl, logger: silentLogger(), planner: options.planner ?? TEST_PLANNER });
    await gateway.start();
    const listening = await listen(gateway.server, 0);
    closers.push(async () => {
      await listening.close();
      await gateway.stop();
    });
    gatewayUrl = `${listening.url}/graphql`;
  }
  return {
    gatewayUrl,
    supergraphPath,
    supergraphSdl,
    subgraphUrls,
    fetched,
    events: [],
    query: (query, variables) => postGraphQL(gatewayUrl, query, variables),
    reset: () => {
      for (const list of Object.values(fetched)) list.length = 0;
    },
    stop: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

/** How many operations a subgraph received, and whether any asked for `field`. */
export function fetchCount(fixture: FederationFixture, subgraph: string): number {
  return fixture.fetched[subgraph]!.length;
}

export function fetchedField(fixture: FederationFixture, subgraph: string, field: string): boolean {
  return fixture.fetched[subgraph]!.some((op) => new RegExp(`\\b${field}\\b`).test(op.query));
}
