import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { publicKeysFrom } from '../../gateway/audit/checkpoints';
import { auditChains } from '../../gateway/audit/log';
import { verifyTrail } from '../../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY, readSecurityConfig } from '../../gateway/config';
import { generateCounty } from '../../mocks';
import { departmentsWithoutGateway, postOnNewConnection, startGatewayCommand, type Backend } from '../helpers/gateway-command';
import { startScript } from '../helpers/npm-start';
import { operation } from '../helpers/stack';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the gateway command with --workers (one gateway per core)', () => {
  let backend: Backend;
  beforeAll(async () => (backend = await departmentsWithoutGateway()));
  afterAll(() => backend.backend.stop());

  it('serves one port from two workers, each with its own intact audit chain, metrics summed over both, and SIGTERM stops them all', async () => {
    // Draining is gateway-drain.test.ts's subject; here SIGTERM may stop at once.
    const { child, output, url, ready, auditDir, token: tokenFor } = await startGatewayCommand(backend, ['--workers', '2'], { GATEWAY_DRAIN_SECONDS: '0' });
    try {
      expect(ready.workers).toBe(2);
      // Each worker says so itself, possibly just after the primary heard it listen.
      const workerLines = () => output.filter((l) => l.includes('"msg":"worker ready"'));
      while (workerLines().length < 2) await new Promise((r) => setTimeout(r, 20));
      const workerLog = workerLines().map((l) => JSON.parse(l) as { pid: number; worker: number; url: string });
      expect(workerLog.map((w) => w.worker).sort()).toEqual([1, 2]);
      expect(workerLog.every((w) => w.url === url)).toBe(true);
      const workerPids = workerLog.map((w) => w.pid);
      expect(new Set(workerPids).size).toBe(2);

      const token = await tokenFor('workers-test');
      const codes = generateCounty().projects.slice(0, 8).map((p) => p.code);
      for (const code of codes) {
        const { status, body } = await postOnNewConnection(url, JSON.stringify({ query: operation('JointReview'), variables: { code } }), { authorization: `Bearer ${token}` });
        expect(status).toBe(200);
        expect(body.errors).toBeUndefined();
        expect(body.data.constructionProject.code).toBe(code);
      }

      // /metrics, whichever worker answers it, counts every worker's requests.
      const requestsCounted = async () => {
        const text = await new Promise<string>((resolve, reject) => {
          request(url.replace('/graphql', '/metrics'), { agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          })
            .once('error', reject)
            .end();
        });
        return text
          .split('\n')
          .filter((l) => l.startsWith('gateway_requests_total{'))
          .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      };
      expect([await requestsCounted(), await requestsCounted()]).toEqual([codes.length, codes.length]);

      // Both workers answered (connections go to them in turn), each into its own chain.
      const chains = auditChains(auditDir).map((c) => c.dir);
      // Named by the host (no AUDIT_INSTANCE_ID) and the slot: replicas on other hosts can share the folder.
      const host = readSecurityConfig({}).audit.instanceId;
      expect(auditChains(auditDir).map((c) => c.instance)).toEqual([`${host}-1`, `${host}-2`]);
      const checks = chains.map((chain) => verifyTrail(chain, publicKeysFrom([readFileSync(DEV_CHECKPOINT_KEY, 'utf8')])));
      for (const check of checks) {
        expect(check.brokenAt).toBeNull();
        expect(check.records).toBeGreaterThan(0);
      }
      expect(checks.reduce((n, c) => n + c.records, 0)).toBe(codes.length);

      // A worker that dies is replaced in its slot, and the replacement continues that slot's chain.
      process.kill(workerLog.find((w) => w.worker === 1)!.pid, 'SIGKILL');
      while (workerLines().length < 3) await new Promise((r) => setTimeout(r, 20));
      const replacement = JSON.parse(workerLines()[2]!) as { pid: number; worker: number };
      expect(replacement.worker).toBe(1);
      for (const code of codes.slice(0, 4)) {
        const { status } = await postOnNewConnection(url, JSON.stringify({ query: operation('JointReview'), variables: { code } }), { authorization: `Bearer ${token}` });
        expect(status).toBe(200);
      }
      const after = chains.map((chain) => verifyTrail(chain, publicKeysFrom([readFileSync(DEV_CHECKPOINT_KEY, 'utf8')])));
      expect(after.map((c) => c.brokenAt)).toEqual([null, null]);
      expect(after[0]!.records).toBeGreaterThan(checks[0]!.records);
      expect(after.reduce((n, c) => n + c.records, 0)).toBe(codes.length + 4);

      child.kill('SIGTERM');
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(0);
      expect([...workerPids, replacement.pid].filter(alive)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // Three gateway processes start, one is killed and replaced: more than the default on a loaded 2-core machine.
  }, 90_000);

  it('refuses a bad worker count before starting anything', async () => {
    const { child, output } = startScript('gateway/index.ts', ['--port', '0', '--workers', 'many'], {});
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(1);
    expect(output.join('\n')).toMatch(/GATEWAY_WORKERS \(or --workers\) must be a number/);
  });
});
