/**
 * `npm run screenshots`: the dashboard's pages at 1280×800, as the README shows them
 * (docs/screenshots/). Runs the embedded default on free ports with the seeded county and
 * its identity provider; each person signs in there as staff do. The approval system's
 * clock is fixed (2 Dec 2026), so the same tasks are 逾期 on every run.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { silentLogger } from '../lib/logger';
import { launchChromium } from './chromium';
import { dashboardBuilt } from '../stack/dashboard';
import { startEmbeddedStack, type EmbeddedStack } from '../stack/embedded-stack';
import { DEMO_PASSWORD } from '../stack/identity-provider/provider';
import { notYetApplied } from '../mocks/approval/history';

const OUT = resolve(__dirname, '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const CLOCK = new Date('2026-12-02T02:00:00Z');

async function main(): Promise<void> {
  if (!dashboardBuilt()) throw new Error('the dashboard is not built: run `npm run build:web` first');
  const client = { timeoutMs: 3000, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 10_000, maxConcurrency: 4, retries: 2, breakerFailures: 5, breakerOpenMs: 10_000 };
  const noFaults = { latencyMs: 0, failureRate: 0, down: false };
  const stack = await startEmbeddedStack({
    departmentClients: { enterprise: client, land: client, construction: client, approval: client },
    faults: { enterprise: noFaults, land: noFaults, construction: noFaults, approval: noFaults },
    identityProvider: {},
    approvalClock: () => CLOCK,
    logger: silentLogger(),
  });
  const browser = await launchChromium();
  const written: string[] = [];
  const shot = async (page: Page, name: string, fullPage = false) => {
    await page.screenshot({ path: join(OUT, name), fullPage });
    written.push(name);
  };
  try {
    mkdirSync(OUT, { recursive: true });

    // 住建局's reviewer: the sign-in page, the list with the header's counts, 待我审查, a project with its actions.
    const reviewer = await signedIn(browser, stack, 'zjj-reviewer-1', '', (page) => shot(page, 'sign-in.png'));
    await reviewer.locator('table.projects tbody tr[data-code]').first().waitFor();
    await reviewer.locator('a.queue-link strong').waitFor();
    await shot(reviewer, 'dashboard-list.png');
    await reviewer.locator('a.queue-link').click();
    await reviewer.locator('table.queue tbody tr[data-task]').first().waitFor();
    await shot(reviewer, 'dashboard-review-queue.png');
    await reviewer.locator('table.queue tbody tr[data-task] a.project-link').first().click();
    await reviewer.locator('[data-section="reviews"] button[data-decision]').first().waitFor();
    await shot(reviewer, 'dashboard-project.png', true);
    await reviewer.locator('[data-section="reviews"] button[data-decision="REQUEST_CORRECTIONS"]').first().click();
    await reviewer.locator('dialog.confirm[open] [data-consequence]').waitFor();
    await shot(reviewer, 'dashboard-decision.png');

    // 综合窗口: an intake with its checklist (免提交 from other departments).
    const project = notYetApplied(stack.departments.county).find((p) => p.stage === 'CONSTRUCTION_PERMIT')!;
    const clerk = await signedIn(browser, stack, 'window-clerk', `intake?project=${project.code}`);
    const item = clerk.locator('#intake-item option:not([value=""])').first();
    await item.waitFor({ state: 'attached' });
    await clerk.selectOption('#intake-item', (await item.getAttribute('value'))!);
    for (const question of await clerk.locator('fieldset[data-question]').all()) await question.locator('input').first().check();
    await clerk.locator('#intake-checklist').waitFor();
    await shot(clerk, 'dashboard-intake.png', true);
    console.log(`wrote ${written.join(', ')} to ${OUT}`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** A browser of its own, sent to the identity provider and signed in there as `id`. */
async function signedIn(browser: Browser, stack: EmbeddedStack, id: string, path: string, atSignIn?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await (await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
  await page.goto(`${stack.dashboardUrl}${path}`);
  await page.waitForURL(`${stack.identityProviderUrl}/interaction/**`);
  await page.fill('#username', id);
  await page.fill('#password', DEMO_PASSWORD);
  await atSignIn?.(page);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('.caller').waitFor();
  return page;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
