/**
 * 实时: federated subscriptions through the gateway over real sockets. A decision taken
 * through the gateway reaches a subscriber as exactly one event, completed with fields of
 * other subgraphs, under the same policies as a query.
 */
import { startTestStack, type TestStack } from '../helpers/stack';
import { subscribe, subscribeOverEventStream, subscribersAt, webSocketClient } from '../helpers/subscriptions';
import { until } from '../helpers/until';

const CLOCK = new Date('2026-12-02T02:00:00Z');
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ approvalClock: () => CLOCK });
});
afterAll(() => stack.stop());

const UPDATED = `subscription($id: ID) {
  applicationUpdated(id: $id) {
    id jointStatus tasks { id status }
    project { name applicant { name legalRepresentative { name } } }
  }
}`;
const DECIDE = `mutation($taskId: ID!, $decision: ReviewDecision!, $opinion: String!) {
  recordReviewOpinion(taskId: $taskId, decision: $decision, opinion: $opinion) { id }
}`;

/** Open tasks handed out once each: every test decides its own. */
const taken = new Set<string>();
async function pendingTask(): Promise<{ applicationId: string; taskId: string; decision: string }> {
  const { data } = await stack.query(`{ reviewQueue(first: 100) { tasks { id availableDecisions application { id } } } }`);
  for (const task of data.reviewQueue.tasks) {
    if (taken.has(task.application.id) || task.availableDecisions.length === 0) continue;
    taken.add(task.application.id);
    return { applicationId: task.application.id, taskId: task.id, decision: task.availableDecisions.includes('ACCEPT') ? 'ACCEPT' : 'APPROVE' };
  }
  throw new Error('no open task in the seeded data');
}

it('a decision reaches a WebSocket subscriber as exactly one event, with fields of other subgraphs', async () => {
  const { applicationId, taskId, decision } = await pendingTask();
  const client = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${stack.staffToken}` });
  try {
    const received = subscribe(client, UPDATED, { id: applicationId });
    await subscribersAt(stack.subgraphUrls.approval, 1);
    const decided = await stack.query(DECIDE, { taskId, decision, opinion: '同意' });
    expect(decided.errors).toBeUndefined();
    await until(() => received.results.length >= 1, 'the event');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.results).toHaveLength(1);
    const [event] = received.results;
    expect(event!.errors).toBeUndefined();
    expect(event!.data.applicationUpdated.id).toBe(applicationId);
    expect(event!.data.applicationUpdated.tasks.find((t: any) => t.id === taskId).status).toBe(decision === 'ACCEPT' ? 'IN_REVIEW' : 'APPROVED');
    expect(typeof event!.data.applicationUpdated.project.name).toBe('string');
    expect(typeof event!.data.applicationUpdated.project.applicant.name).toBe('string');
    expect(event!.extensions.eventId).toMatch(/^\d+-\d+$/);
    received.stop();
  } finally {
    await client.dispose();
  }
});

it('the same over Server-Sent Events', async () => {
  const { applicationId, taskId, decision } = await pendingTask();
  const received = subscribeOverEventStream(stack.gatewayUrl, { authorization: `Bearer ${stack.staffToken}` }, UPDATED, { id: applicationId });
  try {
    await subscribersAt(stack.subgraphUrls.approval, 1);
    expect((await stack.query(DECIDE, { taskId, decision, opinion: '同意' })).errors).toBeUndefined();
    await until(() => received.results.length >= 1, 'the event');
    expect(received.results[0]!.data.applicationUpdated.id).toBe(applicationId);
  } finally {
    received.stop();
  }
});
