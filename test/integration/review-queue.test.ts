/**
 * 审批人一站办结: a reviewer's queue (待我审查) and the decisions taken from it, over real
 * HTTP, as the roster's people (domain/staff.ts) sign in. Refusals change nothing.
 */
import { staffMember } from '../../domain/staff';
import { notYetApplied } from '../../mocks/approval/history';
import { startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';

// The approval system's clock: Wednesday 2 Dec 2026, 10:00 in 从江 (the seeded open applications of November are some overdue, some not yet due).
const CLOCK = new Date('2026-12-02T02:00:00Z');
const TODAY = '2026-12-02';
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ approvalClock: () => CLOCK });
});
afterAll(() => stack.stop());

const QUEUE = `query($department: String, $first: Int) {
  reviewQueue(department: $department, first: $first) {
    departmentCodes totalCount overdueCount
    tasks { id departmentCode status deadline overdue reviewer reviewerName availableDecisions application { id region { code } project { code name } } }
  }
}`;
const DECIDE = `mutation($taskId: ID!, $decision: ReviewDecision!, $opinion: String!, $corrections: [String!]) {
  recordReviewOpinion(taskId: $taskId, decision: $decision, opinion: $opinion, corrections: $corrections) {
    id jointStatus canResubmitCorrections tasks { id status reviewer reviewerName opinion corrections availableDecisions }
  }
}`;
const APPLICATION = `query($id: ID!) {
  application(id: $id) {
    id jointStatus canResubmitCorrections
    tasks { id status reviewer reviewerName opinion corrections decidedAt availableDecisions checklist { material { name } status } }
  }
}`;

/** A token for someone on the roster, as the identity service would issue it (name claim included). */
async function as(id: string, region?: string) {
  const member = staffMember(id)!;
  const token = await stack.issuer.token({ sub: member.id, name: member.name, org: member.department, region: region ?? member.region, scope: member.scopes.join(' ') });
  return <T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => stack.queryWith({ authorization: `Bearer ${token}` }, query, variables);
}

interface OpenTask { id: string; departmentCode: string; deadline: string; receivedAt: string; overdue: boolean; region: string }
/** Every open task the approval system has, read through the ordinary application list. */
async function openTasks(): Promise<OpenTask[]> {
  const tasks: OpenTask[] = [];
  for (let after: string | null = null; ; ) {
    const { data, errors }: GraphQLResponse = await stack.query(
      `query($after: String) { applications(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { region { code } tasks { id departmentCode status deadline receivedAt overdue } } } }`,
      { after },
    );
    expect(errors).toBeUndefined();
    for (const a of data.applications.nodes) {
      if (a.tasks.some((t: any) => t.status === 'REJECTED')) continue; // refused by a department: no more decisions on it
      for (const t of a.tasks) if (t.status === 'PENDING_ACCEPTANCE' || t.status === 'IN_REVIEW') tasks.push({ ...t, region: a.region.code });
    }
    if (!data.applications.pageInfo.hasNextPage) break;
    after = data.applications.pageInfo.endCursor;
  }
  return tasks.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
}

let keySerial = 0;
/** A new application at the construction-permit stage (tasks for 住建局 and its fire review), as the window clerk submits it. */
async function freshApplication(skip: number) {
  const project = notYetApplied(stack.departments.county).filter((p) => p.stage === 'CONSTRUCTION_PERMIT')[skip]!;
  const clerk = await as('window-clerk');
  const { data, errors } = await clerk(`mutation($p: ID!, $k: String!) { submitApplication(input: { project: $p, stage: CONSTRUCTION_PERMIT, idempotencyKey: $k }) { id tasks { id departmentCode } } }`, {
    p: project.code,
    k: `review-queue-${++keySerial}-${project.code}`,
  });
  expect(errors).toBeUndefined();
  const tasks = data.submitApplication.tasks as { id: string; departmentCode: string }[];
  return { id: data.submitApplication.id as string, project, zjj: tasks.find((t) => t.departmentCode === 'zjj')!.id, fire: tasks.find((t) => t.departmentCode === 'zjj-xf')!.id };
}

