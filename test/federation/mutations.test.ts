import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('mutations', () => {
  it('run one after another, in document order, across subgraphs', async () => {
    const { data, errors } = await shop().query(`mutation {
      first: setName(id: "2", name: "Grace H.") { name }
      review: addReview(upc: "p3", body: "Sturdy.") { body product { name } }
      second: setName(id: "2", name: "Grace Hopper") { name }
    }`);
    expect(errors).toBeUndefined();
    expect(Object.keys(data)).toEqual(['first', 'review', 'second']);
    expect(data.first).toEqual({ name: 'Grace H.' });
    expect(data.review).toEqual({ body: 'Sturdy.', product: { name: 'Chair' } });
    expect(data.second).toEqual({ name: 'Grace Hopper' });
    expect(shop().events).toEqual([
      'setName:Grace H.:start',
      'setName:Grace H.:end',
      'addReview:Sturdy.',
      'setName:Grace Hopper:start',
      'setName:Grace Hopper:end',
    ]);
  });
});
