import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXPLORER_ROOT } from '../../gateway/explorer';
import type { ExplorerPageConfig } from '../../contracts/explorer-page';

/** What a browser sends when it navigates to a page. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** The explorer is built by `npm install` (prepare); without it the tests say what to run. */
export function assertExplorerBuilt(): void {
  try {
    readFileSync(join(DEFAULT_EXPLORER_ROOT, 'index.html'));
  } catch {
    throw new Error(`the explorer is not built at ${DEFAULT_EXPLORER_ROOT}: run \`npm run build:web\` (npm install runs it)`);
  }
}

/** The page as a browser gets it, and the settings the gateway wrote into it. */
export async function openPage(url: string): Promise<{ response: Response; html: string; config: ExplorerPageConfig }> {
  const response = await fetch(url, { headers: BROWSER });
  const html = await response.text();
  const block = /<script type="application\/json" id="explorer-config">(.*?)<\/script>/s.exec(html);
  if (!block) throw new Error(`no explorer config in the page (HTTP ${response.status}): ${html.slice(0, 300)}`);
  return { response, html, config: JSON.parse(block[1]!) as ExplorerPageConfig };
}
