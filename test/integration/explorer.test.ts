/**
 * The explorer's page as the gateway serves it: its settings (examples, token, introspection)
 * in each mode, and that the preloaded examples run against the embedded default.
 * The page in a real browser: test/browser/explorer.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSecurityConfig, DEFAULT_SUPERGRAPH } from '../../gateway/config';
import { createGateway } from '../../gateway/server';
import { silentLogger } from '../../lib/logger';
import { assertExplorerBuilt, BROWSER, openPage } from '../helpers/explorer';
import { bareGateway } from '../helpers/gateway';
import { postGraphQL, startTestStack, type TestStack } from '../helpers/stack';

describe('the explorer on the embedded default', () => {
  let stack: TestStack;
  beforeAll(async () => {
    assertExplorerBuilt();
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('answers a browser at /graphql with the page, same-origin only, never cached', async () => {
    const { response, html, config } = await openPage(stack.gatewayUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    // The only script the page loads is the bundle under /explorer/assets.
    expect([...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1])).toEqual([expect.stringMatching(/^\/explorer\/assets\/index-[\w-]+\.js$/)]);
    expect(config).toMatchObject({ endpoint: '/graphql', introspection: true });
  });

  it('opens the README’s operations as tabs: joint review, dashboard list, checklist pre-fill …', async () => {
    const { config } = await openPage(stack.gatewayUrl);
    const names = config.tabs.map((tab) => /(?:query|mutation) (\w+)/.exec(tab.query)?.[1]);
    expect(names.slice(0, 3)).toEqual(['JointReview', 'DashboardProjects', 'MaterialChecklist']);
    expect(names).toEqual(expect.arrayContaining(['ServiceGuide', 'EnterpriseProfile', 'Parcel']));
    expect(names).not.toContain('SubmitApplication'); // Run must not change anything
    expect(config.tabs[0]!.query).toBe(readFileSync(join(__dirname, '..', '..', 'docs', 'operations', 'JointReview.graphql'), 'utf8'));
  });

  it('fills in a development token the gateway accepts', async () => {
    const first = (await openPage(stack.gatewayUrl)).config;
    const headers = JSON.parse(first.headers!) as Record<string, string>;
    expect(Object.keys(headers)).toEqual(['Authorization']);
    expect(headers.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const { data, errors } = await postGraphQL(stack.gatewayUrl, '{ constructionProjects(first: 1) { totalCount } }', undefined, headers);
    expect(errors).toBeUndefined();
    expect(data.constructionProjects.totalCount).toBeGreaterThan(0);
  });

  it('fills in no token for a page that reached this machine under another host name (DNS rebinding)', async () => {
    const url = new URL(stack.gatewayUrl);
    const pageFor = (host: string) =>
      new Promise<string>((resolve, reject) => {
        get({ host: url.hostname, port: url.port, path: '/graphql', headers: { ...BROWSER, host } }, (res) => {
          let html = '';
          res.on('data', (c: Buffer) => (html += c.toString('utf8')));
          res.on('end', () => resolve(html));
        }).on('error', reject);
      });
    const headersOf = (html: string) => JSON.parse(/<script type="application\/json" id="explorer-config">(.*?)<\/script>/s.exec(html)![1]!).headers;
    expect(headersOf(await pageFor(url.host))).toMatch(/Bearer/);
    expect(headersOf(await pageFor(`localhost:${url.port}`))).toMatch(/Bearer/);
    expect(headersOf(await pageFor(`evil.example:${url.port}`))).toBeNull();
    expect(headersOf(await pageFor(`127.0.0.1.evil.example:${url.port}`))).toBeNull();
  });

  it('every example runs as the page would send it, with data from each department it names', async () => {
    const { config } = await openPage(stack.gatewayUrl);
    const headers = JSON.parse(config.headers!) as Record<string, string>;
    const results: Record<string, any> = {};
    for (const tab of config.tabs) {
      const name = /query (\w+)/.exec(tab.query)![1]!;
      const { status, data, errors } = await postGraphQL(stack.gatewayUrl, tab.query, JSON.parse(tab.variables ?? '{}'), headers);
      expect({ name, status, errors }).toEqual({ name, status: 200, errors: undefined });
      results[name] = data;
    }
    const project = results.JointReview.constructionProject;
    expect(project.stage).toBe('CONSTRUCTION_PERMIT');
    expect(project.applicant.name).toBeTruthy(); // 市场监管局
    expect(project.parcel.area).toBeGreaterThan(0); // 自然资源局
    expect(project.participants.length).toBeGreaterThan(0); // 住建局
    expect(results.DashboardProjects.constructionProjects.nodes.length).toBeGreaterThan(0);
    const statuses = results.MaterialChecklist.materialChecklist.map((e: any) => e.status);
    expect(statuses).toContain('SHARED');
    expect(statuses).not.toContain('BLOCKED');
    expect(results.ServiceGuide.serviceGuide.case.materials.length).toBeGreaterThan(0);
    expect(results.JointReviewWithApplications.constructionProject.applications.length).toBeGreaterThan(0);
    expect(results.EnterpriseProfile.enterprise.projects.length).toBeGreaterThan(0);
    expect(results.Parcel.parcel.unitNumber).toBeTruthy();
  });

  it('serves the same page at /explorer/ and its assets beneath; GraphQL itself is untouched', async () => {
    expect((await openPage(`${stack.gatewayUrl.replace(/\/graphql$/, '')}/explorer/`)).config.tabs.length).toBeGreaterThan(0);
    const { html } = await openPage(stack.gatewayUrl);
    const script = /src="(\/explorer\/assets\/[^"]+)"/.exec(html)![1]!;
    const asset = await fetch(new URL(script, stack.gatewayUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await asset.text()).length).toBeGreaterThan(1000);
    // A browser GET with a query, and any non-HTML GET, is GraphQL as before.
    const get = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { ...BROWSER, 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const plain = await fetch(stack.gatewayUrl, { headers: { accept: 'application/json' } });
    expect(plain.headers.get('content-type')).toMatch(/json/);
    expect((await plain.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('the explorer outside the embedded default', () => {
  it('in production: no token and no introspection', async () => {
    const gateway = await bareGateway({ production: true, explorer: {} });
    try {
      const { config } = await openPage(`${gateway.url}/graphql`);
      expect(config).toMatchObject({ headers: null, introspection: false, tabs: [] });
    } finally {
      await gateway.stop();
    }
  });

  it('refuses to start in production with a development token', () => {
    expect(() =>
      createGateway({ supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH, 'utf8'), logger: silentLogger(), production: true, explorer: { developmentToken: async () => 'x' } }),
    ).toThrow(/never carries a development token in production/);
  });

  it('off: a browser gets GraphQL’s own answer, not a page', async () => {
    const gateway = await bareGateway({});
    try {
      const response = await fetch(`${gateway.url}/graphql`, { headers: BROWSER });
      expect(response.headers.get('content-type')).not.toMatch(/html/);
      expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
      const explorer = await fetch(`${gateway.url}/explorer/`);
      expect(explorer.status).toBe(404);
      await explorer.text();
    } finally {
      await gateway.stop();
    }
  });

  it('not built: says how to build it', async () => {
    const gateway = await bareGateway({ explorer: { root: mkdtempSync(join(tmpdir(), 'explorer-unbuilt-')) } });
    try {
      const response = await fetch(`${gateway.url}/graphql`, { headers: BROWSER });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ errors: [{ message: expect.stringContaining('npm run build:web'), extensions: { code: 'NOT_BUILT' } }] });
    } finally {
      await gateway.stop();
    }
  });

  it('is on by default, off in production unless EXPLORER=on, and EXPLORER takes on or off only', () => {
    const jwks = join(mkdtempSync(join(tmpdir(), 'explorer-jwks-')), 'jwks.json');
    writeFileSync(jwks, '{"keys": []}');
    const checkpointKey = join(mkdtempSync(join(tmpdir(), 'checkpoint-key-')), 'key.pem');
    writeFileSync(checkpointKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const production = { NODE_ENV: 'production', AUTH_JWKS_FILE: jwks, AUTH_ISSUER: 'https://sso.county.example', AUTH_AUDIENCE: 'county-gateway', AUDIT_DIR: tmpdir(), AUDIT_CHECKPOINT_KEY_FILE: checkpointKey, GATEWAY_PURPOSE_KINDS: 'case,item,project' };
    expect(readSecurityConfig({}).explorer).toBe(true);
    expect(readSecurityConfig({ EXPLORER: 'off' }).explorer).toBe(false);
    expect(readSecurityConfig(production).explorer).toBe(false);
    expect(readSecurityConfig({ ...production, EXPLORER: 'on' }).explorer).toBe(true);
    expect(() => readSecurityConfig({ EXPLORER: 'yes' })).toThrow(/EXPLORER="yes" must be on or off/);
  });
});
