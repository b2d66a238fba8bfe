import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanoutRow } from '../../bench/fanout';
import type { Row } from '../../bench/report';
import type { ReplicaRow } from '../../bench/replicas';

const ROOT = join(__dirname, '..', '..');
const WORKLOADS = [
  'joint review (1 project)',
  'dashboard page (50 projects)',
  'dashboard page, cache-warm repeat',
  'dashboard page (100 projects), cache-warm repeat',
  'dashboard page, cache-warm, 20,000 users',
];

// A smoke run of `npm run bench`: the one-core mode with a variant of our gateway (e) and the JavaScript floor (f), the fan-out (20 subscribers) and the replicas mode, one latency, one-second rows, Hive left out
// (it is installed on first use and is half a gigabyte). It checks the run completes and
// the table has its rows and ratio columns; the figures themselves are the benchmark's
// business, never a test's.
describe('npm run bench (smoke run)', () => {
  it('measures every workload through our gateway, the plain gateway, the JavaScript floor and the floor, and writes the table', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts')], {
      cwd: ROOT,
      env: { ...process.env, BENCH_QUICK: '1', BENCH_HIVE: 'skip', BENCH_MODES: 'core,fanout,replicas', BENCH_FANOUT_SUBSCRIBERS: '20', BENCH_DEPARTMENT_LATENCY_MS: '0', BENCH_VARIANT: 'GATEWAY_PLANNER=apollo', BENCH_OUT: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const [exitCode] = await once(child, 'exit');
    expect({ exitCode, output: exitCode === 0 ? '' : output }).toEqual({ exitCode: 0, output: '' });
    expect(output).toMatch(/bench: 30 rows .*4 gateways \(one the variant, one the JavaScript floor\) \+ the subgraph direct\), 1 s each in 2 interleaved rounds.*\nestimated time: about \d+ min/);

    const { rows, replicaRows, fanoutRows } = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { rows: Row[]; replicaRows: ReplicaRow[]; fanoutRows: FanoutRow[] };
    // The fan-out: every subscriber received every measured event through our gateway; Hive left out.
    expect(fanoutRows.map((r) => ({ target: r.target, notRun: r.notRun, missed: r.missedAndErrors, everyone: r.deliveries === r.events! * 20 && r.events! > 0 }))).toEqual([
      { target: 'a', notRun: undefined, missed: 0, everyone: true },
      { target: 'c', notRun: 'BENCH_HIVE=skip', missed: undefined, everyone: false },
    ]);
    // 1 and 2 replicas behind nginx, Redis off and on: each answered, Redis commands counted only with Redis.
    expect(replicaRows.map((r) => ({ replicas: r.replicas, redis: r.redis, notRun: r.notRun, failures: r.non2xx! + r.errors!, answered: r.requests! > 0, redisCommands: r.redisCommandsPerRequest === null ? null : r.redisCommandsPerRequest! > 0 }))).toEqual([
      { replicas: 1, redis: false, notRun: undefined, failures: 0, answered: true, redisCommands: null },
      { replicas: 2, redis: false, notRun: undefined, failures: 0, answered: true, redisCommands: null },
      { replicas: 1, redis: true, notRun: undefined, failures: 0, answered: true, redisCommands: true },
      { replicas: 2, redis: true, notRun: undefined, failures: 0, answered: true, redisCommands: true },
    ]);
    expect(rows.map((r) => `${r.workload} ${r.target}`)).toEqual(WORKLOADS.flatMap((w) => ['a', 'e', 'b', 'c', 'f', 'd'].map((t) => `${w} ${t}`)));
    expect(rows.find((r) => r.target === 'e')?.targetName).toBe('(e) this gateway with GATEWAY_PLANNER=apollo');
    for (const r of rows.filter((row) => row.target !== 'c')) {
      // Each row's peak memory is its own (reset before it), never the process's since start.
      expect(r.peakRssSinceStart).toBeUndefined();
      // Every measured target first answered the workload with data and no errors.
      expect({ target: r.target, notRun: r.notRun, non2xx: r.non2xx }).toEqual({ target: r.target, notRun: undefined, non2xx: 0 });
      expect(r.gatewayCpuMsPerRequest === null).toBe(r.target === 'd');
      // Two interleaved rounds in the quick run, each with its own figure.
      expect(r.gatewayCpuMsPerRequestByRound?.length).toBe(r.target === 'd' ? undefined : 2);
      // What the gateway spent off its main threads is a share of what it spent: a whole percent, or absent for the floor.
      const offMain = r.gatewayCpuOffMainThreadPercent;
      expect({ target: r.target, offMain, share: r.target === 'd' ? offMain === undefined : Number.isInteger(offMain) && offMain! >= 0 && offMain! <= 100 }).toEqual({ target: r.target, offMain, share: true });
      // Counted for every gateway (its main thread blocks at least once in a row: waiting on subgraphs or on its GC helpers), never for the floor.
      const switches = r.gatewaySwitchesPerRequest;
      expect({ target: r.target, switches, counted: r.target === 'd' ? switches === undefined : switches!.slept > 0 && switches!.preempted >= 0 }).toEqual({ target: r.target, switches, counted: true });
    }
    expect(rows.filter((r) => r.target === 'c').map((r) => r.notRun)).toEqual(WORKLOADS.map(() => 'BENCH_HIVE=skip'));

    const table = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(output).toContain(table.trim());
    expect(table).toContain('| dept latency ms | workload | target | req/s | p50 ms | p99 ms | p50 over direct ms | gateway CPU ms/req | of it off the main thread | main thread slept / preempted per req | backend CPU ms/req | dept req/req | peak RSS MB | non-2xx + errors |');
    expect(table).toContain('| gateways | dept latency ms | workload | req/s a/b | req/s a/c | CPU/req a/b | CPU/req a/c | CPU/req e/b | CPU/req a/e | CPU/req f/b | CPU/req a/f | CPU/req a/b round by round |');
    expect(table).toContain('| target | subscribers | events | deliveries/s | delivery p50 ms | delivery p99 ms | gateway CPU ms/delivery | backend CPU ms/delivery | RSS KB/subscriber | missed + errors |');
    expect(table).toContain('| replicas | Redis | req/s | p50 ms | p99 ms | gateways CPU ms/req | Redis CPU ms/req | Redis commands/req | nginx CPU ms/req | non-2xx + errors |');
    for (const workload of WORKLOADS) {
      const ratios = table.split('\n').find((l) => l.startsWith(`| 1 core | 0 | ${workload} |`));
      const cells = ratios?.split('|').slice(4, 13).map((c) => c.trim());
      const ratio = expect.stringMatching(/^(\d+\.\d\d|—)$/);
      expect(cells).toEqual([ratio, '—', ratio, '—', ratio, ratio, ratio, ratio, expect.stringMatching(/^\d+\.\d\d · \d+\.\d\d$/)]);
    }
  }, 540_000);
});
