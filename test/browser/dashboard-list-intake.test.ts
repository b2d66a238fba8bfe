/**
 * 联审工作台, issue 13 in Chromium: search, sort and 未申报 on the list, the CSV export, the
 * print view of a project, and the window clerk's intake. What the page shows is checked
 * against what the API answers for the same operation, never against numbers written here.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { dashboardOperation, everyNode, staffHeaders } from '../helpers/dashboard-operations';
import { describeInBrowser, ensureDashboardBuilt, graphqlRequestsSince, openBrowser, type DashboardBrowser } from '../helpers/browser';
import { startTestStack, type TestStack } from '../helpers/stack';

const PAGE_SIZE = 20;

describeInBrowser('联审工作台: search, sort, 未申报, export, print and intake in Chromium', () => {
  let stack: TestStack;
  let browser: DashboardBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureDashboardBuilt();
    stack = await startTestStack();
    browser = await openBrowser();
    page = browser.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const listedCodes = async (): Promise<string[]> => {
    await page.locator('.table-wrap[aria-busy="false"]').waitFor();
    return page.locator('table.projects tbody tr[data-code]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')!));
  };
  const listAfter = async (operationName: string, act: () => Promise<unknown>): Promise<string[]> => {
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes(`query ${operationName}`)), act()]);
    return listedCodes();
  };
  const api = (name: string, variables: Record<string, unknown>) => stack.query(dashboardOperation(name), { first: PAGE_SIZE, ...variables });

  it('searches by a builder’s name, and says in Chinese why a one-character search is not sent', async () => {
    await listAfter('DashboardProjectList', () => page.goto(stack.dashboardUrl));
    const sample = (await api('DashboardProjectList', { first: 1, townCode: '522633101000' })).data.constructionProjects.nodes[0];
    const builder = sample.applicant.name as string;

    await page.fill('#filter-search', builder);
    const found = await listAfter('DashboardProjectList', () => page.getByRole('button', { name: '搜索', exact: true }).click());
    const expected = (await api('DashboardProjectList', { search: builder })).data.constructionProjects;
    expect(found).toEqual(expected.nodes.map((n: any) => n.code));
    expect(found).toContain(sample.code);
    expect(await page.locator('#result-count').getAttribute('data-total')).toBe(String(expected.totalCount));
    expect(new URL(page.url()).searchParams.get('q')).toBe(builder);

    const since = browser.requests.length;
    await page.fill('#filter-search', '镇');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await expect(page.locator('#search-problem').textContent()).resolves.toContain('至少 2 个字符');
    expect(graphqlRequestsSince(browser.requests, since)).toEqual([]);
  });

  it('sorts by 办结期限 and 逾期优先, and lists 未申报 projects, each as the API answers', async () => {
    await listAfter('DashboardProjectList', () => page.goto(stack.dashboardUrl));

    const byDeadline = await listAfter('DashboardApplicationList', () => page.selectOption('#filter-sort', 'DEADLINE'));
    const deadlineApi = (await api('DashboardApplicationList', { order: 'DEADLINE' })).data.applications.nodes;
    expect(byDeadline).toEqual(deadlineApi.map((n: any) => n.project.code));
    const shownDeadlines = await page.locator('table.projects tbody tr[data-code] td:nth-child(8)').evaluateAll((cells) => cells.map((c) => c.textContent!.slice(0, 10)));
    expect(shownDeadlines).toEqual([...shownDeadlines].sort());

    const overdueFirst = await listAfter('DashboardApplicationList', () => page.selectOption('#filter-sort', 'OVERDUE_FIRST'));
    const overdueApi = (await api('DashboardApplicationList', { order: 'OVERDUE_FIRST' })).data.applications.nodes;
    expect(overdueFirst).toEqual(overdueApi.map((n: any) => n.project.code));
    expect(await page.locator('table.projects tbody tr[data-code]').first().textContent()).toContain('逾期');

    const none = await listAfter('DashboardUnappliedList', () => page.selectOption('#filter-status', 'NONE'));
    const noneApi = (await api('DashboardUnappliedList', {})).data.projectsWithoutApplications;
    expect(none).toEqual(noneApi.nodes.map((n: any) => n.code));
    const marks = await page.locator('table.projects tbody [data-joint-status]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-joint-status')));
    expect(new Set(marks)).toEqual(new Set(['NONE']));
    await expect(page.locator('#filter-sort').isDisabled()).resolves.toBe(true);
  });

  it('downloads every matching row as a CSV named for its filters', async () => {
    const filters = 'stage=CONSTRUCTION_PERMIT&status=IN_REVIEW';
    await listAfter('DashboardApplicationList', () => page.goto(`${stack.dashboardUrl}?${filters}`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toMatch(/^联审项目_施工许可_审查中_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF项目代码,')).toBe(true);
    const lines = csv.split('\r\n').filter(Boolean).slice(1);
    const { total, nodes } = await everyNode(stack, dashboardOperation('DashboardApplicationList'), 'applications', { stage: 'CONSTRUCTION_PERMIT', jointStatus: 'IN_REVIEW' });
    expect(lines).toHaveLength(total);
    expect(lines.map((l) => l.split(',')[7])).toEqual(nodes.map((n: any) => n.id));
    await expect(page.locator('#export-status').textContent()).resolves.toContain(`已导出 ${total} 条`);
  });

  it('prints a project page without navigation, every section shown', async () => {
    const { data } = await api('DashboardProjectList', { first: 1, stage: 'CONSTRUCTION_PERMIT' });
    await page.goto(`${stack.dashboardUrl}projects/${data.constructionProjects.nodes[0].code}`);
    await page.locator('.department-summary').waitFor();
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    await page.getByRole('button', { name: '打印' }).click();
    await page.waitForFunction(() => (window as unknown as { printed: number }).printed === 1);

    await page.emulateMedia({ media: 'print' });
    try {
      const hidden = await page.evaluate(() => ['.app-header', '.breadcrumb', '.print-button'].map((s) => getComputedStyle(document.querySelector(s)!).display));
      expect(hidden).toEqual(['none', 'none', 'none']);
      await expect(page.locator('#printed-at').isVisible()).resolves.toBe(true);
      const sections = await page.locator('[data-section]').evaluateAll((all) => all.map((s) => [s.getAttribute('data-section'), (s as HTMLElement).offsetWidth > 0]));
      expect(sections.length).toBeGreaterThan(3);
      for (const [, shown] of sections) expect(shown).toBe(true);
      // One column: every section as wide as the page.
      const widths = new Set(await page.locator('[data-section]').evaluateAll((all) => all.map((s) => (s as HTMLElement).offsetWidth)));
      expect(widths.size).toBe(1);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('takes in an application as the window clerk: checklist with 免提交, one application however often submitted', async () => {
    const clerkToken = (await staffHeaders(stack, 'window-clerk')).authorization.slice('Bearer '.length);
    // A project with no application whose first item, answered with each first option, has nothing blocked.
    const { nodes } = await everyNode(stack, dashboardOperation('DashboardUnappliedList'), 'projectsWithoutApplications', {});
    let chosen: { project: any; item: any } | null = null;
    for (const project of nodes.filter((p: any) => p.stage === 'CONSTRUCTION_PERMIT').slice(0, 15)) {
      const item = (await stack.query(dashboardOperation('IntakeServiceItems'), { stage: project.stage })).data.serviceItems[0];
      const answers = item.questions.map((q: any) => ({ question: q.id, value: q.options[0].value }));
      const checklist = (await stack.query(dashboardOperation('IntakeChecklist'), { itemCode: item.code, answers, applicant: project.applicant.uscc, project: project.code })).data.materialChecklist;
      if (checklist.every((e: any) => e.status !== 'BLOCKED') && checklist.some((e: any) => e.status === 'SHARED')) {
        chosen = { project, item };
        break;
      }
    }
    expect(chosen).not.toBeNull();
    const { project, item } = chosen!;

    const clerk = await browser.context.newPage();
    await clerk.route('**/dashboard/config.json', (route) => route.fulfill({ json: { endpoint: '/graphql', developmentToken: clerkToken } }));
    try {
      await clerk.goto(`${stack.dashboardUrl}intake?project=${project.code}`);
      await expect(clerk.locator('#intake-project').getAttribute('data-code')).resolves.toBe(project.code);
      await expect(clerk.locator('#intake-stage').inputValue()).resolves.toBe(project.stage);
      await clerk.locator(`#intake-item option[value="${item.code}"]`).waitFor({ state: 'attached' });
      await clerk.selectOption('#intake-item', item.code);
      for (const q of item.questions) await clerk.locator(`fieldset[data-question="${q.id}"] input[value="${q.options[0].value}"]`).check();

      await clerk.locator('#intake-checklist').waitFor();
      const shared = clerk.locator('#intake-checklist tr[data-status="SHARED"]');
      await expect(shared.count()).resolves.toBeGreaterThan(0);
      await expect(shared.first().textContent()).resolves.toMatch(/免提交[\s\S]*由.+(局|中心).+共享/);
      await expect(clerk.locator('#intake-checklist tr[data-status="BLOCKED"]').count()).resolves.toBe(0);

      // A double click: the button is off after the first, and the key would make one application anyway.
      await clerk.locator('#intake-submit').dblclick();
      const result = clerk.locator('#intake-result');
      await result.waitFor();
      const id = await result.getAttribute('data-application');
      const applications = (await stack.query(`query($c: ID!) { constructionProject(code: $c) { applications { id stage } } }`, { c: project.code })).data.constructionProject.applications;
      // One application at the project's stage; its earlier stages' applications are history.
      expect(applications.filter((a: { stage: string }) => a.stage === project.stage)).toEqual([{ id, stage: project.stage }]);
      await expect(clerk.locator('#intake-application-link').getAttribute('href')).resolves.toBe(`/dashboard/projects/${project.code}`);
      await expect(result.locator('tr[data-task]').count()).resolves.toBeGreaterThan(0);
      const submits = browser.requests.filter((r) => r.url().endsWith('/graphql') && (r.postData() ?? '').includes('mutation IntakeSubmit'));
      expect(new Set(submits.map((r) => JSON.parse(r.postData()!).variables.input.idempotencyKey)).size).toBe(1);
    } finally {
      await clerk.close();
    }
  });
});
