import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dashboardRoutes, type DashboardConfig } from '../../stack/dashboard';
import type { PageSignIn } from '../../contracts/sign-in';
import { postGraphQL, startTestStack, type TestStack } from '../helpers/stack';

/** A stand-in for the built dashboard: these tests are about how the gateway serves it, not the page (test/browser). */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'dashboard-build-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>联审工作台</title><script type="module" src="/dashboard/assets/app-1.js"></script>');
  writeFileSync(join(root, 'assets', 'app-1.js'), 'export {}');
  return root;
}

describe('the dashboard in the embedded default', () => {
  let stack: TestStack;
  let origin: string;
  beforeAll(async () => {
    stack = await startTestStack({ dashboardRoot: fakeBuild() });
    origin = new URL(stack.gatewayUrl).origin;
  });
  afterAll(() => stack.stop());

  it('is served at /dashboard/, its own routes included, same-origin only', async () => {
    expect(stack.dashboardUrl).toBe(`${origin}/dashboard/`);
    for (const path of ['/dashboard/', '/dashboard/projects/2108-522633-35-03-836165']) {
      const page = await fetch(`${origin}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('联审工作台');
    }
  });

  it('leads a browser at / to the dashboard; a program asking / is told where GraphQL is', async () => {
    const browser = await fetch(`${origin}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect({ status: browser.status, location: browser.headers.get('location') }).toEqual({ status: 302, location: '/dashboard/' });
    const program = await fetch(`${origin}/`, { headers: { accept: 'application/json' } });
    expect(program.status).toBe(404);
    expect(((await program.json()) as any).errors[0].message).toMatch(/GraphQL is at \/graphql/);
  });

  it('hands this machine’s browser a development token the gateway accepts, never cached', async () => {
    const response = await fetch(`${origin}/dashboard/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const config = (await response.json()) as DashboardConfig;
    expect(config.endpoint).toBe('/graphql');
    expect(config.developmentToken).toMatch(/^eyJ/);
    const code = stack.departments.county.projects[0]!.code;
    const { data, errors } = await postGraphQL(stack.gatewayUrl, `query($c: ID!) { constructionProject(code: $c) { code } }`, { c: code }, { authorization: `Bearer ${config.developmentToken}` });
    expect(errors).toBeUndefined();
    expect(data.constructionProject.code).toBe(code);
  });
});

describe('dashboard config.json', () => {
  const ask = async (remoteAddress: string, host: string, developmentToken?: () => Promise<string>, signIn?: PageSignIn) => {
    const route = dashboardRoutes({ developmentToken, signIn })['/dashboard/config.json']!;
    let body = '';
    const headers: Record<string, unknown> = {};
    const res = {
      setHeader: (name: string, value: unknown) => void (headers[name] = value),
      writeHead(status: number, more: Record<string, unknown>) {
        Object.assign(headers, more, { status });
        return this;
      },
      end: (payload: string) => void (body = payload),
    };
    await route({ socket: { remoteAddress }, headers: { host } } as unknown as IncomingMessage, res as unknown as ServerResponse);
    return { headers, config: JSON.parse(body) as DashboardConfig };
  };
  const token = async () => 'eyJ.development.token';

  it('gives the development token to loopback callers only, so HOST=0.0.0.0 does not hand it to the network', async () => {
    expect((await ask('127.0.0.1', '127.0.0.1:4000', token)).config.developmentToken).toBe('eyJ.development.token');
    expect((await ask('::ffff:127.0.0.1', 'localhost:4000', token)).config.developmentToken).toBe('eyJ.development.token');
    expect((await ask('::1', '[::1]:4000', token)).config.developmentToken).toBe('eyJ.development.token');
    expect((await ask('10.12.0.7', '10.12.0.1:4000', token)).config.developmentToken).toBeNull();
    expect((await ask('::ffff:192.168.1.20', '192.168.1.1:4000', token)).config.developmentToken).toBeNull();
  });

  it('gives it to no page that reached this machine under another host name (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:4000', '127.0.0.1.evil.example:4000', 'localhost.evil.example', '']) {
      expect((await ask('127.0.0.1', host, token)).config.developmentToken).toBeNull();
    }
  });

  it('has no token to give without a development issuer (a real identity provider, production)', async () => {
    const { config, headers } = await ask('127.0.0.1', '127.0.0.1:4000');
    expect(config).toEqual({ endpoint: '/graphql', developmentToken: null, signIn: null });
    expect(headers['cache-control']).toBe('no-store');
  });

  it('sends the person to the identity provider, and hands out no token, when there is one', async () => {
    const signIn = { issuer: 'http://127.0.0.1:4010', clientId: 'county-dashboard', scope: 'openid construction:read' };
    const { config } = await ask('127.0.0.1', '127.0.0.1:4000', token, signIn);
    expect(config).toEqual({ endpoint: '/graphql', developmentToken: null, signIn });
  });
});

describe('the gateway command', () => {
  it('serves a built dashboard from GATEWAY_DASHBOARD_DIR, and hands out no token', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'gateway', 'index.ts'), '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'info', GATEWAY_DASHBOARD_DIR: fakeBuild(), AUDIT_DIR: mkdtempSync(join(tmpdir(), 'audit-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let ready: { url?: string; dashboard?: string } = {};
      for await (const line of createInterface({ input: child.stdout! })) {
        const entry = JSON.parse(line) as { msg?: string; url?: string; dashboard?: string };
        if (entry.msg === 'gateway ready') {
          ready = entry;
          break;
        }
      }
      expect(ready.dashboard).toBe(ready.url!.replace('/graphql', '/dashboard/'));
      const page = await fetch(ready.dashboard!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('联审工作台');
      // Tokens come from the county's identity provider there; the page asks for one.
      expect((await fetch(`${ready.dashboard}config.json`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
