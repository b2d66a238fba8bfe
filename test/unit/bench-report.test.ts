import { readBenchConfig } from '../../bench/config';
import { renderFanout, renderReplicas, renderReport, type Row } from '../../bench/report';
import type { ReplicaRow } from '../../bench/replicas';

const meta = { date: '2026-01-01T00:00:00Z', machine: 'test CPU × 2', node: 'v20', seconds: 10, warmupSeconds: 2, lowLoadSeconds: 3, connections: 8, workers: 2, pin: true, hive: 'Hive Gateway 2.15.1' };
const measured = (rps: number, p50: number, gatewayCpu: number | null) => ({
  requests: rps * 10,
  rps,
  p50,
  p99: p50 * 2,
  gatewayCpuMsPerRequest: gatewayCpu,
  backendCpuMsPerRequest: 1.5,
  departmentRequestsPerRequest: 3,
  peakRssMb: gatewayCpu === null ? null : 300,
  non2xx: 0,
  errors: 0,
});
const row = (mode: Row['mode'], target: Row['target'], figures: Partial<Row>): Row => ({
  mode,
  latencyMs: 20,
  workload: 'joint review (1 project)',
  target,
  targetName: `(${target})`,
  ...figures,
});

describe('the benchmark table', () => {
  const rows: Row[] = [
    row('core', 'a', { ...measured(300, 30, 4), gatewayCpuOffMainThreadPercent: 23, gatewaySwitchesPerRequest: { slept: 3.52, preempted: 0.8 }, lowLoadP50: 4.25, lowLoadFloorP50: 3.9 }),
    row('core', 'b', { ...measured(150, 45, 8), lowLoadP50: 6.5 }),
    row('core', 'c', { notRun: 'npm install failed: ENOTFOUND' }),
    row('core', 'd', { ...measured(900, 12, null), lowLoadP50: 3.1 }),
    row('machine', 'a', measured(500, 20, 5)),
    row('machine', 'b', measured(250, 40, 10)),
    row('machine', 'c', measured(400, 25, 4)),
  ];
  const report = renderReport(rows, meta);
  const lines = report.split('\n');

  it('has a section per mode with a row per target, and the floor once', () => {
    expect(report).toContain('### One core: each gateway a single process, pinned to core 0 (taskset)');
    expect(report).toContain('### Whole machine: each gateway 2 worker processes (one per core), unpinned');
    const underLoad = lines.slice(0, lines.findIndex((l) => l.startsWith('### Low load')));
    expect(underLoad.filter((l) => l.startsWith('| 20 | joint review (1 project) | (d)'))).toHaveLength(1);
    expect(underLoad.filter((l) => l.startsWith('| 20 | joint review (1 project) | (a)'))).toHaveLength(2);
  });

  it('gives each gateway its p50 over the direct call, in both modes', () => {
    expect(lines).toContain('| 20 | joint review (1 project) | (a) | 300 | 30 | 60 | 18 | 4 | 23% | 3.52 / 0.8 | 1.5 | 3 | 300 | 0 |');
    expect(lines).toContain('| 20 | joint review (1 project) | (a) | 500 | 20 | 40 | 8 | 5 | — | — | 1.5 | 3 | 300 | 0 |');
    expect(lines).toContain('| 20 | joint review (1 project) | (d) | 900 | 12 | 24 | — | — | — | — | 1.5 | 3 | — | 0 |');
  });

  it('gives the low-load median and what each gateway adds to it, from the one-core rows', () => {
    expect(report).toContain('### Low load: one request at a time (3 s per row, gateways on one pinned core)');
    expect(lines).toContain('| 20 | joint review (1 project) | (a) | 4.25 | 1.15 | 3.90 | 0.80 |');
    expect(lines).toContain('| 20 | joint review (1 project) | (b) | 6.50 | 3.40 | — | — |');
    expect(lines).toContain('| 20 | joint review (1 project) | (d) | 3.10 | — | — | — |');
  });

  it('gives every row of every table as many cells as its header', () => {
    const cells = (line: string) => line.split('|').length - 2;
    let header: number | undefined;
    let checked = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        header = undefined;
        continue;
      }
      if (header === undefined) header = cells(line);
      else {
        expect({ line, cells: cells(line) }).toEqual({ line, cells: header });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('says why a target was not run, and leaves its ratios empty', () => {
    expect(lines).toContain('| 20 | joint review (1 project) | (c) | not run: npm install failed: ENOTFOUND | | | | | | | | | | |');
    expect(report).toContain('| gateways | dept latency ms | workload | req/s a/b | req/s a/c | CPU/req a/b | CPU/req a/c |');
    expect(lines).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.50 | — |');
    expect(lines).toContain('| 2 workers | 20 | joint review (1 project) | 2.00 | 1.25 | 0.50 | 1.25 |');
  });

  it('splits the backend CPU by process, per request and per department request, for the rows that measured it', () => {
    const split = {
      backendCpuMsPerRequest: 60,
      backendCpuMsPerRequestBy: { subgraphs: { enterprise: 6, land: 20, construction: 8, approval: 1 }, departments: { enterprise: 3, land: 18, construction: 3, approval: 1 } },
      backendCpuMsPerDepartmentRequest: 1.2,
      departmentRequestsPerRequest: 50,
      departmentRequestsPerRequestBy: { enterprise: 4, land: 45, construction: 1, approval: 0 },
    };
    const withSplit = renderReport([row('core', 'a', { ...measured(30, 300, 9), ...split }), row('core', 'b', measured(150, 45, 8)), row('core', 'd', { ...measured(900, 12, null), ...split, backendCpuMsPerDepartmentRequest: null })], meta).split('\n');
    expect(withSplit).toContain('### Backend CPU by process (ms per request; each subgraph and each mock department in a process of its own)');
    expect(withSplit).toContain(
      '| mode | dept latency ms | workload | target | backend CPU ms/req | enterprise subgraph | land subgraph | construction subgraph | approval subgraph | enterprise mock | land mock | construction mock | approval mock | dept req/req | backend CPU ms/dept req |',
    );
    expect(withSplit).toContain('| core | 20 | joint review (1 project) | (a) | 60 | 6 | 20 | 8 | 1 | 3 | 18 | 3 | 1 | 50 | 1.2 |');
    expect(withSplit).toContain('| core | 20 | joint review (1 project) | (d) | 60 | 6 | 20 | 8 | 1 | 3 | 18 | 3 | 1 | 50 | — |');
    // A row measured before the split (no figures by process) has no line there, and the main table keeps its columns.
    expect(withSplit.filter((l) => l.startsWith('| core | 20 | joint review (1 project) | (b) |'))).toHaveLength(0);
    // Its rows never read as the ratio lines (which start "| 1 core |").
    expect(withSplit.filter((l) => l.startsWith('| 1 core | 20 | joint review (1 project) |'))).toHaveLength(1);
    expect(withSplit).toContain('| 20 | joint review (1 project) | (a) | 30 | 300 | 600 | 288 | 9 | — | — | 60 | 50 | 300 | 0 |');
  });

  it('leaves the section out when no row was split', () => {
    expect(report).not.toContain('### Backend CPU by process');
  });

  it('says so when no request was answered within a row, and keeps it out of the ratios', () => {
    const starved = renderReport([row('core', 'a', { ...measured(0, 0, 40), requests: 0 }), row('core', 'b', measured(150, 45, 8))], meta).split('\n');
    expect(starved).toContain('| 20 | joint review (1 project) | (a) | 0: no request answered within the row | | | | | | | | | | 0 |');
    expect(starved).toContain('| 1 core | 20 | joint review (1 project) | — | — | — | — |');
  });
});

describe('the fan-out table', () => {
  it('gives each gateway its deliveries, latency, CPU and memory per subscriber, and says why one was not run', () => {
    const lines = renderFanout(
      [
        { target: 'a', targetName: '(a)', subscribers: 1000, latencyMs: 0, events: 12, deliveries: 12_000, deliveriesPerSecond: 1200, p50: 400.5, p99: 810, gatewayCpuMsPerDelivery: 0.8, backendCpuMsPerDelivery: 0.3, rssKbPerSubscriber: 60, missedAndErrors: 0 },
        { target: 'c', targetName: '(c)', subscribers: 1000, latencyMs: 0, notRun: 'BENCH_HIVE=skip' },
      ],
      meta,
    ).split('\n');
    expect(lines[0]).toBe('### Subscription fan-out: 1,000 subscribers over WebSocket on one subscription, department latency 0 ms (each gateway one process, pinned to core 0)');
    expect(lines).toContain('| (a) | 1000 | 12 | 1200 | 400.5 | 810 | 0.8 | 0.3 | 60 | 0 |');
    expect(lines).toContain('| (c) | 1000 | not run: BENCH_HIVE=skip | | | | | | | |');
  });
});

describe('a variant of this gateway (BENCH_VARIANT)', () => {
  it('is measured beside (a) and compared with (a) and (b) in the ratios', () => {
    const rows: Row[] = [
      row('core', 'a', measured(300, 30, 3)),
      { ...row('core', 'e', measured(250, 35, 4)), targetName: '(e) this gateway with GATEWAY_PLANNER=apollo' },
      row('core', 'b', measured(150, 45, 8)),
    ];
    const lines = renderReport(rows, meta).split('\n');
    expect(lines).toContain('### Ratios (a: this gateway, b: plain @apollo/gateway, c: Hive Gateway, e: this gateway with GATEWAY_PLANNER=apollo)');
    expect(lines).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.38 | — | 0.50 | 0.75 |');
  });

  it('reads NAME=value settings, and refuses anything else', () => {
    expect(readBenchConfig({ BENCH_VARIANT: 'GATEWAY_PLANNER=apollo, LOG_LEVEL=warn' }, '/out').variant).toEqual({ GATEWAY_PLANNER: 'apollo', LOG_LEVEL: 'warn' });
    expect(readBenchConfig({}, '/out').variant).toBeUndefined();
    expect(() => readBenchConfig({ BENCH_VARIANT: 'prepared off' }, '/out')).toThrow(/BENCH_VARIANT lists NAME=value settings.*"prepared off"/);
  });
});

describe('the JavaScript floor (f)', () => {
  it('is compared with the plain gateway (the lowest a/b reachable in JavaScript) and with ours', () => {
    const rows: Row[] = [row('core', 'a', measured(300, 30, 3)), row('core', 'b', measured(150, 45, 8)), row('core', 'f', measured(400, 20, 2))];
    const lines = renderReport(rows, meta).split('\n');
    expect(lines).toContain('### Ratios (a: this gateway, b: plain @apollo/gateway, c: Hive Gateway, f: the JavaScript floor)');
    expect(lines).toContain('| gateways | dept latency ms | workload | req/s a/b | req/s a/c | CPU/req a/b | CPU/req a/c | CPU/req f/b | CPU/req a/f |');
    expect(lines).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.38 | — | 0.25 | 1.50 |');
  });

  it('shows no ratio for a floor that did not run', () => {
    const rows: Row[] = [row('core', 'a', measured(300, 30, 3)), row('core', 'b', measured(150, 45, 8)), row('core', 'f', { notRun: 'exited with 1 before it was ready' })];
    expect(renderReport(rows, meta).split('\n')).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.38 | — | — | — |');
  });
});

describe('rounds (BENCH_ROUNDS)', () => {
  it("gives a/b for each round beside the pooled figure, pairing each round of (a) with the same round of (b)", () => {
    const rows: Row[] = [
      row('core', 'a', { ...measured(300, 30, 3), gatewayCpuMsPerRequestByRound: [2, 3, 4] }),
      row('core', 'b', { ...measured(150, 45, 8), gatewayCpuMsPerRequestByRound: [8, 6, 10] }),
      row('core', 'd', measured(900, 12, null)),
    ];
    const lines = renderReport(rows, { ...meta, rounds: 3 }).split('\n');
    expect(lines[0]).toBe('2026-01-01T00:00:00Z, test CPU × 2, Node v20; 8 connections, 10 s per row in 3 interleaved rounds after a 2 s warm-up; every request distinct. Hive Gateway 2.15.1.');
    expect(lines).toContain('| gateways | dept latency ms | workload | req/s a/b | req/s a/c | CPU/req a/b | CPU/req a/c | CPU/req a/b round by round |');
    expect(lines).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.38 | — | 0.25 · 0.50 · 0.40 |');
  });

  it("names the start's warm-up beside the round's, and the replicas table its own", () => {
    expect(renderReport([], { ...meta, startWarmupSeconds: 15 })).toContain('after a 2 s warm-up (15 s a workload once, after each start);');
    const notRun: ReplicaRow = { replicas: 1, redis: false, workload: 'joint review (1 project)', latencyMs: 0, notRun: 'nginx missing' };
    const replicas = renderReplicas([notRun], { ...meta, startWarmupSeconds: 15 });
    expect(replicas).toContain('each set freshly started and measured for 10 s after a 15 s warm-up;');
  });

  it('leaves the column out of results measured in one round, and shows none for a pair that does not match', () => {
    const single = renderReport([row('core', 'a', { ...measured(300, 30, 3), gatewayCpuMsPerRequestByRound: [3] }), row('core', 'b', { ...measured(150, 45, 8), gatewayCpuMsPerRequestByRound: [8] })], { ...meta, rounds: 1 });
    expect(single).not.toContain('round by round');
    expect(single.split('\n')[0]).toContain('10 s per row after a 2 s warm-up;');
    const unpaired = renderReport([row('core', 'a', { ...measured(300, 30, 3), gatewayCpuMsPerRequestByRound: [3, 3] }), row('core', 'b', measured(150, 45, 8))], meta).split('\n');
    expect(unpaired).toContain('| 1 core | 20 | joint review (1 project) | 2.00 | — | 0.38 | — | — |');
  });

  it('are three by default, two in the quick run, and at least one', () => {
    expect(readBenchConfig({}, '/out').rounds).toBe(3);
    expect(readBenchConfig({ BENCH_QUICK: '1' }, '/out').rounds).toBe(2);
    expect(readBenchConfig({ BENCH_ROUNDS: '5' }, '/out').rounds).toBe(5);
    expect(() => readBenchConfig({ BENCH_ROUNDS: '0' }, '/out')).toThrow(/BENCH_ROUNDS must be greater than 0/);
    expect(() => readBenchConfig({ BENCH_ROUNDS: '1.5' }, '/out')).toThrow(/BENCH_ROUNDS must be a whole number/);
  });
});

describe('the benchmark settings', () => {
  it('defaults to both latencies, every mode and ten seconds a row; BENCH_QUICK shortens the rows only', () => {
    const full = readBenchConfig({}, '/out');
    expect(full).toMatchObject({ seconds: 10, warmupSeconds: 5, startWarmupSeconds: 15, connections: 8, latenciesMs: [0, 20], modes: ['core', 'machine', 'replicas', 'fanout'], fanoutSubscribers: 1000, pin: true, skipHive: undefined, outDir: '/out' });
    expect(readBenchConfig({ BENCH_QUICK: '1' }, '/out')).toMatchObject({ seconds: 1, warmupSeconds: 1, startWarmupSeconds: 1, latenciesMs: [0, 20], modes: ['core', 'machine', 'replicas', 'fanout'], fanoutSubscribers: 100 });
    expect(readBenchConfig({ BENCH_QUICK: '1', BENCH_SECONDS: '3', BENCH_DEPARTMENT_LATENCY_MS: '5, 50', BENCH_MODES: 'machine', BENCH_HIVE: 'skip' }, '/out')).toMatchObject({
      seconds: 3,
      latenciesMs: [5, 50],
      modes: ['machine'],
      skipHive: 'BENCH_HIVE=skip',
    });
  });

  it('names every bad setting before anything starts', () => {
    expect(() => readBenchConfig({ BENCH_START_WARMUP_SECONDS: '0' }, '/out')).toThrow(/BENCH_START_WARMUP_SECONDS must be greater than 0/);
    expect(readBenchConfig({ BENCH_START_WARMUP_SECONDS: '30', BENCH_WARMUP_SECONDS: '7' }, '/out')).toMatchObject({ startWarmupSeconds: 30, warmupSeconds: 7 });
    expect(readBenchConfig({ BENCH_WARMUP_SECONDS: '7' }, '/out').startWarmupSeconds).toBe(15);
    expect(() => readBenchConfig({ BENCH_SECONDS: 'long', BENCH_DEPARTMENT_LATENCY_MS: '0,fast', BENCH_MODES: 'core,cloud', BENCH_HIVE: 'maybe' }, '/out')).toThrow(
      /BENCH_SECONDS must be a number.*BENCH_DEPARTMENT_LATENCY_MS lists milliseconds.*BENCH_MODES lists core.*BENCH_HIVE must be run or skip/,
    );
  });
});
