/**
 * Searching the dashboard's lists (issue 13): one text, matched by the department that
 * holds the list against the 项目代码, 项目名称, 建设单位 name and its 统一社会信用代码 —
 * 住建局 for the project list, the approval system for applications and 未申报 projects.
 * Always within the caller's jurisdiction; a text out of bounds is refused before any
 * department is asked.
 */
import { dashboardOperation, everyNode as everyNodeOf, staffHeaders } from '../helpers/dashboard-operations';
import { startTestStack, type TestStack } from '../helpers/stack';

const PROJECTS = dashboardOperation('DashboardProjectList');
const APPLICATIONS = dashboardOperation('DashboardApplicationList');
const UNAPPLIED = dashboardOperation('DashboardUnappliedList');
const BINGMEI = '522633100000'; // 丙妹镇, the town of the roster's bingmei-clerk
const GUANDONG = '522633101000'; // 贯洞镇

interface Node {
  code: string;
  name: string;
  townCode: string;
  applicant: { uscc: string; name: string } | null;
}

let stack: TestStack;
const everyNode = (query: string, field: string, variables: Record<string, unknown>, headers?: Record<string, string>) => everyNodeOf(stack, query, field, variables, headers);
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());


/** A project of the town, with its applicant, as the list shows it. */
async function aProjectIn(townCode: string): Promise<Node> {
  const { data } = await stack.query(PROJECTS, { first: 1, townCode });
  const project = data.constructionProjects.nodes[0] as Node;
  expect(project.applicant).not.toBeNull();
  return project;
}

const keysOf = (p: Node) => ({ 项目代码: p.code, 项目名称: p.name, 建设单位: p.applicant!.name, 统一社会信用代码: p.applicant!.uscc });
const matches = (p: Node, text: string) => [p.code, p.name, p.applicant?.name ?? '', p.applicant?.uscc ?? ''].some((v) => v.toLowerCase().includes(text.toLowerCase()));

describe('constructionProjects(search:)', () => {
  it('finds the project by each of the four keys, and lists only projects that match', async () => {
    const project = await aProjectIn(BINGMEI);
    for (const [key, text] of Object.entries(keysOf(project))) {
      await stack.resetCounts();
      const { nodes } = await everyNode(PROJECTS, 'constructionProjects', { search: text });
      expect({ key, found: nodes.some((n) => n.code === project.code) }).toEqual({ key, found: true });
      for (const n of nodes) expect({ key, code: n.code, matches: matches(n, text) }).toEqual({ key, code: n.code, matches: true });
      // 住建局 searched its own records: one list request per page, the text sent along.
      const asked = stack.requests('construction').filter((r) => r.path === '/api/projects');
      expect(asked.length).toBeGreaterThan(0);
      for (const r of asked) expect(new URLSearchParams(r.search).get('q')).toBe(text);
    }
  });

  it('matches part of a key, letters in any case, and trims the text', async () => {
    const project = await aProjectIn(BINGMEI);
    const { nodes: byCodeTail } = await everyNode(PROJECTS, 'constructionProjects', { search: ` ${project.code.slice(-6)} ` });
    expect(byCodeTail.map((n) => n.code)).toContain(project.code);
    const uscc = project.applicant!.uscc;
    const { nodes: byLowerUscc } = await everyNode(PROJECTS, 'constructionProjects', { search: uscc.toLowerCase() });
    expect(byLowerUscc.map((n) => n.code)).toContain(project.code);
  });

  it('combines with the stage and town filters', async () => {
    const project = await aProjectIn(GUANDONG);
    const { data } = await stack.query(`query($c: ID!) { constructionProject(code: $c) { stage } }`, { c: project.code });
    const { nodes } = await everyNode(PROJECTS, 'constructionProjects', { search: project.applicant!.name, stage: data.constructionProject.stage, townCode: GUANDONG });
    expect(nodes.map((n) => n.code)).toContain(project.code);
    for (const n of nodes) expect([n.stage, n.townCode]).toEqual([data.constructionProject.stage, GUANDONG]);
    const { total } = await everyNode(PROJECTS, 'constructionProjects', { search: project.code, townCode: BINGMEI });
    expect(total).toBe(0);
  });

  it('a town’s user never finds another town’s project, by any key', async () => {
    const town = await staffHeaders(stack, 'bingmei-clerk');
    const own = await aProjectIn(BINGMEI);
    const other = await aProjectIn(GUANDONG);
    const { nodes: ownFound } = await everyNode(PROJECTS, 'constructionProjects', { search: own.code }, town);
    expect(ownFound.map((n) => n.code)).toEqual([own.code]);
    for (const [key, text] of Object.entries(keysOf(other))) {
      const { nodes } = await everyNode(PROJECTS, 'constructionProjects', { search: text }, town);
      expect({ key, codes: nodes.map((n) => n.code).filter((c) => c === other.code) }).toEqual({ key, codes: [] });
      for (const n of nodes) expect(n.townCode).toBe(BINGMEI);
    }
    for (const [query, field] of [[APPLICATIONS, 'applications'], [UNAPPLIED, 'projectsWithoutApplications']] as const) {
      const { nodes } = await everyNode(query, field, { search: other.code }, town);
      expect(nodes).toEqual([]);
    }
  });

  it('refuses a text too short, too long or with control characters, before asking 住建局', async () => {
    const refused = ['', '   ', 'a', '镇', 'x'.repeat(51), '项'.repeat(51), 'ab\u0000cd'];
    await stack.resetCounts();
    for (const search of refused) {
      for (const [query, field] of [[PROJECTS, 'constructionProjects'], [APPLICATIONS, 'applications'], [UNAPPLIED, 'projectsWithoutApplications']] as const) {
        const { data, errors } = await stack.query(query, { first: 20, search });
        expect({ search, field, data }).toEqual({ search, field, data: null });
        expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'search' }) })]);
      }
    }
    expect(stack.requests('construction')).toEqual([]);
    expect(stack.requests('approval').filter((r) => r.path !== '/api/regions')).toEqual([]);
    // The bounds themselves are accepted: two characters, and fifty.
    for (const search of ['从江', '项'.repeat(50)]) expect((await stack.query(PROJECTS, { first: 1, search })).errors).toBeUndefined();
  });
});

describe('applications(search:) and projectsWithoutApplications(search:)', () => {
  it('find an application by each key of its project', async () => {
    const { data } = await stack.query(APPLICATIONS, { first: 1, townCode: BINGMEI });
    const application = data.applications.nodes[0];
    const project = application.project as Node;
    for (const [key, text] of Object.entries(keysOf(project))) {
      const { nodes } = await everyNode(APPLICATIONS, 'applications', { search: text });
      expect({ key, found: nodes.some((n) => n.id === application.id) }).toEqual({ key, found: true });
      for (const n of nodes) expect({ key, matches: matches(n.project, text) }).toEqual({ key, matches: true });
    }
  });

  it('find a project without an application by each key', async () => {
    const { data } = await stack.query(UNAPPLIED, { first: 1, townCode: GUANDONG });
    const project = data.projectsWithoutApplications.nodes[0] as Node;
    for (const [key, text] of Object.entries(keysOf(project))) {
      const { nodes } = await everyNode(UNAPPLIED, 'projectsWithoutApplications', { search: text });
      expect({ key, found: nodes.some((n) => n.code === project.code) }).toEqual({ key, found: true });
      for (const n of nodes) expect({ key, matches: matches(n, text) }).toEqual({ key, matches: true });
    }
  });
});
