import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpuMs, mainThreadCpuMs, peakRssMb, resetPeakRss } from '../../bench/processes';

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

describe("a gateway's CPU off its main thread", () => {
  // The same fixed work (no clock in it), once on the main thread and once on a worker thread.
  const spin = 'let x = 0; for (let i = 0; i < 6e8; i++) x += i % 7; if (x < 0) console.log(x);';
  /** Runs `script` in a child that says 'done' when it is, and reads the child's CPU then. */
  const measure = async (script: string) => {
    const child = spawn(process.execPath, ['-e', `${script}; setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout!, 'data');
      return { all: cpuMs([child.pid!]), main: mainThreadCpuMs([child.pid!]) };
    } finally {
      child.kill();
    }
  };

  it("counts the main thread's CPU apart from the other threads'", async () => {
    const onMain = await measure(`${spin} console.log('done')`);
    const onWorker = await measure(`new (require('node:worker_threads').Worker)(${JSON.stringify(spin)}, { eval: true }).on('exit', () => console.log('done'))`);
    expect(onMain.all).toBeGreaterThan(100);
    expect(onMain.main).toBeGreaterThan(onMain.all * 0.8);
    expect(onWorker.all).toBeGreaterThan(100);
    expect(onWorker.main).toBeLessThan(onWorker.all * 0.5);
  });
});
