/**
 * The benchmark's backend: each mock department system and each of the four subgraphs in
 * a process of its own, so the backend's CPU splits honestly into our subgraphs and the
 * departments' mocks. (Sampling `process.cpuUsage` per component inside one process
 * would not: they share one event loop, one heap and one garbage collector, so whose
 * work a tick or a collection was cannot be told.)
 *
 * The subgraphs run compiled, as they are deployed (`dist/node/bench/subgraph.js`, built
 * with the gateways), each in front of its department over HTTP, trusting the gateway
 * identity key the benchmark hands them.
 * A `read-through` backend keeps no department records (TTL 0); a `cached` one keeps them
 * for a minute. The mocks run under tsx (they are stand-ins, not what is measured for
 * speed), one per department (bench/department.ts).
 */
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { generateCounty } from '../mocks';
import { cpuMs, jsonLine, processTree, startProcess, stopProcess, type Started } from './processes';
import type { BackendKind } from './workloads';

export const DEPARTMENTS = ['enterprise', 'land', 'construction', 'approval'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** Per department: its subgraph's and its mock's figure. */
export interface BackendSplit {
  subgraphs: Record<Department, number>;
  departments: Record<Department, number>;
}

export interface Backend {
  kind: BackendKind;
  subgraphs: Record<Department, Started>;
  departments: Record<Department, Started>;
  subgraphUrls: Record<Department, string>;
  departmentUrls: Record<Department, string>;
}

export interface BackendStart {
  root: string;
  /** The gateway identity key (PKCS#8 PEM): the subgraphs trust its public half. */
  privatePem: string;
  /** Where the logs and the JWKS file go. */
  work: string;
  /** Directory for V8 CPU profiles of the subgraphs, or undefined. */
  profileDir: string | undefined;
  timeoutMs: number;
}

/** Generous timeouts, no retries, a breaker that stays shut: the benchmark measures work, not failures. */
const clientSettings = (kind: BackendKind) => ({
  timeoutMs: 10_000,
  cacheTtlSeconds: kind === 'read-through' ? 0 : 60,
  cacheMaxStaleSeconds: 3600,
  cacheMaxKeys: 50_000,
  retries: 0,
  breakerFailures: 1000,
  breakerOpenMs: 1000,
});

const CONCURRENCY: Record<Department, number> = { enterprise: 64, land: 16, construction: 64, approval: 64 };

export async function startBackend(kind: BackendKind, options: BackendStart): Promise<Backend> {
  const started: Started[] = [];
  try {
    const departments = await Promise.all(
      DEPARTMENTS.map((d) =>
        startProcess({
          name: `${d} department mock (${kind})`,
          command: process.execPath,
          args: ['--import', 'tsx', 'bench/department.ts', d],
          env: {},
          cwd: options.root,
          // The backend is not what is measured against the gateways: it may use every core.
          pin: false,
          ready: jsonLine((l) => l.department === d),
          log: join(options.work, `department-${d}-${kind}.log`),
          timeoutMs: options.timeoutMs,
        }).then((s) => (started.push(s), s)),
      ),
    );
    const licenceIssuers = Object.values(generateCounty().departments).map((d) => ({ uscc: d.uscc, name: d.name, publicKeyPem: d.signingKey.publicKeyPem }));
    const subgraphs = await Promise.all(
      DEPARTMENTS.map((d, i) =>
        startProcess({
          name: `${d} subgraph (${kind})`,
          command: process.execPath,
          args: [
            ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=subgraph-${d}-${kind}.cpuprofile`] : []),
            join(options.root, 'dist', 'node', 'bench', 'subgraph.js'),
          ],
          env: {
            BENCH_SUBGRAPH: JSON.stringify({
              name: d,
              settings: { ...clientSettings(kind), maxConcurrency: CONCURRENCY[d] },
              connection: { url: departments[i]!.line.url, publicKeyPem: departments[i]!.line.publicKeyPem },
              licenceIssuers,
            }),
            // Its public half only, as a subgraph host would have.
            BENCH_IDENTITY_PUBLIC_KEY: createPublicKey(options.privatePem).export({ type: 'spki', format: 'pem' }).toString(),
            // As the deployment guide runs them (README "Deployment"): graphql-js drops its development-only checks
            // (its instanceOf looks up class names on every miss), and Apollo Server its development defaults.
            NODE_ENV: 'production',
          },
          cwd: options.root,
          pin: false,
          ready: jsonLine((l) => l.subgraph === d),
          log: join(options.work, `subgraph-${d}-${kind}.log`),
          timeoutMs: options.timeoutMs,
        }).then((s) => (started.push(s), s)),
      ),
    );
    const by = <T>(f: (d: Department, i: number) => T) => Object.fromEntries(DEPARTMENTS.map((d, i) => [d, f(d, i)])) as Record<Department, T>;
    return {
      kind,
      subgraphs: by((_, i) => subgraphs[i]!),
      departments: by((_, i) => departments[i]!),
      subgraphUrls: by((_, i) => subgraphs[i]!.line.url as string),
      departmentUrls: by((_, i) => departments[i]!.line.url as string),
    };
  } catch (error) {
    await Promise.all(started.map((s) => stopProcess(s)));
    throw error;
  }
}

export async function stopBackend(backend: Backend): Promise<void> {
  await Promise.all([...Object.values(backend.subgraphs), ...Object.values(backend.departments)].map((s) => stopProcess(s)));
}

/** Every process of the backend. */
export const backendPids = (backend: Backend): number[] => [...Object.values(backend.subgraphs), ...Object.values(backend.departments)].flatMap((s) => processTree(s.child.pid!));

/** CPU time so far (ms) of each subgraph and each mock. */
export function backendCpu(backend: Backend): BackendSplit {
  const of = (group: Record<Department, Started>) => Object.fromEntries(DEPARTMENTS.map((d) => [d, cpuMs(processTree(group[d].child.pid!))])) as Record<Department, number>;
  return { subgraphs: of(backend.subgraphs), departments: of(backend.departments) };
}

/** Requests each department system has answered so far. */
export async function departmentRequests(backend: Backend): Promise<Record<Department, number>> {
  const counts = await Promise.all(DEPARTMENTS.map(async (d) => ((await (await fetch(`${backend.departmentUrls[d]}/__admin/requests`)).json()) as { total: number }).total));
  return Object.fromEntries(DEPARTMENTS.map((d, i) => [d, counts[i]!])) as Record<Department, number>;
}

export const total = (figures: Record<Department, number>) => DEPARTMENTS.reduce((sum, d) => sum + figures[d], 0);

export async function setDepartmentLatency(backend: Backend, latencyMs: number) {
  for (const url of Object.values(backend.departmentUrls)) {
    const response = await fetch(`${url}/__admin/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs }) });
    if (!response.ok) throw new Error(`could not set ${latencyMs} ms latency at ${url}: ${response.status} ${await response.text()}`);
  }
}
