import { PLANNERS } from '../../gateway/execution/planner';
import { itUnless, LINK, startSupergraph, type FederationFixture } from './fixture';

/**
 * An `@interfaceObject` whose interface no subgraph implements: the directory subgraph
 * returns `Record`s but has no type that is one, so nothing the notes subgraph adds can
 * be resolved for them. The client must be told, not handed a silent `null`.
 * Hive's planner asks the directory for `record { __typename id }`, whose answer cannot
 * be typed: the subgraph's error reaches the client. @apollo/gateway 2.14's plan for
 * `{ record { note } }` is empty (nothing is asked, `record` is a silent null): wrong in
 * the planner, marked failing for it. Our layer could turn an empty plan for a selected
 * root field into an error, but only Apollo's planner needs it and Hive's is the default.
 */
const subgraphs = [
  {
    name: 'directory',
    sdl: `${LINK(['@key'])}
      type Query { record: Record }
      interface Record @key(fields: "id") { id: ID! }`,
    // A record whose type the subgraph cannot name: there is none.
    resolvers: { Query: { record: () => ({ id: 'R1' }) } },
  },
  {
    name: 'notes',
    sdl: `${LINK(['@key', '@interfaceObject'])}
      type Query { noted: Record }
      type Record @key(fields: "id") @interfaceObject { id: ID! note: String }`,
    resolvers: {
      Query: { noted: () => ({ id: 'R1' }) },
      Record: { __resolveReference: ({ id }: { id: string }) => ({ id }), note: () => '补正材料已收' },
    },
  },
];

describe.each(PLANNERS)('an @interfaceObject no subgraph can resolve (%s planner)', (planner) => {
  let fixture: FederationFixture;
  beforeAll(async () => {
    fixture = await startSupergraph(subgraphs, { planner });
  });
  afterAll(() => fixture.stop());
  beforeEach(() => fixture.reset());

  itUnless(planner, ['apollo'])('answers an error for a field only the @interfaceObject has', async () => {
    const { data, errors } = await fixture.query('{ record { note } }');
    expect(data?.record ?? null).toBeNull();
    expect(errors?.length).toBeGreaterThan(0);
  });

  it('answers an error for the key field too', async () => {
    const { data, errors } = await fixture.query('{ record { id } }');
    expect(data?.record ?? null).toBeNull();
    expect(errors?.length).toBeGreaterThan(0);
  });

  it('still serves the @interfaceObject’s own root field', async () => {
    const { data, errors } = await fixture.query('{ noted { id note } }');
    expect(errors).toBeUndefined();
    expect(data).toEqual({ noted: { id: 'R1', note: '补正材料已收' } });
  });
});
