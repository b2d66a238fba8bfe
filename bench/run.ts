/**
 * `npm run bench`: in one run, on the same supergraph and the same subgraphs,
 *   (a) this gateway with every feature on, (b) a plain @apollo/gateway, (c) Hive Gateway,
 *   (d) the construction subgraph called directly for the part it serves alone (the floor),
 *   (f) the JavaScript floor: our executor's subgraph requests replayed with no GraphQL at all (bench/js-floor.ts),
 * for the joint review of one project, the 50-project dashboard page and the same page
 * with warm caches, at each department latency (BENCH_DEPARTMENT_LATENCY_MS, "0,20"),
 * with each gateway on one pinned core and then with one worker per core; then many WebSocket
 * subscribers on one subscription, this gateway and Hive Gateway (bench/fanout.ts).
 *
 * Each mock department and each subgraph runs in a process of its own (bench/backend.ts),
 * each gateway in its own process (tree), the load (autocannon) in this one. CPU and
 * memory come from /proc.
 * Bounded: BENCH_SECONDS per row, in BENCH_ROUNDS interleaved rounds, each after BENCH_WARMUP_SECONDS, and once per started
 * target BENCH_START_WARMUP_SECONDS a workload; the plan and its estimated time are printed first. See README "Benchmark" for every knob.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import autocannon, { type Result as LoadResult } from 'autocannon';
import { INTERNAL_IDENTITY_HEADER, internalIdentityKey, signInternalIdentity } from '../contracts/internal-identity';
import { ALL_SCOPES, AUDIENCE, DEV_ISSUER, ephemeralIssuer } from '../stack/dev-issuer';
import { generateCounty } from '../mocks';
import { notYetApplied } from '../mocks/approval/history';
import { isGatewayMode, readBenchConfig, type BenchConfig, type GatewayMode } from './config';
import { measureFanout, type FanoutRow, type FanoutTarget } from './fanout';
import { measureReplicas, type ReplicaBench, type ReplicaRow } from './replicas';
import { ensureHive, freePort, HIVE_VERSION, type HiveInstall } from './hive';
import { median } from './stats';
import { backendCpu, backendPids, departmentRequests, DEPARTMENTS, setDepartmentLatency, startBackend, stopBackend, total, type Backend, type BackendSplit, type Department } from './backend';
import { cpuMs, jsonLine, mainThreadCpuMs, mainThreadSwitches, peakRssMb, processTree, resetPeakRss, startProcess, stopProcess, type Started } from './processes';
import { modeTitle, renderFanout, renderReplicas, renderReport, type Measured, type ReportMeta, type Row, type Target } from './report';
import { WORKLOAD_HEADER } from './workload-header';
import { benchWorkloads, type BackendKind, type Workload } from './workloads';

const ROOT = join(__dirname, '..');
const START_TIMEOUT_MS = 180_000;

interface Endpoint {
  target: Target;
  name: string;
  url: string;
  /** Headers every request carries (credentials); each also gets its own x-request-id. */
  headers: Record<string, string>;
  /** The gateway's process; none for the floor. */
  process?: Started;
  /** The floor sends its own query. */
  floor?: boolean;
  /** Tokens of distinct users, for workloads with many (only a gateway that verifies callers gets them). */
  userTokens?: string[];
}

interface Secrets {
  privatePem: string;
  userToken: string;
  /** A token for each of the most users any workload has, each its own subject. */
  userTokens: string[];
  identityToken: string;
  work: string;
}

const TARGET_NAMES: Record<Target, string> = {
  a: '(a) this gateway',
  b: '(b) plain @apollo/gateway',
  c: `(c) Hive Gateway ${HIVE_VERSION}`,
  d: '(d) subgraph direct (floor)',
  e: '(e) this gateway, variant',
  f: '(f) JavaScript floor: the same subgraph requests, no GraphQL',
};
/** Measured in this order in each row group: the variant right after the gateway it varies. */
const TARGET_ORDER = ['a', 'e', 'b', 'c', 'f', 'd'] as const;

