/**
 * `npm run bench`: this gateway with every feature on, side by side with a plain
 * @apollo/gateway, on the same supergraph and the same subgraphs, in one run.
 *
 * Each gateway runs in its own process; the departments and subgraphs in another; the
 * load (autocannon) from this one. Every request is distinct (its variables rotate and
 * it carries its own x-request-id), so no gateway can win by de-duplicating identical
 * requests. Gateway CPU per request is the gateway process's CPU time (from /proc)
 * divided by the requests it answered. Bounded: BENCH_SECONDS per workload (default 10).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { generateCounty } from '../mocks';
import { ALL_SCOPES, AUDIENCE, DEV_ISSUER, ephemeralIssuer } from '../scripts/dev-issuer';

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const LATENCY_MS = Number(process.env.BENCH_DEPARTMENT_LATENCY_MS ?? 0);
/** Pin gateways to one core (taskset) for the per-core figure, when taskset exists. */
const PIN = process.env.BENCH_PIN !== 'false';
/** BENCH_PROFILE=<dir>: gateways write V8 CPU profiles there (open in Chrome DevTools or speedscope). */
const PROFILE = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

const operation = (name: string) => readFileSync(join(ROOT, 'docs', 'operations', `${name}.graphql`), 'utf8');

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; line: Record<string, any> }> {
  const command = PIN ? 'taskset' : process.execPath;
  const node = [...PROFILE, '--import', 'tsx', ...args];
  const argv = PIN ? ['-c', '0', process.execPath, ...node] : node;
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        const parsed = JSON.parse(l);
        if (parsed.url || parsed.subgraphUrls || parsed.msg === 'gateway ready') resolve({ child, line: parsed });
      } catch {
        // not the line we wait for
      }
    });
  });
}

/** utime + stime of a process, in milliseconds (Linux /proc; clock ticks are 100 Hz). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

interface Workload {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
}

/** Requests all department systems have answered so far. */
async function departmentRequests(departmentUrls: string[]): Promise<number> {
  const counts = await Promise.all(departmentUrls.map(async (u) => ((await (await fetch(`${u}/__admin/requests`)).json()) as { total: number }).total));
  return counts.reduce((a, b) => a + b, 0);
}

async function load(url: string, pid: number, headers: Record<string, string>, workload: Workload, measure: boolean, departmentUrls: string[]) {
  const before = cpuMs(pid);
  const departmentsBefore = await departmentRequests(departmentUrls);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: measure ? SECONDS : 2,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (req: Record<string, any>) => ({
          ...req,
          headers: { ...req.headers, 'x-request-id': randomUUID() },
          body: JSON.stringify({ query: workload.query, variables: workload.variables() }),
        }),
      },
    ],
  });
  const cpu = cpuMs(pid) - before;
  const departmentCalls = (await departmentRequests(departmentUrls)) - departmentsBefore;
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: Number((cpu / Math.max(1, result.requests.total)).toFixed(2)),
    departmentRequestsPerRequest: Number((departmentCalls / Math.max(1, result.requests.total)).toFixed(2)),
    peakRssMb: rssMb(pid),
  };
}

