/**
 * Two gateway replicas in front of the same subgraphs, sharing Redis: one count per
 * caller whichever replica answers, the client's address from a trusted proxy, persisted
 * queries registered once, and a Redis outage that loosens limits to one count per
 * replica instead of refusing (issue 12).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { secondReplica } from '../helpers/gateway';
import { startRedis, type TestRedis } from '../helpers/redis';
import { startTestStack, type TestStack } from '../helpers/stack';

const LIMIT = 5;
const keys = generateKeyPairSync('ed25519');
let redis: TestRedis;
let stack: TestStack;
let second: { url: string; stop: () => Promise<void> };
let replicas: string[];

beforeAll(async () => {
  redis = await startRedis();
  const replica = { redisUrl: redis.url, trustProxy: ['127.0.0.1'], ratePerMinute: LIMIT };
  stack = await startTestStack({ gatewayKeys: keys, explorer: false, ...replica });
  second = await secondReplica(stack, keys.privateKey, replica);
  replicas = [stack.gatewayUrl, second.url];
  await untilRedis('ready');
});
afterAll(async () => {
  await second.stop();
  await stack.stop();
  await redis.stop();
});

/** `n` anonymous requests from `client` (as the proxy says), to the replicas in turn: the statuses, by replica. */
async function send(client: string, n: number): Promise<{ allowed: number; byReplica: number[][] }> {
  const byReplica: number[][] = [[], []];
  for (let i = 0; i < n; i++) {
    const response = await fetch(replicas[i % 2]!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: '{"query":"{ __typename }"}' });
    byReplica[i % 2]!.push(response.status);
    await response.arrayBuffer();
  }
  return { allowed: byReplica.flat().filter((s) => s === 200).length, byReplica };
}

const status = async (url: string) => (await (await fetch(url.replace('/graphql', '/status'))).json()) as { sharedState: { state: string; fallback: string | null } };

async function untilRedis(state: 'ready' | 'unreachable'): Promise<void> {
  for (;;) {
    const states = await Promise.all(replicas.map(async (url) => (await status(url)).sharedState.state));
    if (states.every((s) => s === state)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('counts one limit per client across both replicas, each client by the address the trusted proxy gives', async () => {
  const first = await send('203.0.113.7', 4 * LIMIT);
  expect(first.allowed).toBe(LIMIT);
  expect(first.byReplica.flat().filter((s) => s !== 200 && s !== 429)).toEqual([]);
  // Another client behind the same proxy has its own count.
  expect((await send('203.0.113.8', 2 * LIMIT)).allowed).toBe(LIMIT);
});

it('serves by hash on one replica a query registered through the other', async () => {
  const query = '{ serviceItems(stage: COMPLETION_ACCEPTANCE) { code } }';
  const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
  const post = async (url: string, body: object) =>
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.50' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const unknown = await post(replicas[1]!, { extensions: { persistedQuery } });
  expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  const registered = await post(replicas[0]!, { query, extensions: { persistedQuery } });
  expect(registered.errors).toBeUndefined();
  const byHash = await post(replicas[1]!, { extensions: { persistedQuery } });
  expect(byHash).toEqual(registered);
});

it('keeps answering while Redis is down, counting in each replica alone, says so, and shares again once it is back', async () => {
  await redis.stop();
  await untilRedis('unreachable');
  expect((await status(replicas[0]!)).sharedState.fallback).toMatch(/this process only/);
  const metrics = await (await fetch(replicas[1]!.replace('/graphql', '/metrics'))).text();
  expect(metrics).toMatch(/^gateway_redis_up 0$/m);
  // One count per replica: twice the limit gets through, never more, and nothing fails.
  const during = await send('198.51.100.1', 4 * LIMIT);
  expect(during.allowed).toBe(2 * LIMIT);
  expect(during.byReplica.map((statuses) => statuses.filter((s) => s === 200).length)).toEqual([LIMIT, LIMIT]);

  await redis.start();
  await untilRedis('ready');
  expect((await send('192.0.2.9', 4 * LIMIT)).allowed).toBe(LIMIT);
});

describe('a gateway that trusts no proxy', () => {
  let alone: TestStack;
  beforeAll(async () => {
    alone = await startTestStack({ explorer: false, ratePerMinute: LIMIT });
  });
  afterAll(() => alone.stop());

  it('ignores X-Forwarded-For: a client cannot escape its limit by naming other addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3 * LIMIT; i++) {
      const response = await fetch(alone.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` }, body: '{"query":"{ __typename }"}' });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
  });
});
