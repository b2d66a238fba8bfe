import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { chromiumInstalled, launchChromium } from '../../scripts/chromium';
import { DEFAULT_DASHBOARD_ROOT } from '../../stack/dashboard';

const ROOT = join(__dirname, '..', '..');
const SOURCES = join(ROOT, 'web', 'dashboard');

/**
 * Browser tests run wherever Chromium is. Without it they are skipped with a message —
 * except in CI (`CI` set, as `.ci/run` does), where a missing browser must fail the run.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromiumInstalled() || process.env.CI) return describe(name, body);
  console.warn(`${name}: SKIPPED — no Chromium at /usr/bin/chromium (apt-get install -y chromium). CI never skips these.`);
  describe.skip(name, body);
}

/** Builds the dashboard when dist/ is missing or older than its sources, so a test never runs yesterday's page. */
export function ensureDashboardBuilt(): void {
  const built = (() => {
    try {
      return statSync(join(DEFAULT_DASHBOARD_ROOT, 'index.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  // The page also bundles web/shared (the sign-in) and contracts/.
  if (built >= Math.max(...[SOURCES, join(ROOT, 'web', 'shared'), join(ROOT, 'contracts')].map(newestSource))) return;
  // Jest sets NODE_ENV=test, which would make Vite bundle React's development build (double effects and all).
  execFileSync('npm', ['run', '--silent', 'build:web:dashboard'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000, env: { ...process.env, NODE_ENV: 'production' } });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export interface DashboardBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Every request any page of the context made, in order. */
  requests: Request[];
  close(): Promise<void>;
}

/** Chromium at the size the service center's screens have (1280×800), in China's time zone. */
export async function openBrowser(): Promise<DashboardBrowser> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const requests: Request[] = [];
  context.on('request', (request) => requests.push(request));
  const page = await context.newPage();
  return { browser, context, page, requests, close: () => browser.close() };
}

/** GraphQL requests made after `since` (an index into `requests`), with their operation names. */
export function graphqlRequestsSince(requests: Request[], since: number): { operationName: string | null; variables: unknown }[] {
  return requests
    .slice(since)
    .filter((r) => new URL(r.url()).pathname === '/graphql')
    .map((r) => {
      const body = JSON.parse(r.postData() ?? '{}') as { query?: string; variables?: unknown };
      return { operationName: /^query\s+(\w+)/m.exec(body.query ?? '')?.[1] ?? null, variables: body.variables };
    });
}
