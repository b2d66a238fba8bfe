/**
 * 联审工作台 end to end: the built dashboard, served by the gateway of the embedded stack,
 * in Debian's Chromium. What the page shows is checked against what the API answers for the
 * same operation, never against numbers written here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeInBrowser, ensureDashboardBuilt, graphqlRequestsSince, openBrowser, type DashboardBrowser } from '../helpers/browser';
import { startTestStack, type TestStack } from '../helpers/stack';

const operation = (name: string) => readFileSync(join(__dirname, '..', '..', 'web', 'dashboard', 'src', 'operations', `${name}.graphql`), 'utf8');
const PAGE_SIZE = 20;

describeInBrowser('联审工作台 (dashboard) in Chromium', () => {
  let stack: TestStack;
  let browser: DashboardBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureDashboardBuilt();
    // A one-second cache TTL, so the stale case can outwait it; everything else starts cold anyway.
    stack = await startTestStack({ cacheTtlSeconds: 1 });
    browser = await openBrowser();
    page = browser.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  afterEach(() => {
    for (const id of ['enterprise', 'land', 'construction', 'approval'] as const) stack.departments[id].faults.down = false;
  });

  /** The codes in the list once it has finished loading. */
  const listedCodes = async (): Promise<string[]> => {
    await page.locator('.table-wrap[aria-busy="false"]').waitFor();
    return page.locator('table.projects tbody tr[data-code]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')!));
  };
  /** Does `act` and waits for the list it causes to be loaded. */
  const listAfter = async (operationName: string, act: () => Promise<unknown>): Promise<string[]> => {
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes(`query ${operationName}`)), act()]);
    return listedCodes();
  };
  const projectList = (variables: Record<string, unknown>) => stack.query(operation('DashboardProjectList'), { first: PAGE_SIZE, ...variables });

  it('loads the list: the first page of 住建局’s projects, with each one’s joint status', async () => {
    const codes = await listAfter('DashboardProjectList', () => page.goto(stack.dashboardUrl));
    const { data, errors } = await projectList({});
    expect(errors).toBeUndefined();
    const expected = data.constructionProjects.nodes;
    expect(codes).toEqual(expected.map((n: any) => n.code));
    expect(await page.locator('#result-count').getAttribute('data-total')).toBe(String(data.constructionProjects.totalCount));
    const statuses = await page.locator('table.projects tbody tr [data-joint-status]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-joint-status')));
    expect(statuses).toEqual(expected.map((n: any) => n.applications[0]?.jointStatus ?? 'NONE'));
    // The seeded applications make both kinds appear: a list of only "未申报" would prove little.
    expect(new Set(statuses).size).toBeGreaterThan(1);
    await expect(page.locator('h1').textContent()).resolves.toBe('项目列表');
  });

  it('filters by stage, then town, then joint status, and pages, each time showing what the API answers', async () => {
    await listAfter('DashboardProjectList', () => page.goto(stack.dashboardUrl));

    const byStage = await listAfter('DashboardProjectList', () => page.selectOption('#filter-stage', 'CONSTRUCTION_PERMIT'));
    const stageOnly = (await projectList({ stage: 'CONSTRUCTION_PERMIT' })).data.constructionProjects;
    expect(byStage).toEqual(stageOnly.nodes.map((n: any) => n.code));
    expect(byStage.length).toBeGreaterThan(0);
    expect(await page.locator('#result-count').getAttribute('data-total')).toBe(String(stageOnly.totalCount));
    expect(new URL(page.url()).searchParams.get('stage')).toBe('CONSTRUCTION_PERMIT');

    // A town that has projects at that stage, picked from the town list the page itself offers.
    const county = stack.departments.county;
    const town = county.towns.find((t) => county.projects.some((p) => p.townCode === t.code && p.stage === 'CONSTRUCTION_PERMIT'))!;
    await expect(page.locator('#filter-town option', { hasText: town.name }).count()).resolves.toBe(1);
    const byTown = await listAfter('DashboardProjectList', () => page.selectOption('#filter-town', { label: town.name }));
    const stageAndTown = (await projectList({ stage: 'CONSTRUCTION_PERMIT', townCode: town.code })).data.constructionProjects;
    expect(byTown).toEqual(stageAndTown.nodes.map((n: any) => n.code));
    expect(byTown.length).toBeGreaterThan(0);
    expect(byTown).not.toEqual(byStage);

    // Joint status is the approval system's: the list becomes its applications with that status.
    await listAfter('DashboardProjectList', () => page.getByRole('button', { name: '清除筛选' }).click());
    const byStatus = await listAfter('DashboardApplicationList', () => page.selectOption('#filter-status', 'IN_REVIEW'));
    const inReview = (await stack.query(operation('DashboardApplicationList'), { first: PAGE_SIZE, jointStatus: 'IN_REVIEW' })).data.applications;
    expect(byStatus).toEqual(inReview.nodes.map((n: any) => n.project.code));
    expect(byStatus.length).toBeGreaterThan(0);
    const shown = await page.locator('table.projects tbody [data-joint-status]').evaluateAll((cells) => cells.map((c) => c.textContent));
    expect(shown).toEqual(byStatus.map(() => '审查中'));

    // Cursor paging: the next page is the API's next page, and back again.
    await listAfter('DashboardProjectList', () => page.selectOption('#filter-status', ''));
    const first = (await projectList({})).data.constructionProjects;
    const second = (await projectList({ after: first.pageInfo.endCursor })).data.constructionProjects;
    const next = await listAfter('DashboardProjectList', () => page.getByRole('button', { name: '下一页' }).click());
    expect(next).toEqual(second.nodes.map((n: any) => n.code));
    const back = await listAfter('DashboardProjectList', () => page.getByRole('button', { name: '上一页' }).click());
    expect(back).toEqual(first.nodes.map((n: any) => n.code));
  });

  /** A project every department has something about: applicant, parcel, permit, four participants, review tasks. */
  const fullProject = () => {
    // A construction permit comes after approved applications at its stage and each before: review tasks to show.
    const project = stack.departments.county.projects.find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.constructionPermit && p.participants.length === 4);
    if (!project) throw new Error('the seeded county has no such project any more');
    return project;
  };
  const section = (id: string) => page.locator(`[data-section="${id}"]`);
  const openProject = async (code: string) => {
    await page.goto(`${stack.dashboardUrl}projects/${code}`);
    await page.locator('.department-summary, .sources').first().waitFor();
  };

  it('shows a project with data from every department, from ONE GraphQL request', async () => {
    const project = fullProject();
    await stack.resetCounts();
    const since = browser.requests.length;
    await openProject(project.code);

    const { data, errors } = await stack.query(operation('DashboardProject'), { code: project.code });
    expect(errors).toBeUndefined();
    const p = data.constructionProject;
    // The page's data in one request; the header's 待我审查 counts (this staff token reviews) are their own.
    const sent = graphqlRequestsSince(browser.requests, since).filter((r) => r.operationName !== 'DashboardReviewQueue');
    expect(sent).toEqual([{ operationName: 'DashboardProject', variables: { code: project.code } }]);

    await expect(page.locator('h1').textContent()).resolves.toBe(p.name);
    // 住建局
    await expect(section('project').textContent()).resolves.toContain(p.approvalDocumentNumber);
    const permit = page.locator('tr[data-licence="施工许可证"]');
    await expect(permit.textContent()).resolves.toContain(p.constructionPermit.number);
    await expect(permit.locator('[data-verified]').getAttribute('data-verified')).resolves.toBe(String(p.constructionPermit.verified));
    // 市场监管局
    await expect(section('applicant').textContent()).resolves.toContain(p.applicant.name);
    await expect(section('applicant').textContent()).resolves.toContain(p.applicant.uscc);
    const participants = await section('participants').locator('tbody tr td:nth-child(2)').allTextContents();
    expect(participants).toEqual(p.participants.map((x: any) => x.enterprise.name));
    // 自然资源局
    const parcel = await section('parcel').textContent();
    expect(parcel).toContain(p.parcel.unitNumber);
    expect(parcel).toContain('规划条件');
    expect(parcel).toContain(String(p.parcel.planningConditions.plotRatio));
    expect(parcel).toContain(`${p.parcel.planningConditions.heightLimit} 米`);
    for (const [name, licence] of [['不动产权证书', p.parcel.landUseRight.certificate], ['建设工程规划许可证', p.parcel.engineeringPlanningPermit]] as const) {
      const row = page.locator(`tr[data-licence="${name}"]`);
      await expect(row.textContent()).resolves.toContain(licence.number);
      await expect(row.textContent()).resolves.toContain(licence.verified ? '验证通过' : '验证失败');
    }
    // 审批系统: each department's review task of each application
    const tasks = await section('reviews').locator('tr[data-task]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task')));
    expect(tasks).toEqual(p.applications.flatMap((a: any) => a.tasks.map((t: any) => t.id)));
    expect(tasks.length).toBeGreaterThan(0);
    const departments = await section('reviews').locator('tr[data-task] th').allTextContents();
    expect(departments.map((d) => d.replace(/\s*牵头$/, ''))).toEqual(p.applications.flatMap((a: any) => a.tasks.map((t: any) => t.department)));

    // Every department answered: no marker anywhere, and the summary says so for each.
    await expect(page.locator('[data-state="unavailable"], [data-state="stale"]').count()).resolves.toBe(0);
    const summary = await page.locator('.department-summary li').evaluateAll((items) => items.map((i) => [i.getAttribute('data-department'), i.getAttribute('data-state')]));
    expect(summary).toEqual([['construction', 'ok'], ['enterprise', 'ok'], ['land', 'ok'], ['approval', 'ok']]);
  });

  it('marks a department that is down where its data belongs; the other departments’ data stays', async () => {
    const project = fullProject();
    await stack.resetCounts(); // cold caches: nothing stale to fall back on
    stack.departments.land.faults.down = true;
    await openProject(project.code);

    const landMarker = section('parcel').locator('[data-department="land"][data-state="unavailable"]');
    await expect(landMarker.textContent()).resolves.toContain('自然资源局数据暂不可用');
    await expect(page.locator('tr[data-licence="建设用地规划许可证"]').textContent()).resolves.toContain('自然资源局数据暂不可用');
    await expect(page.locator('.department-summary [data-department="land"]').getAttribute('data-state')).resolves.toBe('unavailable');
    await expect(page.locator('[data-state="stale"]').count()).resolves.toBe(0);
    // The others are there, unmarked.
    await expect(section('applicant').textContent()).resolves.toContain(project.applicantUscc);
    await expect(section('applicant').locator('[data-state="unavailable"]').count()).resolves.toBe(0);
    await expect(section('reviews').locator('tr[data-task]').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('tr[data-licence="施工许可证"]').textContent()).resolves.toContain(project.constructionPermit!.number);

    // The approval system down instead: the review tasks are marked, the land data is back.
    stack.departments.land.faults.down = false;
    stack.departments.approval.faults.down = true;
    await stack.resetCounts();
    await openProject(project.code);
    await expect(section('reviews').locator('[data-department="approval"][data-state="unavailable"]').textContent()).resolves.toContain('政务服务中心审批系统数据暂不可用');
    await expect(section('reviews').locator('tr[data-task]').count()).resolves.toBe(0);
    await expect(section('parcel').textContent()).resolves.toContain(project.parcelUnitNumber);
    await expect(page.locator('h1').textContent()).resolves.toBe(project.name);
  });

  it('marks data served from cache while its department is down, with when it was read', async () => {
    const project = fullProject();
    await stack.resetCounts();
    await openProject(project.code);
    await expect(page.locator('[data-state="stale"]').count()).resolves.toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s TTL: the next read asks 自然资源局
    stack.departments.land.faults.down = true;
    await openProject(project.code);
    const stale = section('parcel').locator('[data-department="land"][data-state="stale"]');
    const text = await stale.textContent();
    expect(text).toMatch(/数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(text).toContain('缓存');
    expect(text).toContain('自然资源局暂不可用');
    await expect(section('parcel').textContent()).resolves.toContain(project.parcelUnitNumber);
    await expect(page.locator('.department-summary [data-department="land"]').getAttribute('data-state')).resolves.toBe('stale');
    await expect(page.locator('[data-state="unavailable"]').count()).resolves.toBe(0);
  });

  it('is usable by keyboard: Tab reaches a project with a visible focus, Enter opens it, focus lands on its title', async () => {
    await listAfter('DashboardProjectList', () => page.goto(stack.dashboardUrl));
    let focused: { className: string; code: string | null } | null = null;
    for (let presses = 0; presses < 30; presses++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? { className: el.className, code: el.closest('tr')?.getAttribute('data-code') ?? null } : null;
      });
      if (focused?.className === 'project-link') break;
    }
    expect(focused?.className).toBe('project-link');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');

    const code = focused!.code!;
    const since = browser.requests.length;
    await Promise.all([page.waitForURL(`**/dashboard/projects/${code}`), page.keyboard.press('Enter')]);
    await page.locator('.department-summary').waitFor();
    const name = (await stack.query(operation('DashboardProject'), { code })).data.constructionProject.name;
    await expect(page.locator('h1').textContent()).resolves.toBe(name);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('page-title');
    expect(graphqlRequestsSince(browser.requests, since).map((r) => r.operationName)).toEqual(['DashboardProject']);
  });

  it('asks for a token when the gateway hands out none (production), and uses the one pasted', async () => {
    const signIn = await browser.context.newPage();
    await signIn.route('**/dashboard/config.json', (route) => route.fulfill({ json: { endpoint: '/graphql', developmentToken: null } }));
    try {
      await signIn.goto(stack.dashboardUrl);
      await signIn.getByLabel('访问令牌').fill('not-a-token');
      await signIn.getByRole('button', { name: '登录' }).click();
      await expect(signIn.getByRole('alert').textContent()).resolves.toMatch(/\S/); // the gateway's 401, said on the form
      await signIn.getByLabel('访问令牌').fill(`Bearer ${stack.staffToken}`);
      await signIn.getByRole('button', { name: '登录' }).click();
      await signIn.locator('table.projects tbody tr[data-code]').first().waitFor();
      await expect(signIn.getByRole('button', { name: '退出' }).count()).resolves.toBe(1);
    } finally {
      await signIn.close();
    }
  });

  it('never makes a request to another host', () => {
    expect(browser.requests.length).toBeGreaterThan(20);
    const hosts = new Set(browser.requests.map((r) => new URL(r.url()).hostname));
    expect([...hosts]).toEqual(['127.0.0.1']);
  });
});
