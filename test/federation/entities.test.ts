import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('entity joins', () => {
  it('joins an entity across subgraphs by its key', async () => {
    const { data, errors } = await shop().query(`{ topProducts(first: 2) { upc name reviews { body author { name } } } }`);
    expect(errors).toBeUndefined();
    expect(data.topProducts).toEqual([
      { upc: 'p1', name: 'Table', reviews: [{ body: 'Love it!', author: { name: 'Ada' } }] },
      { upc: 'p2', name: 'Couch', reviews: [{ body: 'Too expensive.', author: { name: 'Grace' } }] },
    ]);
    // products → reviews (_entities) → accounts (_entities): one fetch each.
    expect(['products', 'reviews', 'accounts'].map((s) => fetchCount(shop(), s))).toEqual([1, 1, 1]);
    expect(shop().fetched.reviews![0]!.variables!.representations).toEqual([
      { __typename: 'Product', upc: 'p1' },
      { __typename: 'Product', upc: 'p2' },
    ]);
  });

  it('sends no representation for a null key and keeps the parent', async () => {
    const { data } = await shop().query(`{ reviews { id product { upc name price } } }`);
    const r4 = data.reviews.find((r: { id: string }) => r.id === 'r4');
    expect(r4).toEqual({ id: 'r4', product: null });
    const sent = shop().fetched.products!.flatMap((op) => (op.variables?.representations as { upc: string }[]) ?? []);
    expect(sent.map((r) => r.upc)).not.toContain(null);
  });

  it('nulls a reference the owning subgraph does not know or fails, and only that one', async () => {
    const { data, errors } = await shop().query(`{ reviews { id product { upc price } } }`);
    const byId = Object.fromEntries(data.reviews.map((r: { id: string; product: unknown }) => [r.id, r.product]));
    expect(byId.r1).toEqual({ upc: 'p1', price: 899 });
    expect(byId.r5).toBeNull();
    expect(byId.r6).toBeNull();
    expect(errors).toEqual([expect.objectContaining({ path: ['reviews', 5, 'product'], extensions: expect.objectContaining({ code: 'BROKEN_RECORD' }) })]);
  });

  it('keeps aliases and __typename through the plan', async () => {
    const { data } = await shop().query(`{ a: product(upc: "p1") { t: __typename n: name stock: inStock } b: product(upc: "p2") { inStock } }`);
    expect(data).toEqual({ a: { t: 'Product', n: 'Table', stock: true }, b: { inStock: false } });
  });
});
