import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('@skip and @include', () => {
  const query = `query($withReviews: Boolean!, $noPrice: Boolean!) {
    product(upc: "p1") { name price @skip(if: $noPrice) reviews @include(if: $withReviews) { body } }
  }`;

  it('leaves out skipped fields and never fetches what only they need', async () => {
    const { data } = await shop().query(query, { withReviews: false, noPrice: true });
    expect(data).toEqual({ product: { name: 'Table' } });
    expect(fetchCount(shop(), 'reviews')).toBe(0);
  });

  it('includes them when the condition holds', async () => {
    const { data } = await shop().query(query, { withReviews: true, noPrice: false });
    expect(data).toEqual({ product: { name: 'Table', price: 899, reviews: [{ body: 'Love it!' }] } });
    expect(fetchCount(shop(), 'reviews')).toBe(1);
  });
});
