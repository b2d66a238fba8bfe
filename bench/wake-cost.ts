/**
 * `npm run bench:wake-cost`: what this machine charges a process for coming back to its core
 * after a wait, in CPU time that /proc (and so the bench's CPU per request) counts.
 *
 * The same unit of work (parsing and serialising a 50-project answer with Chinese text, about
 * 0.8 ms here) is run back to back, then with a sleep of 1, 5 and 20 ms before each unit, on
 * core 0 as the bench pins its gateways. Where returning from a wait is cheap they cost the
 * same; on this VM (2026-12-04) a unit after 1–5 ms of waiting cost 0.09–0.12 ms more, after
 * 20 ms 0.28–0.37 ms more (1.4× the unit). A gateway waiting on slow departments sleeps several
 * times a request, so part of its CPU per request rises with the time its requests wait
 * although its own work does not (docs/NOTES.md, issue 15 §1). The garbage collections a unit are shown
 * beside it: a slower allocation rate can change how V8 sizes its young generation, and that
 * would be counted in the extra too.
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { mainThreadSwitches } from './processes';
import { median } from './stats';

const GAPS_MS = [0, 1, 5, 20];
const TRIALS = 3;

/** `--units N`: units per trial and wait (default 200; fewer for a quick check). */
function readUnits(argv: string[]): number {
  const at = argv.indexOf('--units');
  if (at < 0) return 200;
  const units = Number(argv[at + 1]);
  if (!Number.isInteger(units) || units < 1) throw new Error(`--units must be a whole number above 0, not ${argv[at + 1] ?? 'nothing'}`);
  return units;
}
const UNITS = readUnits(process.argv.slice(2));

function answerText(): string {
  const projects = Array.from({ length: 50 }, (_, i) => ({
    id: `522633-2026-${String(i).padStart(4, '0')}`,
    name: `从江县丙妹镇第${i}号厂房建设项目`,
    town: { code: '522633100000', name: '丙妹镇' },
    parcels: [{ code: `522633100000GB${String(i).padStart(5, '0')}`, areaSquareMeters: 1200 + i, use: '工业用地' }],
    enterprise: { uscc: `91522633MA6${String(i).padStart(7, '0')}`, name: `贵州从江某某建设有限公司${i}`, legalRepresentative: '张三' },
    applications: [{ id: `SP${i}`, stage: 'CONSTRUCTION_PERMIT', status: 'IN_REVIEW', deadline: '2026-12-31' }],
  }));
  return JSON.stringify({ data: { constructionProjects: { nodes: projects, totalCount: 5000 } } });
}

const text = answerText();
/** About 0.8 ms here; on the bench's read-through dashboard row the gateways spend 0.8–3.4 ms of CPU a sleep. */
const unit = () => {
  let length = 0;
  for (let i = 0; i < 6; i++) length += JSON.stringify(JSON.parse(text)).length;
  return length;
};

const voluntarySwitches = () => mainThreadSwitches([process.pid]).slept;

const pause = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

let collections = 0;

interface Trial {
  cpuUs: number;
  sleeps: number;
  collections: number;
}

/** CPU µs, sleeps and garbage collections per unit, with `gapMs` of waiting before each unit. */
async function measure(gapMs: number): Promise<Trial> {
  await pause(0); // the last trial's collections reported
  const [cpu, switches, gcs] = [process.cpuUsage(), voluntarySwitches(), collections];
  for (let i = 0; i < UNITS; i++) {
    await pause(gapMs);
    unit();
  }
  const used = process.cpuUsage(cpu);
  const sleeps = voluntarySwitches() - switches;
  await pause(0);
  return { cpuUs: (used.user + used.system) / UNITS, sleeps: sleeps / UNITS, collections: (collections - gcs) / UNITS };
}

async function pinned(): Promise<void> {
  new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });
  await measure(0); // the optimising compiler's work, before anything is counted
  const runs = new Map<number, Trial[]>(GAPS_MS.map((gap) => [gap, []]));
  // Interleaved, so a slower minute of the host falls on every gap alike.
  for (let trial = 0; trial < TRIALS; trial++) for (const gap of GAPS_MS) runs.get(gap)!.push(await measure(gap));
  const base = median(runs.get(0)!.map((r) => r.cpuUs));
  console.log('| wait before each unit ms | CPU µs a unit (median of trials) | trials | sleeps a unit | garbage collections a unit | extra CPU a return from waiting ms | the unit after a wait, against back to back |');
  console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const [gap, results] of runs) {
    const cpu = median(results.map((r) => r.cpuUs));
    const [extra, factor] = gap === 0 ? ['—', '—'] : [((cpu - base) / 1000).toFixed(2), `${(cpu / base).toFixed(2)}×`];
    console.log(`| ${gap} | ${cpu.toFixed(0)} | ${results.map((r) => r.cpuUs.toFixed(0)).join(' · ')} | ${median(results.map((r) => r.sleeps)).toFixed(2)} | ${median(results.map((r) => r.collections)).toFixed(2)} | ${extra} | ${factor} |`);
  }
}

if (process.argv.includes('--pinned')) {
  void pinned();
} else {
  // On core 0, as the bench's one-core mode runs the gateways; unpinned where taskset is missing.
  const args = [...process.execArgv, __filename, ...process.argv.slice(2), '--pinned'];
  let run = spawnSync('taskset', ['-c', '0', process.execPath, ...args], { stdio: 'inherit' });
  if (run.error) {
    console.log('taskset not found (Debian: util-linux): measured unpinned.');
    run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  }
  process.exitCode = run.status ?? 1;
}
