/**
 * The deployment as the README's deployment section describes it, on this machine: a
 * built unit (package.json + dist/) and processes started with the systemd units'
 * ExecStart; nginx in front is deploy/run-nginx.ts.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The unit the README ships: `npm run build`'s server half compiled into a folder of its
 * own, the repository's built web pages, package.json and package-lock.json beside it,
 * then `npm ci --omit=dev` there (from npm's cache, filled by the repository's own
 * install), as on a host in /opt/county-gateway.
 */
export function buildUnit(): string {
  const unit = mkdtempSync(join(tmpdir(), 'county-unit-'));
  const out = join(unit, 'dist', 'node');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build-assets.ts'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(unit, file));
  if (existsSync(join(ROOT, 'dist', 'web'))) cpSync(join(ROOT, 'dist', 'web'), join(unit, 'dist', 'web'), { recursive: true });
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: unit, stdio: 'pipe' });
  return unit;
}

/** The packages a built unit's code requires (node's own modules left out). */
export function requiredPackages(unit: string): Set<string> {
  const packages = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.js')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
          const spec = m[1]!;
          if (spec.startsWith('.') || spec.startsWith('node:')) continue;
          packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    }
  };
  walk(join(unit, 'dist', 'node'));
  return packages;
}

/** A systemd unit's ExecStart as argv: this node for /usr/bin/node, `instance` for %i. */
export function execStart(unitFile: string, instance = ''): string[] {
  const line = readFileSync(join(ROOT, 'deploy', 'systemd', unitFile), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error(`${unitFile} has no ExecStart`);
  return line
    .slice('ExecStart='.length)
    .trim()
    .split(/\s+/)
    .map((word) => (word === '/usr/bin/node' ? process.execPath : word.replace('%i', instance)));
}

export { startNginx, type Nginx } from '../../deploy/run-nginx';
