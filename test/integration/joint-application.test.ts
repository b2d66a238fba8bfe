import { notYetApplied } from '../../mocks/approval/history';
import { operation, startTestStack, type TestStack } from '../helpers/stack';

// The approval system's clock: Wednesday 2 Dec 2026, 10:00 in 从江, the day after the data set's.
const TODAY = new Date('2026-12-02T02:00:00Z');
// Tuesday 29 Sep 2026, 10:00, just before National Day: for the deadline that skips it.
const BEFORE_NATIONAL_DAY = new Date('2026-09-29T02:00:00Z');
let clock = TODAY;
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ approvalClock: () => clock });
});
afterAll(() => stack.stop());

let keySerial = 0;
const newKey = () => `test-key-${Date.now()}-${++keySerial}`;
// Projects at a stage they have not applied for yet (history.ts seeds the rest).
const freshProject = (stage: string, skip = 0) => notYetApplied(stack.departments.county).filter((p) => p.stage === stage)[skip]!;

async function submit(code: string, stage: string, key = newKey()) {
  const response = await stack.query(operation('SubmitApplication'), { project: code, stage, idempotencyKey: key });
  return { ...response, key };
}
const decideTask = (taskId: string, decision: string, opinion = '意见', corrections?: string[]) =>
  stack.query(operation('RecordReviewOpinion'), { taskId, decision, opinion, corrections });

describe('submitApplication: 一件事 creates every department’s task at once', () => {
  it('creates one pending task per department of the stage, with deadlines in working days', async () => {
    const project = freshProject('CONSTRUCTION_PERMIT');
    clock = BEFORE_NATIONAL_DAY;
    const { data, errors } = await submit(project.code, 'CONSTRUCTION_PERMIT').finally(() => (clock = TODAY));
    expect(errors).toBeUndefined();
    const application = data.submitApplication;
    expect(application).toMatchObject({ stage: 'CONSTRUCTION_PERMIT', jointStatus: 'IN_REVIEW', overdue: false });
    expect(application.tasks.map((t: any) => [t.departmentCode, t.lead, t.status])).toEqual([
      ['zjj', true, 'PENDING_ACCEPTANCE'],
      ['zjj-xf', false, 'PENDING_ACCEPTANCE'],
    ]);
    // 3 working days from 29 Sep skip National Day (1–7 Oct): 30 Sep, 8 Oct, 9 Oct.
    expect(application.tasks[0].deadline).toBe('2026-10-09');
    // 10 working days: 30 Sep, 8, 9, 10 (调休 Saturday), 12–16, 19 Oct.
    expect(application.tasks[1].deadline).toBe('2026-10-19');
    expect(application.deadline).toBe('2026-10-19');
  });

  it('returns the same application for the same idempotency key, never two', async () => {
    const project = freshProject('ENGINEERING_PERMIT');
    const first = await submit(project.code, 'ENGINEERING_PERMIT');
    const again = await submit(project.code, 'ENGINEERING_PERMIT', first.key);
    expect(again.errors).toBeUndefined();
    expect(again.data.submitApplication.id).toBe(first.data.submitApplication.id);
    const { data } = await stack.query(`query($code: ID!) { constructionProject(code: $code) { applications { id stage } } }`, { code: project.code });
    // One at the stage, beside the approved application of the stage before it (history.ts), newest first.
    expect(data.constructionProject.applications).toEqual([
      { id: first.data.submitApplication.id, stage: 'ENGINEERING_PERMIT' },
      { id: expect.any(String), stage: 'PROJECT_LAND_PLANNING' },
    ]);
  });

  it('refuses a key reused for another application, and a second open application at the same stage', async () => {
    const [a, b] = [freshProject('COMPLETION_ACCEPTANCE', 0), freshProject('COMPLETION_ACCEPTANCE', 1)];
    const first = await submit(a.code, 'COMPLETION_ACCEPTANCE');
    const reused = await submit(b.code, 'COMPLETION_ACCEPTANCE', first.key);
    expect(reused.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' }) })]);
    const second = await submit(a.code, 'COMPLETION_ACCEPTANCE');
    expect(second.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', reason: 'APPLICATION_OPEN' }) })]);
  });

  it('refuses an unregistered project and a malformed code by name', async () => {
    const unknown = await submit('2409-522633-89-01-000000', 'CONSTRUCTION_PERMIT');
    expect(unknown.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'input.project' }) })]);
    const malformed = await submit('2409-52263', 'CONSTRUCTION_PERMIT');
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.project' });
    const shortKey = await submit(freshProject('CONSTRUCTION_PERMIT', 3).code, 'CONSTRUCTION_PERMIT', 'k');
    expect(shortKey.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.idempotencyKey' });
  });
});

