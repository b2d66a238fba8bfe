/**
 * 一站办结, the whole path in Chromium through the real identity provider: the window clerk
 * takes in an application, 住建局's reviewer finds it in 待我审查 and asks for corrections,
 * the clerk hands them in, each reviewing department approves, and the joint status becomes
 * 通过. Everyone signs in at the embedded OpenID Connect provider and out again on one
 * browser, as at a shared service-center desk; a town clerk then sees only their town, and
 * the explorer opens signed in (单点登录). What the page shows is checked against the API.
 */
import type { Page } from 'playwright-core';
import { staffMember } from '../../domain/staff';
import { DEMO_PASSWORD } from '../../stack/identity-provider/provider';
import { describeInBrowser, ensureDashboardBuilt, openBrowser, type DashboardBrowser } from '../helpers/browser';
import { dashboardOperation, everyNode } from '../helpers/dashboard-operations';
import { startTestStack, type TestStack } from '../helpers/stack';

// The approval system's today: deadlines and 逾期 the same on every run.
const CLOCK = new Date('2026-12-02T02:00:00Z');

describeInBrowser('一站办结 from intake to the last approval, signed in at 统一身份认证 (Chromium)', () => {
  let stack: TestStack;
  let browser: DashboardBrowser;
  let page: Page;

  beforeAll(async () => {
    ensureDashboardBuilt();
    stack = await startTestStack({ identityProvider: true, approvalClock: () => CLOCK });
    browser = await openBrowser();
  }, 180_000);
  // A browser of its own for each test: nobody is signed in at the identity provider when it starts.
  beforeEach(async () => {
    page = await (await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
  });
  afterEach(() => page.context().close());
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Opens the dashboard, is sent to the identity provider, signs in there as `id`, and comes back named in the header. */
  async function signIn(id: string, path = '') {
    const member = staffMember(id)!;
    await page.goto(`${stack.dashboardUrl}${path}`);
    await page.waitForURL(`${stack.identityProviderUrl}/interaction/**`);
    await expect(page.locator('h1').textContent()).resolves.toBe('统一身份认证');
    await page.fill('#username', id);
    await page.fill('#password', DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.caller', { hasText: member.name }).waitFor();
    expect(page.url().startsWith(`${stack.dashboardUrl}${path}`)).toBe(true);
  }

  /** 退出: the identity provider's session ends, so the next person must type their own password. */
  async function signOut() {
    await page.locator('.caller').getByRole('button', { name: '退出' }).click();
    await page.waitForURL(`${stack.identityProviderUrl}/session/end**`);
    await page.getByRole('button', { name: '退出登录' }).click();
    // Back at the dashboard, which finds nobody signed in and sends the browser to sign in again.
    await page.waitForURL(`${stack.identityProviderUrl}/interaction/**`);
  }

  const row = (taskId: string) => page.locator(`tr[data-task="${taskId}"]`);
  const jointStatus = (applicationId: string) => page.locator(`[data-application="${applicationId}"] [data-joint-status]`).getAttribute('data-joint-status');

  async function decide(taskId: string, decision: string, fill?: () => Promise<void>) {
    await row(taskId).locator(`button[data-decision="${decision}"]`).click();
    const dialog = page.locator('dialog.confirm[open]');
    // Each action says what it will do before it is done.
    await expect(dialog.locator('[data-consequence]').textContent()).resolves.toMatch(/\S/);
    await fill?.();
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('takes one application from intake to 通过 through every role, each signed in at the identity provider', async () => {
    // A construction-permit project nobody applied for, whose checklist blocks nothing.
    const { nodes } = await everyNode(stack, dashboardOperation('DashboardUnappliedList'), 'projectsWithoutApplications', { stage: 'CONSTRUCTION_PERMIT' });
    let chosen: { project: any; item: any } | undefined;
    for (const project of nodes.slice(0, 15)) {
      const item = (await stack.query(dashboardOperation('IntakeServiceItems'), { stage: project.stage })).data.serviceItems[0];
      const answers = item.questions.map((q: any) => ({ question: q.id, value: q.options[0].value }));
      const checklist = (await stack.query(dashboardOperation('IntakeChecklist'), { itemCode: item.code, answers, applicant: project.applicant.uscc, project: project.code })).data
        .materialChecklist;
      if (checklist.every((e: any) => e.status !== 'BLOCKED')) {
        chosen = { project, item };
        break;
      }
    }
    expect(chosen).toBeDefined();
    const { project, item } = chosen!;

    // 综合窗口: the clerk takes the application in.
    await signIn('window-clerk', `intake?project=${project.code}`);
    await page.locator(`#intake-item option[value="${item.code}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#intake-item', item.code);
    for (const q of item.questions) await page.locator(`fieldset[data-question="${q.id}"] input[value="${q.options[0].value}"]`).check();
    await page.locator('#intake-checklist').waitFor();
    await page.locator('#intake-submit').click();
    await page.locator('#intake-result').waitFor();
    const applicationId = (await page.locator('#intake-result').getAttribute('data-application'))!;
    const { data } = await stack.query(`query($id: ID!) { application(id: $id) { jointStatus tasks { id departmentCode } } }`, { id: applicationId });
    expect(data.application.jointStatus).toBe('IN_REVIEW');
    const taskOf = (code: string) => data.application.tasks.find((t: any) => t.departmentCode === code).id as string;
    const zjj = taskOf('zjj');
    const fire = taskOf('zjj-xf');
    await signOut();

    // 住建局: the new task is in 待我审查; accept it, then ask for corrections choosing the material.
    await signIn('zjj-reviewer-1');
    await page.locator('a.queue-link').click();
    await page.waitForURL('**/dashboard/review');
    await row(zjj).waitFor();
    await row(zjj).locator('a.project-link').click();
    await page.waitForURL(`**/dashboard/projects/${project.code}`);
    await row(zjj).waitFor();
    await decide(zjj, 'ACCEPT');
    await expect(row(zjj).getAttribute('data-status')).resolves.toBe('IN_REVIEW');
    let material = '';
    await decide(zjj, 'REQUEST_CORRECTIONS', async () => {
      const dialog = page.locator('dialog.confirm[open]');
      await dialog.locator('label.material').first().waitFor();
      material = (await dialog.locator('label.material').first().textContent())!.trim();
      await dialog.locator('label.material').first().locator('input').check();
      await dialog.getByLabel('退回补正理由（必填）').fill('总平面图与规划许可不一致，请补正。');
    });
    await expect(jointStatus(applicationId)).resolves.toBe('AWAITING_CORRECTIONS');
    const asked = await stack.query(`query($id: ID!) { application(id: $id) { tasks { id corrections } } }`, { id: applicationId });
    const corrections = asked.data.application.tasks.find((t: any) => t.id === zjj).corrections as string[];
    expect(corrections).toHaveLength(1);
    expect(material).toContain(corrections[0]);
    await signOut();

    // 综合窗口: the clerk hands the corrections in; the application is in review again.
    await signIn('window-clerk', `projects/${project.code}`);
    await row(zjj).waitFor();
    await page.getByRole('button', { name: '补正提交' }).click();
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.locator('label.material', { hasText: corrections[0] }).locator('input').check();
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(jointStatus(applicationId)).resolves.toBe('IN_REVIEW');
    await signOut();

    // Each reviewing department approves: 住建局, then its fire review, whose approval completes the joint review.
    await signIn('zjj-reviewer-1', `projects/${project.code}`);
    await row(zjj).waitFor();
    await decide(zjj, 'APPROVE');
    await expect(row(zjj).getAttribute('data-status')).resolves.toBe('APPROVED');
    await expect(jointStatus(applicationId)).resolves.toBe('IN_REVIEW');
    await signOut();

    await signIn('zjj-xf-reviewer-1', `projects/${project.code}`);
    await row(fire).waitFor();
    await decide(fire, 'ACCEPT');
    await decide(fire, 'APPROVE');
    await expect(jointStatus(applicationId)).resolves.toBe('APPROVED');
    await expect(page.locator(`[data-application="${applicationId}"] [data-joint-status]`).textContent()).resolves.toContain('通过');
    // Names, not account ids: each decision is signed by the person who made it.
    await expect(row(zjj).textContent()).resolves.toContain('陈顺福（从江县住房和城乡建设局）');
    const after = await stack.query(`query($id: ID!) { application(id: $id) { jointStatus tasks { departmentCode status reviewer reviewerName } } }`, { id: applicationId });
    expect(after.data.application).toEqual({
      jointStatus: 'APPROVED',
      tasks: expect.arrayContaining([
        { departmentCode: 'zjj', status: 'APPROVED', reviewer: 'zjj-reviewer-1', reviewerName: '陈顺福' },
        { departmentCode: 'zjj-xf', status: 'APPROVED', reviewer: 'zjj-xf-reviewer-1', reviewerName: '韦玉兰' },
      ]),
    });
    await signOut();
  }, 240_000);

  it('shows a town clerk only their town, and opens the explorer already signed in (单点登录)', async () => {
    await signIn('bingmei-clerk');
    await page.locator('.table-wrap[aria-busy="false"]').waitFor();
    const towns = await page.locator('table.projects tbody tr[data-code] td:nth-child(4)').allTextContents();
    expect(towns.length).toBeGreaterThan(0);
    expect(new Set(towns)).toEqual(new Set(['丙妹镇']));

    // The explorer is another client of the same provider: no password asked, the same person.
    await page.goto(stack.gatewayUrl);
    await page.getByRole('tab', { selected: true }).waitFor();
    expect(page.url()).toBe(stack.gatewayUrl);
    // The editor holds the first example once GraphiQL is ready to run it.
    await page.locator('.graphiql-query-editor', { hasText: 'query JointReview' }).waitFor();
    const [executed] = await Promise.all([
      page.waitForResponse((r) => r.url() === stack.gatewayUrl && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('query JointReview')),
      page.getByRole('button', { name: /^Execute query/ }).click(),
    ]);
    const token = executed.request().headers().authorization!.replace(/^Bearer /, '');
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ sub: 'bingmei-clerk', client_id: 'county-explorer' });
    expect(executed.status()).toBe(200);
  }, 90_000);
});
