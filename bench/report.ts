/**
 * The benchmark's table: measured rows in, Markdown out (the same text is printed and
 * written to bench/results/latest.md).
 */
import type { BackendSplit } from './backend';
import type { GatewayMode, Mode } from './config';
import type { FanoutRow } from './fanout';
import type { ReplicaRow } from './replicas';

/** (e): this gateway again with BENCH_VARIANT's settings, when set; (f): the JavaScript floor (bench/js-floor.ts). */
export type Target = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

export interface Measured {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** null for the floor: no gateway in the way. */
  gatewayCpuMsPerRequest: number | null;
  /** The same, round by round (BENCH_ROUNDS), in the order the rounds ran; absent for the floor. */
  gatewayCpuMsPerRequestByRound?: number[];
  /** Of the gateway's CPU, the share its processes spent off their main threads (V8's garbage collector and compiler helpers, libuv's pool), in percent; absent for the floor. */
  gatewayCpuOffMainThreadPercent?: number | null;
  /**
   * How often the gateway's main threads left their core, per request: slept (voluntary: nothing
   * to run, or waiting on its own helper threads) and preempted (nonvoluntary: another thread or
   * process took the core). Absent for the floor and in results written before it was counted.
   */
  gatewaySwitchesPerRequest?: { slept: number; preempted: number };
  /** The backend's processes (the four subgraphs and the four departments' mocks) per request. */
  backendCpuMsPerRequest: number;
  /** The same, process by process: each subgraph, each department's mock. */
  backendCpuMsPerRequestBy?: BackendSplit;
  /** The whole backend's CPU divided by the department requests it answered; null when there were none. */
  backendCpuMsPerDepartmentRequest?: number | null;
  departmentRequestsPerRequest: number;
  /** The same, by department. */
  departmentRequestsPerRequestBy?: BackendSplit['subgraphs'];
  peakRssMb: number | null;
  /** The peak could not be started again for the row (not Linux, or not our processes): it is the process's since it started. */
  peakRssSinceStart?: boolean;
  non2xx: number;
  errors: number;
  /** Median latency (ms, to 0.01) with one request at a time; measured in the one-core mode. */
  lowLoadP50?: number;
  /** The same, for the floor's operation sent through the gateway (one fetch to one subgraph). */
  lowLoadFloorP50?: number;
}

export interface Row extends Partial<Measured> {
  mode: Mode;
  latencyMs: number;
  workload: string;
  target: Target;
  targetName: string;
  /** Why this row has no figures. */
  notRun?: string;
}

export interface ReportMeta {
  date: string;
  machine: string;
  node: string;
  seconds: number;
  /** Interleaved rounds per row (BENCH_ROUNDS); absent in results written before there were rounds. */
  rounds?: number;
  warmupSeconds: number;
  /** Each target's first warm-up per workload, after it starts (absent in results written before there was one). */
  startWarmupSeconds?: number;
  lowLoadSeconds: number;
  connections: number;
  workers: number;
  pin: boolean;
  hive: string;
}

