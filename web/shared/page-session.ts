/**
 * A page's sign-in at the county's identity service (统一身份认证), in the browser:
 * OpenID Connect authorization code with PKCE as a public client (oauth4webapi does the
 * protocol and its checks). The dashboard and the explorer both use it, each as its own
 * client; the identity provider's session cookie is what makes the second sign-in silent
 * (单点登录).
 *
 * Tokens stay in this tab's sessionStorage. The access token is short-lived and refreshed
 * before it expires; when refreshing fails the page signs in again, which is silent while
 * the identity provider's session lasts (a working day).
 */
import * as oauth from 'oauth4webapi';
import type { PageSignIn } from '../../contracts/sign-in';

interface Tokens {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  /** ms since the epoch */
  expiresAt: number;
}

interface Pending {
  verifier: string;
  state: string;
  /** Where the person was when sign-in began: they come back there. */
  returnTo: string;
}

export type PageSessionStart = { state: 'signed-in'; session: PageSession } | { state: 'redirecting' } | { state: 'failed'; message: string; detail: string };

/** Refresh when this share of the access token's life has passed. */
const REFRESH_AT = 0.7;

export class PageSession {
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Signed out (or signing in again): a refresh still in flight must not store its tokens. */
  private closed = false;
  private refreshing: Promise<boolean> | undefined;

  private constructor(
    private readonly server: oauth.AuthorizationServer,
    private readonly client: oauth.Client,
    private readonly options: { [oauth.allowInsecureRequests]?: boolean },
    private readonly redirectUri: string,
    private readonly storageKey: string,
    private tokens: Tokens,
  ) {
    this.scheduleRefresh();
  }

  /**
   * Signed in already (this tab), coming back from the identity provider, or off to it now.
   * `redirectUri` is this page's address registered at the identity provider.
   */
  static async start(settings: PageSignIn, redirectUri: string): Promise<PageSessionStart> {
    const issuer = new URL(settings.issuer);
    // http only for an identity provider on this machine (the embedded default); anything else must be https.
    const options = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? { [oauth.allowInsecureRequests]: true } : {};
    const client: oauth.Client = { client_id: settings.clientId, id_token_signed_response_alg: 'EdDSA' };
    const storageKey = `county-sign-in:${settings.clientId}`;
    let server: oauth.AuthorizationServer;
    try {
      server = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' }));
    } catch (error) {
      return { state: 'failed', message: '统一身份认证服务暂时无法访问，请稍后点击“重新登录”；如果一再出现，请联系县政务服务中心。', detail: describe(error) };
    }
    const here = new URL(location.href);
    const pending = read<Pending>(`${storageKey}:pending`);
    if (pending && (here.searchParams.has('code') || here.searchParams.has('error')) && here.searchParams.get('state') === pending.state) {
      sessionStorage.removeItem(`${storageKey}:pending`);
      try {
        const parameters = oauth.validateAuthResponse(server, client, here, pending.state);
        const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, redirectUri, pending.verifier, options);
        const tokens = toTokens(await oauth.processAuthorizationCodeResponse(server, client, response));
        sessionStorage.setItem(storageKey, JSON.stringify(tokens));
        history.replaceState(null, '', pending.returnTo);
        return { state: 'signed-in', session: new PageSession(server, client, options, redirectUri, storageKey, tokens) };
      } catch (error) {
        history.replaceState(null, '', pending.returnTo);
        const cancelled = error instanceof oauth.AuthorizationResponseError && error.error === 'access_denied';
        return { state: 'failed', message: cancelled ? '已取消登录。' : '登录没有完成，请点击“重新登录”。', detail: describe(error) };
      }
    }
    const stored = read<Tokens>(storageKey);
    if (stored && stored.expiresAt > Date.now() + 5_000) return { state: 'signed-in', session: new PageSession(server, client, options, redirectUri, storageKey, stored) };
    // An expired access token with its refresh token (a page reopened after a pause): refreshed, no trip to the provider.
    if (stored?.refreshToken) {
      const session = new PageSession(server, client, options, redirectUri, storageKey, stored);
      if (await session.refresh()) return { state: 'signed-in', session };
      session.close();
    }
    await PageSession.redirectToSignIn(server, settings, redirectUri, storageKey);
    return { state: 'redirecting' };
  }

  private static async redirectToSignIn(server: oauth.AuthorizationServer, settings: PageSignIn, redirectUri: string, storageKey: string) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(server.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: settings.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: settings.scope,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    }).toString();
    const pending: Pending = { verifier, state, returnTo: location.href };
    sessionStorage.setItem(`${storageKey}:pending`, JSON.stringify(pending));
    sessionStorage.removeItem(storageKey);
    location.assign(url.href);
  }

  get accessToken(): string {
    return this.tokens.accessToken;
  }

  /** Ends the sign-in here and at the identity provider (every page signed in through it), then comes back to this page. */
  signOut(): void {
    this.close();
    sessionStorage.removeItem(this.storageKey);
    const endSession = this.server.end_session_endpoint;
    if (!endSession) return location.assign(this.redirectUri);
    const url = new URL(endSession);
    url.search = new URLSearchParams({
      client_id: this.client.client_id,
      post_logout_redirect_uri: this.redirectUri,
      ...(this.tokens.idToken ? { id_token_hint: this.tokens.idToken } : {}),
    }).toString();
    location.assign(url.href);
  }

  /** The gateway refused the token (expired, revoked): sign in again, silently while the identity provider's session lasts. */
  async signInAgain(settings: PageSignIn): Promise<void> {
    this.close();
    await PageSession.redirectToSignIn(this.server, settings, this.redirectUri, this.storageKey);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.refreshTimer);
  }

  private scheduleRefresh() {
    if (!this.tokens.refreshToken || this.closed) return;
    const lifetime = this.tokens.expiresAt - Date.now();
    this.refreshTimer = setTimeout(() => void this.refresh(), Math.max(1_000, lifetime * REFRESH_AT));
  }

  /**
   * A new access token by the refresh token; false when the provider refused (the session ended) or could not be
   * asked. One at a time: refresh tokens rotate, and a spent one sent again makes the provider revoke the grant.
   */
  refresh(): Promise<boolean> {
    clearTimeout(this.refreshTimer);
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<boolean> {
    try {
      const response = await oauth.refreshTokenGrantRequest(this.server, this.client, oauth.None(), this.tokens.refreshToken!, this.options);
      const next = toTokens(await oauth.processRefreshTokenResponse(this.server, this.client, response));
      if (this.closed) return false;
      this.tokens = { ...next, idToken: next.idToken ?? this.tokens.idToken, refreshToken: next.refreshToken ?? this.tokens.refreshToken };
      sessionStorage.setItem(this.storageKey, JSON.stringify(this.tokens));
      this.scheduleRefresh();
      return true;
    } catch {
      // The current token serves until it expires; the gateway's 401 then starts a new sign-in.
      return false;
    }
  }
}

function toTokens(response: oauth.TokenEndpointResponse): Tokens {
  return {
    accessToken: response.access_token,
    idToken: response.id_token,
    refreshToken: response.refresh_token,
    expiresAt: Date.now() + (response.expires_in ?? 600) * 1000,
  };
}

function read<T>(key: string): T | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

const isLoopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

function describe(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) return `${error.error}: ${error.error_description ?? ''}`;
  if (error instanceof oauth.ResponseBodyError) return `${error.error}: ${error.error_description ?? ''} (HTTP ${error.status})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
