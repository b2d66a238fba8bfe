/**
 * The explorer as a person on 政务外网 gets it: a real Chromium with every request to
 * another host refused, against the embedded default. Plus a scan of the built files for
 * anything that would load from elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_EXPLORER_ROOT, EXPLORER_PREFIX } from '../../gateway/explorer';
import { chromiumInstalled, launchChromium } from '../../scripts/chromium';
import { assertExplorerBuilt } from '../helpers/explorer';
import { startTestStack, type TestStack } from '../helpers/stack';
import { bareGateway } from '../helpers/gateway';
import { subscribersAt } from '../helpers/subscriptions';

const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

/**
 * Places where a page, a stylesheet or a script makes the browser fetch something. Link text
 * inside GraphiQL's help ("https://github.com/…" in a message) is not a fetch and is not matched.
 */
const REMOTE = String.raw`(?:https?:)?\/\/[^"'\s)]+`;
const LOADS: Record<string, RegExp[]> = {
  '.html': [new RegExp(String.raw`\b(?:src|href)\s*=\s*["']?(${REMOTE})`, 'gi')],
  '.css': [new RegExp(String.raw`url\(\s*["']?(${REMOTE})`, 'gi'), new RegExp(String.raw`@import\s+(?:url\()?\s*["']?(${REMOTE})`, 'gi')],
  '.js': [
    new RegExp(String.raw`\bimport\s*\(\s*["'\x60](${REMOTE})`, 'g'),
    new RegExp(String.raw`\bfrom\s*["'](${REMOTE})`, 'g'),
    new RegExp(String.raw`\bimportScripts\s*\(\s*["'\x60](${REMOTE})`, 'g'),
    new RegExp(String.raw`\bnew\s+(?:Shared)?Worker\s*\(\s*["'\x60](${REMOTE})`, 'g'),
    new RegExp(String.raw`\bfetch\s*\(\s*["'\x60](${REMOTE})`, 'g'),
    new RegExp(String.raw`url\(\s*["']?(${REMOTE})`, 'g'),
    new RegExp(String.raw`sourceMappingURL=(${REMOTE})`, 'g'),
  ],
};
const LOCAL_REFERENCE = new RegExp(String.raw`${EXPLORER_PREFIX}\/assets\/[\w.-]+`, 'g');

