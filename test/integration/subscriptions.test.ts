/**
 * 实时: federated subscriptions through the gateway over real sockets. A decision taken
 * through the gateway reaches a subscriber as exactly one event, completed with fields of
 * other subgraphs, under the same policies as a query.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../gateway/audit/log';
import { readRecords } from '../../gateway/audit/verify';
import { ALL_SCOPES, STAFF_SCOPES } from '../helpers/issuer';
import { startTestStack, type TestStack } from '../helpers/stack';
import { subscribe, subscribeOverEventStream, subscribersAt, webSocketClient } from '../helpers/subscriptions';
import { until } from '../helpers/until';
import WebSocket from 'ws';

const CLOCK = new Date('2026-12-02T02:00:00Z');
let stack: TestStack;
const auditDir = mkdtempSync(join(tmpdir(), 'audit-subscriptions-'));
beforeAll(async () => {
  // A small backlog, so a consumer that stops reading is found after a few events.
  stack = await startTestStack({ approvalClock: () => CLOCK, audit: new AuditLog({ dir: auditDir }), subscriptionLimits: { maxWaitingEvents: 5 } });
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
  const task = (await openTasks())[0]!;
  taken.add(task.applicationId);
  return task;
}

/** An open task of each application not handed out yet, with its town (a test marks in `taken` those it uses). */
async function openTasks(where: (task: { region: string }) => boolean = () => true): Promise<{ applicationId: string; taskId: string; decision: string; region: string }[]> {
  const { data } = await stack.query(`{ reviewQueue(first: 100) { tasks { id availableDecisions application { id region { code } } } } }`);
  const found: { applicationId: string; taskId: string; decision: string; region: string }[] = [];
  for (const task of data.reviewQueue.tasks) {
    const region = task.application.region.code;
    if (taken.has(task.application.id) || task.availableDecisions.length === 0 || !where({ region }) || found.some((f) => f.applicationId === task.application.id)) continue;
    found.push({ applicationId: task.application.id, taskId: task.id, decision: task.availableDecisions.includes('ACCEPT') ? 'ACCEPT' : 'APPROVE', region });
  }
  if (found.length > 0) return found;
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

const token = (claims: { sub: string; region: string; scope: readonly string[]; expiresIn?: string }) =>
  stack.issuer.token({ sub: claims.sub, name: '测试', org: 'test', region: claims.region, scope: claims.scope.join(' '), expiresIn: claims.expiresIn });

it('an event outside the caller’s jurisdiction never reaches it: a town’s clerk hears of its own town only', async () => {
  const tasks = await openTasks();
  const town = tasks[0]!.region;
  const elsewhere = tasks.find((t) => t.region !== town)!;
  const own = tasks[0]!;
  taken.add(own.applicationId).add(elsewhere.applicationId);
  const county = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${stack.staffToken}` });
  const clerk = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${await token({ sub: 'town-clerk', region: town, scope: STAFF_SCOPES })}` });
  try {
    const everywhere = subscribe(county, `subscription { applicationUpdated { id } }`);
    const inTown = subscribe(clerk, `subscription { applicationUpdated { id region { code } } }`);
    await subscribersAt(stack.subgraphUrls.approval, 2);
    // First the other town's application, then the clerk's own: events come in order, so once the second is
    // there the first would have been too.
    expect((await stack.query(DECIDE, { taskId: elsewhere.taskId, decision: elsewhere.decision, opinion: '同意' })).errors).toBeUndefined();
    expect((await stack.query(DECIDE, { taskId: own.taskId, decision: own.decision, opinion: '同意' })).errors).toBeUndefined();
    await until(() => inTown.results.length >= 1 && everywhere.results.length >= 2, 'both events at the county, the town’s at the clerk');
    expect(everywhere.results.map((r) => r.data.applicationUpdated.id)).toEqual([elsewhere.applicationId, own.applicationId]);
    expect(inTown.results.map((r) => r.data.applicationUpdated.id)).toEqual([own.applicationId]);
    everywhere.stop();
    inTown.stop();
  } finally {
    await Promise.all([county.dispose(), clerk.dispose()]);
  }
});