describe('待我审查: the reviewer’s queue', () => {
  it('holds the open tasks of the caller’s department, oldest deadline first, with counts of all, in one request to the approval system', async () => {
    const expected = (await openTasks()).filter((t) => t.departmentCode === 'zjj');
    expect(expected.length).toBeGreaterThan(5);
    await stack.resetCounts();
    const reviewer = await as('zjj-reviewer-1');
    const { data, errors } = await reviewer(QUEUE, { first: 5 });
    expect(errors).toBeUndefined();
    const queue = data.reviewQueue;
    expect(queue.departmentCodes).toEqual(['zjj']);
    expect(queue.totalCount).toBe(expected.length);
    expect(queue.overdueCount).toBe(expected.filter((t) => t.overdue).length);
    expect(queue.overdueCount).toBe(expected.filter((t) => t.deadline < TODAY).length);
    expect(queue.overdueCount).toBeGreaterThan(0);
    expect(queue.tasks.map((t: any) => t.id)).toEqual(expected.slice(0, 5).map((t) => t.id));
    // Each task leads to its application and project.
    for (const task of queue.tasks) {
      expect(task.application.id).toBe(task.id.replace(/-\d+$/, ''));
      expect(task.application.project.code).toMatch(/^\d{4}-522633-/);
    }
    // The applications came with the queue: no second look-up; the projects in one batch.
    expect(stack.requests('approval').map((r) => r.path)).toEqual(['/api/tasks']);
    expect(stack.requests('construction')).toHaveLength(1);
  });

  it('covers every department the caller reviews for, and narrows to one asked for', async () => {
    const all = await openTasks();
    const admin = await as('county-admin');
    const everything = (await admin(QUEUE, { first: 0 })).data.reviewQueue;
    expect(everything.departmentCodes).toEqual(['da', 'fgj', 'rfb', 'zjj', 'zjj-xf', 'zrzy']);
    expect(everything.totalCount).toBe(all.length);
    expect(everything.tasks).toEqual([]);
    const zrzy = (await admin(QUEUE, { department: 'zrzy', first: 100 })).data.reviewQueue;
    expect(zrzy.departmentCodes).toEqual(['zrzy']);
    const zrzyTasks = all.filter((t) => t.departmentCode === 'zrzy');
    // At most 100 a page, oldest deadline first; the count covers them all.
    expect(zrzy.totalCount).toBe(zrzyTasks.length);
    expect(zrzy.tasks.map((t: any) => t.id)).toEqual(zrzyTasks.slice(0, 100).map((t) => t.id));
  });

  it('refuses a department the caller does not review for, and gives a window clerk an empty queue', async () => {
    const reviewer = await as('zjj-reviewer-1');
    const refused = await reviewer(QUEUE, { department: 'zrzy' });
    expect(refused.data).toBeNull();
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const clerk = await as('window-clerk');
    const { data, errors } = await clerk(QUEUE, {});
    expect(errors).toBeUndefined();
    expect(data.reviewQueue).toEqual({ departmentCodes: [], totalCount: 0, overdueCount: 0, tasks: [] });
  });

  it('stays within the caller’s jurisdiction: a town’s reviewer sees that town’s tasks only', async () => {
    const zjj = (await openTasks()).filter((t) => t.departmentCode === 'zjj');
    const town = zjj[0]!.region.slice(0, 9) + '000';
    const inTown = zjj.filter((t) => t.region.startsWith(town.slice(0, 9)));
    expect(inTown.length).toBeLessThan(zjj.length);
    const townReviewer = await as('zjj-reviewer-2', town);
    const { data, errors } = await townReviewer(QUEUE, { first: 100 });
    expect(errors).toBeUndefined();
    expect(data.reviewQueue.totalCount).toBe(inTown.length);
    expect(data.reviewQueue.overdueCount).toBe(inTown.filter((t) => t.overdue).length);
    expect(data.reviewQueue.tasks.map((t: any) => t.id)).toEqual(inTown.map((t) => t.id));
    expect(data.reviewQueue.tasks.every((t: any) => t.application.region.code.startsWith(town.slice(0, 9)))).toBe(true);
  });

  it('names seeded reviewers from the county’s roster', async () => {
    const admin = await as('county-admin');
    const { data } = await admin(QUEUE, { first: 100 });
    const accepted = data.reviewQueue.tasks.filter((t: any) => t.status === 'IN_REVIEW');
    expect(accepted.length).toBeGreaterThan(0);
    for (const t of accepted) expect(t.reviewerName).toBe(staffMember(t.reviewer)!.name);
    const pending = data.reviewQueue.tasks.filter((t: any) => t.status === 'PENDING_ACCEPTANCE');
    expect(pending.length).toBeGreaterThan(0);
    for (const t of pending) expect(t).toMatchObject({ reviewer: null, reviewerName: null, availableDecisions: ['ACCEPT', 'REQUEST_CORRECTIONS', 'REJECT'] });
  });
});

