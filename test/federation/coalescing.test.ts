import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

// `me.reviews` and `users.reviews` are two paths: the planner makes two `_entities`
// fetches to reviews in one wave, then two to products in the next.
const TWO_PATHS = `{
  me { reviews { product { price } } }
  users { name reviews { id product { weight } } }
}`;

describe('entity fetches to one subgraph in one plan wave go out as one request', () => {
  it('merges them, each with its own variables, and hands each path its own entities', async () => {
    const { data } = await shop().query(TWO_PATHS);
    expect(data.me.reviews.map((r: any) => r.product)).toEqual([{ price: 899 }, { price: 54 }]);
    expect(data.users[0].reviews.map((r: any) => r.product)).toEqual([{ weight: 100 }, { weight: 50 }]);
    expect(fetchCount(shop(), 'reviews')).toBe(1);
    expect(fetchCount(shop(), 'products')).toBe(1);
    const [merged] = shop().fetched.products!;
    expect(merged!.query).toMatch(/_entities_0: _entities\(representations: \$representations_0\)/);
    expect(Object.keys(merged!.variables!).sort()).toEqual(['representations_0', 'representations_1']);
  });

  it('puts an error from one merged fetch on its own path only', async () => {
    const { data, errors } = await shop().query(TWO_PATHS);
    const grace = data.users[1];
    expect(grace.reviews.map((r: any) => [r.id, r.product])).toEqual([
      ['r2', { weight: 1000 }],
      ['r4', null],
      ['r5', null],
      ['r6', null],
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'product record pERR is corrupt',
        path: ['users', 1, 'reviews', 3, 'product'],
        extensions: expect.objectContaining({ code: 'BROKEN_RECORD', serviceName: 'products' }),
      }),
    ]);
    expect(data.me.reviews).toEqual([{ product: { price: 899 } }, { product: { price: 54 } }]);
  });

  it('falls back to separate requests when the merged one loses all its data, so siblings survive', async () => {
    const { data, errors } = await shop().query(`{
      me { reviews { product { price } } }
      auditors { reviews { product { weight } } }
    }`);
    expect(data.me.reviews).toEqual([{ product: { price: 899 } }, { product: { price: 54 } }]);
    expect(data.auditors).toEqual([{ reviews: [{ product: null }] }]);
    expect(errors).toEqual([expect.objectContaining({ message: 'products subgraph crashed', extensions: expect.objectContaining({ serviceName: 'products' }) })]);
    // The merged attempt, then each fetch alone.
    expect(fetchCount(shop(), 'products')).toBe(3);
  });

  it('sends a lone fetch unchanged', async () => {
    await shop().query(`{ topProducts(first: 1) { reviews { body } } }`);
    expect(shop().fetched.reviews).toHaveLength(1);
    expect(shop().fetched.reviews![0]!.query).not.toMatch(/_entities_\d/);
    expect(Object.keys(shop().fetched.reviews![0]!.variables!)).toEqual(['representations']);
  });
});
