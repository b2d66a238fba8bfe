/**
 * Replicas sharing one AUDIT_DIR (issue 12): one chain per instance, one writer per chain.
 * Chains written side by side all verify, by instance id, and audit:query answers from all
 * of them in time order, with the layouts written before (records at the top level,
 * `worker-<n>` folders) still counted; a second writer of a chain refuses to start and
 * names the holder; a lock whose holder is gone is taken over.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AuditLog, auditChains, TOP_LEVEL } from '../../gateway/audit/log';
import { readRecords, verifyTrail } from '../../gateway/audit/verify';
import { STALE_MS } from '../../gateway/audit/writer-lock';
import { generateCounty } from '../../mocks';
import { departmentsWithoutGateway, postOnNewConnection, startGatewayCommand, type Backend } from '../helpers/gateway-command';
import { operation } from '../helpers/stack';

const ROOT = join(__dirname, '..', '..');

/** `npm run audit:<command> -- --dir <dir> …`, checking checkpoints against `keyFile`. */
const auditCli = (command: 'verify' | 'query', dir: string, args: string[], keyFile: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'audit.ts'), command, '--dir', dir, ...args], {
    env: { ...process.env, AUDIT_DIR: '', AUDIT_CHECKPOINT_KEY_FILE: keyFile },
    encoding: 'utf8',
  });

/** A small seeded generator: the same cases every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function checkpointKey(): { key: ReturnType<typeof generateKeyPairSync>['privateKey']; file: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const file = join(mkdtempSync(join(tmpdir(), 'audit-key-')), 'checkpoint.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { key: privateKey, file };
}

/** A queried line's time, and the instance it names. */
const queried = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.includes(' request='))
    .map((l) => ({ time: l.slice(0, l.indexOf(' ')), instance: / instance=(.+)$/.exec(l)![1]! }));

describe('chains written side by side in one AUDIT_DIR', () => {
  // Each case: the chains that share the trail, instance folders and the layouts written before mixed.
  const layouts: string[][] = [
    ['gw-a', 'gw-b'],
    ['county-gw-1.example', 'county-gw-1.example-1', 'county-gw-1.example-2', 'gw_b'],
    [TOP_LEVEL, 'worker-1', 'worker-2', 'gw-a-1', 'gw-b'],
    [TOP_LEVEL, 'gw-a'],
  ];
  it.each(layouts.map((chains, i) => [chains.join(' + '), chains, i] as const))('%s: every chain verifies by its instance id; audit:query merges them in time order', (_name, chains, i) => {
    const next = random(i + 1);
    const trail = mkdtempSync(join(tmpdir(), 'audit-trail-'));
    const { key, file } = checkpointKey();
    const logs = chains.map((c) => new AuditLog({ dir: c === TOP_LEVEL ? trail : join(trail, c), checkpoints: { key, every: 3, seconds: 0 } }));
    // Appended in a generated interleaving, each record a second after the one before, whichever chain it went to.
    const total = 6 * chains.length + Math.floor(next() * 10);
    const written: { time: string; instance: string }[] = [];
    for (let n = 0; n < total; n++) {
      const c = n < chains.length ? n : Math.floor(next() * chains.length);
      const time = new Date(Date.UTC(2026, 10, 28, 1, 0, n)).toISOString();
      logs[c]!.append({ time, requestId: `r${n}`, subject: 'user:auditor', entities: { Enterprise: ['91350100M000100Y43'] }, outcome: 'ok' });
      written.push({ time, instance: chains[c]! });
    }
    for (const log of logs) log.close();

    expect(auditChains(trail).map((c) => c.instance).sort()).toEqual([...chains].sort());
    const verify = auditCli('verify', trail, [], file);
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
    for (const chain of chains) {
      const records = written.filter((w) => w.instance === chain).length;
      expect(verify.stdout).toContain(`ok: ${chain}: ${records} records, chain intact`);
    }
    const query = auditCli('query', trail, ['--uscc', '91350100M000100Y43'], file);
    expect(query.status).toBe(0);
    expect(query.stdout).toMatch(new RegExp(`^${total} record\\(s\\)$`, 'm'));
    expect(queried(query.stdout)).toEqual(written);
  });

  it('audit:verify and audit:query say so when the folder holds no chain (a wrong --dir)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'audit-empty-'));
    const { file } = checkpointKey();
    for (const command of ['verify', 'query'] as const) {
      const cli = auditCli(command, empty, command === 'query' ? ['--subject', 'user:u1'] : [], file);
      expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 1, stderr: expect.stringContaining(`no audit chain in ${empty}`) });
    }
  });
});

/** A process of its own holding the chain in `dir`; resolves once it holds it. */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `const { AuditLog } = require(${JSON.stringify(join(ROOT, 'gateway', 'audit', 'log.ts'))}); new AuditLog({ dir: process.argv[1] }); console.log('holding'); setInterval(() => {}, 1000);`, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) if (line === 'holding') break;
  return child;
}

const kill = async (child: ChildProcess) => {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
};

