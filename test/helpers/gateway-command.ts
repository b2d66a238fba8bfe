import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/logger';
import { ALL_SCOPES, AUDIENCE, DEV_ISSUER, ephemeralIssuer } from '../../stack/dev-issuer';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack';
import { startScript, type StartedCommand } from './npm-start';

export interface Backend {
  backend: EmbeddedStack;
  keys: { privateKey: KeyObject; publicKey: KeyObject };
}

/** Departments and subgraphs on ephemeral ports, no gateway: for `npm run gateway` as a child process. */
export async function departmentsWithoutGateway(departmentTimeoutMs = 2000): Promise<Backend> {
  const keys = generateKeyPairSync('ed25519');
  const settings = { timeoutMs: departmentTimeoutMs, cacheTtlSeconds: 60, cacheMaxStaleSeconds: 3600, cacheMaxKeys: 1000, maxConcurrency: 16, retries: 0, breakerFailures: 5, breakerOpenMs: 0 };
  const backend = await startEmbeddedStack({
    departmentClients: { enterprise: settings, land: settings, construction: settings, approval: settings },
    faults: Object.fromEntries(['enterprise', 'land', 'construction', 'approval'].map((d) => [d, { latencyMs: 0, failureRate: 0, down: false }])),
    gatewayKeys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
    withGateway: false,
    logger: silentLogger(),
  });
  return { backend, keys };
}

/**
 * `npm run gateway` in front of `backend`, signing with `keys`, accepting `issuer`'s tokens,
 * auditing into a trail folder of its own (`auditDir`, its chains beneath); resolves once it (or its primary) says it is ready.
 */
export async function startGatewayCommand(
  { backend, keys }: Backend,
  args: string[],
  env: Record<string, string> = {},
): Promise<StartedCommand & { url: string; ready: Record<string, any>; auditDir: string; token: (sub: string) => Promise<string> }> {
  const issuer = await ephemeralIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-command-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(issuer.jwks));
  const auditDir = join(dir, 'audit');
  const started = startScript('gateway/index.ts', ['--port', '0', ...args], {
    ...Object.fromEntries(Object.entries(backend.subgraphUrls).map(([name, url]) => [`SUBGRAPH_${name.toUpperCase()}_URL`, url])),
    INTERNAL_IDENTITY_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    AUTH_JWKS_FILE: join(dir, 'jwks.json'),
    AUTH_ISSUER: DEV_ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUDIT_DIR: auditDir,
    LOG_LEVEL: 'info',
    ...env,
  });
  const [, line] = await started.waitForLine(/^(\{.*"msg":"gateway ready".*\})$/);
  const ready = JSON.parse(line!) as Record<string, any>;
  return { ...started, url: ready.url as string, ready, auditDir, token: (sub) => issuer.token({ sub, region: '522633', scope: ALL_SCOPES.join(' ') }) };
}

/** One POST on a connection of its own (with --workers, the primary hands each to the next worker). */
export function postOnNewConnection(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
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
