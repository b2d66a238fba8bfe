import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('@shareable and @inaccessible', () => {
  it('answers a shareable field from whichever subgraph the plan is already in', async () => {
    const { data } = await shop().query(`{ reviews { product { name } } }`);
    expect(data.reviews[0].product).toEqual({ name: 'Table' });
    // Product.name is shareable in reviews: no trip to products is needed.
    expect(fetchCount(shop(), 'products')).toBe(0);
  });

  it('refuses an inaccessible field as if it did not exist', async () => {
    const { status, data, errors } = await shop().query(`{ product(upc: "p1") { secret } }`);
    expect(status).toBe(400);
    expect(data).toBeUndefined();
    expect(errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(fetchCount(shop(), 'products')).toBe(0);
  });

  it('hides it from introspection', async () => {
    const { data } = await shop().query(`{ __type(name: "Product") { fields { name } } }`);
    expect(data.__type.fields.map((f: { name: string }) => f.name)).not.toContain('secret');
  });
});
