import { fetchCount } from './fixture';
import { useFederationFixture } from './setup';

const shop = useFederationFixture();

describe('interfaces and @interfaceObject', () => {
  it('resolves concrete types with fragments', async () => {
    const { data, errors } = await shop().query(`{ media { __typename id title ... on Book { author } ... on Movie { director } } }`);
    expect(errors).toBeUndefined();
    expect(data.media).toEqual([
      { __typename: 'Book', id: 'm1', title: 'Dream of the Red Chamber', author: 'Cao Xueqin' },
      { __typename: 'Movie', id: 'm2', title: 'Farewell My Concubine', director: 'Chen Kaige' },
    ]);
  });

  it('adds an @interfaceObject field to every implementation', async () => {
    const { data, errors } = await shop().query(`{ media { id rating } }`);
    expect(errors).toBeUndefined();
    expect(data.media).toEqual([
      { id: 'm1', rating: 5 },
      { id: 'm2', rating: 4 },
    ]);
    expect(fetchCount(shop(), 'ratings')).toBe(1);
  });

  it('finds the concrete type of an entity that came from the @interfaceObject subgraph', async () => {
    const { data, errors } = await shop().query(`{ topRated { __typename id title rating ... on Movie { director } } }`);
    expect(errors).toBeUndefined();
    expect(data.topRated).toEqual([{ __typename: 'Movie', id: 'm2', title: 'Farewell My Concubine', rating: 4, director: 'Chen Kaige' }]);
  });
});
