import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeysFrom } from '../../gateway/audit/checkpoints';
import { verifyTrail } from '../../gateway/audit/verify';
import { DEV_CHECKPOINT_KEY } from '../../gateway/config';
import { silentLogger } from '../../lib/logger';
import { generateCounty } from '../../mocks';
import { ALL_SCOPES, AUDIENCE, DEV_ISSUER, ephemeralIssuer } from '../../stack/dev-issuer';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack';
import { startScript } from '../helpers/npm-start';
import { operation } from '../helpers/stack';

/** One POST on a connection of its own. */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 20));
};

describe('the gateway command on SIGTERM (a deploy or a scale-down)', () => {
  let backend: EmbeddedStack;
  const keys = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    // Departments slower than the drain: requests are still in flight when the port closes.
    const settings = { timeoutMs: 30_000, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 1000, maxConcurrency: 16, retries: 0, breakerFailures: 5, breakerOpenMs: 0 };
    backend = await startEmbeddedStack({
      departmentClients: { enterprise: settings, land: settings, construction: settings, approval: settings },
      faults: Object.fromEntries(['enterprise', 'land', 'construction', 'approval'].map((d) => [d, { latencyMs: 0, failureRate: 0, down: false }])),
      gatewayKeys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
      withGateway: false,
      logger: silentLogger(),
    });
  });
  afterAll(() => backend.stop());

  it('says draining on /readyz, then closes the port and answers every request in flight before it exits', async () => {
    const issuer = await ephemeralIssuer();
    const dir = mkdtempSync(join(tmpdir(), 'drain-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(issuer.jwks));
    const auditDir = join(dir, 'audit');
    const { child, output, waitForLine } = startScript('gateway/index.ts', ['--port', '0'], {
      ...Object.fromEntries(Object.entries(backend.subgraphUrls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
      INTERNAL_IDENTITY_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUTH_JWKS_FILE: join(dir, 'jwks.json'),
      AUTH_ISSUER: DEV_ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUDIT_DIR: auditDir,
      GATEWAY_DRAIN_SECONDS: '4',
      GATEWAY_SHUTDOWN_TIMEOUT_SECONDS: '60',
      LOG_LEVEL: 'info',
    });
    try {
      const [, ready] = await waitForLine(/^(\{.*"msg":"gateway ready".*\})$/);
      const { url } = JSON.parse(ready!) as { url: string };
      const readyz = url.replace('/graphql', '/readyz');
      expect((await fetch(readyz)).status).toBe(200);

      const token = await issuer.token({ sub: 'drain-test', region: '522633', scope: ALL_SCOPES.join(' ') });
      const codes = generateCounty().projects.slice(20, 26).map((p) => p.code);
      const construction = backend.departments.construction;
      const before = construction.requests.length;
      construction.faults.latencyMs = 7000;
      const answers = codes.map((code) => post(url, JSON.stringify({ query: operation('JointReview'), variables: { code } }), { authorization: `Bearer ${token}` }));
      // Every request has reached the department and waits there: all are in flight.
      await until(() => construction.requests.length - before >= codes.length);

      child.kill('SIGTERM');
      await waitForLine(/"msg":"draining/);
      const draining = await fetch(readyz);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({ status: 'draining' });

      const answered = await Promise.all(answers);
      expect(answered.map((a) => [a.status, a.body.errors, a.body.data?.constructionProject?.code])).toEqual(codes.map((code) => [200, undefined, code]));
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(0);
      expect(output.some((l) => l.includes('connections were cut'))).toBe(false);
      expect(output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

      // Every answer that disclosed data is on the record, and the chain is whole.
      const trail = verifyTrail(auditDir, publicKeysFrom([readFileSync(DEV_CHECKPOINT_KEY, 'utf8')]));
      expect(trail.brokenAt).toBeNull();
      expect(trail.records).toBe(codes.length);
    } finally {
      backend.departments.construction.faults.latencyMs = 0;
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