async function main() {
  const config = readBenchConfig(process.env, join(ROOT, 'bench', 'results'));
  if (config.variant) TARGET_NAMES.e = `(e) this gateway with ${Object.entries(config.variant).map(([k, v]) => `${k}=${v}`).join(', ')}`;
  if (config.pin && spawnSync('taskset', ['--version']).error) {
    console.log('taskset not found (Debian: util-linux): the one-core rows run unpinned and say so.');
    config.pin = false;
  }
  buildServer();
  const workloads = benchWorkloads().filter((w) => !config.workloads || config.workloads.includes(w.id));
  const hive: HiveInstall = config.skipHive ? { notRun: config.skipHive } : ensureHive(join(ROOT, 'bench', '.hive'));
  printPlan(config, workloads, hive);

  // The fan-out's subscribers are spread over users, FANOUT_PER_CALLER each (the gateway's per-caller limit).
  const fanoutUsers = config.modes.includes('fanout') ? Math.ceil(config.fanoutSubscribers / FANOUT_PER_CALLER) : 0;
  const secrets = await makeSecrets(Math.max(fanoutUsers, ...workloads.map((w) => w.users ?? 0)));
  const backends = new Map<BackendKind, Backend>();
  const rows: Row[] = [];
  const replicaRows: ReplicaRow[] = [];
  const fanoutRows: FanoutRow[] = [];
  try {
    const backendStart = { root: ROOT, privatePem: secrets.privatePem, work: secrets.work, profileDir: config.profileDir, timeoutMs: START_TIMEOUT_MS };
    // The workloads' backends, when a mode runs workloads (the fan-out starts its own if it is alone).
    if (config.modes.some((m) => m !== 'fanout')) for (const kind of new Set(workloads.map((w) => w.backend))) backends.set(kind, await startBackend(kind, backendStart));
    for (const [m, mode] of config.modes.filter(isGatewayMode).entries()) {
      console.log(`\n== ${modeTitle(mode, config)}`);
      for (const [kind, backend] of backends) {
        const own = workloads.filter((w) => w.backend === kind);
        const endpoints: Endpoint[] = [];
        const failed = new Map<Target, string>();
        const gateways = await Promise.allSettled([
          startOurs(mode, config, backend, secrets),
          startBenchServer('b', 'bench/plain-gateway.ts', mode, config, backend, secrets),
          startHive(mode, config, backend, secrets, hive),
          startBenchServer('f', 'bench/js-floor.ts', mode, config, backend, secrets),
          ...(config.variant ? [startOurs(mode, config, backend, secrets, config.variant)] : []),
        ]);
        gateways.forEach((g, i) => {
          const target = (['a', 'b', 'c', 'f', 'e'] as const)[i]!;
          if (g.status === 'fulfilled') return void endpoints.push(g.value);
          const why = g.reason instanceof Error ? g.reason.message : String(g.reason);
          failed.set(target, why);
          console.log(`${TARGET_NAMES[target]} not started: ${why}`);
        });
        // The floor has no gateway, so it does not change with the mode: measured once.
        if (m === 0) endpoints.push({ target: 'd', name: TARGET_NAMES.d, url: backend.subgraphUrls.construction, headers: { [INTERNAL_IDENTITY_HEADER]: secrets.identityToken }, floor: true });
        try {
          // Every target once over every workload before any row is measured: otherwise the first one measured pays
          // for its own first minutes and the backend's. Without this pass (a) measured 30–59% more CPU on the first
          // workload than (e) measured after it, whichever of two settings each had; with it, identical settings
          // measured within 10% (1.51/1.37 ms joint review, 3.57/3.75 ms cache-warm page). A 5 s pass still left the
          // JIT's first half-minute in the first row's rounds (NOTES, issue 15), hence its own, longer time.
          await setDepartmentLatency(backend, config.latenciesMs[0]!);
          for (const workload of own) {
            for (const endpoint of endpoints) await load(endpoint, endpoint.floor ? workload.floorQuery : workload.query, workload, config.startWarmupSeconds, config.connections);
          }
          for (const latencyMs of config.latenciesMs) {
            await setDepartmentLatency(backend, latencyMs);
            for (const workload of own) {
              const present = TARGET_ORDER.flatMap((target) => endpoints.filter((e) => e.target === target));
              const measured = await measureRows(present, workload, backend, config, mode);
              for (const target of TARGET_ORDER) {
                const base = { mode, latencyMs, workload: workload.name, target, targetName: TARGET_NAMES[target] };
                const figures = measured.get(target);
                if (!figures) {
                  if (failed.has(target)) rows.push({ ...base, notRun: failed.get(target)!.split('\n')[0]! });
                  continue;
                }
                const row: Row = { ...base, ...figures };
                rows.push(row);
                console.log(JSON.stringify(row));
              }
            }
          }
        } finally {
          await Promise.all(endpoints.map((e) => stopProcess(e.process)));
        }
      }
    }
    if (config.modes.includes('fanout')) {
      let backend = backends.get('cached');
      if (!backend) backends.set('cached', (backend = await startBackend('cached', backendStart)));
      fanoutRows.push(...(await runFanout(backend, config, secrets, hive)));
    }
    if (config.modes.includes('replicas')) {
      const workload = workloads[0]!;
      const backend = backends.get(workload.backend)!;
      const latencyMs = config.latenciesMs[0]!;
      console.log(`\n== Replicas behind nginx: ${workload.name}, department latency ${latencyMs} ms`);
      await setDepartmentLatency(backend, latencyMs);
      replicaRows.push(...(await measureReplicas(replicaBench(workload, latencyMs, backend, config, secrets))));
    }
  } finally {
    await Promise.all([...backends.values()].map((b) => stopBackend(b)));
  }

  const meta: ReportMeta = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${availableParallelism()}`,
    node: process.version,
    seconds: config.seconds,
    rounds: config.rounds,
    warmupSeconds: config.warmupSeconds,
    startWarmupSeconds: config.startWarmupSeconds,
    lowLoadSeconds: config.lowLoadSeconds,
    connections: config.connections,
    workers: config.workers,
    pin: config.pin,
    hive: 'bin' in hive ? `Hive Gateway ${hive.version}` : `Hive Gateway not run: ${hive.notRun}`,
  };
  // Measured backend by backend; read by latency, then workload, then target.
  const order = (r: Row) => [config.modes.indexOf(r.mode), r.latencyMs, workloads.findIndex((w) => w.name === r.workload), TARGET_ORDER.indexOf(r.target)];
  rows.sort((x, y) => order(x).reduce((d, v, i) => d || v - order(y)[i]!, 0));
  const report = [renderReport(rows, meta), ...(fanoutRows.length ? [renderFanout(fanoutRows, meta)] : []), ...(replicaRows.length ? [renderReplicas(replicaRows, meta)] : [])].join('\n\n');
  mkdirSync(config.outDir, { recursive: true });
  writeFileSync(join(config.outDir, 'latest.json'), `${JSON.stringify({ ...meta, latenciesMs: config.latenciesMs, modes: config.modes, rows, fanoutRows, replicaRows }, null, 2)}\n`);
  writeFileSync(join(config.outDir, 'latest.md'), `${report}\n`);
  console.log(`\n${report}\n\nwritten to ${join(config.outDir, 'latest.md')} and latest.json`);
}

function printPlan(config: BenchConfig, workloads: Workload[], hive: HiveInstall) {
  // Ours, the plain gateway, the JavaScript floor, Hive when installed, the variant when set.
  const gateways = ('bin' in hive ? 4 : 3) + (config.variant ? 1 : 0);
  // A warm-up before each round, and the settling between them.
  const perRow = config.rounds * (config.warmupSeconds + 1) + config.seconds;
  const backendKinds = new Set(workloads.map((w) => w.backend)).size;
  const gatewayModes = config.modes.filter(isGatewayMode).length;
  // The warm-up pass: every target over every workload once per mode, and the floor in the first mode.
  const warmupPass = (gatewayModes * gateways + (gatewayModes ? 1 : 0)) * workloads.length * config.startWarmupSeconds;
  const replicaRows = config.modes.includes('replicas') ? 4 : 0;
  // The fan-out: this gateway and Hive (the plain gateway serves no subscriptions).
  const fanoutRows = config.modes.includes('fanout') ? ('bin' in hive ? 2 : 1) : 0;
  const gatewayRows = gatewayModes * config.latenciesMs.length * workloads.length * gateways + (gatewayModes ? config.latenciesMs.length * workloads.length : 0);
  const rows = gatewayRows + replicaRows + fanoutRows;
  // A replica set is warmed once (it is freshly started), the fan-out has one warm-up; neither has rounds.
  const otherRows = replicaRows * (config.startWarmupSeconds + config.seconds + 1) + fanoutRows * (config.warmupSeconds + config.seconds);
  const startups = gatewayModes * backendKinds * 15 + replicaRows * 8 + fanoutRows * 15;
  // One-core rows also measure one request at a time (the workload, then the floor's operation through the gateway), the floor once.
  const lowLoadRows = config.modes.includes('core') ? config.latenciesMs.length * workloads.length * (2 * gateways + 1) : config.latenciesMs.length * workloads.length;
  console.log(
    `bench: ${rows} rows (${config.modes.join(' + ')}; latency ${config.latenciesMs.join(', ')} ms; ${workloads.length} workloads; ` +
      `${gateways} gateways (${config.variant ? 'one the variant, ' : ''}one the JavaScript floor) + the subgraph direct), ${config.seconds} s each in ${config.rounds} interleaved rounds after ${config.warmupSeconds} s warm-up (${config.startWarmupSeconds} s a workload once, after each start), ${config.connections} connections.`,
  );
  console.log(`estimated time: about ${Math.ceil((gatewayRows * perRow + otherRows + warmupPass + lowLoadRows * config.lowLoadSeconds + startups) / 60)} min.${'notRun' in hive ? ` Hive Gateway not run: ${hive.notRun}` : ''}`);
}

async function makeSecrets(users: number): Promise<Secrets> {
  const keys = generateKeyPairSync('ed25519');
  const issuer = await ephemeralIssuer();
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  writeFileSync(join(work, 'jwks.json'), JSON.stringify(issuer.jwks));
  return {
    privatePem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    work,
    userToken: await issuer.token({ sub: 'bench', region: '522633', scope: ALL_SCOPES.join(' ') }),
    userTokens: await Promise.all(Array.from({ length: users }, (_, i) => issuer.token({ sub: `bench-user-${i}`, region: '522633', scope: ALL_SCOPES.join(' ') }))),
    // What (b) and (c) send the subgraphs, and the floor too: the identity our gateway would sign for this caller.
    identityToken: await signInternalIdentity(
      { kind: 'user', subject: 'bench', name: null, region: '522633', org: null, scopes: ALL_SCOPES, purpose: null },
      await internalIdentityKey(keys.privateKey),
      6 * 3600,
    ),
  };
}

/**
 * The measured gateways (and the backend's subgraphs) run as compiled JavaScript (`npm run
 * build:server`), as a deployment would: under tsx every stack trace goes through source maps, which taxes both gateways
 * (and Hive runs compiled). Ours gets the young-generation size `npm run gateway` gives it, unless
 * `nodeFlags` (a variant's NODE_OPTIONS) sets its own. A variant's flags go on the command line, not
 * into NODE_OPTIONS, which refuses some of V8's (--heap-growing-percent among them).
 */
const nodeArgs = (config: BenchConfig, script: string, nodeFlags = '') => [
  ...(config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : []),
  ...(script.startsWith('gateway/') && !nodeFlags.includes('--max-semi-space-size') ? ['--max-semi-space-size=16'] : []),
  ...nodeFlags.split(/\s+/).filter(Boolean),
  join(ROOT, 'dist', 'node', script.replace(/\.ts$/, '.js')),
];

function buildServer(): void {
  // The subgraphs read their schema.graphql beside the compiled code: the assets too, as `npm run build:server` does.
  const built = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build:server failed: the measured gateways and subgraphs run compiled');
}

const subgraphEnv = (backend: Backend) => Object.fromEntries(Object.entries(backend.subgraphUrls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));

/** What this gateway is started with in every mode: the backend, the bench's keys, no rate limit in the way. */
const ourGatewayEnv = (backend: Backend, secrets: Secrets) => ({
  ...subgraphEnv(backend),
  INTERNAL_IDENTITY_PRIVATE_KEY: secrets.privatePem,
  AUTH_JWKS_FILE: join(secrets.work, 'jwks.json'),
  AUTH_ISSUER: DEV_ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  RATE_LIMIT_PER_MINUTE: '100000000',
  LOG_LEVEL: 'info',
});

async function startOurs(mode: GatewayMode, config: BenchConfig, backend: Backend, secrets: Secrets, variant?: Record<string, string>): Promise<Endpoint> {
  const workers = mode === 'machine' ? config.workers : 1;
  const target = variant ? 'e' : 'a';
  const { NODE_OPTIONS: nodeFlags, ...settings } = variant ?? {};
  const started = await startProcess({
    name: TARGET_NAMES[target],
    command: process.execPath,
    args: [...nodeArgs(config, 'gateway/index.ts', nodeFlags), '--supergraph', join(ROOT, 'schema', 'supergraph.graphql'), '--port', '0', '--workers', String(workers)],
    env: {
      ...ourGatewayEnv(backend, secrets),
      AUDIT_DIR: join(secrets.work, `audit-${mode}-${backend.kind}-${target}`),
      ...settings,
    },
    cwd: ROOT,
    pin: mode === 'core' && config.pin,
    ready: jsonLine((l) => l.msg === 'gateway ready'),
    log: join(secrets.work, `ours-${mode}-${backend.kind}-${target}.log`),
    timeoutMs: START_TIMEOUT_MS,
  });
  return { target, name: TARGET_NAMES[target], url: started.line.url, headers: { authorization: `Bearer ${secrets.userToken}` }, userTokens: secrets.userTokens, process: started };
}

/**
 * The replicas mode's gateways: ours, one process each, unpinned (two replicas are meant to
 * use both cores), its own audit chain, the client's address from nginx (TRUST_PROXY).
 */
function replicaBench(workload: Workload, latencyMs: number, backend: Backend, config: BenchConfig, secrets: Secrets): ReplicaBench {
  let started = 0;
  const endpointAt = (url: string): Endpoint => ({ target: 'a', name: TARGET_NAMES.a, url, headers: { authorization: `Bearer ${secrets.userToken}` } });
  return {
    workload: workload.name,
    latencyMs,
    startGateway: (name, env) =>
      startProcess({
        name: `${TARGET_NAMES.a}, ${name}`,
        command: process.execPath,
        args: [...nodeArgs(config, 'gateway/index.ts'), '--supergraph', join(ROOT, 'schema', 'supergraph.graphql'), '--port', '0'],
        env: {
          ...ourGatewayEnv(backend, secrets),
          AUDIT_DIR: join(secrets.work, 'audit-replicas'),
          AUDIT_INSTANCE_ID: `replica-${++started}`,
          TRUST_PROXY: '127.0.0.1',
          ...env,
        },
        cwd: ROOT,
        pin: false,
        ready: jsonLine((l) => l.msg === 'gateway ready'),
        log: join(secrets.work, `replica-${started}.log`),
        timeoutMs: START_TIMEOUT_MS,
      }),
    async measure(url, counters) {
      const endpoint = endpointAt(url);
      const problem = await checkAnswer(endpoint, workload.query, workload);
      if (problem) return { notRun: `answer check failed: ${problem}` };
      const read = async () => Object.fromEntries(await Promise.all(Object.entries(counters).map(async ([k, f]) => [k, await f()] as const)));
      // Each replica set is freshly started: its JIT's first half-minute is not what it costs.
      await load(endpoint, workload.query, workload, config.startWarmupSeconds, config.connections);
      await settle([], backend);
      const before = await read();
      const result = await load(endpoint, workload.query, workload, config.seconds, config.connections);
      const after = await read();
      await settle([], backend);
      return { result, deltas: Object.fromEntries(Object.keys(before).map((k) => [k, after[k]! - before[k]!])) };
    },
  };
}

/** (b) and (f), the bench's own servers: compiled, on the same core as the others, with the same workers in the machine mode. */
async function startBenchServer(target: 'b' | 'f', script: string, mode: GatewayMode, config: BenchConfig, backend: Backend, secrets: Secrets): Promise<Endpoint> {
  const started = await startProcess({
    name: TARGET_NAMES[target],
    command: process.execPath,
    args: nodeArgs(config, script),
    env: {
      BENCH_SUBGRAPH_URLS: JSON.stringify(backend.subgraphUrls),
      BENCH_IDENTITY_TOKEN: secrets.identityToken,
      BENCH_SUPERGRAPH: join(ROOT, 'schema', 'supergraph.graphql'),
      BENCH_WORKERS: String(mode === 'machine' ? config.workers : 1),
    },
    cwd: ROOT,
    pin: mode === 'core' && config.pin,
    ready: jsonLine((l) => !!l.url),
    log: join(secrets.work, `${basename(script, '.ts')}-${mode}-${backend.kind}.log`),
    timeoutMs: START_TIMEOUT_MS,
  });
  return { target, name: TARGET_NAMES[target], url: started.line.url, headers: {}, process: started };
}

async function startHive(mode: GatewayMode, config: BenchConfig, backend: Backend, secrets: Secrets, hive: HiveInstall): Promise<Endpoint> {
  if ('notRun' in hive) throw new Error(hive.notRun);
  const workers = mode === 'machine' ? config.workers : 1;
  const port = await freePort();
  let listening = 0;
  const started = await startProcess({
    name: TARGET_NAMES.c,
    command: process.execPath,
    args: [
      ...(config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : []),
      hive.bin,
      'supergraph',
      join(ROOT, 'schema', 'supergraph.graphql'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '-c',
      join(ROOT, 'bench', 'hive-gateway.config.mjs'),
      // Without --fork it serves from its own process; with it, from that many workers.
      ...(workers > 1 ? ['--fork', String(workers)] : []),
    ],
    env: { BENCH_SUBGRAPH_URLS: JSON.stringify(backend.subgraphUrls), BENCH_IDENTITY_TOKEN: secrets.identityToken, NO_COLOR: '1' },
    cwd: ROOT,
    pin: mode === 'core' && config.pin,
    // Hive logs text, one "Listening on" per worker.
    ready: (text) => (text.includes('Listening on') && ++listening === workers ? { workers } : undefined),
    log: join(secrets.work, `hive-${mode}-${backend.kind}.log`),
    timeoutMs: START_TIMEOUT_MS,
  });
  return { target: 'c', name: TARGET_NAMES.c, url: `http://127.0.0.1:${port}/graphql`, headers: {}, process: started };
}

