import { BoundedMap } from '../../lib/bounded-map';

describe('BoundedMap', () => {
  it('forgets the oldest entry past its bound, and replacing a key does not count', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('b', 3);
    expect([...map.entries()]).toEqual([['a', 1], ['b', 3]]);
    map.set('c', 4);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });
});
