/**
 * Debian's Chromium driven by playwright-core, for the browser tests and the screenshots.
 * Browser downloads are blocked here (and pointless on 政务外网), so playwright's own
 * builds are never fetched; the flags keep Chromium from calling home while it runs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  if (!chromiumInstalled()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