/** Subscriptions one caller may hold on the gateway (DEFAULT_SUBSCRIPTION_LIMITS.perCaller): the bench stays within it, as real callers must. */
const FANOUT_PER_CALLER = 100;

/**
 * The `fanout` mode: this gateway, then Hive Gateway, each alone (one process, on core 0
 * when pinning), with the subscribers of bench/fanout.ts on one new application's thread.
 */
async function runFanout(backend: Backend, config: BenchConfig, secrets: Secrets, hive: HiveInstall): Promise<FanoutRow[]> {
  const latencyMs = config.latenciesMs[0]!;
  await setDepartmentLatency(backend, latencyMs);
  const { applicationId, taskId, material } = await fanoutApplication(backend, secrets);
  console.log(`\n== Subscription fan-out: ${config.fanoutSubscribers} WebSocket subscribers on application ${applicationId}, department latency ${latencyMs} ms`);
  type Changed = { id: string; jointStatus: string; tasks: { id: string; status: string; opinion: string | null }[] };
  const keyOf = (application: unknown) => {
    const task = (application as Changed | undefined)?.tasks?.find((t) => t.id === taskId);
    return `${task?.opinion}|${task?.status}`;
  };
  const fields = 'id jointStatus tasks { id status opinion }';
  // The reviewer asks for the material again, then the applicant hands it in, in turn: each a real change, published once.
  // Which comes next is the task's state, not the change's number: the next gateway starts where the last one left the application.
  let awaitingCorrections = false;
  const trigger = async (target: FanoutTarget, n: number) => {
    const [query, variables] = !awaitingCorrections
      ? [`mutation FanoutAsk($t: ID!, $o: String!, $c: [String!]) { change: recordReviewOpinion(taskId: $t, decision: REQUEST_CORRECTIONS, opinion: $o, corrections: $c) { ${fields} } }`, { t: taskId, o: `fanout ${target.target} #${n}`, c: [material] }]
      : [`mutation FanoutHandIn($a: ID!, $m: [String!]!) { change: resubmitCorrections(applicationId: $a, materials: $m) { ${fields} } }`, { a: applicationId, m: [material] }];
    const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers, 'x-request-id': randomUUID() }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json().catch(() => null)) as { data?: { change?: Changed }; errors?: unknown[] } | null;
    if (!body?.data?.change) throw new Error(`change ${n} failed: HTTP ${response.status} ${JSON.stringify(body?.errors ?? body).slice(0, 300)}`);
    awaitingCorrections = body.data.change.tasks.find((t) => t.id === taskId)?.status === 'CORRECTIONS_REQUESTED';
    return keyOf(body.data.change);
  };
  const upstreamSubscriptions = async () => ((await (await fetch(new URL('/status', backend.subgraphUrls.approval!))).json()) as { subscriptions?: number }).subscriptions ?? 0;
  // The round warm-up, not the start's: a row is a few events, both gateways are treated alike, and earlier runs compare.
  const options = { subscribers: config.fanoutSubscribers, seconds: config.seconds, warmupSeconds: config.warmupSeconds, applicationId, latencyMs, trigger, keyOf, upstreamSubscriptions };
  const rows: FanoutRow[] = [];
  const starts = [
    async (): Promise<FanoutTarget & { process?: Started }> => {
      const ours = await startOurs('core', config, backend, secrets);
      return {
        target: 'a',
        targetName: TARGET_NAMES.a,
        url: ours.url,
        headers: ours.headers,
        connectionParams: (i) => ({ authorization: `Bearer ${secrets.userTokens[Math.floor(i / FANOUT_PER_CALLER)]}` }),
        gatewayPids: () => processTree(ours.process!.child.pid!),
        backendPids: () => backendPids(backend),
        process: ours.process,
      };
    },
    async (): Promise<FanoutTarget & { process?: Started }> => {
      const theirs = await startHive('core', config, backend, secrets, hive);
      return { target: 'c', targetName: TARGET_NAMES.c, url: theirs.url, headers: theirs.headers, connectionParams: () => ({}), gatewayPids: () => processTree(theirs.process!.child.pid!), backendPids: () => backendPids(backend), process: theirs.process };
    },
  ];
  for (const [i, start] of starts.entries()) {
    const target = i === 0 ? 'a' : 'c';
    let started: (FanoutTarget & { process?: Started }) | undefined;
    try {
      started = await start();
      await settle(started.gatewayPids(), backend);
      const row = await measureFanout(started, options);
      rows.push(row);
      console.log(JSON.stringify(row));
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      console.log(`${TARGET_NAMES[target]} not run: ${why}`);
      rows.push({ target, targetName: TARGET_NAMES[target], subscribers: config.fanoutSubscribers, latencyMs, notRun: why });
    } finally {
      await stopProcess(started?.process);
    }
  }
  return rows;
}

