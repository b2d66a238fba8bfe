/**
 * Department records shared by a subgraph's replicas through Redis: each `BoundedCache`
 * here stands for one replica (or one life of a replica across a restart) over the same
 * Redis, with the loader every department client uses in front of it.
 */
import { BoundedCache } from '../../subgraphs/shared/cache';
import { createCachedLoader } from '../../subgraphs/shared/cached-loader';
import { connectRedis, type SharedRedis } from '../../lib/redis';
import { startRedis, type TestRedis } from '../helpers/redis';
import { until } from '../helpers/until';
import { recordingLogger } from '../helpers/logs';

interface Enterprise {
  uscc: string;
  name: string;
  dataAsOf?: string;
}

const TTL_SECONDS = 60;
const USES = { shares: 'department records are', fallback: 'department records are cached in this process alone' };

let redis: TestRedis;
const connections: SharedRedis[] = [];
let clock = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of connections) await c.close();
  await redis.stop();
});
beforeEach(() => {
  clock = Date.parse('2026-12-01T08:00:00Z');
});

async function connected(keyPrefix?: string): Promise<SharedRedis> {
  const shared = connectRedis(redis.url, recordingLogger().logger, USES, keyPrefix);
  connections.push(shared);
  await until(() => shared.state() === 'ready');
  return shared;
}

/** One replica's cache of the registry, and a loader over a department that counts what it is asked. */
function replica(shared: SharedRedis, namespace = `enterprise:${expect.getState().currentTestName}`) {
  const cache = new BoundedCache<Enterprise>({ ttlSeconds: TTL_SECONDS, maxStaleSeconds: 3600, maxKeys: 100, shared: { redis: shared, namespace } }, () => clock);
  const asked: string[] = [];
  let down = false;
  const fetchMany = async (keys: readonly string[]) => {
    asked.push(...keys);
    if (down) throw new Error('department down');
    return keys.map((uscc) => ({ uscc, name: `企业 ${uscc}` }));
  };
  return {
    cache,
    asked,
    setDown: (value: boolean) => (down = value),
    load: (keys: string[]) => createCachedLoader(cache, fetchMany, { maxBatchSize: 50 }).loadMany(keys),
  };
}


const USCCS = Array.from({ length: 12 }, (_, i) => `91522633MA6${String(i).padStart(7, '0')}`);

