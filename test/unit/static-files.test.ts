import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticSite } from '../../lib/static-files';

describe('static sites served by the gateway', () => {
  let root: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'site-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>工作台</title>');
    writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'outside-site.txt'), 'secret');
    const site = staticSite({ root, prefix: '/dashboard', spaFallback: true });
    const missing = staticSite({ root: join(root, 'never-built'), prefix: '/explorer' });
    server = createServer((req, res) => void (req.url!.startsWith('/explorer') ? missing(req, res) : site(req, res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html uncached and hashed assets for a year, all same-origin only', async () => {
    const page = await fetch(`${base}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('工作台');

    const asset = await fetch(`${base}/dashboard/assets/app-1a2b.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('redirects the bare prefix to its folder, and answers the app’s own routes with index.html', async () => {
    const bare = await fetch(`${base}/dashboard`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/dashboard/');
    const deep = await fetch(`${base}/dashboard/projects/52263300000000000001`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('工作台');
  });

  it('never serves a file outside its folder, nor a missing asset as the page', async () => {
    for (const path of ['/dashboard/../outside-site.txt', '/dashboard/%2e%2e/outside-site.txt', '/dashboard/..%2foutside-site.txt']) {
      const response = await fetch(`${base}${path}`);
      expect(await response.text()).not.toContain('secret');
    }
    expect((await fetch(`${base}/dashboard/assets/gone.js`)).status).toBe(404);
    expect((await fetch(`${base}/dashboard/`, { method: 'POST' })).status).toBe(405);
  });

  it('says how to build a site that was never built', async () => {
    const response = await fetch(`${base}/explorer/`);
    expect(response.status).toBe(503);
    expect((await response.json()).errors[0].extensions.code).toBe('NOT_BUILT');
  });
});
