/**
 * `npm run screenshots`: the dashboard's list and a project page at 1280×800, as the
 * README shows them (docs/screenshots/). Runs the embedded default on free ports with the
 * seeded county, signed in as the development user.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { silentLogger } from '../lib/logger';
import { launchChromium } from './chromium';
import { dashboardBuilt } from '../stack/dashboard';
import { ALL_SCOPES, ephemeralIssuer } from '../stack/dev-issuer';
import { startEmbeddedStack } from '../stack/embedded-stack';

const OUT = resolve(__dirname, '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };

async function main(): Promise<void> {
  if (!dashboardBuilt()) throw new Error('the dashboard is not built: run `npm run build:web` first');
  const issuer = await ephemeralIssuer();
  const client = { timeoutMs: 3000, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 10_000, maxConcurrency: 4, retries: 2, breakerFailures: 5, breakerOpenMs: 10_000 };
  const noFaults = { latencyMs: 0, failureRate: 0, down: false };
  const stack = await startEmbeddedStack({
    departmentClients: { enterprise: client, land: client, construction: client, approval: client },
    faults: { enterprise: noFaults, land: noFaults, construction: noFaults, approval: noFaults },
    signIn: { issuers: [issuer.trusted()] },
    dashboard: { developmentToken: () => issuer.token({ sub: 'dev-user', name: '开发者', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') }) },
    logger: silentLogger(),
  });
  const browser = await launchChromium();
  try {
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await page.goto(stack.dashboardUrl);
    await page.locator('table.projects tbody tr[data-code]').first().waitFor();
    await page.locator('#filter-town option').nth(1).waitFor({ state: 'attached' });
    await page.screenshot({ path: join(OUT, 'dashboard-list.png') });

    // A project every department has something to say about: applicant, parcel, permits, participants, review tasks.
    const shown = stack.departments.county.projects
      .find((p) => p.stage === 'CONSTRUCTION_PERMIT' && p.participants.length >= 4 && p.constructionPermit);
    const project = shown ?? stack.departments.county.projects[0]!;
    await page.goto(`${stack.dashboardUrl}projects/${project.code}`);
    await page.locator('[data-section="reviews"] table.tasks').first().waitFor();
    await page.screenshot({ path: join(OUT, 'dashboard-project.png'), fullPage: true });
    console.log(`wrote ${join(OUT, 'dashboard-list.png')} and dashboard-project.png (${project.code})`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