const ratio = (x: number | null | undefined, y: number | null | undefined) => (x && y ? (x / y).toFixed(2) : '—');
const show = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));
const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v}%`);
const switches = (v: Measured['gatewaySwitchesPerRequest']) => (v ? `${v.slept} / ${v.preempted}` : '—');

export const modeTitle = (mode: GatewayMode, meta: Pick<ReportMeta, 'workers' | 'pin'>) =>
  mode === 'core'
    ? `One core: each gateway a single process${meta.pin ? ', pinned to core 0 (taskset)' : ' (unpinned: BENCH_PIN=false)'}`
    : `Whole machine: each gateway ${meta.workers} worker processes (one per core), unpinned`;

/** The floor row for a workload and latency, measured once in whichever mode ran first. */
const floorOf = (rows: Row[], r: Row) => rows.find((f) => f.target === 'd' && !f.notRun && f.requests && f.workload === r.workload && f.latencyMs === r.latencyMs);

export function renderReport(rows: Row[], meta: ReportMeta): string {
  const modes = [...new Set(rows.map((r) => r.mode as GatewayMode))];
  const out: string[] = [
    `${meta.date}, ${meta.machine}, Node ${meta.node}; ${meta.connections} connections, ${meta.seconds} s per row${(meta.rounds ?? 1) > 1 ? ` in ${meta.rounds} interleaved rounds` : ''} after a ${meta.warmupSeconds} s warm-up${meta.startWarmupSeconds ? ` (${meta.startWarmupSeconds} s a workload once, after each start)` : ''}; every request distinct. ${meta.hive}.`,
  ];
  // Only the replicas mode ran: no gateway comparison to show.
  if (rows.length === 0) return out.join('\n');
  for (const mode of modes) {
    out.push(
      '',
      `### ${modeTitle(mode, meta)}`,
      '',
      '| dept latency ms | workload | target | req/s | p50 ms | p99 ms | p50 over direct ms | gateway CPU ms/req | of it off the main thread | main thread slept / preempted per req | backend CPU ms/req | dept req/req | peak RSS MB | non-2xx + errors |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of rows.filter((row) => row.mode === mode)) {
      if (r.notRun) {
        out.push(`| ${r.latencyMs} | ${r.workload} | ${r.targetName} | not run: ${r.notRun.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | | | | | | | | |`);
        continue;
      }
      if (r.requests === 0) {
        out.push(`| ${r.latencyMs} | ${r.workload} | ${r.targetName} | 0: no request answered within the row | | | | | | | | | | ${r.non2xx! + r.errors!} |`);
        continue;
      }
      const floor = floorOf(rows, r);
      const over = r.target !== 'd' && floor && r.p50 !== undefined ? String(r.p50 - floor.p50!) : '—';
      out.push(
        `| ${r.latencyMs} | ${r.workload} | ${r.targetName} | ${r.rps} | ${r.p50} | ${r.p99} | ${over} | ${show(r.gatewayCpuMsPerRequest)} | ${percent(r.gatewayCpuOffMainThreadPercent)} | ${switches(r.gatewaySwitchesPerRequest)} | ${r.backendCpuMsPerRequest} | ${r.departmentRequestsPerRequest} | ${show(r.peakRssMb)}${r.peakRssSinceStart ? ' (since start)' : ''} | ${r.non2xx! + r.errors!} |`,
      );
    }
  }
  const lowLoad = rows.filter((r) => r.lowLoadP50 !== undefined && r.mode === 'core');
  if (lowLoad.length > 0) {
    out.push(
      '',
      `### Low load: one request at a time (${meta.lowLoadSeconds} s per row, gateways on one pinned core)`,
      '',
      '| dept latency ms | workload | target | p50 ms | added over direct ms | floor operation via the gateway p50 ms | added by the gateway alone ms |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const r of lowLoad) {
      const floor = lowLoad.find((f) => f.target === 'd' && f.workload === r.workload && f.latencyMs === r.latencyMs);
      const over = (p50: number | undefined) => (r.target !== 'd' && floor && p50 !== undefined ? (p50 - floor.lowLoadP50!).toFixed(2) : '—');
      const viaGateway = r.lowLoadFloorP50 === undefined ? '—' : r.lowLoadFloorP50.toFixed(2);
      out.push(`| ${r.latencyMs} | ${r.workload} | ${r.targetName} | ${r.lowLoadP50!.toFixed(2)} | ${over(r.lowLoadP50)} | ${viaGateway} | ${over(r.lowLoadFloorP50)} |`);
    }
  }
  const split = rows.filter((r) => !r.notRun && r.requests && r.backendCpuMsPerRequestBy);
  if (split.length > 0) {
    const names = ['enterprise', 'land', 'construction', 'approval'] as const;
    out.push(
      '',
      '### Backend CPU by process (ms per request; each subgraph and each mock department in a process of its own)',
      '',
      `| mode | dept latency ms | workload | target | backend CPU ms/req | ${names.map((d) => `${d} subgraph`).join(' | ')} | ${names.map((d) => `${d} mock`).join(' | ')} | dept req/req | backend CPU ms/dept req |`,
      `| --- | ---: | --- | --- | ---: | ${names.map(() => '---:').join(' | ')} | ${names.map(() => '---:').join(' | ')} | ---: | ---: |`,
    );
    for (const r of split) {
      const by = r.backendCpuMsPerRequestBy!;
      out.push(
        `| ${r.mode} | ${r.latencyMs} | ${r.workload} | ${r.targetName} | ${r.backendCpuMsPerRequest} | ${names.map((d) => by.subgraphs[d]).join(' | ')} | ${names.map((d) => by.departments[d]).join(' | ')} | ${r.departmentRequestsPerRequest} | ${show(r.backendCpuMsPerDepartmentRequest)} |`,
      );
    }
  }
  const variant = rows.find((r) => r.target === 'e');
  const jsFloor = rows.some((r) => r.target === 'f');
  // CPU ratios shown only when the run has their targets: [numerator, denominator].
  const extra: (readonly [Target, Target])[] = [...(variant ? ([['e', 'b'], ['a', 'e']] as const) : []), ...(jsFloor ? ([['f', 'b'], ['a', 'f']] as const) : [])];
  const byRound = rows.some((r) => (r.gatewayCpuMsPerRequestByRound?.length ?? 0) > 1);
  out.push(
    '',
    `### Ratios (a: this gateway, b: plain @apollo/gateway, c: Hive Gateway${variant ? `, e: ${variant.targetName.replace(/^\(e\) /, '')}` : ''}${jsFloor ? ', f: the JavaScript floor' : ''})`,
    '',
    `req/s above 1 and CPU per request below 1 favour this gateway.${jsFloor ? ' f/b bounds from below the a/b a gateway in JavaScript could reach here; a/f is what ours costs over that floor.' : ''}`,
    '',
    `| gateways | dept latency ms | workload | req/s a/b | req/s a/c | CPU/req a/b | CPU/req a/c |${extra.map(([x, y]) => ` CPU/req ${x}/${y} |`).join('')}${byRound ? ' CPU/req a/b round by round |' : ''}`,
    `| --- | ---: | --- | ---: | ---: | ---: | ---: |${extra.map(() => ' ---: |').join('')}${byRound ? ' ---: |' : ''}`,
  );
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.target === 'd') continue;
    const key = `${r.mode}\u0000${r.latencyMs}\u0000${r.workload}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const pick = (t: Target) => group.find((r) => r.target === t && !r.notRun && r.requests);
    const [a, b, c] = [pick('a'), pick('b'), pick('c')];
    const first = group[0]!;
    const cpu = (x?: Row, y?: Row) => ratio(x?.gatewayCpuMsPerRequest, y?.gatewayCpuMsPerRequest);
    out.push(
      `| ${first.mode === 'core' ? '1 core' : `${meta.workers} workers`} | ${first.latencyMs} | ${first.workload} | ${ratio(a?.rps, b?.rps)} | ${ratio(a?.rps, c?.rps)} | ${cpu(a, b)} | ${cpu(a, c)} |${extra.map(([x, y]) => ` ${cpu(pick(x), pick(y))} |`).join('')}${byRound ? ` ${roundRatios(a, b)} |` : ''}`,
    );
  }
  out.push('', ...LEGEND, ...((meta.rounds ?? 1) > 1 ? ROUNDS_LEGEND : []));
  return out.join('\n');
}

/** x/y for each round both ran (the same round: interleaved, so a slower minute of the machine weighs on both). */
function roundRatios(x: Row | undefined, y: Row | undefined): string {
  const [xs, ys] = [x?.gatewayCpuMsPerRequestByRound, y?.gatewayCpuMsPerRequestByRound];
  if (!xs || !ys || xs.length !== ys.length) return '—';
  return xs.map((v, i) => ratio(v, ys[i])).join(' · ');
}

/** The replicas mode: what a second replica buys, and what Redis as shared state costs, per request. */
export function renderReplicas(rows: ReplicaRow[], meta: ReportMeta): string {
  const first = rows[0]!;
  const out = [
    `### Replicas behind nginx: ${first.workload}, department latency ${first.latencyMs} ms (this gateway, one process per replica, unpinned)`,
    '',
    '| replicas | Redis | req/s | p50 ms | p99 ms | gateways CPU ms/req | Redis CPU ms/req | Redis commands/req | nginx CPU ms/req | non-2xx + errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const redis = r.redis ? 'on' : 'off';
    if (r.notRun) out.push(`| ${r.replicas} | ${redis} | not run: ${r.notRun.replace(/\|/g, '/')} | | | | | | | |`);
    else out.push(`| ${r.replicas} | ${redis} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.gatewayCpuMsPerRequest} | ${show(r.redisCpuMsPerRequest)} | ${show(r.redisCommandsPerRequest)} | ${r.nginxCpuMsPerRequest} | ${r.non2xx! + r.errors!} |`);
  }
  out.push(
    '',
    `The same load (${meta.connections} connections) through nginx (deploy/nginx/county-gateway.conf) to 1 or 2 replicas of this gateway, with every feature on,`,
    `each set freshly started and measured for ${meta.seconds} s after a ${meta.startWarmupSeconds ?? meta.warmupSeconds} s warm-up;`,
    'with Redis, the replicas count rate limits and keep persisted queries there (REDIS_URL). The backend (departments and subgraphs) shares the',
    "machine's cores with them, as on any one-machine run: on 2 cores a second replica mostly measures how the cores are shared, not a second host.",
  );
  return out.join('\n');
}

