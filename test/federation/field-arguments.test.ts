import { PLANNERS } from '../../gateway/execution/planner';
import { itUnless, LINK, startSupergraph, type FederationFixture } from './fixture';

/**
 * One field selected twice with different arguments, once by the client and once by a
 * `@requires` (`price(currency: "CNY")`): two selections, two answers, never one merged.
 * @apollo/gateway 2.14's planner fetches the client's `price(currency: "USD")` alone and
 * sends it as the required price, so the estimate is computed on dollars (7 and 17, not 13
 * and 29): wrong in the planner (upstream), marked failing for it. With an alias that
 * happens to ask for CNY it is right by luck (the second test).
 */
const products = [
  { upc: 'p1', weight: 2, priceCny: 70 },
  { upc: 'p2', weight: 5, priceCny: 140 },
];
const RATES: Record<string, number> = { CNY: 1, USD: 7 };

const subgraphs = [
  {
    name: 'catalog',
    sdl: `${LINK(['@key'])}
      type Query { products: [Product!]! }
      type Product @key(fields: "upc") { upc: ID! weight: Int! price(currency: String!): Int! }`,
    resolvers: {
      Query: { products: () => products },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => products.find((p) => p.upc === upc) ?? null,
        price: (p: { priceCny: number }, { currency }: { currency: string }) => p.priceCny / RATES[currency]!,
      },
    },
  },
  {
    name: 'shipping',
    sdl: `${LINK(['@key', '@external', '@requires'])}
      type Product @key(fields: "upc") {
        upc: ID!
        weight: Int! @external
        price(currency: String!): Int! @external
        shippingEstimate: Int! @requires(fields: "price(currency: \\"CNY\\") weight")
      }`,
    resolvers: {
      Product: {
        __resolveReference: (product: { upc: string; price: number; weight: number }) => product,
        // Insured at 10% of the price in yuan, plus 3 yuan a kilogram.
        shippingEstimate: ({ price, weight }: { price: number; weight: number }) => price / 10 + 3 * weight,
      },
    },
  },
];

describe.each(PLANNERS)('one field with different arguments in one selection (%s planner)', (planner) => {
  let fixture: FederationFixture;
  beforeAll(async () => {
    fixture = await startSupergraph(subgraphs, { planner });
  });
  afterAll(() => fixture.stop());
  beforeEach(() => fixture.reset());

  itUnless(planner, ['apollo'])('answers the client’s price(currency: "USD") and computes the estimate on the required price in CNY', async () => {
    const { data, errors } = await fixture.query('{ products { upc price(currency: "USD") shippingEstimate } }');
    expect(errors).toBeUndefined();
    expect(data.products).toEqual([
      { upc: 'p1', price: 10, shippingEstimate: 13 },
      { upc: 'p2', price: 20, shippingEstimate: 29 },
    ]);
    expect(fixture.fetched.shipping).toHaveLength(1);
    expect(fixture.fetched.shipping![0]!.variables!.representations).toEqual([
      { __typename: 'Product', upc: 'p1', price: 70, weight: 2 },
      { __typename: 'Product', upc: 'p2', price: 140, weight: 5 },
    ]);
  });

  it('keeps aliases of the field apart, whichever of them the requirement shares', async () => {
    const { data, errors } = await fixture.query('{ products { usd: price(currency: "USD") cny: price(currency: "CNY") shippingEstimate } }');
    expect(errors).toBeUndefined();
    expect(data.products).toEqual([
      { usd: 10, cny: 70, shippingEstimate: 13 },
      { usd: 20, cny: 140, shippingEstimate: 29 },
    ]);
  });
});
