/**
 * 统一身份认证 as the embedded default runs it: an OpenID Connect provider standing in for
 * the province's unified identity service, so the dashboard and the explorer sign staff in
 * once (单点登录) and the gateway verifies the tokens as it would the province's —
 * through discovery and JWKS, like any standard issuer (`AUTH_ISSUER`).
 *
 * oidc-provider (certified, maintained) does the protocol: authorization code with PKCE
 * for the browser pages, refresh tokens, RP-initiated logout, session expiry. We add the
 * county's staff (domain/staff.ts) as accounts, Chinese pages, and the claims the gateway
 * reads from an access token (region, name, org, scope). 8.x is the last line supporting
 * Node 20 (9.x wants Node 22).
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { exportJWK, type JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { staffMember, STAFF } from '../../domain/staff';
import { readBody } from '../../lib/graphql-http';
import { listen } from '../../lib/listen';
import type { Logger } from '../../lib/logger';
import { developmentKey } from '../../lib/dev-keys';
import { DEV_KEYS_DIR } from '../../lib/paths';
import { errorPage, loggedOutPage, loginPage, logoutPage, PAGE_SECURITY_HEADERS } from './pages';
import { memoryStorage } from './storage';

/** The gateway as a resource server: the audience of every access token this provider issues. */
export const GATEWAY_RESOURCE = 'urn:congjiang:county-gateway';
export const GATEWAY_AUDIENCE = 'county-gateway';
/** The browser pages, public clients (PKCE, no secret). */
export const DASHBOARD_CLIENT_ID = 'county-dashboard';
export const EXPLORER_CLIENT_ID = 'county-explorer';
/** The stand-in's one password for every demo account, shown on its login page: fixture data, served on 127.0.0.1 only (embedded-stack.ts). */
export const DEMO_PASSWORD = 'congjiang';

const DEV_IDENTITY_PROVIDER_KEY = join(DEV_KEYS_DIR, 'identity-provider.pem');

/** Every scope a staff member can hold: what the gateway's resource server offers, and what the pages ask for. */
export const GATEWAY_SCOPES = [...new Set(STAFF.flatMap((s) => s.scopes))];

/** A working day: the sign-in lasts this long, and so do refresh tokens. Access tokens are short and refreshed. */
const SESSION_SECONDS = 8 * 3600;
const ACCESS_TOKEN_SECONDS = 10 * 60;
/** A sign-in form is an account name and a password. */
const MAX_FORM_BYTES = 4096;

export interface IdentityProviderOptions {
  host?: string;
  /** 0: any free port (tests). */
  port?: number;
  /** Where the dashboard and explorer are served (the gateway's origins): their redirect URIs. */
  clientOrigins: () => string[];
  /**
   * Partner systems that prefer OAuth client credentials to an API key. Their tokens name only the client:
   * what they may do is their registration at the gateway (`oauthClientId` in the partner registry).
   */
  partnerClients?: { clientId: string; clientSecret: string; name: string }[];
  /** npm start: the development key in .dev-keys, so tokens outlive a restart of the gateway alone; default: one for this run. */
  signingKey?: KeyObject;
  logger: Logger;
}

export interface IdentityProvider {
  /** The issuer, e.g. http://127.0.0.1:4010; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  discoveryUrl: string;
  /** Opens the doors once the clients' origins are known (the gateway listens after this provider). */
  open(): void;
  close(): Promise<void>;
}

export const developmentIdentityProviderKey = () => developmentKey(DEV_IDENTITY_PROVIDER_KEY);

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<IdentityProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('统一身份认证正在启动，请稍后重试。');
  });
  const listening = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1', 'set IDENTITY_PROVIDER_PORT');
  // A browser cannot open 0.0.0.0: the issuer is what browsers and the gateway both reach.
  const issuer = listening.url.replace('//0.0.0.0:', '//127.0.0.1:');
  const key = options.signingKey ?? generateKeyPairSync('ed25519').privateKey;
  const jwk: JWK = { ...(await exportJWK(key)), alg: 'EdDSA', use: 'sig' };

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    open() {
      const provider = new Provider(issuer, configuration(jwk, options.clientOrigins(), options.partnerClients ?? []));
      provider.on('server_error', (_ctx: unknown, error: Error) => options.logger.error({ err: error }, 'identity provider error'));
      handler = routes(provider, options.logger);
    },
    close: listening.close,
  };
}

