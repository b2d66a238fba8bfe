/**
 * `npm run screenshots:explorer`: docs/screenshots/explorer.png (1280×800), the explorer on
 * the embedded default (ephemeral ports, a throwaway issuer) after running the joint review,
 * with the schema docs open. Chinese text needs a CJK font on the machine
 * (`apt-get install fonts-wqy-microhei`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../gateway/audit/log';
import { silentLogger } from '../lib/logger';
import { launchChromium } from './chromium';
import { ALL_SCOPES, ephemeralIssuer } from '../stack/dev-issuer';
import { startEmbeddedStack } from '../stack/embedded-stack';
import { auditLogOptions } from '../gateway/config';
import { readStartConfig } from '../stack/start-config';

const OUTPUT = join(__dirname, '..', 'docs', 'screenshots', 'explorer.png');

async function main(): Promise<void> {
  const config = readStartConfig({});
  const issuer = await ephemeralIssuer();
  const auditDir = join(__dirname, '..', '.scratch', 'screenshot-audit');
  const stack = await startEmbeddedStack({
    departmentClients: config.departmentClients,
    faults: config.faults,
    signIn: { issuers: [issuer.trusted()] },
    audit: new AuditLog({ ...auditLogOptions(config.audit), dir: auditDir }),
    explorer: { developmentToken: () => issuer.token({ sub: 'dev-user', name: '开发者', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') }) },
    logger: silentLogger(),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // As on 政务外网: nothing but the gateway answers.
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    await page.goto(stack.gatewayUrl);
    await page.getByRole('tab', { name: 'MaterialChecklist' }).waitFor();
    await page.getByRole('button', { name: /^Execute query/ }).click();
    await page.locator('.graphiql-response .view-lines').filter({ hasText: 'constructionProject' }).waitFor();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
    await page.locator('.graphiql-doc-explorer').getByText('constructionProject', { exact: true }).first().waitFor();
    // Let the editors finish highlighting before the picture.
    await page.waitForTimeout(500);
    mkdirSync(join(OUTPUT, '..'), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    console.log(`wrote ${OUTPUT}`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`could not take the screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
