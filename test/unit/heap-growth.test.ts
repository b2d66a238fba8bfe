import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * GATEWAY_HEAP_GROWTH_PERCENT is set from inside the process (lib/heap-growth.ts), and V8
 * ignores a flag it does not know, or one set too late, without a word. V8 says which factor
 * each major collection set the next limit with (`--trace-gc-verbose`: "[HeapController]
 * Limit: … (1.5)"), so this reads that, in a process that sets the growth as the gateway does.
 */
const COLLECT = `
const { limitHeapGrowth } = require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'heap-growth.ts'))});
limitHeapGrowth(Number(process.env.PERCENT));
const live = [];
for (let i = 0; i < 300000; i++) live.push({ id: 'x' + i });
gc();
gc();
process.stdout.write(String(live.length));
`;

/** The factor of every old-generation limit V8 set while the process ran. */
function factors(percent: number): number[] {
  const run = spawnSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '-e', COLLECT], {
    env: { ...process.env, PERCENT: String(percent) },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`a process with ${percent}% failed: ${run.stderr}`);
  return [...run.stdout.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)$/gm)].map((m) => Number(m[1]));
}

describe('heap growth (GATEWAY_HEAP_GROWTH_PERCENT)', () => {
  it('sets the factor of every old-generation limit when set from inside the process', () => {
    const limited = factors(50);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(new Set(limited)).toEqual(new Set([1.5]));
    expect(new Set(factors(200))).toEqual(new Set([3]));
  });

  it('leaves V8 its own factor at 0', () => {
    // V8 starts a small heap at its largest factor (4 on a machine with this much memory, at least 1.3 on any).
    expect(factors(0).some((factor) => factor !== 1.5 && factor !== 3)).toBe(true);
  });
});