/** The fan-out mode: one subscription, many WebSocket subscribers, each gateway in front of the same subgraphs. */
export function renderFanout(rows: FanoutRow[], meta: Pick<ReportMeta, 'pin' | 'seconds' | 'warmupSeconds'>): string {
  const first = rows[0]!;
  const out = [
    `### Subscription fan-out: ${first.subscribers.toLocaleString('en')} subscribers over WebSocket on one subscription, department latency ${first.latencyMs} ms (each gateway one process${meta.pin ? ', pinned to core 0' : ', unpinned'})`,
    '',
    '| target | subscribers | events | deliveries/s | delivery p50 ms | delivery p99 ms | gateway CPU ms/delivery | backend CPU ms/delivery | RSS KB/subscriber | missed + errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.notRun) out.push(`| ${r.targetName} | ${r.subscribers} | not run: ${r.notRun.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | | | | | |`);
    else out.push(`| ${r.targetName} | ${r.subscribers} | ${r.events} | ${r.deliveriesPerSecond} | ${r.p50} | ${r.p99} | ${r.gatewayCpuMsPerDelivery} | ${r.backendCpuMsPerDelivery} | ${r.rssKbPerSubscriber} | ${r.missedAndErrors} |`);
  }
  out.push(
    '',
    'Every subscriber (its own WebSocket, graphql-ws) follows one application, `applicationUpdated(id) { id jointStatus tasks { id status opinion } project { name } }`:',
    "each event is completed through the query plan for each subscriber (the project's name from the construction subgraph).",
    `One change at a time through the same gateway (a reviewer asks for corrections, the applicant hands them in, in turn), the next once every subscriber has the last, for ${meta.seconds} s after a ${meta.warmupSeconds} s warm-up.`,
    'Deliveries: events received, counted over all subscribers. Delivery latency: from sending the mutation to a subscriber receiving the event.',
    'Gateway CPU: its process from /proc over the measured time, per delivery; backend CPU: the departments\' mocks and the subgraphs, likewise. RSS per subscriber: resident memory with the subscribers connected',
    'minus before they connected, divided by the subscribers. This gateway signs each subscriber in (100 subscriptions per caller at most: the',
    'subscribers are spread over distinct users) and runs every policy and the audit per event; Hive Gateway takes them unauthenticated.',
  );
  return out.join('\n');
}