async function main() {
  const county = generateCounty();
  const codes = county.projects.map((p) => p.code);
  let i = 0;
  const workloads: Workload[] = [
    { name: 'joint review (1 project)', query: operation('JointReview'), variables: () => ({ code: codes[i++ % codes.length] }) },
    {
      name: 'dashboard page (50 projects)',
      query: operation('DashboardProjects'),
      // Ten pages in turn: distinct variables, and after the first round the caches are warm.
      variables: () => ({ first: 50, after: Buffer.from(`offset:${(i++ % 10) * 50}`).toString('base64url') }),
    },
  ];

  const keys = generateKeyPairSync('ed25519');
  const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const issuer = await ephemeralIssuer();
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  writeFileSync(join(work, 'jwks.json'), JSON.stringify(issuer.jwks));
  const userToken = await issuer.token({ sub: 'bench', region: '522633', scope: ALL_SCOPES.join(' ') });
  const identityToken = await new SignJWT({ kind: 'user', scope: ALL_SCOPES.join(' '), region: '522633', purpose: null })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject('bench')
    .setIssuer('county-gateway')
    .setAudience('county-subgraphs')
    .setExpirationTime('2h')
    .sign(keys.privateKey);

  const children: ChildProcess[] = [];
  try {
    const backend = await startUnpinned(['bench/backend.ts'], { BENCH_IDENTITY_PRIVATE_KEY: privatePem, BENCH_DEPARTMENT_LATENCY_MS: String(LATENCY_MS) });
    children.push(backend.child);
    const urls = backend.line.subgraphUrls as Record<string, string>;
    const departmentUrls = Object.values(backend.line.departmentUrls as Record<string, string>);
    const subgraphEnv = Object.fromEntries(Object.entries(urls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url]));

    const ours = await start(['gateway/index.ts', '--port', '0'], {
      ...subgraphEnv,
      INTERNAL_IDENTITY_PRIVATE_KEY: privatePem,
      AUTH_JWKS_FILE: join(work, 'jwks.json'),
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUDIT_DIR: join(work, 'audit'),
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'info',
    });
    children.push(ours.child);
    const plain = await start(['bench/plain-gateway.ts'], {
      BENCH_SUBGRAPH_URLS: JSON.stringify(urls),
      BENCH_IDENTITY_TOKEN: identityToken,
      BENCH_SUPERGRAPH: join(ROOT, 'schema', 'supergraph.graphql'),
    });
    children.push(plain.child);

    const gateways = [
      { name: 'this gateway (every feature on)', url: ours.line.url as string, pid: ours.child.pid!, headers: { authorization: `Bearer ${userToken}` } as Record<string, string> },
      { name: 'plain @apollo/gateway', url: plain.line.url as string, pid: plain.child.pid!, headers: {} as Record<string, string> },
    ];
    // Warm the subgraphs' caches with every variable once, so no row pays for the one before it.
    const plainGateway = gateways[1]!;
    for (const workload of workloads) {
      const seen = new Set<string>();
      for (;;) {
        const variables = workload.variables();
        const key = JSON.stringify(variables);
        if (seen.has(key)) break;
        seen.add(key);
        await fetch(plainGateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: workload.query, variables }) });
      }
    }
    const rows: Record<string, any>[] = [];
    for (const workload of workloads) {
      for (const gateway of gateways) {
        await load(gateway.url, gateway.pid, gateway.headers, workload, false, departmentUrls); // warm-up: plans, caches, JIT
        const measured = await load(gateway.url, gateway.pid, gateway.headers, workload, true, departmentUrls);
        rows.push({ workload: workload.name, gateway: gateway.name, ...measured });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
    const ratio = (w: string) => {
      const [a, b] = [rows.find((r) => r.workload === w && r.gateway.startsWith('this'))!, rows.find((r) => r.workload === w && r.gateway.startsWith('plain'))!];
      return { rps: (a.rps / b.rps).toFixed(2), cpu: (a.cpuMsPerRequest / b.cpuMsPerRequest).toFixed(2) };
    };
    const table = [
      `Department latency ${LATENCY_MS} ms, ${CONNECTIONS} connections, ${SECONDS} s per row, gateways ${PIN ? 'pinned to one core' : 'unpinned'}; every request distinct.`,
      '',
      '| workload | gateway | req/s | p50 ms | p99 ms | gateway CPU ms/req | department req/req | peak RSS MB | non-2xx |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (r) => `| ${r.workload} | ${r.gateway} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.cpuMsPerRequest} | ${r.departmentRequestsPerRequest} | ${r.peakRssMb} | ${r.non2xx} |`,
      ),
      '',
      ...workloads.map((w) => `${w.name}: this/plain req/s ${ratio(w.name).rps}, CPU per request ${ratio(w.name).cpu}`),
    ].join('\n');
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify({ date: new Date().toISOString(), latencyMs: LATENCY_MS, rows }, null, 2));
    writeFileSync(join(ROOT, 'bench', 'results', 'latest.md'), `${table}\n`);
    console.log(`\n${table}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  }
}

/** The backend is not the thing measured: it may use every core. */
function startUnpinned(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise<{ child: ChildProcess; line: Record<string, any> }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        resolve({ child, line: JSON.parse(l) });
      } catch {
        // not the line we wait for
      }
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
