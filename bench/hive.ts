/**
 * Hive Gateway (c) for the benchmark: installed on first use into bench/.hive (about
 * 500 MB, so never a project dependency), pinned to one version so runs compare. If it
 * cannot be installed (no registry, no disk) the benchmark still runs and says why Hive
 * was not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export const HIVE_VERSION = '2.15.1';
const PACKAGE = '@graphql-hive/gateway';

export type HiveInstall = { bin: string; version: string } | { notRun: string };

export function ensureHive(dir: string): HiveInstall {
  const manifest = join(dir, 'node_modules', ...PACKAGE.split('/'), 'package.json');
  const installed = () => (existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; bin: Record<string, string> }) : undefined);
  let found = installed();
  if (found?.version !== HIVE_VERSION) {
    console.log(`installing ${PACKAGE}@${HIVE_VERSION} into ${dir} (once; about 500 MB, a minute or two)…`);
    const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `${PACKAGE}@${HIVE_VERSION}`], { encoding: 'utf8', timeout: 15 * 60_000 });
    found = installed();
    if (npm.status !== 0 || found?.version !== HIVE_VERSION) {
      const why = npm.error?.message ?? (npm.stderr || '').trim().split('\n').filter((l) => l.includes('error')).slice(0, 2).join(' ');
      return { notRun: `npm install ${PACKAGE}@${HIVE_VERSION} failed: ${why || `exit ${npm.status}`}` };
    }
  }
  return { bin: join(dir, 'node_modules', ...PACKAGE.split('/'), found.bin['hive-gateway']!), version: found.version };
}

/** Hive prints "Listening on http://host:0" for port 0, so it is given a free port instead. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
