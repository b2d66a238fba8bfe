/**
 * 实时更新 in Chromium: two reviewers signed in on two pages of the built dashboard. What
 * one does (a decision, a message) or what arrives (a new application) shows on the other
 * page without a reload, over the gateway's WebSocket; the page is checked to be the same
 * document throughout (a mark set on `window` survives).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { staffMember } from '../../domain/staff';
import { notYetApplied } from '../../mocks/approval/history';
import { describeInBrowser, ensureDashboardBuilt, openBrowser, type DashboardBrowser } from '../helpers/browser';
import { startTestStack, type GraphQLResponse, type TestStack } from '../helpers/stack';
import { subscribersAt } from '../helpers/subscriptions';

const operation = (name: string) => readFileSync(join(__dirname, '..', '..', 'web', 'dashboard', 'src', 'operations', `${name}.graphql`), 'utf8');
const CLOCK = new Date('2026-12-02T02:00:00Z');

describeInBrowser('实时更新 (live updates) in Chromium', () => {
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

  const as = (id: string) => <T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
    stack.queryWith({ authorization: `Bearer ${tokens.get(id)}` }, query, variables);

  /** A page signed in as `id`, marked so that a reload would show (the mark would be gone). */
  async function signedIn(id: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.route('**/dashboard/config.json', (route) => route.fulfill({ json: { endpoint: '/graphql', developmentToken: tokens.get(id) } }));
    return page;
  }
  const mark = (page: Page) => page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  const stillMarked = (page: Page) => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
  const whenLive = (page: Page) => page.locator('[data-live="live"]').waitFor();
  /** Subscriptions a project page holds: applicationUpdated and messageAdded for each open application. */
  const followed = async (page: Page) =>
    2 * (await page.locator('[data-application] [data-joint-status]').evaluateAll((all) => all.filter((e) => !['APPROVED', 'REJECTED'].includes(e.getAttribute('data-joint-status')!)).length));

  let keySerial = 0;
  async function freshApplication(skip: number) {
    const project = notYetApplied(stack.departments.county).filter((p) => p.stage === 'CONSTRUCTION_PERMIT')[skip]!;
    const { data, errors } = await as('window-clerk')(
      `mutation($p: ID!, $k: String!) { submitApplication(input: { project: $p, stage: CONSTRUCTION_PERMIT, idempotencyKey: $k }) { id tasks { id departmentCode } } }`,
      { p: project.code, k: `browser-live-${++keySerial}-${project.code}` },
    );
    expect(errors).toBeUndefined();
    const tasks = data.submitApplication.tasks as { id: string; departmentCode: string }[];
    return { id: data.submitApplication.id as string, code: project.code, zjj: tasks.find((t) => t.departmentCode === 'zjj')!.id, fire: tasks.find((t) => t.departmentCode === 'zjj-xf')!.id };
  }

  it('a decision on one page, and a new task, show on the other reviewer’s queue and project page without a reload', async () => {
    const application = await freshApplication(0);
    const queue = await signedIn('zjj-reviewer-2');
    const project = await signedIn('zjj-reviewer-1');
    try {
      await queue.goto(`${stack.dashboardUrl}review`);
      await queue.locator(`table.queue tr[data-task="${application.zjj}"]`).waitFor();
      await project.goto(`${stack.dashboardUrl}projects/${application.code}`);
      await project.locator(`tr[data-task="${application.zjj}"]`).waitFor();
      await Promise.all([whenLive(queue), whenLive(project)]);
      await expect(queue.locator('.live').textContent()).resolves.toBe('实时更新中');
      // The queue follows taskAssigned and applicationUpdated, the project page each open application and its thread.
      await subscribersAt(stack.subgraphUrls.approval, 2 + (await followed(project)));
      await Promise.all([mark(queue), mark(project)]);

      // 陈顺福 accepts on the project page: 贾红梅's queue shows the task 审查中.
      await project.locator(`tr[data-task="${application.zjj}"] button[data-decision="ACCEPT"]`).click();
      await project.locator('dialog.confirm[open] button[type="submit"]').click();
      await queue.locator(`table.queue tr[data-task="${application.zjj}"] .review-IN_REVIEW`).waitFor();

      // 贾红梅 approves elsewhere (through the API): the project page shows it, and it leaves her queue.
      const approved = await as('zjj-reviewer-2')(operation('DashboardRecordReviewOpinion'), { taskId: application.zjj, decision: 'APPROVE', opinion: '同意' });
      expect(approved.errors).toBeUndefined();
      await project.locator(`tr[data-task="${application.zjj}"][data-status="APPROVED"]`).waitFor();
      await expect(project.locator(`tr[data-task="${application.zjj}"] td`).nth(1).textContent()).resolves.toBe('贾红梅（从江县住房和城乡建设局）');
      await expect(project.locator(`tr[data-task="${application.zjj}"] button[data-decision]`).count()).resolves.toBe(0);
      await queue.locator(`table.queue tr[data-task="${application.zjj}"]`).waitFor({ state: 'detached' });

      // A new application arrives at the window: its task appears in the queue, and the header counts it.
      const before = Number(await queue.locator('#queue-summary').getAttribute('data-total'));
      const arrived = await freshApplication(1);
      await queue.locator(`table.queue tr[data-task="${arrived.zjj}"]`).waitFor();
      await queue.locator(`#queue-summary[data-total="${before + 1}"]`).waitFor();
      await queue.locator(`a.queue-link[data-total="${before + 1}"]`).waitFor();

      expect(await stillMarked(queue)).toBe(true);
      expect(await stillMarked(project)).toBe(true);
    } finally {
      await queue.close();
      await project.close();
    }
  });

  it('a message written on one page appears in the thread on the other; a closed case refuses in Chinese', async () => {
    const application = await freshApplication(2);
    const writer = await signedIn('zjj-reviewer-1');
    const reader = await signedIn('zjj-xf-reviewer-1');
    try {
      for (const page of [writer, reader]) {
        await page.goto(`${stack.dashboardUrl}projects/${application.code}`);
        await page.locator(`[data-messages="${application.id}"] .none`).waitFor();
        await whenLive(page);
        await mark(page);
      }
      await subscribersAt(stack.subgraphUrls.approval, (await followed(writer)) + (await followed(reader)));
      const { data } = await as('zjj-reviewer-1')(operation('DashboardTaskChecklist'), { applicationId: application.id });
      const material = data.application.tasks.find((t: any) => t.id === application.zjj).checklist[0].material as { id: string; name: string };

      await writer.locator(`[data-messages="${application.id}"]`).getByRole('button', { name: '写留言' }).click();
      const form = writer.locator(`[data-messages="${application.id}"] form.message-form`);
      await form.getByLabel('给申请人留言').fill('请补充施工图审查合格书的原件扫描件。');
      await form.locator(`select[name="material"] option[value="${material.id}"]`).waitFor({ state: 'attached' });
      await form.getByLabel('相关材料（可选）').selectOption(material.id);
      await form.getByRole('button', { name: '发送留言' }).click();

      const seen = reader.locator(`[data-messages="${application.id}"] li[data-message]`);
      await seen.first().waitFor();
      const text = await seen.first().innerText();
      expect(text).toContain('请补充施工图审查合格书的原件扫描件。');
      // The author's name is personal data: masked for a reader without pii:read, as in the API.
      expect(text).toContain('陈**');
      expect(text).toContain('审查人');
      expect(text).toContain('从江县住房和城乡建设局');
      expect(text).toContain(`材料：${material.name}`);
      await writer.locator(`[data-messages="${application.id}"] li[data-message]`).first().waitFor();
      await expect(form.getByLabel('给申请人留言').inputValue()).resolves.toBe('');
      // 消防审查's reviewer reviews for a department of this application too: they may answer.
      await expect(reader.locator(`[data-messages="${application.id}"]`).getByRole('button', { name: '写留言' }).count()).resolves.toBe(1);

      // 不予许可 closes the case (through the API, elsewhere): the thread refuses a new message, said in Chinese.
      await as('zjj-xf-reviewer-1')(operation('DashboardRecordReviewOpinion'), { taskId: application.fire, decision: 'ACCEPT', opinion: '' });
      const rejected = await as('zjj-xf-reviewer-1')(operation('DashboardRecordReviewOpinion'), { taskId: application.fire, decision: 'REJECT', opinion: '不符合消防技术标准' });
      expect(rejected.errors).toBeUndefined();
      await writer.locator(`[data-application="${application.id}"] [data-joint-status="REJECTED"]`).waitFor();
      await form.getByLabel('给申请人留言').fill('还有一个问题。');
      await form.getByRole('button', { name: '发送留言' }).click();
      const refusal = form.locator('[role="alert"]');
      await refusal.waitFor();
      const said = await refusal.locator('.notice-message').innerText();
      expect(said).toContain('不再接受');
      expect(said).not.toMatch(/CONFLICT|APPLICATION_CLOSED/);
      await expect(seen.count()).resolves.toBe(1);

      expect(await stillMarked(writer)).toBe(true);
      expect(await stillMarked(reader)).toBe(true);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
