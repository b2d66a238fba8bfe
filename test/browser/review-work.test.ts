/**
 * 审批人一站办结 in Chromium: the built dashboard signed in as people of the county's roster
 * (domain/staff.ts), the header's 待我审查 counts, the queue, decisions with their confirm
 * step, a refusal after someone else acted, the window clerk's 补正提交, and failures said
 * in Chinese with 重试 and 详情. What the page shows is checked against what the API answers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { staffMember } from '../../domain/staff';
import { notYetApplied } from '../../mocks/approval/history';
import { describeInBrowser, ensureDashboardBuilt, openBrowser, type DashboardBrowser } from '../helpers/browser';
import { startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';

const operation = (name: string) => readFileSync(join(__dirname, '..', '..', 'web', 'dashboard', 'src', 'operations', `${name}.graphql`), 'utf8');
// The approval system's clock: Wednesday 2 Dec 2026, so the seeded queue has overdue tasks and tasks not yet due.
const CLOCK = new Date('2026-12-02T02:00:00Z');

describeInBrowser('审批人一站办结 (the reviewer’s work) in Chromium', () => {
  let stack: TestStack;
  let browser: DashboardBrowser;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    ensureDashboardBuilt();
    stack = await startTestStack({ approvalClock: () => CLOCK });
    browser = await openBrowser();
    for (const id of ['zjj-reviewer-1', 'zjj-reviewer-2', 'zjj-xf-reviewer-1', 'window-clerk']) {
      const m = staffMember(id)!;
      tokens.set(id, await stack.issuer.token({ sub: m.id, name: m.name, org: m.department, region: m.region, scope: m.scopes.join(' ') }));
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  afterEach(() => {
    stack.departments.approval.faults.down = false;
  });

  const as = (id: string) => <T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
    stack.queryWith({ authorization: `Bearer ${tokens.get(id)}` }, query, variables);

  /** A page signed in as `id`: the gateway's config.json hands the browser that person's token. */
  async function signedIn(id: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.route('**/dashboard/config.json', (route) => route.fulfill({ json: { endpoint: '/graphql', developmentToken: tokens.get(id) } }));
    return page;
  }

  let keySerial = 0;
  /** A new construction-permit application (住建局 and its fire review), submitted by the window clerk. */
  async function freshApplication(skip: number) {
    const project = notYetApplied(stack.departments.county).filter((p) => p.stage === 'CONSTRUCTION_PERMIT')[skip]!;
    const { data, errors } = await as('window-clerk')(
      `mutation($p: ID!, $k: String!) { submitApplication(input: { project: $p, stage: CONSTRUCTION_PERMIT, idempotencyKey: $k }) { id tasks { id departmentCode } } }`,
      { p: project.code, k: `browser-review-${++keySerial}-${project.code}` },
    );
    expect(errors).toBeUndefined();
    const tasks = data.submitApplication.tasks as { id: string; departmentCode: string }[];
    return { id: data.submitApplication.id as string, code: project.code, zjj: tasks.find((t) => t.departmentCode === 'zjj')!.id, fire: tasks.find((t) => t.departmentCode === 'zjj-xf')!.id };
  }

  const openProject = async (page: Page, code: string) => {
    await page.goto(`${stack.dashboardUrl}projects/${code}`);
    await page.locator('[data-section="reviews"] tr[data-task]').first().waitFor();
  };
  const row = (page: Page, taskId: string) => page.locator(`tr[data-task="${taskId}"]`);
  const buttonsOf = (page: Page, taskId: string) => row(page, taskId).locator('button[data-decision]').evaluateAll((b) => b.map((x) => x.getAttribute('data-decision')));
  /** Clicks the decision, checks the confirm step states `consequence`, fills what is asked, confirms. */
  async function decide(page: Page, taskId: string, decision: string, consequence: RegExp, fill?: (dialog: ReturnType<Page['locator']>) => Promise<void>) {
    await row(page, taskId).locator(`button[data-decision="${decision}"]`).click();
    const dialog = page.locator('dialog.confirm[open]');
    await expect(dialog.locator('[data-consequence]').textContent()).resolves.toMatch(consequence);
    await fill?.(dialog);
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('shows 待我审查 with the API’s counts in the header, and the queue oldest deadline first with 逾期 marked', async () => {
    const page = await signedIn('zjj-reviewer-1');
    try {
      const { data } = await as('zjj-reviewer-1')(operation('DashboardReviewQueue'), { first: 100 });
      const queue = data.reviewQueue;
      expect(queue.overdueCount).toBeGreaterThan(0);
      await page.goto(stack.dashboardUrl);
      const link = page.locator('a.queue-link');
      await link.locator('strong').waitFor();
      await expect(link.getAttribute('data-total')).resolves.toBe(String(queue.totalCount));
      await expect(link.innerText()).resolves.toBe(`待我审查 ${queue.totalCount} · 逾期 ${queue.overdueCount}`);

      await link.click();
      await page.waitForURL('**/dashboard/review');
      await page.locator('table.queue tbody tr[data-task]').first().waitFor();
      const ids = await page.locator('table.queue tbody tr[data-task]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task')));
      expect(ids).toEqual(queue.tasks.map((t: any) => t.id));
      const overdue = await page.locator('table.queue tbody tr.overdue').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task')));
      expect(overdue).toEqual(queue.tasks.filter((t: any) => t.overdue).map((t: any) => t.id));
      await expect(page.locator('#queue-summary').getAttribute('data-overdue')).resolves.toBe(String(queue.overdueCount));

      // A row leads to its project, where the task is.
      const first = queue.tasks[0];
      await page.locator(`tr[data-task="${first.id}"] a.project-link`).click();
      await page.waitForURL(`**/dashboard/projects/${first.application.project.code}`);
      await row(page, first.id).waitFor();
    } finally {
      await page.close();
    }
  });

  it('accepts and approves a task, each after its confirm step, and the joint status changes at once', async () => {
    const application = await freshApplication(0);
    // The fire review has passed already: approving 住建局’s task completes the joint review.
    await as('zjj-xf-reviewer-1')(operation('DashboardRecordReviewOpinion'), { taskId: application.fire, decision: 'ACCEPT', opinion: '' });
    await as('zjj-xf-reviewer-1')(operation('DashboardRecordReviewOpinion'), { taskId: application.fire, decision: 'APPROVE', opinion: '同意' });
    const page = await signedIn('zjj-reviewer-1');
    try {
      await openProject(page, application.code);
      const before = Number(await page.locator('a.queue-link').getAttribute('data-total'));
      expect(await buttonsOf(page, application.zjj)).toEqual(['ACCEPT', 'REQUEST_CORRECTIONS', 'REJECT']);
      expect(await buttonsOf(page, application.fire)).toEqual([]);

      await decide(page, application.zjj, 'ACCEPT', /审查中/);
      await expect(row(page, application.zjj).getAttribute('data-status')).resolves.toBe('IN_REVIEW');
      await expect(row(page, application.zjj).locator('td').nth(1).textContent()).resolves.toBe('陈顺福（从江县住房和城乡建设局）');
      expect(await buttonsOf(page, application.zjj)).toEqual(['APPROVE', 'REQUEST_CORRECTIONS', 'REJECT']);
      const joint = page.locator(`[data-application="${application.id}"] [data-joint-status]`);
      await expect(joint.getAttribute('data-joint-status')).resolves.toBe('IN_REVIEW');

      await decide(page, application.zjj, 'APPROVE', /联审状态将变为「通过」/);
      await expect(row(page, application.zjj).getAttribute('data-status')).resolves.toBe('APPROVED');
      await expect(joint.getAttribute('data-joint-status')).resolves.toBe('APPROVED');
      await expect(page.locator('.project-facts .status').textContent()).resolves.toBe('通过');
      await expect(page.getByRole('status').textContent()).resolves.toContain('联审状态为「通过」');
      // The header counts again: one task fewer in the queue.
      await page.locator(`a.queue-link[data-total="${before - 1}"]`).waitFor();
      const { data } = await as('zjj-reviewer-1')(`query($id: ID!) { application(id: $id) { jointStatus tasks { id status reviewerName } } }`, { id: application.id });
      expect(data.application.jointStatus).toBe('APPROVED');
      expect(data.application.tasks.find((t: any) => t.id === application.zjj)).toMatchObject({ status: 'APPROVED', reviewerName: '陈顺福' });
    } finally {
      await page.close();
    }
  });

  it('asks for corrections choosing materials from the checklist; the window clerk hands them in', async () => {
    const application = await freshApplication(1);
    let chosen: string[] = [];
    const page = await signedIn('zjj-reviewer-1');
    try {
      await openProject(page, application.code);
      const { data } = await as('zjj-reviewer-1')(operation('DashboardTaskChecklist'), { applicationId: application.id });
      const checklist = data.application.tasks.find((t: any) => t.id === application.zjj).checklist.map((e: any) => e.material.name);
      expect(checklist.length).toBeGreaterThan(1);
      chosen = checklist.slice(0, 2);
      await decide(page, application.zjj, 'REQUEST_CORRECTIONS', /待补正.*停止计算/, async (dialog) => {
        await dialog.locator('label.material').first().waitFor();
        await expect(dialog.locator('label.material').allTextContents()).resolves.toEqual(checklist.map((name: string) => expect.stringContaining(name)));
        for (const name of chosen) await dialog.locator('label.material', { hasText: name }).locator('input').check();
        await dialog.getByLabel('退回补正理由（必填）').fill('材料不全，请补正。');
      });
      await expect(row(page, application.zjj).getAttribute('data-status')).resolves.toBe('CORRECTIONS_REQUESTED');
      await expect(row(page, application.zjj).locator('td').nth(3).textContent()).resolves.toBe(chosen.join('、'));
      await expect(page.locator(`[data-application="${application.id}"] [data-joint-status]`).getAttribute('data-joint-status')).resolves.toBe('AWAITING_CORRECTIONS');
      // A reviewer is not offered the window's 补正提交.
      await expect(page.getByRole('button', { name: '补正提交' }).count()).resolves.toBe(0);
    } finally {
      await page.close();
    }

    const clerk = await signedIn('window-clerk');
    try {
      await openProject(clerk, application.code);
      await clerk.getByRole('button', { name: '补正提交' }).click();
      const dialog = clerk.locator('dialog.confirm[open]');
      await expect(dialog.locator('[data-consequence]').textContent()).resolves.toMatch(/重新起算/);
      await expect(dialog.locator('label.material').allTextContents()).resolves.toEqual(chosen);
      for (const name of chosen) await dialog.locator('label.material', { hasText: name }).locator('input').check();
      await dialog.locator('button[type="submit"]').click();
      await dialog.waitFor({ state: 'detached' });
      await expect(row(clerk, application.zjj).getAttribute('data-status')).resolves.toBe('IN_REVIEW');
      await expect(clerk.locator(`[data-application="${application.id}"] [data-joint-status]`).getAttribute('data-joint-status')).resolves.toBe('IN_REVIEW');
    } finally {
      await clerk.close();
    }
  });

  it('says in Chinese why a decision is refused after another reviewer acted, and shows the task as it now is', async () => {
    const application = await freshApplication(2);
    await as('zjj-reviewer-2')(operation('DashboardRecordReviewOpinion'), { taskId: application.zjj, decision: 'ACCEPT', opinion: '' });
    const page = await signedIn('zjj-reviewer-1');
    try {
      await openProject(page, application.code);
      await row(page, application.zjj).locator('button[data-decision="REQUEST_CORRECTIONS"]').click();
      const dialog = page.locator('dialog.confirm[open]');
      await dialog.locator('label.material').first().locator('input').check();
      await dialog.getByLabel('退回补正理由（必填）').fill('材料不全');
      // Meanwhile the colleague approves it.
      const approved = await as('zjj-reviewer-2')(operation('DashboardRecordReviewOpinion'), { taskId: application.zjj, decision: 'APPROVE', opinion: '同意' });
      expect(approved.errors).toBeUndefined();
      await dialog.locator('button[type="submit"]').click();
      await dialog.waitFor({ state: 'detached' });
      const alert = page.locator(`[data-application="${application.id}"] [role="alert"]`);
      await expect(alert.locator('.notice-message').textContent()).resolves.toContain('该任务当前为「通过」，不能再退回补正');
      await expect(alert.innerText()).resolves.not.toContain('CONFLICT');
      await row(page, application.zjj).and(page.locator('[data-status="APPROVED"]')).waitFor();
      await expect(row(page, application.zjj).locator('td').nth(1).textContent()).resolves.toBe('贾红梅（从江县住房和城乡建设局）');
      expect(await buttonsOf(page, application.zjj)).toEqual([]);
      await alert.getByRole('button', { name: '详情' }).click();
      await expect(alert.locator('.notice-detail').innerText()).resolves.toContain('CONFLICT');
    } finally {
      await page.close();
    }
  });

  it('says a bad project code and a department that is down in Chinese, codes behind 详情, with 重试 where it helps', async () => {
    const page = await signedIn('zjj-reviewer-1');
    try {
      await page.goto(`${stack.dashboardUrl}projects/not-a-code`);
      const bad = page.locator('main [role="alert"]').first();
      await bad.waitFor();
      const shown = await bad.innerText();
      expect(shown).toContain('投资项目代码格式不正确');
      expect(shown).not.toMatch(/BAD_USER_INPUT|argument|must/);
      await expect(bad.getByRole('button', { name: '重试' }).count()).resolves.toBe(0);
      await bad.getByRole('button', { name: '详情' }).click();
      await expect(bad.innerText()).resolves.toContain('BAD_USER_INPUT');

      const code = (await freshApplication(3)).code;
      stack.departments.approval.faults.down = true;
      await page.goto(`${stack.dashboardUrl}projects/${code}`);
      const marker = page.locator('[data-section="reviews"] [data-department="approval"][data-state="unavailable"]');
      await marker.waitFor();
      expect(await marker.innerText()).not.toMatch(/[A-Za-z]{4,}/);
      await expect(page.locator('[data-section="reviews"] tr[data-task]').count()).resolves.toBe(0);
      stack.departments.approval.faults.down = false;
      await marker.getByRole('button', { name: '重试' }).click();
      await page.locator('[data-section="reviews"] tr[data-task]').first().waitFor();
      await expect(page.locator('[data-section="reviews"] [data-state="unavailable"]').count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});
