import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { peakRssMb, resetPeakRss } from '../../bench/processes';

describe("a bench row's peak memory", () => {
  it('starts again from what the process holds now, so an earlier peak does not count', async () => {
    // A process that held 200 MB once and let it go: its peak says so until it is started again.
    const child = spawn(process.execPath, ['--expose-gc', '-e', "let b = Buffer.alloc(200e6, 1); b = null; global.gc(); console.log('ready'); setInterval(() => {}, 1000);"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await once(child.stdout!, 'data');
      const pid = child.pid!;
      const before = peakRssMb([pid]);
      expect(before).toBeGreaterThan(200);
      expect(resetPeakRss([pid])).toBe(true);
      expect(peakRssMb([pid])).toBeLessThan(before - 150);
    } finally {
      child.kill();
    }
  });

  it('says when it could not (no such process)', () => {
    expect(resetPeakRss([2 ** 22 + 1])).toBe(false);
    expect(resetPeakRss([])).toBe(false);
  });
});
