/**
 * The deployment in the README, on one machine: the department systems, two replicas of
 * the enterprise subgraph and two gateway replicas, all from a built unit started with
 * the systemd units' ExecStart in production mode, sharing Redis, behind nginx configured
 * from deploy/nginx/county-gateway.conf (issue 12). Counts, never timings.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internalIdentityJwk } from '../../contracts/internal-identity';
import { publicKeysFrom } from '../../gateway/audit/checkpoints';
import { auditChains } from '../../gateway/audit/log';
import { readRecords, verifyTrail } from '../../gateway/audit/verify';
import { silentLogger } from '../../lib/logger';
import { AUDIENCE, ephemeralIssuer, type DevIssuer } from '../../stack/dev-issuer';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack';
import { buildUnit, execStart, requiredPackages, startNginx, type Nginx } from '../helpers/deploy';
import { startProcess, type StartedCommand } from '../helpers/npm-start';
import { freePort } from '../helpers/ports';
import { startRedis, type TestRedis } from '../helpers/redis';
import { until } from '../helpers/until';

jest.setTimeout(120_000);

const LIMIT = 30;
const ISSUER = 'https://ids.example.gov.cn/realms/guizhou';
const SCOPES = 'enterprise:read land:read construction:read approval:read';
const settings = { timeoutMs: 2000, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 1000, maxConcurrency: 16, retries: 0, breakerFailures: 5, breakerOpenMs: 1000 };

let unit: string;
let redis: TestRedis;
let backend: EmbeddedStack;
let issuer: DevIssuer;
let nginx: Nginx;
let front: { gateway: number; subgraph: number };
const subgraphs: { process: StartedCommand; url: string }[] = [];
const gateways: { process: StartedCommand; url: string; instance: string }[] = [];
let dir: string;
let auditDir: string;
let checkpointKey: string;

const token = (sub: string) => {
  const now = Math.floor(Date.now() / 1000);
  return issuer.sign({ sub, region: '522633', scope: SCOPES, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600 });
};

async function waitReady(started: StartedCommand, message: string): Promise<string> {
  const [line] = await started.waitForLine(new RegExp(`^\\{.*"msg":"${message}".*\\}$`));
  return (JSON.parse(line) as { url: string }).url;
}

beforeAll(async () => {
  unit = buildUnit();
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'replicas-'));
  // The identity key pair as an operator makes it: the gateways' private key, the subgraphs' JWKS.
  const identity = generateKeyPairSync('ed25519');
  writeFileSync(join(dir, 'identity.pem'), identity.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'identity-jwks.json'), JSON.stringify({ keys: [await internalIdentityJwk(identity.publicKey)] }));
  checkpointKey = join(dir, 'checkpoint.pem');
  writeFileSync(checkpointKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  issuer = await ephemeralIssuer();
  writeFileSync(join(dir, 'users-jwks.json'), JSON.stringify(issuer.jwks));
  auditDir = join(dir, 'audit');

  // The departments, and the other three subgraphs (one replica each), trusting the same key.
  backend = await startEmbeddedStack({
    departmentClients: { enterprise: settings, land: settings, construction: settings, approval: settings },
    faults: Object.fromEntries(['enterprise', 'land', 'construction', 'approval'].map((d) => [d, { latencyMs: 0, failureRate: 0, down: false }])),
    gatewayKeys: identity,
    withGateway: false,
    logger: silentLogger(),
  });

  // A deployment's own prefix on the shared Redis, as the README asks for every role.
  const production = { NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'congjiang-test' };
  for (let i = 0; i < 2; i++) {
    const started = startProcess(
      execStart('county-subgraph@.service', 'enterprise'),
      {
        ...production,
        ENTERPRISE_DEPARTMENT_URL: backend.departmentUrls.enterprise,
        ENTERPRISE_DEPARTMENT_PUBLIC_KEY: backend.departments.enterprise.publicKeyPem,
        INTERNAL_IDENTITY_JWKS_FILE: join(dir, 'identity-jwks.json'),
        SUBGRAPH_DRAIN_SECONDS: '0',
      },
      unit,
    );
    subgraphs.push({ process: started, url: await waitReady(started, 'subgraph ready') });
  }
  front = { gateway: await freePort(), subgraph: await freePort() };
  for (let i = 1; i <= 2; i++) {
    const instance = `gateway-host-${i}`;
    const started = startProcess(
      execStart('county-gateway.service'),
      {
        ...production,
        AUTH_JWKS_FILE: join(dir, 'users-jwks.json'),
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        GATEWAY_PURPOSE_KINDS: 'case,item,project',
        INTERNAL_IDENTITY_KEY_FILE: join(dir, 'identity.pem'),
        // One directory, one chain per instance.
        AUDIT_DIR: auditDir,
        AUDIT_INSTANCE_ID: instance,
        AUDIT_CHECKPOINT_KEY_FILE: checkpointKey,
        TRUST_PROXY: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        GATEWAY_DRAIN_SECONDS: '1',
        GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '20',
        SUBGRAPH_ENTERPRISE_URL: `http://127.0.0.1:${front.subgraph}/graphql`,
        SUBGRAPH_LAND_URL: backend.subgraphUrls.land,
        SUBGRAPH_CONSTRUCTION_URL: backend.subgraphUrls.construction,
        SUBGRAPH_APPROVAL_URL: backend.subgraphUrls.approval,
      },
      unit,
    );
    gateways.push({ process: started, url: await waitReady(started, 'gateway ready'), instance });
  }
  const hostPort = (url: string) => new URL(url).host;
  nginx = await startNginx(
    { county_gateway: gateways.map((g) => hostPort(g.url)), county_subgraph_enterprise: subgraphs.map((s) => hostPort(s.url)) },
    [front.gateway, front.subgraph],
  );
  await untilEvery(gateways.map((g) => g.url), async (url) => (await status(url)).sharedState?.state === 'ready');
});

afterAll(async () => {
  for (const { process } of [...gateways, ...subgraphs]) if (process.child.exitCode === null) process.child.kill('SIGKILL');
  await nginx?.stop();
  await backend?.stop();
  await redis?.stop();
  // The unit holds a whole production install: a few hundred MB per run.
  for (const folder of [unit, dir]) if (folder) rmSync(folder, { recursive: true, force: true });
});

const status = async (url: string) => (await (await fetch(url.replace(/\/graphql$/, '') + '/status')).json()) as Record<string, any>;

/** Waits until `condition` holds for every replica at once. */
const untilEvery = (urls: string[], condition: (url: string) => Promise<boolean>) =>
  until(async () => (await Promise.all(urls.map(condition))).every(Boolean), `every replica of ${urls.join(', ')}`);