describe('recording opinions until the joint status changes', () => {
  it('goes 审查中 → 待补正 → 审查中 → 通过 as the departments decide, and the project shows it', async () => {
    const project = freshProject('PROJECT_LAND_PLANNING');
    const { data } = await submit(project.code, 'PROJECT_LAND_PLANNING');
    const [lead, other] = data.submitApplication.tasks.map((t: any) => t.id);
    const id = data.submitApplication.id;

    expect((await decideTask(lead, 'ACCEPT')).data.recordReviewOpinion.jointStatus).toBe('IN_REVIEW');
    const corrections = await decideTask(lead, 'REQUEST_CORRECTIONS', '用地范围红线图比例不符', ['建设用地范围红线图']);
    expect(corrections.data.recordReviewOpinion.jointStatus).toBe('AWAITING_CORRECTIONS');

    const resubmitted = await stack.query(
      `mutation($id: ID!, $m: [String!]!) { resubmitCorrections(applicationId: $id, materials: $m) { jointStatus tasks { id status corrections deadline } } }`,
      { id, m: ['建设用地范围红线图'] },
    );
    expect(resubmitted.errors).toBeUndefined();
    expect(resubmitted.data.resubmitCorrections.jointStatus).toBe('IN_REVIEW');
    expect(resubmitted.data.resubmitCorrections.tasks[0]).toMatchObject({ id: lead, status: 'IN_REVIEW', corrections: [] });

    await decideTask(lead, 'APPROVE', '同意');
    await decideTask(other, 'ACCEPT');
    const done = await decideTask(other, 'APPROVE', '同意');
    expect(done.data.recordReviewOpinion.jointStatus).toBe('APPROVED');

    const review = await stack.query(operation('JointReviewWithApplications'), { code: project.code });
    expect(review.errors).toBeUndefined();
    expect(review.data.constructionProject.jointStatus).toBe('APPROVED');
    expect(review.data.constructionProject.applications[0]).toMatchObject({
      id,
      jointStatus: 'APPROVED',
      tasks: [
        { id: lead, status: 'APPROVED', opinion: '同意' },
        { id: other, status: 'APPROVED' },
      ],
    });
  });

  it('goes to 不予许可 when a department refuses', async () => {
    const project = freshProject('ENGINEERING_PERMIT', 1);
    const { data } = await submit(project.code, 'ENGINEERING_PERMIT');
    const [lead] = data.submitApplication.tasks.map((t: any) => t.id);
    await decideTask(lead, 'ACCEPT');
    const refused = await decideTask(lead, 'REJECT', '不符合控制性详细规划');
    expect(refused.data.recordReviewOpinion.jointStatus).toBe('REJECTED');
  });

  it('takes no further opinion or correction once a department refused (不予许可), and changes nothing', async () => {
    const project = freshProject('ENGINEERING_PERMIT', 3);
    const { data } = await submit(project.code, 'ENGINEERING_PERMIT');
    const [lead, other] = data.submitApplication.tasks.map((t: any) => t.id);
    const id = data.submitApplication.id;
    await decideTask(lead, 'REQUEST_CORRECTIONS', '补正', ['设计方案总平面图']);
    await decideTask(other, 'REJECT', '不符合人防要求');
    const state = async () => (await stack.query(`query($id: ID!) { application(id: $id) { tasks { status opinion decidedAt } } }`, { id })).data.application;
    const decided = await state();
    const late = await decideTask(lead, 'ACCEPT', '受理');
    expect(late.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_CLOSED' });
    expect(late.errors![0]!.message).toMatch(/refused \(不予许可\)/);
    const corrections = await stack.query(`mutation($id: ID!) { resubmitCorrections(applicationId: $id, materials: ["设计方案总平面图"]) { id } }`, { id });
    expect(corrections.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_CLOSED' });
    expect(await state()).toEqual(decided);
  });

  it('keeps idempotency keys per caller: another user’s same key is never their application', async () => {
    const [a, b] = [freshProject('PROJECT_LAND_PLANNING', 0), freshProject('PROJECT_LAND_PLANNING', 1)];
    const first = await submit(a.code, 'PROJECT_LAND_PLANNING');
    const other = await stack.issuer.token({ sub: 'clerk-2', org: '522633-zwzx', region: '522633', scope: 'approval:read approval:submit construction:read' });
    const as = (code: string) => stack.queryWith({ authorization: `Bearer ${other}` }, operation('SubmitApplication'), { project: code, stage: 'PROJECT_LAND_PLANNING', idempotencyKey: first.key });
    // The same key for the same project: not the first user's application, but a second open one at the stage, refused.
    const same = await as(a.code);
    expect(same.data).toBeNull();
    expect(same.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_OPEN' });
    // The same key for another project: their own new application.
    const own = await as(b.code);
    expect(own.errors).toBeUndefined();
    expect(own.data.submitApplication.id).not.toBe(first.data.submitApplication.id);
    const { data } = await stack.query(`query($id: ID!) { application(id: $id) { project { code } } }`, { id: own.data.submitApplication.id });
    expect(data.application.project.code).toBe(b.code);
  });

  it('refuses invalid transitions with CONFLICT and changes nothing', async () => {
    const project = freshProject('CONSTRUCTION_PERMIT', 1);
    const { data } = await submit(project.code, 'CONSTRUCTION_PERMIT');
    const [lead] = data.submitApplication.tasks.map((t: any) => t.id);
    const id = data.submitApplication.id;
    const state = async () => (await stack.query(`query($id: ID!) { application(id: $id) { jointStatus tasks { status opinion decidedAt } } }`, { id })).data.application;

    const before = await state();
    const approveUnaccepted = await decideTask(lead, 'APPROVE', '同意');
    expect(approveUnaccepted.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'TRANSITION_REFUSED' });
    expect(approveUnaccepted.errors![0]!.message).toMatch(/not been accepted yet/);
    expect(await state()).toEqual(before);

    await decideTask(lead, 'ACCEPT');
    await decideTask(lead, 'APPROVE', '同意');
    const decided = await state();
    const twice = await decideTask(lead, 'REJECT', '再议');
    expect(twice.errors![0]!.message).toMatch(/already decided \(通过\)/);
    expect(await state()).toEqual(decided);

    const nothingAsked = await stack.query(`mutation($id: ID!) { resubmitCorrections(applicationId: $id, materials: ["x"]) { id } }`, { id });
    expect(nothingAsked.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTHING_TO_RESUBMIT' });
    expect(await state()).toEqual(decided);

    const unknownTask = await decideTask('SQ-none-1', 'ACCEPT');
    expect(unknownTask.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'taskId' });
  });

  it('refuses a resubmission that leaves out a requested correction, changing nothing', async () => {
    const project = freshProject('ENGINEERING_PERMIT', 2);
    const { data } = await submit(project.code, 'ENGINEERING_PERMIT');
    const [lead, other] = data.submitApplication.tasks.map((t: any) => t.id);
    await decideTask(lead, 'REQUEST_CORRECTIONS', '补正', ['设计方案总平面图']);
    await decideTask(other, 'REQUEST_CORRECTIONS', '补正', ['防空地下室建设审批申请表']);
    const partial = await stack.query(`mutation($id: ID!) { resubmitCorrections(applicationId: $id, materials: ["设计方案总平面图"]) { id } }`, {
      id: data.submitApplication.id,
    });
    expect(partial.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CORRECTIONS_MISSING' });
    expect(partial.errors![0]!.message).toContain('防空地下室建设审批申请表');
    const { data: after } = await stack.query(`query($id: ID!) { application(id: $id) { tasks { status corrections } } }`, { id: data.submitApplication.id });
    expect(after.application.tasks.map((t: any) => t.status)).toEqual(['CORRECTIONS_REQUESTED', 'CORRECTIONS_REQUESTED']);
  });
});

describe('applications on the dashboard', () => {
  it('lists by joint status and flags overdue tasks: seeded open ones both past and within their deadlines', async () => {
    const { data, errors } = await stack.query(
      `{ applications(first: 100, jointStatus: IN_REVIEW) { totalCount nodes { jointStatus overdue tasks { status deadline overdue } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data.applications.nodes.every((a: any) => a.jointStatus === 'IN_REVIEW')).toBe(true);
    const open = data.applications.nodes.flatMap((a: any) => a.tasks).filter((t: any) => t.status === 'IN_REVIEW' || t.status === 'PENDING_ACCEPTANCE');
    for (const t of open) expect(t.overdue).toBe(t.deadline < '2026-12-02');
    // Seeded in the month before the data set's day (1 Dec) with 3–10 working days: some late on 2 Dec, some not yet due.
    expect(open.filter((t: any) => t.overdue).length).toBeGreaterThan(0);
    expect(open.filter((t: any) => !t.overdue).length).toBeGreaterThan(0);
    const decided = data.applications.nodes.flatMap((a: any) => a.tasks).filter((t: any) => t.status === 'APPROVED');
    expect(decided.every((t: any) => !t.overdue)).toBe(true);
  });

  it('shows nothing overdue on refused applications (不予许可), though tasks in them were never decided', async () => {
    const { data, errors } = await stack.query(
      `{ applications(first: 100, jointStatus: REJECTED) { totalCount nodes { jointStatus overdue tasks { status deadline overdue } } } }`,
    );
    expect(errors).toBeUndefined();
    const refused = data.applications.nodes;
    expect(refused.length).toBeGreaterThan(0);
    const undecidedPastDeadline = refused.flatMap((a: any) => a.tasks).filter((t: any) => ['PENDING_ACCEPTANCE', 'IN_REVIEW'].includes(t.status) && t.deadline < '2026-12-02');
    expect(undecidedPastDeadline.length).toBeGreaterThan(0);
    expect(refused.filter((a: any) => a.overdue || a.tasks.some((t: any) => t.overdue))).toEqual([]);
  });
});