function configuration(signingJwk: JWK, origins: string[], partners: NonNullable<IdentityProviderOptions['partnerClients']>): Configuration {
  const Storage = memoryStorage();
  // Both names of this machine: a newcomer may open localhost or 127.0.0.1.
  const both = [...new Set(origins.flatMap((o) => [o, o.replace('//127.0.0.1:', '//localhost:')]))];
  const publicClient = (clientId: string, name: string, path: string) => ({
    client_id: clientId,
    client_name: name,
    token_endpoint_auth_method: 'none' as const,
    application_type: 'web' as const,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code' as const],
    redirect_uris: both.map((o) => `${o}${path}`),
    post_logout_redirect_uris: both.map((o) => `${o}${path}`),
    id_token_signed_response_alg: 'EdDSA' as const,
  });
  return {
    adapter: Storage,
    clients: [
      publicClient(DASHBOARD_CLIENT_ID, '联审工作台', '/dashboard/'),
      publicClient(EXPLORER_CLIENT_ID, '数据浏览器', '/graphql'),
      ...partners.map((p) => ({
        client_id: p.clientId,
        client_secret: p.clientSecret,
        client_name: p.name,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic' as const,
        // No id token is ever issued to them, but the metadata must name an algorithm this provider signs with.
        id_token_signed_response_alg: 'EdDSA' as const,
      })),
    ],
    jwks: { keys: [signingJwk as never] },
    // Sessions live for the process only, so cookie keys may too.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // SameSite=None needs HTTPS; every flow here is a top-level navigation, which Lax allows.
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    claims: { openid: ['sub'], profile: ['name', 'org', 'region'] },
    scopes: ['openid', 'offline_access', 'profile'],
    findAccount: (_ctx, id) => {
      const member = staffMember(id);
      if (!member) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: member.name, org: member.department, region: member.region }) };
    },
    pkce: { required: () => true },
    ttl: {
      Session: SESSION_SECONDS,
      Grant: SESSION_SECONDS,
      RefreshToken: SESSION_SECONDS,
      AccessToken: ACCESS_TOKEN_SECONDS,
      ClientCredentials: ACCESS_TOKEN_SECONDS,
      IdToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      Interaction: 15 * 60,
    },
    // A refresh token for every sign-in of a client allowed them: the pages refresh their short access tokens all day.
    // Without offline_access (which oidc-provider grants only with prompt=consent) they end with the session, so 退出
    // at the provider ends every page's refreshing too.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The browser pages call the token endpoint from the gateway's origins.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => sendPage(ctx, logoutPage(form)),
        postLogoutSuccessSource: async (ctx) => sendPage(ctx, loggedOutPage()),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => GATEWAY_RESOURCE,
        useGrantedResource: async () => true,
        // The gateway is the one resource server here: a token for anything else is refused, not made out to the gateway.
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== GATEWAY_RESOURCE) throw new errors.InvalidTarget();
          return {
          scope: GATEWAY_SCOPES.join(' '),
          audience: GATEWAY_AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_SECONDS,
          jwt: { sign: { alg: 'EdDSA' } },
          };
        },
      },
    },
    // What the gateway reads from a user's access token (gateway/capabilities/sign-in.ts).
    extraTokenClaims: async (_ctx, token) => {
      const member = 'accountId' in token && typeof token.accountId === 'string' ? staffMember(token.accountId) : undefined;
      return member ? { name: member.name, org: member.department, region: member.region } : undefined;
    },
    renderError: async (ctx, out, error) => sendPage(ctx, errorPage('请返回联审工作台重新登录；如果一再出现，请联系县政务服务中心。', `${out.error}: ${out.error_description ?? error.message}`), 400),
  };
}

function sendPage(ctx: KoaContextWithOIDC, html: string, status = 200) {
  ctx.status = status;
  ctx.set(PAGE_SECURITY_HEADERS);
  ctx.body = html;
}

/** The provider's own endpoints, and the sign-in interaction in front of them. */
function routes(provider: Provider, logger: Logger) {
  const callback = provider.callback();
  return (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec(req.url?.split('?')[0] ?? '');
    if (!match) return callback(req, res);
    void interaction(provider, req, res, match[2] ?? '').catch((error: Error) => {
      logger.warn({ err: error }, 'identity provider interaction failed');
      if (res.headersSent) return res.end();
      res.writeHead(400, PAGE_SECURITY_HEADERS).end(errorPage('登录已过期或已完成，请返回联审工作台重新登录。', error.message));
    });
  };
}

async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse, step: string) {
  const details = await provider.interactionDetails(req, res);
  const client = await provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? String(details.params.client_id);
  const base = `/interaction/${details.uid}`;

  if (step === '/abort' && req.method === 'POST') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person cancelled the sign-in' }, { mergeWithLastSubmission: false });
  }
  if (step === '/login' && req.method === 'POST') {
    const body = await readBody(req, MAX_FORM_BYTES);
    if (body === 'too-large') throw new Error('sign-in form too large');
    const form = new URLSearchParams(body.toString('utf8'));
    const username = (form.get('username') ?? '').trim();
    const member = staffMember(username);
    if (!member || form.get('password') !== DEMO_PASSWORD) {
      res.writeHead(200, PAGE_SECURITY_HEADERS).end(loginPage({ action: `${base}/login`, abort: `${base}/abort`, clientName, username, error: '账号或密码不正确，请重新输入。', demo: { staff: STAFF, password: DEMO_PASSWORD } }));
      return;
    }
    return provider.interactionFinished(req, res, { login: { accountId: member.id } }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === 'login') {
    res.writeHead(200, PAGE_SECURITY_HEADERS).end(loginPage({ action: `${base}/login`, abort: `${base}/abort`, clientName, demo: { staff: STAFF, password: DEMO_PASSWORD } }));
    return;
  }
  // Consent: the county's own pages ask nothing more of a signed-in person. This is what makes the
  // second page's sign-in silent (单点登录). A person is granted the scopes the roster gives them, never more.
  const accountId = details.session?.accountId;
  const member = accountId ? staffMember(accountId) : undefined;
  if (!member) throw new Error('no signed-in staff member for this consent');
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: member.id, clientId: String(details.params.client_id) });
  if (!grant) throw new Error('the grant of this sign-in is gone');
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    const held = scopes.filter((s) => member.scopes.includes(s));
    const refused = scopes.filter((s) => !member.scopes.includes(s));
    if (held.length) grant.addResourceScope(resource, held.join(' '));
    // Rejected, not left missing: a page asks for every scope the gateway knows and gets the ones this person holds.
    if (refused.length) grant.rejectResourceScope(resource, refused.join(' '));
  }
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
