/**
 * 综合窗口受理 (issue 13): the window clerk's intake, through the dashboard's own operations
 * over real HTTP — the checklist the page shows, and one application per form however
 * often it is sent.
 */
import { dashboardOperation, everyNode, staffHeaders } from '../helpers/dashboard-operations';
import { startTestStack, type TestStack } from '../helpers/stack';

const SUBMIT = dashboardOperation('IntakeSubmit');
const CHECKLIST = dashboardOperation('IntakeChecklist');
const ITEMS = dashboardOperation('IntakeServiceItems');
const UNAPPLIED = dashboardOperation('DashboardUnappliedList');
const BINGMEI = '522633100000';

let stack: TestStack;
let clerk: Record<string, string>;
beforeAll(async () => {
  stack = await startTestStack();
  clerk = await staffHeaders(stack, 'window-clerk');
});
afterAll(() => stack.stop());

/** Projects with no application yet at their stage, in a town or county-wide: each can be taken in once. */
const unapplied = async (townCode?: string) => (await everyNode(stack, UNAPPLIED, 'projectsWithoutApplications', townCode ? { townCode } : {})).nodes;
/** The project's applications at its current stage (its earlier stages' are history). */
const applicationsOf = async (code: string) => {
  const project = (await stack.query(`query($c: ID!) { constructionProject(code: $c) { stage applications { id stage } } }`, { c: code })).data.constructionProject;
  return (project.applications as { id: string; stage: string }[]).filter((a) => a.stage === project.stage).map(({ id }) => ({ id }));
};

describe('submitApplication from the intake form', () => {
  it('makes one application for one key: sent twice at once, and again later, it is the same application', async () => {
    const [project] = await unapplied(BINGMEI);
    const input = { project: project.code, stage: project.stage, idempotencyKey: 'intake-0123456789abcdef0123456789abcdef' };
    const [first, doubleClick] = await Promise.all([stack.queryWith(clerk, SUBMIT, { input }), stack.queryWith(clerk, SUBMIT, { input })]);
    expect(first.errors).toBeUndefined();
    expect(doubleClick.errors).toBeUndefined();
    const retry = await stack.queryWith(clerk, SUBMIT, { input });
    expect(retry.errors).toBeUndefined();
    const id = first.data.submitApplication.id;
    expect(doubleClick.data.submitApplication.id).toBe(id);
    expect(retry.data.submitApplication.id).toBe(id);
    expect(await applicationsOf(project.code)).toEqual([{ id }]);
    expect(first.data.submitApplication.project.code).toBe(project.code);
    expect(first.data.submitApplication.tasks.length).toBeGreaterThan(0);
  });

  it('a new form (a new key) for a project under review is refused as CONFLICT, and nothing is made', async () => {
    // Another town's than the first test's: a consistent county has about two such projects a town.
    const [project] = (await unapplied()).filter((p: { townCode: string }) => p.townCode !== BINGMEI);
    const submit = (key: string) => stack.queryWith(clerk, SUBMIT, { input: { project: project.code, stage: project.stage, idempotencyKey: key } });
    expect((await submit('intake-first-form-000001')).errors).toBeUndefined();
    const second = await submit('intake-second-form-00002');
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_OPEN' });
    expect(await applicationsOf(project.code)).toHaveLength(1);
  });

  it('a town’s clerk cannot take in another town’s project; staff without approval:submit cannot take in any', async () => {
    const [other] = await unapplied('522633101000');
    const town = await staffHeaders(stack, 'bingmei-clerk');
    const input = { project: other.code, stage: other.stage, idempotencyKey: 'intake-other-town-000001' };
    const refused = await stack.queryWith(town, SUBMIT, { input });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.project' });
    const reviewer = await staffHeaders(stack, 'zjj-reviewer-1');
    const forbidden = await stack.queryWith(reviewer, SUBMIT, { input });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await applicationsOf(other.code)).toEqual([]);
  });
});

describe('the checklist the intake page shows', () => {
  it('marks what departments hold 免提交 with the document, and says why anything is blocked', async () => {
    const projects = await unapplied();
    const statuses = new Map<string, { reason: string | null; sharedFrom: any }[]>();
    for (const project of projects.slice(0, 8)) {
      const { data } = await stack.queryWith(clerk, ITEMS, { stage: project.stage });
      for (const item of data.serviceItems) {
        const answers = item.questions.map((q: any) => ({ question: q.id, value: q.options[0].value }));
        const answer = await stack.queryWith(clerk, CHECKLIST, { itemCode: item.code, answers, applicant: project.applicant.uscc, project: project.code });
        expect(answer.errors).toBeUndefined();
        expect(answer.data.serviceGuide.case.name).toEqual(expect.any(String));
        for (const entry of answer.data.materialChecklist) statuses.set(entry.status, [...(statuses.get(entry.status) ?? []), entry]);
      }
    }
    const shared = statuses.get('SHARED') ?? [];
    expect(shared.length).toBeGreaterThan(0);
    for (const entry of shared) expect(entry.sharedFrom).toMatchObject({ department: expect.stringMatching(/局|中心|办/), documentType: expect.any(String) });
    for (const entry of statuses.get('BLOCKED') ?? []) expect(entry.reason).toMatch(/[\u4e00-\u9fff]/);
  });
});
