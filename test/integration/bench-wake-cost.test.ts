/**
 * `npm run bench:wake-cost`: one short run, read as a reader would read its table.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'wake-cost.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

it('gives a row per wait, back to back first, most units after a wait following a sleep', () => {
  const { status, stdout, stderr } = run('--units', '20');
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  const rows = stdout.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  expect(rows.map((r) => r[0])).toEqual(['0', '1', '5', '20']);
  for (const [wait, cpu, trials, sleeps, collections, extra, factor] of rows) {
    expect(Number(cpu)).toBeGreaterThan(0);
    // Every unit parses and serialises the answer six times (0.15 collections a unit here): some happen in every trial.
    expect(Number(collections)).toBeGreaterThan(0);
    expect(trials!.split(' · ')).toHaveLength(3);
    if (wait === '0') {
      expect([extra, factor]).toEqual(['—', '—']);
    } else {
      // A timer's wait blocks the event loop: at least most units follow a sleep (a busy machine may run one late).
      expect(Number(sleeps)).toBeGreaterThan(0.5);
      expect(extra).toMatch(/^-?\d+\.\d\d$/);
      expect(factor).toMatch(/^\d+\.\d\d×$/);
    }
  }
});

it('refuses a unit count that is not a whole number above 0', () => {
  const { status, stderr } = run('--units', '0');
  expect(status).not.toBe(0);
  expect(stderr).toContain('--units must be a whole number above 0, not 0');
});