describe('department records shared by replicas (REDIS_URL)', () => {
  it('a record fetched through one replica is a hit on every other: the department is asked once per key', async () => {
    const shared = await connected();
    const replicas = [replica(shared), replica(shared), replica(shared)];
    // Each key is first asked on one replica, then read on all of them.
    for (const [i, uscc] of USCCS.entries()) {
      await replicas[i % replicas.length]!.load([uscc]);
      await until(async () => (await shared.client.exists(`county-subgraph:enterprise:${expect.getState().currentTestName}:${uscc}`)) === 1);
    }
    const answers = await Promise.all(replicas.map((r) => r.load(USCCS)));
    for (const answer of answers) expect(answer.map((e) => (e as Enterprise).uscc)).toEqual(USCCS);
    expect(replicas.flatMap((r) => r.asked).sort()).toEqual([...USCCS].sort());
    // Every replica found in Redis the keys the others had asked.
    for (const [i, r] of replicas.entries()) expect(r.cache.sharedHits).toBe(USCCS.filter((_, k) => k % replicas.length !== i).length);
  });

  it('stale copies survive a restart and agree across replicas while the department is down', async () => {
    const shared = await connected();
    const before = replica(shared);
    await before.load(USCCS);
    await until(async () => (await shared.client.keys(`county-subgraph:enterprise:${expect.getState().currentTestName}:*`)).length === USCCS.length);
    // Past the TTL, the department down, two replicas that never saw these records (one restarted, one new).
    clock += (TTL_SECONDS + 30) * 1000;
    const after = [replica(shared), replica(shared)];
    for (const r of after) r.setDown(true);
    const answers = await Promise.all(after.map((r) => r.load(USCCS)));
    for (const answer of answers) expect(answer).toEqual(USCCS.map((uscc) => expect.objectContaining({ uscc, name: `企业 ${uscc}` })));
    for (const r of after) {
      expect(r.asked.sort()).toEqual([...USCCS].sort());
      expect(r.cache.staleServes).toBe(USCCS.length);
    }
  });

  it('a fresher copy another replica fetched wins over this replica\'s stale one', async () => {
    const shared = await connected();
    const [a, b] = [replica(shared), replica(shared)];
    await a.load([USCCS[0]!]);
    clock += (TTL_SECONDS + 1) * 1000;
    await b.load([USCCS[0]!]);
    await until(async () => {
      const stored = await shared.client.get(`county-subgraph:enterprise:${expect.getState().currentTestName}:${USCCS[0]}`);
      return stored !== null && (JSON.parse(stored) as { storedAt: number }).storedAt === clock;
    });
    await a.load([USCCS[0]!]);
    expect(a.asked).toEqual([USCCS[0]]);
    expect(a.cache.sharedHits).toBe(1);
  });

  it('keeps two caches apart by namespace', async () => {
    const shared = await connected();
    const name = expect.getState().currentTestName;
    const registry = replica(shared, `enterprise:${name}`);
    const other = replica(shared, `construction:${name}`);
    await registry.load(USCCS.slice(0, 3));
    await until(async () => (await shared.client.keys(`county-subgraph:enterprise:${name}:*`)).length === 3);
    await other.load(USCCS.slice(0, 3));
    expect(other.asked).toEqual(USCCS.slice(0, 3));
  });

  it('keeps two deployments on one Redis apart by REDIS_KEY_PREFIX, and clears only its own', async () => {
    const [a1, a2, b] = [await connected('county-a'), await connected('county-a'), await connected('county-b')];
    const namespace = `enterprise:${expect.getState().currentTestName}`;
    const [deploymentA, sameDeployment, deploymentB] = [replica(a1, namespace), replica(a2, namespace), replica(b, namespace)];
    await deploymentA.load(USCCS);
    await until(async () => (await a1.client.keys('*')).length > 0 && (await b.client.keys(`county-a:county-subgraph:${namespace}:*`)).length === USCCS.length);
    await sameDeployment.load(USCCS);
    await deploymentB.load(USCCS);
    expect(sameDeployment.asked).toEqual([]);
    expect(deploymentB.asked).toEqual(USCCS);
    await until(async () => (await b.client.keys(`county-b:county-subgraph:${namespace}:*`)).length === USCCS.length);
    await deploymentA.cache.clear();
    expect(await b.client.keys(`county-a:county-subgraph:${namespace}:*`)).toEqual([]);
    expect(await b.client.keys(`county-b:county-subgraph:${namespace}:*`)).toHaveLength(USCCS.length);
  });

  it('clearing forgets the shared copies too, for every replica', async () => {
    const shared = await connected();
    const name = expect.getState().currentTestName;
    const [a, b] = [replica(shared), replica(shared)];
    await a.load(USCCS);
    await until(async () => (await shared.client.keys(`county-subgraph:enterprise:${name}:*`)).length === USCCS.length);
    await a.cache.clear();
    expect(await shared.client.keys(`county-subgraph:enterprise:${name}:*`)).toEqual([]);
    await b.load(USCCS);
    expect(b.asked).toEqual(USCCS);
  });

  it('keeps answering from this process while Redis is down, and shares again once it is back', async () => {
    const own = await startRedis();
    const log = recordingLogger();
    const shared = connectRedis(own.url, log.logger, USES);
    connections.push(shared);
    try {
      await until(() => shared.state() === 'ready');
      const [a, b] = [replica(shared), replica(shared)];
      await own.stop();
      await until(() => shared.state() === 'unreachable');
      expect(await a.load(USCCS.slice(0, 4))).toHaveLength(4);
      expect(await a.load(USCCS.slice(0, 4))).toHaveLength(4);
      expect(a.asked).toEqual(USCCS.slice(0, 4)); // its own copies, no Redis needed
      await b.load(USCCS.slice(0, 4));
      expect(b.asked).toEqual(USCCS.slice(0, 4)); // nothing shared while down
      await own.start();
      await until(() => shared.state() === 'ready');
      await a.load(USCCS.slice(4, 8));
      await until(async () => (await shared.client.keys('county-subgraph:*')).length === 4);
      await b.load(USCCS.slice(4, 8));
      expect(b.asked).toEqual(USCCS.slice(0, 4));
      // Each change of state is said once, however many commands met it.
      expect(log.lines.map((line) => line.msg as string)).toEqual([
        'redis ready: department records are shared between replicas',
        'redis unreachable: department records are cached in this process alone until it is back',
        'redis ready: department records are shared between replicas',
      ]);
    } finally {
      await own.stop();
    }
  });
});