it('masks personal data in events as in queries, and writes one audit record per event delivered', async () => {
  const task = await pendingTask();
  const selection = `id project { code applicant { uscc legalRepresentative { name idNumber mobile } } }`;
  const withoutPii = await token({ sub: 'reader', region: '522633', scope: STAFF_SCOPES });
  const withPii = await token({ sub: 'entitled', region: '522633', scope: ALL_SCOPES });
  const plain = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${withoutPii}` });
  const entitled = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${withPii}`, 'x-purpose': `case:${task.applicationId}` });
  try {
    const masked = subscribe(plain, `subscription($id: ID) { applicationUpdated(id: $id) { ${selection} } }`, { id: task.applicationId });
    const shown = subscribe(entitled, `subscription($id: ID) { applicationUpdated(id: $id) { ${selection} } }`, { id: task.applicationId });
    await subscribersAt(stack.subgraphUrls.approval, 2);
    expect((await stack.query(DECIDE, { taskId: task.taskId, decision: task.decision, opinion: '同意' })).errors).toBeUndefined();
    await until(() => masked.results.length === 1 && shown.results.length === 1, 'the event at both');
    // The same answer a query gives the same caller: the same masking.
    const asQuery = await stack.queryWith({ authorization: `Bearer ${withoutPii}` }, `query($id: ID!) { application(id: $id) { ${selection} } }`, { id: task.applicationId });
    expect(masked.results[0]!.data.applicationUpdated).toEqual(asQuery.data.application);
    const representative = (r: any) => r.data.applicationUpdated.project.applicant.legalRepresentative;
    expect(representative(masked.results[0])).toMatchObject({ idNumber: expect.stringContaining('*'), mobile: expect.stringContaining('*') });
    expect(representative(shown.results[0]).idNumber).not.toContain('*');
    // One record per event delivered, naming the application and what was unmasked for whom.
    const disclosed = readRecords(auditDir).filter((r) => r.entities.Application?.includes(task.applicationId));
    expect(disclosed.filter((r) => r.subject === 'user:entitled')).toHaveLength(1);
    expect(disclosed.filter((r) => r.subject === 'user:reader')).toHaveLength(2); // the event, and the query above
    masked.stop();
    shown.stop();
  } finally {
    await Promise.all([plain.dispose(), entitled.dispose()]);
  }
});

it('a field the caller may not read is cut from every event as from a query; a subscription refused outright is never opened', async () => {
  const readerOfNothing = await token({ sub: 'no-approval', region: '522633', scope: ['enterprise:read'] });
  const client = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${readerOfNothing}` });
  try {
    const refused = subscribe(client, `subscription { applicationUpdated { id } }`);
    await until(() => refused.results.length === 1, 'the refusal');
    expect(refused.results[0]!.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    await until(() => refused.completed, 'the subscription ended');
    const status = (await (await fetch(new URL('/status', stack.subgraphUrls.approval))).json()) as { subscriptions: number };
    expect(status.subscriptions).toBe(0);
  } finally {
    await client.dispose();
  }
});

it('a token that expires ends the subscription (4401), and the subgraph stops sending', async () => {
  const shortLived = await token({ sub: 'short', region: '522633', scope: STAFF_SCOPES, expiresIn: '3s' });
  let closed: { code: number; reason: string } | undefined;
  const client = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${shortLived}` }, (event) => (closed = event));
  try {
    subscribe(client, `subscription { applicationUpdated { id } }`);
    await subscribersAt(stack.subgraphUrls.approval, 1);
    await until(() => closed !== undefined, 'the close');
    expect(closed!.code).toBe(4401);
    expect(closed!.reason).toMatch(/expired/);
    await subscribersAt(stack.subgraphUrls.approval, 0);
  } finally {
    await client.dispose();
  }
});

