import { PLANNERS } from '../../gateway/execution/planner';
import { itUnless, LINK, startSupergraph, type FederationFixture } from './fixture';

/**
 * A type whose keys differ by subgraph, reached through a chain: the review subgraph
 * lists licences, the registry gives their title, and the review subgraph computes a
 * summary that `@requires` the title. Going back to the review subgraph must use the key
 * it can resolve (`number holder { kind region }`), not one it only declares.
 * @apollo/gateway 2.14's planner goes back with `holder { uscc kind }`, declared
 * `resolvable: false` there: every licence resolves to null and, `summary` being
 * non-null, so does the application. Wrong in the planner (upstream), marked failing for it.
 */
const licences = [
  { number: 'L-001', serial: 'S9', holder: { uscc: '91522633MA6DL1XY2A', kind: 'enterprise', region: '522633' }, title: '建筑工程施工许可证' },
  { number: 'L-002', serial: 'S7', holder: { uscc: '91522633MA6DL2XY3B', kind: 'enterprise', region: '522633' }, title: '建设工程规划许可证' },
];
type Licence = (typeof licences)[number];
type HolderRef = { uscc?: string; kind?: string; region?: string };

const subgraphs = [
  {
    name: 'registry',
    sdl: `${LINK(['@key'])}
      type Licence
        @key(fields: "number")
        @key(fields: "serial", resolvable: false)
        @key(fields: "holder { uscc kind }", resolvable: false)
        @key(fields: "number holder { kind region }", resolvable: false) {
        number: ID!
        serial: ID!
        holder: Holder!
        title: String!
      }
      type Holder { uscc: ID! kind: String! region: String! }`,
    resolvers: {
      Licence: { __resolveReference: ({ number }: { number: string }) => licences.find((l) => l.number === number) ?? null },
    },
  },
  {
    name: 'review',
    sdl: `${LINK(['@key', '@external', '@requires'])}
      type Query { application: Application }
      type Application @key(fields: "id") { id: ID! licences: [Licence!]! }
      type Licence
        @key(fields: "holder { uscc kind }", resolvable: false)
        @key(fields: "number holder { kind region }")
        @key(fields: "serial", resolvable: false)
        @key(fields: "number", resolvable: false) {
        number: ID!
        serial: ID!
        holder: Holder!
        title: String! @external
        summary: String! @requires(fields: "title")
      }
      type Holder { uscc: ID! kind: String! region: String! }`,
    resolvers: {
      Query: { application: () => ({ id: 'A1', licences }) },
      Licence: {
        // Found only by its resolvable key: a number and the holder's kind and region.
        __resolveReference: (ref: { number?: string; holder?: HolderRef; title?: string }) => {
          const licence = licences.find((l: Licence) => l.number === ref.number && l.holder.kind === ref.holder?.kind && l.holder.region === ref.holder?.region);
          return licence ? { ...licence, title: ref.title } : null;
        },
        summary: ({ number, title }: { number: string; title: string }) => `${number} ${title}`,
      },
    },
  },
];

describe.each(PLANNERS)('a type keyed differently in each subgraph, reached through a chain (%s planner)', (planner) => {
  let fixture: FederationFixture;
  beforeAll(async () => {
    fixture = await startSupergraph(subgraphs, { planner });
  });
  afterAll(() => fixture.stop());
  beforeEach(() => fixture.reset());

  itUnless(planner, ['apollo'])('goes back to the review subgraph by the key it resolves', async () => {
    const { data, errors } = await fixture.query('{ application { id licences { number title summary } } }');
    expect(errors).toBeUndefined();
    expect(data.application).toEqual({
      id: 'A1',
      licences: [
        { number: 'L-001', title: '建筑工程施工许可证', summary: 'L-001 建筑工程施工许可证' },
        { number: 'L-002', title: '建设工程规划许可证', summary: 'L-002 建设工程规划许可证' },
      ],
    });
    // The list, the titles, then the summaries: three requests, the last keyed by number and holder kind and region.
    expect(fixture.fetched.registry).toHaveLength(1);
    expect(fixture.fetched.review).toHaveLength(2);
    expect(fixture.fetched.review![1]!.variables!.representations).toEqual(
      licences.map((l) => ({ __typename: 'Licence', number: l.number, holder: { kind: l.holder.kind, region: l.holder.region }, title: l.title })),
    );
  });
});