const LEGEND = [
  'Targets: (a) this gateway with every feature on (JWT verification, authorization, masking, the audit trail, limits, rate limit, metrics, request logs);',
  '(b) a plain @apollo/gateway in @apollo/server, nothing added; (c) Hive Gateway with its in-flight request deduplication switched off',
  '(response caching is off by default); (d) the floor: the construction subgraph called directly for the part it serves alone (the',
  "first fetch of the gateway's plan). All four in front of the same subgraphs, on the same supergraph. Workloads: the joint-review query",
  'for one project and the 50-project dashboard page, the subgraphs reading through to the departments on every request; then the same',
  'dashboard page repeated with the subgraphs\' department caches warm. p50 over direct: p50 minus the floor\'s p50 for the same workload',
  'and latency. Gateway CPU: the gateway\'s processes (all workers) from /proc, divided by the requests answered; backend CPU: the processes',
  'of the departments\' mocks and the subgraphs, likewise (the only CPU figure for the floor). Off the main thread: the share of the',
  "gateway's CPU its processes spent on other threads than their main ones (V8's garbage collector and optimising compiler helpers,",
  "libuv's pool), which a main-thread profile (BENCH_PROFILE) does not show. dept req/req: requests the departments",
  'answered per request. Peak RSS: the largest resident size each gateway process reached since it started, added up over its processes.',
  'Low load: after each one-core row, requests one at a time, timed by the bench to the microsecond; added over direct is the median',
  "minus the floor's median for the same workload and latency: the gateway's own work plus the other subgraphs the plan calls. The floor",
  "operation via the gateway is the floor's own query sent through the gateway (a plan of one fetch to one subgraph): what it adds over",
  'the direct call is the gateway alone. Backend CPU by process: the backend figure split over its processes, each subgraph (compiled,',
  "as deployed) and each department's mock, per request; backend CPU ms/dept req divides the whole backend's CPU by the department",
  "requests it answered (for the read-through rows, the backend's cost per department request).",
  '(e), when BENCH_VARIANT is set: this gateway again with those settings, measured next to (a) in each round. (f) the JavaScript floor',
  '(bench/js-floor.ts), a lower bound for any gateway in JavaScript here: the subgraph requests our executor sends for the operation',
  '(no audit keys), recorded for the first eight requests of a workload and replayed in turn; each request\'s subgraph requests are',
  'serialised, sent wave by wave, their answers parsed and each entity merged into its place, the result stringified. No validation,',
  'planning, shaping, representations built, policies, metrics or logs. Its latencies and backend figures are not comparable with the',
  "others' (a wave waits for the whole wave before it; identical requests in flight share department reads); its CPU per request is.",
];

const ROUNDS_LEGEND = [
  "Rounds: a row's measured seconds are split into BENCH_ROUNDS rounds; in each, every target of the workload runs in turn, each after",
  'its warm-up, and the order moves on by one each round, so neither a slower',
  'minute of the machine nor the first place after a warm-up falls on one target. A row adds up its rounds (CPU per request over all of',
  "them; p50 and p99 the median of the rounds'); a/b round by round is each round's own ratio, the spread within the run.",
];