it('a consumer that stops reading is dropped once its backlog is full, and nothing more is kept for it', async () => {
  const open = await pendingTask();
  // A raw graphql-ws client, to stop reading its socket.
  const socket = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${stack.staffToken}` } }));
  await new Promise((resolve) => socket.once('message', resolve));
  // Each event carries the whole thread so far: the events grow, and the socket's buffers fill after a few dozen.
  const query = `subscription($id: ID!) { messageAdded(applicationId: $id) { id application { messages { body } } } }`;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { id: open.applicationId } } }));
  await subscribersAt(stack.subgraphUrls.approval, 1);
  socket.pause();
  const body = '请补充材料说明。'.repeat(250);
  let sent = 0;
  while ((await subscriptionsAt(stack.subgraphUrls.approval)) > 0 && sent < 400) {
    const answer = await stack.query(`mutation($id: ID!, $body: String!) { sendMessage(applicationId: $id, body: $body) { id } }`, { id: open.applicationId, body });
    expect(answer.errors).toBeUndefined();
    sent++;
  }
  // Dropped: the subgraph was told to stop (no subscriber left) long before the messages ran out.
  expect(sent).toBeLessThan(400);
  socket.resume();
  expect(await closed).toBe(4008);
});

async function subscriptionsAt(subgraphUrl: string): Promise<number> {
  return ((await (await fetch(new URL('/status', subgraphUrl))).json()) as { subscriptions: number }).subscriptions;
}

it('a connection holds at most its share of subscriptions; the next is refused and the others go on', async () => {
  const client = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${stack.staffToken}` });
  try {
    const held = Array.from({ length: 20 }, () => subscribe(client, `subscription { applicationUpdated { id } }`));
    await subscribersAt(stack.subgraphUrls.approval, 20);
    const refused = subscribe(client, `subscription { applicationUpdated { id } }`);
    await until(() => refused.error !== undefined, 'the refusal');
    expect((refused.error as { extensions?: { code?: string } }[])[0]!.extensions!.code).toBe('TOO_MANY_REQUESTS');
    expect(await subscriptionsAt(stack.subgraphUrls.approval)).toBe(20);
    for (const subscription of held) subscription.stop();
    await subscribersAt(stack.subgraphUrls.approval, 0);
  } finally {
    await client.dispose();
  }
});

it('a new application reaches each of its departments’ queues once; a retry with the same key tells no one again', async () => {
  const { data } = await stack.query(`{ projectsWithoutApplications(first: 1) { nodes { code stage } } }`);
  const project = data.projectsWithoutApplications.nodes[0];
  const client = webSocketClient(stack.gatewayUrl, { authorization: `Bearer ${stack.staffToken}` });
  try {
    const assigned = subscribe(client, `subscription { taskAssigned { id status application { id } } }`);
    const updated = subscribe(client, `subscription { applicationUpdated { id } }`);
    await subscribersAt(stack.subgraphUrls.approval, 2);
    const SUBMIT = `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id tasks { id } } }`;
    const input = { project: project.code, stage: project.stage, idempotencyKey: 'live-0123456789abcdef' };
    const submitted = await stack.query(SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    expect((await stack.query(SUBMIT, { input })).data.submitApplication.id).toBe(submitted.data.submitApplication.id);
    // A later change to another application: once its event is here, any event of the retry would have been too.
    const other = await pendingTask();
    expect((await stack.query(DECIDE, { taskId: other.taskId, decision: other.decision, opinion: '同意' })).errors).toBeUndefined();
    await until(() => updated.results.some((r) => r.data.applicationUpdated.id === other.applicationId), 'the later change');
    expect(updated.results.map((r) => r.data.applicationUpdated.id)).toEqual([submitted.data.submitApplication.id, other.applicationId]);
    const tasks = submitted.data.submitApplication.tasks.map((t: any) => t.id).sort();
    expect(assigned.results.map((r) => r.data.taskAssigned.id).sort()).toEqual(tasks);
    expect(assigned.results.every((r) => r.data.taskAssigned.status === 'PENDING_ACCEPTANCE')).toBe(true);
    assigned.stop();
    updated.stop();
  } finally {
    await client.dispose();
  }
});
