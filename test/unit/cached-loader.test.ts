import { BoundedCache } from '../../subgraphs/shared/cache';
import { createCachedLoader } from '../../subgraphs/shared/cached-loader';

interface Record {
  id: string;
  dataAsOf?: string;
}

describe('the cached loader in front of a department', () => {
  it('asks the department once for a key two requests want at the same time', async () => {
    const cache = new BoundedCache<Record>({ ttlSeconds: 60, maxKeys: 100 });
    const calls: string[][] = [];
    const answers: (() => void)[] = [];
    const fetchMany = async (keys: readonly string[]) => {
      calls.push([...keys]);
      await new Promise<void>((resolve) => answers.push(resolve));
      return keys.map((id) => ({ id }));
    };
    // Two requests, each with its own loader (as each subgraph request has), over one cache.
    const first = createCachedLoader(cache, fetchMany, { maxBatchSize: 50 });
    const second = createCachedLoader(cache, fetchMany, { maxBatchSize: 50 });
    const a = first.loadMany(['e1', 'e2']);
    await new Promise((resolve) => setImmediate(resolve));
    const b = second.loadMany(['e2', 'e3']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['e1', 'e2'], ['e3']]);
    for (const answer of answers) answer();
    const [fromFirst, fromSecond] = await Promise.all([a, b]);
    expect(fromFirst).toEqual([expect.objectContaining({ id: 'e1' }), expect.objectContaining({ id: 'e2' })]);
    expect(fromSecond).toEqual([expect.objectContaining({ id: 'e2' }), expect.objectContaining({ id: 'e3' })]);
    expect((fromSecond[0] as Record).dataAsOf).toEqual(expect.any(String));
  });

  it('shares a failure too, and then asks again', async () => {
    const cache = new BoundedCache<Record>({ ttlSeconds: 60, maxKeys: 100 });
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('department down');
    };
    const [a, b] = await Promise.all([
      createCachedLoader(cache, failing, { maxBatchSize: 50 }).load('e1').catch((e: Error) => e.message),
      createCachedLoader(cache, failing, { maxBatchSize: 50 }).load('e1').catch((e: Error) => e.message),
    ]);
    expect([a, b]).toEqual(['department down', 'department down']);
    expect(calls).toBe(1);
    await createCachedLoader(cache, failing, { maxBatchSize: 50 }).load('e1').catch(() => undefined);
    expect(calls).toBe(2);
  });
});
