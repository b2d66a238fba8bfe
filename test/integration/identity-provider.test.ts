/**
 * 统一身份认证: the embedded OpenID Connect provider signs the county's staff in, and the
 * gateway accepts its tokens through discovery — as it would any standard issuer's.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { sha256 } from '../../lib/hash';
import { STAFF } from '../../domain/staff';
import { createGateway } from '../../gateway/server';
import { listen } from '../../lib/listen';
import { silentLogger } from '../../lib/logger';
import { DASHBOARD_CLIENT_ID, EXPLORER_CLIENT_ID, GATEWAY_AUDIENCE } from '../../stack/identity-provider/provider';
import { claimsOf, SignInAgent } from '../helpers/sign-in';
import { startTestStack, type TestStack } from '../helpers/stack';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUPERGRAPH } from '../../gateway/config';

let stack: TestStack;
let origin: string;

// A bank branch registered at the gateway with no API key, signing in at the identity provider instead.
const BANK_SECRET = randomBytes(24).toString('base64url');
const BANK_QUERY = '{ constructionProjects(first: 1) { totalCount } }';

beforeAll(async () => {
  stack = await startTestStack({
    identityProvider: { partnerClients: [{ clientId: 'bank-cj', clientSecret: BANK_SECRET, name: '某银行从江支行' }] },
    trustProxy: ['127.0.0.1'],
    partners: [
      {
        id: 'bank',
        name: '某银行从江支行',
        oauthClientId: 'bank-cj',
        scopes: ['construction:read'],
        region: '522633100000',
        purposes: ['project'],
        operations: [sha256(BANK_QUERY)],
        ratePerMinute: 100,
      },
    ],
  });
  origin = new URL(stack.gatewayUrl).origin;
});
afterAll(() => stack?.stop());

const agent = (clientId = DASHBOARD_CLIENT_ID, path = '/dashboard/') => new SignInAgent(stack.identityProviderUrl, origin, clientId, path);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PROJECTS = '{ constructionProjects(first: 1) { totalCount } }';

describe('signing in', () => {
  it('publishes a discovery document naming itself, with PKCE, refresh and logout', async () => {
    const document = (await (await fetch(`${stack.identityProviderUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(document.issuer).toBe(stack.identityProviderUrl);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(typeof document.end_session_endpoint).toBe('string');
    expect(typeof document.jwks_uri).toBe('string');
  });

  it.each(STAFF.map((member) => [member.id, member] as const))('%s gets exactly the scopes, region and name the roster gives', async (_id, member) => {
    const tokens = await agent().signIn(member.id);
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ iss: stack.identityProviderUrl, aud: GATEWAY_AUDIENCE, sub: member.id, name: member.name, org: member.department, region: member.region });
    // Every scope was asked for; only the held ones are granted.
    expect(new Set(String(claims.scope).split(' '))).toEqual(new Set(member.scopes));
    const answer = await stack.queryWith(bearer(tokens.access_token), PROJECTS);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.constructionProjects.totalCount).toBeGreaterThan(0);
  });

  it('gives a town clerk only their town', async () => {
    const county = await stack.queryWith(bearer((await agent().signIn('window-clerk')).access_token), PROJECTS);
    const town = await stack.queryWith(bearer((await agent().signIn('bingmei-clerk')).access_token), PROJECTS);
    expect(town.data.constructionProjects.totalCount).toBeGreaterThan(0);
    expect(town.data.constructionProjects.totalCount).toBeLessThan(county.data.constructionProjects.totalCount);
  });

  it('refuses a wrong password or an unknown account, in Chinese, and issues no code', async () => {
    for (const [username, password] of [
      ['zjj-reviewer-1', 'wrong'],
      ['nobody', 'congjiang'],
    ]) {
      const browser = agent();
      const { stop } = await browser.authorize();
      expect('page' in stop).toBe(true);
      const next = await browser.submitLogin((stop as { url: string }).url, username!, password);
      expect('page' in next && next.page).toContain('账号或密码不正确');
    }
  });

  it('signs the second page in without asking again (single sign-on), as the same person', async () => {
    const browser = agent();
    const dashboard = await browser.signIn('zrzy-reviewer-2');
    // The explorer is another client of the same provider; the browser's session cookie is the sign-in.
    const explorer = browser.asClient(EXPLORER_CLIENT_ID, '/graphql');
    const { verifier, stop } = await explorer.authorize();
    expect('callback' in stop).toBe(true);
    const { status, body } = await explorer.exchange((stop as { callback: URL }).callback, verifier);
    expect(status).toBe(200);
    expect(claimsOf(body.access_token)).toMatchObject({ sub: 'zrzy-reviewer-2', client_id: EXPLORER_CLIENT_ID });
    expect(claimsOf(dashboard.access_token).sub).toBe('zrzy-reviewer-2');
  });

  it('refreshes a token, and a refresh token is used once', async () => {
    const browser = agent();
    const first = await browser.signIn('fgj-reviewer-1');
    const refreshed = await browser.refresh(first.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body.access_token).sub).toBe('fgj-reviewer-1');
    expect((await stack.queryWith(bearer(refreshed.body.access_token), PROJECTS)).errors).toBeUndefined();
    // Rotated: the old one is spent.
    expect((await browser.refresh(first.refresh_token)).status).toBe(400);
  });

  it('ends the session at logout: the next authorization asks for the password again', async () => {
    const browser = agent();
    const tokens = await browser.signIn('da-reviewer-1');
    const logout = await browser.get(`/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: browser.redirectUri, client_id: DASHBOARD_CLIENT_ID })}`);
    const form = await logout.text();
    expect(form).toContain('退出登录');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)![1]!;
    const action = /action="([^"]+)"/.exec(form)![1]!;
    const done = await browser.get(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, logout: 'yes' }).toString() });
    expect(await browser.follow(done)).toEqual({ callback: expect.any(URL) });
    const again = await browser.authorize();
    expect('page' in again.stop && again.stop.page).toContain('账号');
  });
});

describe('partner systems with OAuth client credentials', () => {
  const clientToken = async (clientId: string, secret: string) => {
    const response = await fetch(`${stack.identityProviderUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    return { status: response.status, body: (await response.json()) as { access_token: string } };
  };

  it('are the partner their registration at the gateway says: its scopes, region and operations', async () => {
    const { status, body } = await clientToken('bank-cj', BANK_SECRET);
    expect(status).toBe(200);
    expect(claimsOf(body.access_token)).toMatchObject({ sub: 'bank-cj', client_id: 'bank-cj', aud: GATEWAY_AUDIENCE });
    const town = await stack.queryWith({ ...bearer(body.access_token), 'x-purpose': 'project:2503-522633-89-01-382465' }, BANK_QUERY);
    expect(town.errors).toBeUndefined();
    const county = await stack.query(BANK_QUERY);
    // Its region (one town), not the county.
    expect(town.data.constructionProjects.totalCount).toBeLessThan(county.data.constructionProjects.totalCount);
    // Not one of its registered operations: refused, as with an API key.
    const other = await stack.queryWith({ ...bearer(body.access_token), 'x-purpose': 'project:2503-522633-89-01-382465' }, '{ constructionProjects(first: 2) { totalCount } }');
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a wrong secret at the identity provider', async () => {
    expect((await clientToken('bank-cj', 'not-the-secret')).status).toBe(401);
  });
});

describe('the gateway and its issuers', () => {
  it('refuses a development token from another machine when that issuer is loopback-only (npm start)', async () => {
    const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH, 'utf8');
    const gateway = createGateway({
      supergraphSdl,
      subgraphUrls: stack.subgraphUrls,
      logger: silentLogger(),
      trustProxy: ['127.0.0.1'],
      signIn: { issuers: [{ issuer: stack.identityProviderUrl, audience: GATEWAY_AUDIENCE }, stack.issuer.trusted()] },
      failedSignInsPerMinute: 1000,
    });
    await gateway.start();
    const listening = await listen(gateway.server, 0, '127.0.0.1', '');
    try {
      const ask = async (headers: Record<string, string>) =>
        fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect((await ask(bearer(stack.staffToken))).status).toBe(200);
      const far = await ask({ ...bearer(stack.staffToken), 'x-forwarded-for': '203.0.113.7' });
      expect(far.status).toBe(401);
      expect(JSON.stringify(await far.json())).toMatch(/this machine only/);
      // A client may write X-Forwarded-For itself: naming this machine there proves nothing.
      for (const forwarded of [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }] as Record<string, string>[]) {
        expect((await ask({ ...bearer(stack.staffToken), ...forwarded })).status).toBe(401);
      }
      // A person signed in at the identity provider is accepted from anywhere.
      const person = await agent().signIn('window-clerk');
      expect((await ask({ ...bearer(person.access_token), 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
    } finally {
      await listening.close();
      await gateway.stop();
    }
  });

  it('says 503 IDENTITY_PROVIDER_UNAVAILABLE, not 401, while the issuer cannot be asked for its keys', async () => {
    // A port that answers nothing: discovery fails.
    const closed = createServer();
    const gone = await listen(closed, 0, '127.0.0.1', '');
    const issuer = gone.url;
    await gone.close();
    const gateway = createGateway({
      supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH, 'utf8'),
      subgraphUrls: stack.subgraphUrls,
      logger: silentLogger(),
      // One issuer whose discovery fails, one whose key server does (after discovery, as when it goes down later).
      signIn: { issuers: [{ issuer, audience: GATEWAY_AUDIENCE }, { issuer: 'https://keys-down.example', audience: GATEWAY_AUDIENCE, jwks: { url: `${issuer}/jwks` } }] },
    });
    await gateway.start();
    const listening = await listen(gateway.server, 0, '127.0.0.1', '');
    try {
      const token = await stack.issuer.sign({ iss: issuer, aud: GATEWAY_AUDIENCE, sub: 'x', region: '522633', exp: Math.floor(Date.now() / 1000) + 60 });
      const response = await fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
      const keysDown = await stack.issuer.sign({ iss: 'https://keys-down.example', aud: GATEWAY_AUDIENCE, sub: 'x', region: '522633', exp: Math.floor(Date.now() / 1000) + 60 });
      const refusedConnection = await fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(keysDown) }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(refusedConnection.status).toBe(503);
      // An issuer nobody configured is refused outright.
      const stranger = await stack.issuer.sign({ iss: 'https://elsewhere.example', aud: GATEWAY_AUDIENCE, sub: 'x', region: '522633', exp: Math.floor(Date.now() / 1000) + 60 });
      const refused = await fetch(`${listening.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(stranger) }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(refused.status).toBe(401);
    } finally {
      await listening.close();
      await gateway.stop();
    }
  });
});