async function post(url: string, body: object, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  // nginx's own error pages are HTML: kept as text, for the assertion to show.
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** GraphQL requests a replica has answered (its gateway_requests_total, every operation and outcome). */
async function requestsServed(url: string): Promise<number> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  return [...text.matchAll(/^gateway_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

const ENTERPRISE = `query ($uscc: ID!) { enterprise(uscc: $uscc) { uscc name } }`;
const throughNginx = () => `http://127.0.0.1:${front.gateway}/graphql`;

it('the unit runs on its dependencies alone: installed without dev dependencies, and everything its code requires is declared', () => {
  const declared = new Set(Object.keys((JSON.parse(readFileSync(join(unit, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies));
  const required = [...requiredPackages(unit)];
  expect(required.length).toBeGreaterThan(10);
  expect(required.filter((name) => !declared.has(name))).toEqual([]);
  // No tsx, vite or jest in it: the processes above run on what `npm ci --omit=dev` installed.
  for (const tool of ['tsx', 'vite', 'jest', 'typescript']) expect(existsSync(join(unit, 'node_modules', tool))).toBe(false);
});

it('counts one limit per caller across the replicas, whichever nginx sends a request to', async () => {
  const bearer = `Bearer ${await token('rate-limited-reviewer')}`;
  const uscc = backend.departments.county.enterprises[0]!.uscc;
  const statuses: number[] = [];
  for (let i = 0; i < LIMIT + 12; i++) statuses.push((await post(throughNginx(), { query: ENTERPRISE, variables: { uscc } }, { authorization: bearer })).status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
  expect(statuses.filter((s) => s === 429)).toHaveLength(12);
  // Both replicas answered some of them: the limit held across them, not within one.
  for (const served of await Promise.all(gateways.map((g) => requestsServed(g.url)))) expect(served).toBeGreaterThan(0);
});

it('serves hash-only on replica B a query registered through APQ on replica A', async () => {
  const bearer = `Bearer ${await token('apq-client')}`;
  const query = '{ serviceItems(stage: CONSTRUCTION_PERMIT) { code } }';
  const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
  expect((await post(gateways[1]!.url, { extensions: { persistedQuery } }, { authorization: bearer })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  const registered = await post(gateways[0]!.url, { query, extensions: { persistedQuery } }, { authorization: bearer });
  expect(registered.body.errors).toBeUndefined();
  expect(await post(gateways[1]!.url, { extensions: { persistedQuery } }, { authorization: bearer })).toEqual(registered);
});

it('a department record fetched through one replica is a cache hit through the others: the department is asked once', async () => {
  const uscc = backend.departments.county.enterprises[5]!.uscc;
  const asked = () => backend.departments.enterprise.requests.filter((r) => JSON.stringify(r).includes(uscc)).length;
  expect(asked()).toBe(0);
  for (const [i, gateway] of gateways.entries()) {
    for (let j = 0; j < 2; j++) {
      const answer = await post(gateway.url, { query: ENTERPRISE, variables: { uscc } }, { authorization: `Bearer ${await token(`cache-${i}-${j}`)}` });
      expect(answer.body.data.enterprise.uscc).toBe(uscc);
    }
  }
  expect(asked()).toBe(1);
  // nginx sent the four subgraph requests to both subgraph replicas; the one that did not ask found the record in Redis.
  const hits = await Promise.all(subgraphs.map(async (s) => Number(/department_cache_events\{department="enterprise",event="shared_hit"\} (\d+)/.exec(await (await fetch(s.url.replace('/graphql', '/metrics'))).text())?.[1])));
  expect(hits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
});

it('a department down: every replica, gateway and subgraph, stays ready, and answers carry the department\'s error', async () => {
  const parcel = backend.departments.county.parcels[7]!.unitNumber;
  const uscc = backend.departments.county.enterprises[9]!.uscc;
  backend.departments.land.faults.down = true;
  backend.departments.enterprise.faults.down = true;
  try {
    for (const replica of [...gateways, ...subgraphs]) expect((await fetch(replica.url.replace('/graphql', '/readyz'))).status).toBe(200);
    for (const gateway of gateways) {
      const answer = await post(gateway.url, { query: 'query ($u: ID!) { parcel(unitNumber: $u) { unitNumber } }', variables: { u: parcel } }, { authorization: `Bearer ${await token('land-down')}` });
      expect(answer.status).toBe(200);
      expect(answer.body.errors[0].extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'land' });
      expect((await status(gateway.url)).status).toBe('degraded');
    }
    // Through nginx to both enterprise-subgraph replicas in turn: each says its department is down.
    for (let i = 0; i < 2; i++) {
      const answer = await post(throughNginx(), { query: ENTERPRISE, variables: { uscc } }, { authorization: `Bearer ${await token(`enterprise-down-${i}`)}` });
      expect(answer.body.errors[0].extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'enterprise' });
    }
  } finally {
    backend.departments.land.faults.down = false;
    backend.departments.enterprise.faults.down = false;
  }
});

it('Redis stopped mid-run: answers continue, the fallback shows in /status and metrics; back, the limits are shared again', async () => {
  const uscc = backend.departments.county.enterprises[1]!.uscc;
  await redis.stop();
  const everyone = [...gateways.map((g) => g.url), ...subgraphs.map((s) => s.url)];
  await untilEvery(everyone, async (url) => {
    const body = await status(url);
    return (body.sharedState ?? body.sharedCache).state === 'unreachable';
  });
  for (let i = 0; i < 6; i++) {
    const answer = await post(throughNginx(), { query: ENTERPRISE, variables: { uscc } }, { authorization: `Bearer ${await token(`redis-down-${i}`)}` });
    expect(answer.body.data.enterprise.uscc).toBe(uscc);
  }
  expect((await status(gateways[0]!.url)).sharedState.fallback).toMatch(/this process only/);
  expect(await (await fetch(gateways[1]!.url.replace('/graphql', '/metrics'))).text()).toMatch(/^gateway_redis_up 0$/m);
  expect(await (await fetch(subgraphs[0]!.url.replace('/graphql', '/metrics'))).text()).toMatch(/^department_cache_redis_up\{department="enterprise"\} 0$/m);

  await redis.start();
  await untilEvery(everyone, async (url) => {
    const body = await status(url);
    return (body.sharedState ?? body.sharedCache).state === 'ready';
  });
  const bearer = `Bearer ${await token('after-redis')}`;
  let allowed = 0;
  for (let i = 0; i < LIMIT + 4; i++) if ((await post(throughNginx(), { query: ENTERPRISE, variables: { uscc } }, { authorization: bearer })).status === 200) allowed++;
  expect(allowed).toBe(LIMIT);
});

it('one gateway replica stopped with SIGTERM while requests flow: every request answered, one audit record per answer, every chain verifies', async () => {
  const usccs = backend.departments.county.enterprises.slice(0, 20).map((e) => e.uscc);
  const answered: number[] = [];
  const failed: string[] = [];
  let stop = false;
  let sent = 0;
  const loop = async (n: number) => {
    while (!stop) {
      const i = sent++;
      try {
        const answer = await post(throughNginx(), { query: ENTERPRISE, variables: { uscc: usccs[i % usccs.length] } }, { authorization: `Bearer ${await token(`flow-${n}-${i}`)}` });
        if (answer.status === 200 && answer.body.data?.enterprise) answered.push(i);
        else failed.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      } catch (error) {
        failed.push(String(error));
      }
    }
  };
  const records = () => auditChains(auditDir).flatMap((chain) => readRecords(chain.dir)).filter((r) => !r.event && r.subject?.startsWith('user:flow-')).length;
  const loops = Array.from({ length: 6 }, (_, n) => loop(n));
  while (answered.length < 30) await new Promise((r) => setTimeout(r, 20));
  const victim = gateways[0]!.process.child;
  const exited = new Promise((resolve) => victim.once('exit', resolve));
  victim.kill('SIGTERM');
  expect(await exited).toBe(0);
  const atExit = answered.length;
  while (answered.length < atExit + 30) await new Promise((r) => setTimeout(r, 20));
  stop = true;
  await Promise.all(loops);

  expect({ failed, nginx: failed.length ? nginx.errors() : '' }).toEqual({ failed: [], nginx: '' });
  expect(answered.length).toBe(sent);
  expect(gateways[0]!.process.output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  expect(records()).toBe(answered.length);
  const keys = publicKeysFrom([readFileSync(checkpointKey, 'utf8')]);
  const chains = auditChains(auditDir);
  expect(chains.map((c) => c.instance).sort()).toEqual(['gateway-host-1', 'gateway-host-2']);
  for (const chain of chains) expect(verifyTrail(chain.dir, keys).problems).toEqual([]);
});
