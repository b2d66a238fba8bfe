import { PLANNERS } from '../../gateway/execution/planner';
import { itUnless, LINK, startSupergraph, type FederationFixture } from './fixture';

/**
 * A field `@requires` a field with arguments (`inspections(last: 3)`) while the client asks
 * for the same field with other arguments (`inspections(last: 1)`): both must be fetched,
 * the first only for the representation, the second only for the answer.
 * @apollo/gateway 2.14's planner fetches only `inspections(last: 3)` and the client gets
 * those three: wrong, in the planner (upstream), so marked failing for it; Hive's fetches
 * `_internal_qp_alias_0: inspections(last: 3)` beside the client's.
 */
const WRONG_WITH = ['apollo'] as const;
const inspections: Record<string, { id: string; passed: boolean }[]> = {
  P1: [
    { id: 'i1', passed: true },
    { id: 'i2', passed: false },
    { id: 'i3', passed: true },
    { id: 'i4', passed: true },
  ],
  P2: [
    { id: 'i5', passed: true },
    { id: 'i6', passed: true },
    { id: 'i7', passed: true },
  ],
};

const subgraphs = [
  {
    name: 'land',
    sdl: `${LINK(['@key'])}
      type Query { parcels: [Parcel!]! }
      type Parcel @key(fields: "id") { id: ID! inspections(last: Int!): [Inspection!]! }
      type Inspection { id: ID! passed: Boolean! }`,
    resolvers: {
      Query: { parcels: () => Object.keys(inspections).map((id) => ({ id })) },
      Parcel: {
        __resolveReference: ({ id }: { id: string }) => (inspections[id] ? { id } : null),
        // Newest first.
        inspections: ({ id }: { id: string }, { last }: { last: number }) => inspections[id]!.slice(0, last),
      },
    },
  },
  {
    name: 'risk',
    sdl: `${LINK(['@key', '@external', '@requires'])}
      type Parcel @key(fields: "id") {
        id: ID!
        inspections(last: Int!): [Inspection!]! @external
        riskLevel: String! @requires(fields: "inspections(last: 3) { passed }")
      }
      type Inspection @external { passed: Boolean! }`,
    resolvers: {
      Parcel: {
        __resolveReference: (parcel: { id: string; inspections: { passed: boolean }[] }) => parcel,
        // Judged on exactly the last three: fewer or more would be another rule.
        riskLevel: ({ inspections: last }: { inspections: { passed: boolean }[] }) => {
          if (last.length !== 3) throw new Error(`riskLevel needs the last 3 inspections, got ${last.length}`);
          return last.every((i) => i.passed) ? 'low' : 'high';
        },
      },
    },
  },
];

describe.each(PLANNERS)('@requires on a field with arguments (%s planner)', (planner) => {
  let fixture: FederationFixture;
  beforeAll(async () => {
    fixture = await startSupergraph(subgraphs, { planner });
  });
  afterAll(() => fixture.stop());
  beforeEach(() => fixture.reset());

  itUnless(planner, WRONG_WITH)('answers the client its own arguments and the requiring field the required ones', async () => {
    const { data, errors } = await fixture.query('{ parcels { id riskLevel inspections(last: 1) { id } } }');
    expect(errors).toBeUndefined();
    expect(data.parcels).toEqual([
      { id: 'P1', riskLevel: 'high', inspections: [{ id: 'i1' }] },
      { id: 'P2', riskLevel: 'low', inspections: [{ id: 'i5' }] },
    ]);
    // One request each; the risk subgraph got the last three inspections of each parcel.
    expect(fixture.fetched.land).toHaveLength(1);
    expect(fixture.fetched.risk).toHaveLength(1);
    expect(fixture.fetched.risk![0]!.variables!.representations).toEqual([
      { __typename: 'Parcel', id: 'P1', inspections: [{ passed: true }, { passed: false }, { passed: true }] },
      { __typename: 'Parcel', id: 'P2', inspections: [{ passed: true }, { passed: true }, { passed: true }] },
    ]);
  });

  itUnless(planner, WRONG_WITH)('does the same when the client’s arguments come from a variable', async () => {
    const { data, errors } = await fixture.query('query($n: Int!) { parcels { riskLevel inspections(last: $n) { id } } }', { n: 2 });
    expect(errors).toBeUndefined();
    expect(data.parcels).toEqual([
      { riskLevel: 'high', inspections: [{ id: 'i1' }, { id: 'i2' }] },
      { riskLevel: 'low', inspections: [{ id: 'i5' }, { id: 'i6' }] },
    ]);
  });
});
