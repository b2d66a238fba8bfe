import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('@requires', () => {
  it('fetches the required fields first and passes them in the representation', async () => {
    const { data, errors } = await shop().query(`{ topProducts(first: 3) { upc shippingEstimate } }`);
    expect(errors).toBeUndefined();
    expect(data.topProducts).toEqual([
      { upc: 'p1', shippingEstimate: 50 },
      { upc: 'p2', shippingEstimate: 0 },
      { upc: 'p3', shippingEstimate: 25 },
    ]);
    expect(fetchCount(shop(), 'inventory')).toBe(1);
    expect(shop().fetched.inventory![0]!.variables!.representations).toEqual([
      { __typename: 'Product', upc: 'p1', price: 899, weight: 100 },
      { __typename: 'Product', upc: 'p2', price: 1299, weight: 1000 },
      { __typename: 'Product', upc: 'p3', price: 54, weight: 50 },
    ]);
  });

  it('does not leak the required fields into the response', async () => {
    const { data } = await shop().query(`{ product(upc: "p1") { shippingEstimate } }`);
    expect(data).toEqual({ product: { shippingEstimate: 50 } });
  });
});