describe('decisions from the queue', () => {
  it('accepts and approves, recording the reviewer’s name; the task leaves the queue once decided', async () => {
    const application = await freshApplication(0);
    const reviewer = await as('zjj-reviewer-3');
    const before = (await reviewer(QUEUE, { first: 100 })).data.reviewQueue;
    expect(before.tasks.map((t: any) => t.id)).toContain(application.zjj);

    const accepted = await reviewer(DECIDE, { taskId: application.zjj, decision: 'ACCEPT', opinion: '' });
    expect(accepted.errors).toBeUndefined();
    const task = accepted.data.recordReviewOpinion.tasks.find((t: any) => t.id === application.zjj);
    expect(task).toMatchObject({ status: 'IN_REVIEW', reviewer: 'zjj-reviewer-3', reviewerName: '梁文杰', availableDecisions: ['APPROVE', 'REQUEST_CORRECTIONS', 'REJECT'] });
    // Not this reviewer's department: nothing to offer there.
    expect(accepted.data.recordReviewOpinion.tasks.find((t: any) => t.id === application.fire).availableDecisions).toEqual([]);
    expect((await reviewer(QUEUE, { first: 100 })).data.reviewQueue.totalCount).toBe(before.totalCount);

    const approved = await reviewer(DECIDE, { taskId: application.zjj, decision: 'APPROVE', opinion: '符合要求，同意。' });
    expect(approved.errors).toBeUndefined();
    expect(approved.data.recordReviewOpinion.jointStatus).toBe('IN_REVIEW'); // the fire review is still open
    const after = (await reviewer(QUEUE, { first: 100 })).data.reviewQueue;
    expect(after.totalCount).toBe(before.totalCount - 1);
    expect(after.tasks.map((t: any) => t.id)).not.toContain(application.zjj);
  });

  it('refuses a decision the task’s state no longer allows, saying the state, and changes nothing', async () => {
    const application = await freshApplication(1);
    const reviewer = await as('zjj-reviewer-1');
    await reviewer(DECIDE, { taskId: application.zjj, decision: 'ACCEPT', opinion: '' });
    // Another reviewer of the department approves it meanwhile.
    await (await as('zjj-reviewer-2'))(DECIDE, { taskId: application.zjj, decision: 'APPROVE', opinion: '同意' });
    const state = async () => (await reviewer(APPLICATION, { id: application.id })).data.application;
    const decided = await state();
    const late = await reviewer(DECIDE, { taskId: application.zjj, decision: 'REQUEST_CORRECTIONS', opinion: '材料不全', corrections: ['消防设计文件'] });
    expect(late.data).toBeNull();
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TRANSITION_REFUSED', taskStatus: 'APPROVED' });
    expect(await state()).toEqual(decided);
    expect(decided.tasks.find((t: any) => t.id === application.zjj)).toMatchObject({ status: 'APPROVED', reviewerName: '贾红梅', availableDecisions: [] });
  });

  it('refuses another department’s task (FORBIDDEN) and another town’s (as if it did not exist), changing nothing', async () => {
    const application = await freshApplication(2);
    const town = application.project.townCode;
    const otherTown = stack.departments.county.towns.find((t) => t.code !== town)!.code;
    const state = async () => (await stack.query(APPLICATION, { id: application.id })).data.application;
    const before = await state();

    const wrongDepartment = await (await as('zrzy-reviewer-1'))(DECIDE, { taskId: application.zjj, decision: 'ACCEPT', opinion: '' });
    expect(wrongDepartment.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const outOfRegion = await (await as('zjj-reviewer-1', otherTown))(DECIDE, { taskId: application.zjj, decision: 'ACCEPT', opinion: '' });
    expect(outOfRegion.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'taskId' });
    expect(await state()).toEqual(before);
    expect(before.tasks.every((t: any) => t.status === 'PENDING_ACCEPTANCE')).toBe(true);
  });

  it('asks for corrections chosen from the task’s checklist; the window clerk hands them in and the task is back in review', async () => {
    const application = await freshApplication(3);
    const reviewer = await as('zjj-xf-reviewer-1');
    const { data } = await reviewer(APPLICATION, { id: application.id });
    const fire = data.application.tasks.find((t: any) => t.id === application.fire);
    const names = fire.checklist.map((e: any) => e.material.name);
    expect(names).toEqual(['特殊建设工程消防设计审查申请表', '营业执照', '消防设计文件', '施工图审查合格书']);
    expect(fire.checklist.filter((e: any) => e.status === 'REQUIRED').map((e: any) => e.material.name)).toEqual(
      expect.arrayContaining(['特殊建设工程消防设计审查申请表', '消防设计文件']),
    );

    // Incomplete decisions are refused before the approval system is asked.
    const noMaterials = await reviewer(DECIDE, { taskId: application.fire, decision: 'REQUEST_CORRECTIONS', opinion: '材料不全', corrections: [] });
    expect(noMaterials.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'corrections' });
    const noReason = await reviewer(DECIDE, { taskId: application.fire, decision: 'REJECT', opinion: ' ' });
    expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'opinion' });

    const returned = await reviewer(DECIDE, { taskId: application.fire, decision: 'REQUEST_CORRECTIONS', opinion: '消防设计文件不全', corrections: ['消防设计文件'] });
    expect(returned.errors).toBeUndefined();
    expect(returned.data.recordReviewOpinion).toMatchObject({ jointStatus: 'AWAITING_CORRECTIONS', canResubmitCorrections: false });

    const clerk = await as('window-clerk');
    expect((await clerk(APPLICATION, { id: application.id })).data.application.canResubmitCorrections).toBe(true);
    const resubmitted = await clerk(`mutation($id: ID!, $m: [String!]!) { resubmitCorrections(applicationId: $id, materials: $m) { jointStatus canResubmitCorrections tasks { id status } } }`, {
      id: application.id,
      m: ['消防设计文件'],
    });
    expect(resubmitted.errors).toBeUndefined();
    expect(resubmitted.data.resubmitCorrections).toMatchObject({ jointStatus: 'IN_REVIEW', canResubmitCorrections: false });
    expect(resubmitted.data.resubmitCorrections.tasks.find((t: any) => t.id === application.fire).status).toBe('IN_REVIEW');
  });
});
