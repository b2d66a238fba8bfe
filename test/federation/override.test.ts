import { fetchedField } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('@override', () => {
  it('resolves an overridden field from the new owner only', async () => {
    const { data, errors } = await shop().query(`{ me { id name nickname } }`);
    expect(errors).toBeUndefined();
    expect(data.me).toEqual({ id: '1', name: 'Ada', nickname: 'new-Ada' });
    expect(fetchedField(shop(), 'reviews', 'nickname')).toBe(true);
    expect(fetchedField(shop(), 'accounts', 'nickname')).toBe(false);
  });
});
