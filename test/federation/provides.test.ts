import { fetchCount, fetchedField } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('@provides', () => {
  it('takes a provided field from the providing subgraph without asking its owner', async () => {
    const { data, errors } = await shop().query(`{ reviews { id author { username } } }`);
    expect(errors).toBeUndefined();
    expect(data.reviews[0]).toEqual({ id: 'r1', author: { username: '@ada' } });
    expect(fetchCount(shop(), 'reviews')).toBe(1);
    expect(fetchCount(shop(), 'accounts')).toBe(0);
  });

  it('still asks the owner for a field that is not provided', async () => {
    const { data } = await shop().query(`{ reviews { id author { username name } } }`);
    expect(data.reviews[1]).toEqual({ id: 'r2', author: { username: '@grace', name: 'Grace' } });
    expect(fetchCount(shop(), 'accounts')).toBe(1);
    expect(fetchedField(shop(), 'accounts', 'username')).toBe(false);
  });
});
