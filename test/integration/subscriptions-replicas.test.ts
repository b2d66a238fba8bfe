/**
 * Past one machine: two replicas of the whole path (gateway and subgraphs) share Redis.
 * A decision taken through replica A reaches a subscriber on replica B, and a client that
 * loses its connection resumes, on the other replica, from the last event id it saw,
 * missing nothing and receiving nothing twice.
 */
import { startRedis, type TestRedis } from '../helpers/redis';
import { startTestStack, type TestStack } from '../helpers/stack';
import { subscribe, subscribersAt, webSocketClient } from '../helpers/subscriptions';
import { until } from '../helpers/until';

const CLOCK = new Date('2026-12-02T02:00:00Z');
let redis: TestRedis;
let a: TestStack;
let b: TestStack;
beforeAll(async () => {
  redis = await startRedis();
  // The same seeded county behind both, as replicas of one deployment would share one approval system.
  [a, b] = await Promise.all([startTestStack({ approvalClock: () => CLOCK, redisUrl: redis.url }), startTestStack({ approvalClock: () => CLOCK, redisUrl: redis.url })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const DECIDE = `mutation($taskId: ID!, $decision: ReviewDecision!, $opinion: String!) { recordReviewOpinion(taskId: $taskId, decision: $decision, opinion: $opinion) { id } }`;
const UPDATED = `subscription($id: ID) { applicationUpdated(id: $id) { id tasks { id status } } }`;

/** Open tasks at replica A's approval system, one per application, oldest deadline first. */
async function openTasks(): Promise<{ applicationId: string; taskId: string; decision: string }[]> {
  const { data } = await a.query(`{ reviewQueue(first: 100) { tasks { id availableDecisions application { id } } } }`);
  const seen = new Set<string>();
  return data.reviewQueue.tasks
    .filter((t: any) => t.availableDecisions.length > 0 && !seen.has(t.application.id) && seen.add(t.application.id))
    .map((t: any) => ({ applicationId: t.application.id, taskId: t.id, decision: t.availableDecisions.includes('ACCEPT') ? 'ACCEPT' : 'APPROVE' }));
}

it('an event published on replica A reaches a subscriber on replica B, once', async () => {
  const [task] = await openTasks();
  const client = webSocketClient(b.gatewayUrl, { authorization: `Bearer ${b.staffToken}` });
  try {
    const received = subscribe(client, UPDATED, { id: task!.applicationId });
    await subscribersAt(b.subgraphUrls.approval, 1);
    expect((await a.query(DECIDE, { taskId: task!.taskId, decision: task!.decision, opinion: '同意' })).errors).toBeUndefined();
    await until(() => received.results.length === 1, 'the event at replica B');
    // B's own approval system never saw the decision: the event carries A's answer.
    expect(received.results[0]!.data.applicationUpdated.tasks.find((t: any) => t.id === task!.taskId).status).not.toBe('PENDING_ACCEPTANCE');
    expect(received.results[0]!.extensions.eventId).toMatch(/^\d+-\d+$/);
    received.stop();
  } finally {
    await client.dispose();
  }
});

it('a client that reconnects, to the other replica, resumes from its last event id: nothing lost, nothing twice', async () => {
  const tasks = (await openTasks()).slice(0, 3);
  expect(tasks).toHaveLength(3);
  const first = webSocketClient(b.gatewayUrl, { authorization: `Bearer ${b.staffToken}` });
  const everything = subscribe(first, UPDATED, {});
  await subscribersAt(b.subgraphUrls.approval, 1);
  expect((await a.query(DECIDE, { taskId: tasks[0]!.taskId, decision: tasks[0]!.decision, opinion: '同意' })).errors).toBeUndefined();
  await until(() => everything.results.length === 1, 'the first event');
  const lastSeen = everything.results[0]!.extensions.eventId as string;
  // The connection is lost (replica B goes away for this client); two more decisions are taken meanwhile.
  await first.dispose();
  await subscribersAt(b.subgraphUrls.approval, 0);
  for (const task of tasks.slice(1)) expect((await a.query(DECIDE, { taskId: task.taskId, decision: task.decision, opinion: '同意' })).errors).toBeUndefined();
  const again = webSocketClient(a.gatewayUrl, { authorization: `Bearer ${a.staffToken}` });
  try {
    const resumed = subscribe(again, UPDATED, {}, { lastEventId: lastSeen });
    await until(() => resumed.results.length >= 2, 'the two missed events');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.results.map((r) => r.data.applicationUpdated.id)).toEqual([tasks[1]!.applicationId, tasks[2]!.applicationId]);
    const ids = resumed.results.map((r) => r.extensions.eventId as string);
    expect(new Set([lastSeen, ...ids]).size).toBe(3);
    resumed.stop();
  } finally {
    await again.dispose();
  }
});