describe('the built explorer', () => {
  beforeAll(assertExplorerBuilt);
  const built = () => files(DEFAULT_EXPLORER_ROOT);

  it('loads nothing from another host: no remote script, style, font, worker or import', () => {
    const remote: string[] = [];
    for (const file of built()) {
      const patterns = LOADS[file.slice(file.lastIndexOf('.'))];
      if (!patterns) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) for (const m of text.matchAll(pattern)) remote.push(`${relative(DEFAULT_EXPLORER_ROOT, file)}: ${m[1]}`);
    }
    expect(remote).toEqual([]);
  });

  it('the scan finds a remote load when there is one', () => {
    // Guards the patterns above against matching nothing at all.
    const samples: [string, string][] = [
      ['.html', '<script src="https://cdn.jsdelivr.net/npm/graphiql"></script>'],
      ['.css', "@font-face{src:url(https://fonts.gstatic.com/s/roboto.woff2)}"],
      ['.css', '@import url("//fonts.googleapis.com/css?family=Roboto");'],
      ['.js', 'import("https://esm.sh/monaco-editor")'],
      ['.js', 'new Worker("https://unpkg.com/x/worker.js")'],
    ];
    for (const [ext, text] of samples) expect(LOADS[ext]!.some((p) => new RegExp(p.source, p.flags).test(text))).toBe(true);
    expect(LOADS['.js']!.some((p) => new RegExp(p.source, p.flags).test('throw new Error("see https://github.com/graphql/graphiql")'))).toBe(false);
  });

  it('every asset the page, its styles and scripts name is in the build, fonts included', () => {
    const names = new Set(built().map((f) => `${EXPLORER_PREFIX}/${relative(DEFAULT_EXPLORER_ROOT, f)}`));
    const referenced = new Set(built().filter((f) => /\.(html|css|js)$/.test(f)).flatMap((f) => readFileSync(f, 'utf8').match(LOCAL_REFERENCE) ?? []));
    expect([...referenced].filter((r) => !names.has(r))).toEqual([]);
    // Monaco's icon font is a file here; GraphiQL's fonts are data: URLs in its stylesheet.
    expect([...names].some((n) => /\.(ttf|woff2?)$/.test(n))).toBe(true);
    const css = built().filter((f) => f.endsWith('.css')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(css).toMatch(/font-family:\s*Roboto[\s\S]*?src:\s*url\(data:font\/woff2/);
  });
});

/** A browser starting Monaco and its workers on 2 busy cores takes its time; no timing is asserted. */
const BROWSER_TIMEOUT = 90_000;
const browserTests = chromiumInstalled() || process.env.CI ? describe : describe.skip;
if (!chromiumInstalled() && !process.env.CI) {
  console.warn('SKIPPED the explorer browser tests: no Chromium at /usr/bin/chromium (apt-get install chromium); CI never skips them');
}

browserTests('the explorer in Chromium, cut off from every other host', () => {
  let stack: TestStack;
  let browser: Browser;
  beforeAll(async () => {
    assertExplorerBuilt();
    [stack, browser] = await Promise.all([startTestStack(), launchChromium()]);
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A page whose every request off 127.0.0.1 is aborted and recorded. */
  async function offlinePage(): Promise<{ page: Page; seen: string[]; elsewhere: string[]; problems: string[]; graphql: { operationName?: string; query: string }[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const seen: string[] = [];
    const elsewhere: string[] = [];
    const problems: string[] = [];
    const graphql: { operationName?: string; query: string }[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      seen.push(url.pathname);
      if (url.hostname !== '127.0.0.1') {
        elsewhere.push(url.href);
        return route.abort('blockedbyclient');
      }
      if (url.pathname === '/graphql' && route.request().method() === 'POST') graphql.push(route.request().postDataJSON());
      return route.continue();
    });
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    return { page, seen, elsewhere, problems, graphql };
  }

  /** What a Monaco editor shows (the lines in view); the editor tools show one editor at a time. */
  const lines = (page: Page, area: string) => page.locator(`${area} .view-lines`).filter({ visible: true }).first();
  // Monaco draws spaces as no-break spaces.
  const editorText = async (page: Page, area: string) => (await lines(page, area).innerText()).replace(/\u00a0/g, ' ');
  const shows = (page: Page, area: string, text: string) => lines(page, area).filter({ hasText: text }).waitFor({ timeout: 15_000 });

  it('opens at /graphql, runs the preloaded joint review with every department’s data, and shows the schema docs', async () => {
    const { page, seen, elsewhere, problems, graphql } = await offlinePage();
    await page.goto(stack.gatewayUrl);

    // The README's operations as tabs, the joint review first and open.
    await page.getByRole('tab', { name: 'MaterialChecklist' }).waitFor();
    const tabs = (await page.getByRole('tab').allInnerTexts()).map((t) => t.trim());
    expect(tabs.slice(0, 3)).toEqual(['JointReview', 'DashboardProjects', 'MaterialChecklist']);
    expect(await page.getByRole('tab', { selected: true }).innerText()).toBe('JointReview');
    await shows(page, '.graphiql-query-editor', 'query JointReview');
    await shows(page, '.graphiql-editor-tool', '"code"');
    expect(await editorText(page, '.graphiql-editor-tool')).toMatch(/"code":\s*"\d{4}-522633-/);

    // Run, and see the project, its applicant (市场监管局) and its land (自然资源局).
    const code = JSON.parse(JSON.parse((await page.evaluate(() => document.getElementById('explorer-config')!.textContent))!).tabs[0].variables).code;
    const project = stack.departments.county.projects.find((p) => p.code === code)!;
    const applicant = stack.departments.county.enterprises.find((e) => e.uscc === project.applicantUscc)!;
    await page.getByRole('button', { name: /^Execute query/ }).click();
    await shows(page, '.graphiql-response', project.name);
    const response = await editorText(page, '.graphiql-response');
    expect(response).toContain(applicant.name);
    expect(response).toContain(project.parcelUnitNumber);
    expect(response).not.toContain('"errors"');
    expect(graphql.find((r) => r.operationName === 'JointReview')).toBeDefined();

    // The token the gateway filled in is in the headers editor.
    await page.getByText('Headers', { exact: true }).click();
    await shows(page, '.graphiql-editor-tool', 'Authorization');
    expect(await editorText(page, '.graphiql-editor-tool')).toMatch(/"Authorization":\s*"Bearer ey/);

    // Schema docs from introspection: the root type and one of its fields, described.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).click();
    await docs.getByText('constructionProject', { exact: true }).first().waitFor();
    expect(graphql.some((r) => /__schema/.test(r.query))).toBe(true);

    // Everything went through the recorder, the editor's workers too, and nothing left 127.0.0.1.
    expect(seen).toEqual(expect.arrayContaining([expect.stringMatching(/^\/explorer\/assets\/graphql\.worker-[\w-]+\.js$/)]));
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, BROWSER_TIMEOUT);

  it('runs a subscription over the WebSocket with the page’s token: events show as they arrive, and the run button stops it', async () => {
    const { page, elsewhere, problems } = await offlinePage();
    try {
      await page.goto(stack.gatewayUrl);
      await shows(page, '.graphiql-query-editor', 'query JointReview');
      await page.locator('.graphiql-query-editor .view-lines').first().click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText('subscription Live { applicationUpdated { id jointStatus } }');
      await shows(page, '.graphiql-query-editor', 'subscription Live');
      // GraphiQL takes the editor's text into its state a moment after it shows (the tab is named from it then):
      // run before that and it runs the joint review it held, over HTTP, and no subscription opens.
      await page.getByRole('tab', { name: 'Live', selected: true }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: /^Execute query/ }).click();
      await subscribersAt(stack.subgraphUrls.approval, 1);

      const { data } = await stack.query(`{ reviewQueue(first: 100) { tasks { id availableDecisions application { id } } } }`);
      const task = (data.reviewQueue.tasks as { id: string; availableDecisions: string[]; application: { id: string } }[]).find((t) => t.availableDecisions.includes('ACCEPT'))!;
      const decided = await stack.query(`mutation($t: ID!) { recordReviewOpinion(taskId: $t, decision: ACCEPT, opinion: "") { id } }`, { t: task.id });
      expect(decided.errors).toBeUndefined();
      await shows(page, '.graphiql-response', task.application.id);
      expect(await editorText(page, '.graphiql-response')).toContain('"eventId"');

      // The run button is the stop button while it runs: the gateway lets the subscription go.
      await page.getByRole('button', { name: /^Stop query/ }).click();
      await subscribersAt(stack.subgraphUrls.approval, 0);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, BROWSER_TIMEOUT);

  it('in production: no token, no introspection request, and a note saying why', async () => {
    const gateway = await bareGateway({ production: true, explorer: {} });
    const { page, elsewhere, problems, graphql } = await offlinePage();
    try {
      await page.goto(`${gateway.url}/graphql`);
      await page.getByRole('note').getByText(/introspection is refused/).waitFor();
      await page.getByText('Headers', { exact: true }).click();
      expect(await editorText(page, '.graphiql-editor-tool')).not.toContain('Authorization');
      expect(graphql).toEqual([]);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
      await gateway.stop();
    }
  }, BROWSER_TIMEOUT);
});