/** A new application for the subscribers to follow, submitted straight to the approval subgraph (no gateway is measured yet). */
async function fanoutApplication(backend: Backend, secrets: Secrets): Promise<{ applicationId: string; taskId: string; material: string }> {
  // A project with no application at its stage, chosen by what it is: a construction permit yet to be applied for.
  const project = notYetApplied(generateCounty()).find((p) => p.stage === 'CONSTRUCTION_PERMIT');
  if (!project) throw new Error('the seeded county has no project awaiting a construction-permit application');
  const response = await fetch(backend.subgraphUrls.approval!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_IDENTITY_HEADER]: secrets.identityToken },
    body: JSON.stringify({
      query: 'mutation FanoutApplication($p: ID!, $k: String!) { submitApplication(input: { project: $p, stage: CONSTRUCTION_PERMIT, idempotencyKey: $k }) { id tasks { id lead checklist { material { name } } } } }',
      variables: { p: project.code, k: randomUUID() },
    }),
  });
  type Submitted = { id: string; tasks: { id: string; lead: boolean; checklist: { material: { name: string } }[] }[] };
  const body = (await response.json()) as { data?: { submitApplication?: Submitted }; errors?: unknown[] };
  const submitted = body.data?.submitApplication;
  const lead = submitted?.tasks.find((t) => t.lead && t.checklist.length > 0);
  if (!submitted || !lead) throw new Error(`could not submit the fan-out's application: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
  return { applicationId: submitted.id, taskId: lead.id, material: lead.checklist[0]!.material.name };
}

/**
 * One workload's rows, every target measured in `config.rounds` interleaved rounds. First
 * one request per target, checked: an answer with errors or without data would make any
 * figure meaningless (a gateway that fails fast looks fast). Then each round runs every
 * target in turn, warm-up then measured part, the order moved on by one each round; a
 * row's figures add up its rounds (CPU and requests pooled, latency percentiles the
 * median of the rounds'). Last, in the one-core mode, low load, one target at a time.
 */
async function measureRows(endpoints: Endpoint[], workload: Workload, backend: Backend, config: BenchConfig, mode: GatewayMode): Promise<Map<Target, Partial<Measured> & { notRun?: string }>> {
  const rows = new Map<Target, Partial<Measured> & { notRun?: string }>();
  const queryOf = (endpoint: Endpoint) => (endpoint.floor ? workload.floorQuery : workload.query);
  const pidsOf = (endpoint: Endpoint) => (endpoint.process ? processTree(endpoint.process.child.pid!) : []);
  const live: { endpoint: Endpoint; pids: number[]; rounds: Round[] }[] = [];
  for (const endpoint of endpoints) {
    const problem = await checkAnswer(endpoint, queryOf(endpoint), workload);
    if (problem) rows.set(endpoint.target, { notRun: `answer check failed: ${problem}` });
    else live.push({ endpoint, pids: pidsOf(endpoint), rounds: [] });
  }
  const allPids = endpoints.flatMap(pidsOf);
  const backendProcesses = backendPids(backend);
  // The row's peak memory is its own (from its first warm-up on), not the warm-up pass's or an earlier row's.
  const peakIsRows = live.map(({ pids }) => resetPeakRss(pids));
  const roundSeconds = config.seconds / config.rounds;
  for (let round = 0; round < config.rounds; round++) {
    for (let i = 0; i < live.length; i++) {
      // Each round starts with the last round's last target: every target then waits the same n slots between its
      // rounds (one waits none). Rotating the other way left the first target idle for 2n−2 slots before it went
      // last, and with five targets that was (a) or (b) every time: dearer there on 7 or 8 rows of 10.
      const target = live[(i - (round % live.length) + live.length) % live.length]!;
      const { endpoint, pids } = target;
      const query = queryOf(endpoint);
      // The gateways share core 0 in the one-core mode: one still busy (Hive loads for a while after it says it
      // listens; the last target's requests in flight) must not run in the measured one's time.
      await settle(allPids, backend);
      // The whole warm-up before every round, not only the first: a target idle for a round's worth of the others
      // comes back slower, and with a second's warm-up it paid for it (the plain gateway, idle the longest before its
      // third round, measured 21–75% dearer there on every row of a run).
      await load(endpoint, query, workload, config.warmupSeconds, config.connections);
      await settle([...pids, ...backendProcesses], backend);
      const [gatewayBefore, mainBefore, switchesBefore, backendBefore, departmentsBefore] = [cpuMs(pids), mainThreadCpuMs(pids), mainThreadSwitches(pids), backendCpu(backend), await departmentRequests(backend)];
      const result = await load(endpoint, query, workload, roundSeconds, config.connections);
      const [gatewayAfter, mainAfter, switchesAfter, backendAfter, departmentsAfter] = [cpuMs(pids), mainThreadCpuMs(pids), mainThreadSwitches(pids), backendCpu(backend), await departmentRequests(backend)];
      target.rounds.push({
        result,
        gatewayCpu: gatewayAfter - gatewayBefore,
        gatewayMainThreadCpu: mainAfter - mainBefore,
        gatewaySwitches: { slept: switchesAfter.slept - switchesBefore.slept, preempted: switchesAfter.preempted - switchesBefore.preempted },
        backendCpu: { subgraphs: since(backendBefore.subgraphs, backendAfter.subgraphs), departments: since(backendBefore.departments, backendAfter.departments) },
        departmentRequests: since(departmentsBefore, departmentsAfter),
      });
    }
  }
  await settle([...allPids, ...backendProcesses], backend);
  for (const [t, { endpoint, pids, rounds }] of live.entries()) {
    // Low load is a per-core figure: measured in the one-core mode (and for the floor, once).
    const measureLowLoad = mode === 'core' || endpoint.target === 'd';
    const lowLoad = measureLowLoad ? await oneAtATime(endpoint, queryOf(endpoint), workload, config.lowLoadSeconds) : undefined;
    // The floor's own operation through the gateway: one fetch to one subgraph, so the difference from the direct call is the gateway alone.
    const lowLoadFloorViaGateway = measureLowLoad && !endpoint.floor ? await oneAtATime(endpoint, workload.floorQuery, workload, config.lowLoadSeconds) : undefined;
    rows.set(endpoint.target, {
      ...pooled(rounds, endpoint.process !== undefined),
      peakRssMb: endpoint.process ? peakRssMb(pids) : null,
      ...(endpoint.process && !peakIsRows[t] ? { peakRssSinceStart: true } : {}),
      lowLoadP50: lowLoad,
      lowLoadFloorP50: lowLoadFloorViaGateway,
    });
  }
  return rows;
}

/** One target's measured part of one round: its load, and what the processes spent and the departments answered meanwhile. */
interface Round {
  result: LoadResult;
  gatewayCpu: number;
  /** Of it, what the gateway processes' main threads spent. */
  gatewayMainThreadCpu: number;
  gatewaySwitches: { slept: number; preempted: number };
  backendCpu: BackendSplit;
  departmentRequests: Record<Department, number>;
}

const since = (before: Record<Department, number>, after: Record<Department, number>) => Object.fromEntries(DEPARTMENTS.map((d) => [d, after[d] - before[d]])) as Record<Department, number>;

/** A target's rounds as one row: counts and CPU added up, latency percentiles the median of the rounds'. */
function pooled(rounds: Round[], hasGateway: boolean): Omit<Measured, 'peakRssMb'> {
  const sum = (f: (r: Round) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const requests = sum((r) => r.result.requests.total);
  const answered = Math.max(1, requests);
  const perRequest = (x: number) => Number((x / answered).toFixed(2));
  const perDepartment = (f: (r: Round) => Record<Department, number>) => Object.fromEntries(DEPARTMENTS.map((d) => [d, perRequest(sum((r) => f(r)[d]))])) as Record<Department, number>;
  const backendSplit: BackendSplit = { subgraphs: perDepartment((r) => r.backendCpu.subgraphs), departments: perDepartment((r) => r.backendCpu.departments) };
  const departmentCalls = sum((r) => total(r.departmentRequests));
  const backendCpuMs = sum((r) => total(r.backendCpu.subgraphs) + total(r.backendCpu.departments));
  const seconds = sum((r) => r.result.duration);
  return {
    requests,
    rps: Math.round(requests / Math.max(seconds, 0.001)),
    p50: median(rounds.map((r) => r.result.latency.p50)),
    p99: median(rounds.map((r) => r.result.latency.p99)),
    gatewayCpuMsPerRequest: hasGateway ? perRequest(sum((r) => r.gatewayCpu)) : null,
    ...(hasGateway ? { gatewayCpuMsPerRequestByRound: rounds.map((r) => Number((r.gatewayCpu / Math.max(1, r.result.requests.total)).toFixed(2))) } : {}),
    ...(hasGateway ? { gatewayCpuOffMainThreadPercent: offMainThreadPercent(sum((r) => r.gatewayCpu), sum((r) => r.gatewayMainThreadCpu)) } : {}),
    ...(hasGateway ? { gatewaySwitchesPerRequest: { slept: perRequest(sum((r) => r.gatewaySwitches.slept)), preempted: perRequest(sum((r) => r.gatewaySwitches.preempted)) } } : {}),
    backendCpuMsPerRequest: perRequest(backendCpuMs),
    backendCpuMsPerRequestBy: backendSplit,
    backendCpuMsPerDepartmentRequest: departmentCalls > 0 ? Number((backendCpuMs / departmentCalls).toFixed(2)) : null,
    departmentRequestsPerRequest: perRequest(departmentCalls),
    departmentRequestsPerRequestBy: perDepartment((r) => r.departmentRequests),
    non2xx: sum((r) => r.result.non2xx),
    errors: sum((r) => r.result.errors + r.result.timeouts),
  };
}

/** The share of the gateway's CPU spent off its main threads, in whole percent; null when nothing was measured. */
const offMainThreadPercent = (all: number, main: number) => (all > 0 ? Math.round((100 * Math.max(0, all - main)) / all) : null);

/**
 * Latency at low load: one request at a time for `seconds`, timed here to the
 * microsecond (autocannon rounds to whole milliseconds, too coarse for what a gateway
 * adds). The client's own cost is the same for every target, so the difference from
 * the floor is the gateway's. Answers the median in ms.
 */
async function oneAtATime(endpoint: Endpoint, query: string, workload: Workload, seconds: number): Promise<number> {
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const response = await post(endpoint, query, workload);
    await response.arrayBuffer();
    samples.push(performance.now() - started);
  }
  return Number(median(samples).toFixed(2));
}

/**
 * Waits (up to 10 s) until the processes are idle and the departments quiet: when the
 * load generator stops, the requests it had in flight are still being worked on, and
 * their CPU and department calls must not land in the next measurement.
 */
async function settle(pids: number[], backend: Backend) {
  let [cpu, calls] = [cpuMs(pids), total(await departmentRequests(backend))];
  for (let waited = 0; waited < 10_000; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    const [cpuNow, callsNow] = [cpuMs(pids), total(await departmentRequests(backend))];
    // Idle processes still tick a little (timers, GC): under 10% of a core counts as idle.
    if (cpuNow - cpu <= 20 && callsNow === calls) return;
    [cpu, calls] = [cpuNow, callsNow];
  }
}

/** One request as the load sends it: the endpoint's credentials, its own request id, the workload's next variables. */
function post(endpoint: Endpoint, query: string, workload: Workload): Promise<Response> {
  return fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers, [WORKLOAD_HEADER]: workload.id, 'x-request-id': randomUUID() },
    body: JSON.stringify({ query, variables: workload.variables() }),
  });
}

async function checkAnswer(endpoint: Endpoint, query: string, workload: Workload): Promise<string | undefined> {
  try {
    const response = await post(endpoint, query, workload);
    const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string }[] };
    if (body.errors?.length) return `${response.status}: ${body.errors[0]!.message}`;
    if (!body.data || Object.values(body.data).some((v) => v === null)) return `${response.status}: no data`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function load(endpoint: Endpoint, query: string, workload: Workload, seconds: number, connections: number) {
  // Many users: a gateway that checks callers (ours) gets each request from the next user; the others take no user token.
  const users = workload.users && endpoint.userTokens ? endpoint.userTokens.slice(0, workload.users) : undefined;
  let next = 0;
  return autocannon({
    url: endpoint.url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...endpoint.headers, [WORKLOAD_HEADER]: workload.id },
    requests: [
      {
        setupRequest: (req: Record<string, any>) => ({
          ...req,
          headers: { ...req.headers, 'x-request-id': randomUUID(), ...(users && { authorization: `Bearer ${users[next++ % users.length]}` }) },
          body: JSON.stringify({ query, variables: workload.variables() }),
        }),
      },
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