describe('one writer per chain', () => {
  it('a second writer of a chain refuses, naming the holder and what to do; after close() the chain can be taken', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'audit-')), 'gw-a');
    const first = new AuditLog({ dir });
    expect(() => new AuditLog({ dir })).toThrow(new RegExp(`${dir} is being written by another process: pid ${process.pid} on host ${hostname()}, since \\S+, its lock refreshed \\d+ s ago\\. A chain has one writer: give this process its own AUDIT_INSTANCE_ID.*or stop the other process`));
    first.append({ subject: 'user:first' });
    first.close();
    const second = new AuditLog({ dir });
    second.append({ subject: 'user:second' });
    second.close();
    expect(readRecords(dir).map((r) => r.subject)).toEqual(['user:first', 'user:second']);
    expect(verifyTrail(dir).brokenAt).toBeNull();
  });

  // Who held the lock, and whether it is still refreshed: taken over or refused, as each case says.
  const cases = [
    { holder: 'a live process of this host', host: 'this', alive: true, refreshedAgoMs: 0, takenOver: false },
    { holder: 'a process of this host killed with its lock fresh', host: 'this', alive: false, refreshedAgoMs: 0, takenOver: true },
    { holder: 'a process of another host, lock fresh', host: 'other', alive: false, refreshedAgoMs: 0, takenOver: false },
    { holder: 'a process of another host, lock just short of stale', host: 'other', alive: false, refreshedAgoMs: STALE_MS - 5000, takenOver: false },
    { holder: 'a process of another host, lock stale', host: 'other', alive: false, refreshedAgoMs: STALE_MS + 5000, takenOver: true },
    { holder: 'a live process of this host, lock stale (frozen)', host: 'this', alive: true, refreshedAgoMs: STALE_MS + 5000, takenOver: true },
  ];
  it.each(cases.map((c) => [c.holder, c] as const))('a lock held by %s', async (_name, c) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'audit-')), 'gw-a');
    const child = await holder(dir);
    try {
      if (c.host === 'other') {
        const holding = JSON.parse(readFileSync(join(dir, 'writer.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(join(dir, 'writer.json'), JSON.stringify({ ...holding, host: 'gateway-on-another-host' }));
      }
      if (!c.alive) await kill(child);
      // Only a live holder refreshes its lock, every STALE_MS / 2: a case that backdates it is decided before then.
      const then = new Date(Date.now() - c.refreshedAgoMs);
      utimesSync(join(dir, 'writer.lock'), then, then);
      if (c.takenOver) {
        const log = new AuditLog({ dir });
        log.append({ subject: 'user:after' });
        log.close();
        expect(readRecords(dir).map((r) => r.subject)).toEqual(['user:after']);
      } else {
        const host = c.host === 'this' ? hostname() : 'gateway-on-another-host';
        expect(() => new AuditLog({ dir })).toThrow(new RegExp(`being written by another process: pid ${child.pid} on host ${host}`));
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) await kill(child);
    }
  });
});

describe('two gateway processes sharing one AUDIT_DIR', () => {
  let backend: Backend;
  beforeAll(async () => (backend = await departmentsWithoutGateway()));
  afterAll(() => backend.backend.stop());

  it('each writes its own chain (AUDIT_INSTANCE_ID); a third given a chain already held refuses, naming the holder; both chains verify and audit:query merges them', async () => {
    const trail = mkdtempSync(join(tmpdir(), 'audit-shared-'));
    const { file } = checkpointKey();
    const env = (instance: string) => ({ AUDIT_DIR: trail, AUDIT_INSTANCE_ID: instance, AUDIT_CHECKPOINT_KEY_FILE: file, GATEWAY_DRAIN_SECONDS: '0' });
    const a = await startGatewayCommand(backend, [], env('gw-a'));
    const b = await startGatewayCommand(backend, [], env('gw-b'));
    try {
      await expect(startGatewayCommand(backend, [], env('gw-a'))).rejects.toThrow(new RegExp(`audit chain ${join(trail, 'gw-a')} is being written by another process: pid ${a.child.pid} on host .*AUDIT_INSTANCE_ID`));

      // Each gateway accepts its own issuer's tokens; one subject for both.
      const tokens = { a: await a.token('replicas-test'), b: await b.token('replicas-test') };
      const codes = generateCounty().projects.slice(0, 7).map((p) => p.code);
      const sentTo: string[] = [];
      for (const [n, code] of codes.entries()) {
        const gateway = n % 3 === 2 ? b : a;
        const token = gateway === a ? tokens.a : tokens.b;
        const { status, body } = await postOnNewConnection(gateway.url, JSON.stringify({ query: operation('JointReview'), variables: { code } }), { authorization: `Bearer ${token}` });
        expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
        sentTo.push(gateway === a ? 'gw-a' : 'gw-b');
      }
      for (const { child } of [a, b]) {
        child.kill('SIGTERM');
        expect((await once(child, 'exit'))[0]).toBe(0);
      }

      const verify = auditCli('verify', trail, [], file);
      expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
      for (const instance of ['gw-a', 'gw-b']) expect(verify.stdout).toContain(`ok: ${instance}: ${sentTo.filter((s) => s === instance).length} records, chain intact`);
      const query = auditCli('query', trail, ['--subject', 'user:replicas-test'], file);
      const lines = queried(query.stdout);
      expect(lines.map((l) => l.instance)).toEqual(sentTo);
      expect(lines.map((l) => l.time)).toEqual(lines.map((l) => l.time).sort());
    } finally {
      for (const { child } of [a, b]) if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
