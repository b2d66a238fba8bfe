/**
 * The dashboard's list orders and the 未申报 filter (issue 13). 办结期限 and 逾期 are the
 * approval system's data, so it sorts its applications; only it knows which projects have
 * no application yet, so it lists those. Asserted over every page, against the values the
 * API itself returns for each row.
 */
import { dashboardOperation, everyNode as everyNodeOf, staffHeaders } from '../helpers/dashboard-operations';
import { startTestStack, type TestStack } from '../helpers/stack';

const PROJECTS = dashboardOperation('DashboardProjectList');
const APPLICATIONS = dashboardOperation('DashboardApplicationList');
const UNAPPLIED = dashboardOperation('DashboardUnappliedList');
const BINGMEI = '522633100000';

let stack: TestStack;
const everyNode = async (query: string, field: string, variables: Record<string, unknown>, headers?: Record<string, string>) =>
  (await everyNodeOf(stack, query, field, variables, headers)).nodes;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());


const isSorted = (values: string[]) => values.every((v, i) => i === 0 || values[i - 1]! <= v);

describe('applications(order:)', () => {
  it('DEADLINE: every application, earliest 办结期限 first', async () => {
    const submitted = await everyNode(APPLICATIONS, 'applications', {});
    const byDeadline = await everyNode(APPLICATIONS, 'applications', { order: 'DEADLINE' });
    expect(byDeadline.map((a) => a.id).sort()).toEqual(submitted.map((a) => a.id).sort());
    expect(isSorted(byDeadline.map((a) => a.deadline))).toBe(true);
    // Not already in that order, or the test would prove nothing.
    expect(isSorted(submitted.map((a) => a.deadline))).toBe(false);
  });

  it('OVERDUE_FIRST: the overdue applications, then the rest, each by 办结期限', async () => {
    const list = await everyNode(APPLICATIONS, 'applications', { order: 'OVERDUE_FIRST' });
    const firstOnTime = list.findIndex((a) => !a.overdue);
    expect(firstOnTime).toBeGreaterThan(0);
    const overdue = list.slice(0, firstOnTime);
    const rest = list.slice(firstOnTime);
    expect(overdue.every((a) => a.overdue)).toBe(true);
    expect(rest.every((a) => !a.overdue)).toBe(true);
    expect(rest.length).toBeGreaterThan(0);
    expect(isSorted(overdue.map((a) => a.deadline))).toBe(true);
    expect(isSorted(rest.map((a) => a.deadline))).toBe(true);
  });

  it('sorts within the filters: a joint status in one town', async () => {
    const town = (await stack.query(APPLICATIONS, { first: 1, jointStatus: 'IN_REVIEW' })).data.applications.nodes[0].project.townCode;
    const filtered = await everyNode(APPLICATIONS, 'applications', { jointStatus: 'IN_REVIEW', townCode: town, order: 'DEADLINE' });
    const unsorted = await everyNode(APPLICATIONS, 'applications', { jointStatus: 'IN_REVIEW', townCode: town });
    expect(filtered.map((a) => a.id).sort()).toEqual(unsorted.map((a) => a.id).sort());
    expect(filtered.length).toBeGreaterThan(0);
    for (const a of filtered) expect([a.jointStatus, a.project.townCode]).toEqual(['IN_REVIEW', town]);
    expect(isSorted(filtered.map((a) => a.deadline))).toBe(true);
  });

  it('refuses an order it does not know', async () => {
    const { errors } = await stack.query(APPLICATIONS, { first: 5, order: 'NEWEST' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('projectsWithoutApplications (未申报)', () => {
  it('lists exactly the projects that have no application at the stage they are at', async () => {
    const projects = await everyNode(PROJECTS, 'constructionProjects', {});
    const unapplied = await everyNode(UNAPPLIED, 'projectsWithoutApplications', {});
    const withNone = projects.filter((p) => !p.applications.some((a: { stage: string }) => a.stage === p.stage)).map((p) => p.code);
    expect(unapplied.map((p) => p.code)).toEqual(withNone);
    expect(withNone.length).toBeGreaterThan(0);
    expect(withNone.length).toBeLessThan(projects.length);
  });

  it('filters by the project’s stage and town, and a town’s user sees its own town only', async () => {
    const atStage = await everyNode(UNAPPLIED, 'projectsWithoutApplications', { stage: 'ENGINEERING_PERMIT', townCode: BINGMEI });
    expect(atStage.length).toBeGreaterThan(0);
    for (const p of atStage) expect([p.stage, p.townCode]).toEqual(['ENGINEERING_PERMIT', BINGMEI]);
    const town = await staffHeaders(stack, 'bingmei-clerk');
    const seenByTown = await everyNode(UNAPPLIED, 'projectsWithoutApplications', {}, town);
    const countyWide = await everyNode(UNAPPLIED, 'projectsWithoutApplications', { townCode: BINGMEI });
    expect(seenByTown.map((p) => p.code)).toEqual(countyWide.map((p) => p.code));
    const refused = await stack.queryWith(town, UNAPPLIED, { first: 5, townCode: '522633101000' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('drops a project once an application is submitted for it', async () => {
    const [project] = await everyNode(UNAPPLIED, 'projectsWithoutApplications', { townCode: BINGMEI });
    const before = (await stack.query(UNAPPLIED, { first: 1 })).data.projectsWithoutApplications.totalCount;
    const clerk = await staffHeaders(stack, 'window-clerk');
    const submitted = await stack.queryWith(clerk, dashboardOperation('IntakeSubmit'), {
      input: { project: project.code, stage: project.stage, idempotencyKey: `list-order-${project.code}` },
    });
    expect(submitted.errors).toBeUndefined();
    const after = await everyNode(UNAPPLIED, 'projectsWithoutApplications', {});
    expect(after).toHaveLength(before - 1);
    expect(after.map((p) => p.code)).not.toContain(project.code);
  });
});
