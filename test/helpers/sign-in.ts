/**
 * Signing in at the embedded identity provider over HTTP, as a browser does (authorization
 * code with PKCE, the login form, cookies), for tests that need a real token without a
 * browser. Each `SignInAgent` is one browser: its cookie jar is its identity-provider session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DASHBOARD_CLIENT_ID, DEMO_PASSWORD, GATEWAY_SCOPES } from '../../stack/identity-provider/provider';
import { PAGE_OIDC_SCOPES } from '../../contracts/sign-in';

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
  scope: string;
  expires_in: number;
}

export class SignInAgent {
  constructor(
    private readonly issuer: string,
    /** The gateway's origin: the dashboard's redirect address is under it. */
    private readonly gatewayOrigin: string,
    private readonly clientId = DASHBOARD_CLIENT_ID,
    private readonly path = '/dashboard/',
    private readonly jar = new Map<string, string>(),
  ) {}

  /** Another page in the same browser: the same cookies, so the same identity-provider session. */
  asClient(clientId: string, path: string): SignInAgent {
    return new SignInAgent(this.issuer, this.gatewayOrigin, clientId, path, this.jar);
  }

  get redirectUri() {
    return `${this.gatewayOrigin}${this.path}`;
  }

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(url, this.issuer), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /**
   * Starts an authorization request and follows it until the provider either shows a page
   * (the login form: `page`) or sends the browser back to the client (`callback`).
   */
  async authorize(scope = [...PAGE_OIDC_SCOPES, ...GATEWAY_SCOPES].join(' ')): Promise<{ verifier: string; state: string; stop: { page: string; url: string } | { callback: URL } }> {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const query = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state,
    });
    return { verifier, state, stop: await this.follow(await this.get(`/auth?${query}`)) };
  }

  async follow(response: Response): Promise<{ page: string; url: string } | { callback: URL }> {
    let current = response;
    let url = current.url;
    for (let hops = 0; hops < 10; hops++) {
      if (current.status < 300 || current.status >= 400) return { page: await current.text(), url };
      const location = new URL(current.headers.get('location')!, this.issuer);
      if (location.href.startsWith(this.redirectUri)) return { callback: location };
      url = location.href;
      current = await this.get(location.href);
    }
    throw new Error('too many redirects');
  }

  /** The login form's answer: where the provider goes next. */
  async submitLogin(interactionUrl: string, username: string, password = DEMO_PASSWORD) {
    const uid = /\/interaction\/([\w-]+)/.exec(interactionUrl)![1];
    return this.follow(
      await this.get(`/interaction/${uid}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      }),
    );
  }

  async exchange(callback: URL, verifier: string): Promise<{ status: number; body: Tokens & { error?: string } }> {
    const response = await fetch(new URL('/token', this.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.gatewayOrigin },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: this.redirectUri, client_id: this.clientId, code_verifier: verifier }),
    });
    return { status: response.status, body: (await response.json()) as Tokens & { error?: string } };
  }

  async refresh(refreshToken: string): Promise<{ status: number; body: Tokens & { error?: string } }> {
    const response = await fetch(new URL('/token', this.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.gatewayOrigin },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId }),
    });
    return { status: response.status, body: (await response.json()) as Tokens & { error?: string } };
  }

  /** The whole sign-in of one person: tokens for the gateway. */
  async signIn(username: string, password = DEMO_PASSWORD): Promise<Tokens> {
    const { verifier, stop } = await this.authorize();
    const next = 'page' in stop ? await this.submitLogin(stop.url, username, password) : stop;
    if (!('callback' in next)) throw new Error(`sign-in as ${username} did not come back: ${next.page.slice(0, 200)}`);
    const { status, body } = await this.exchange(next.callback, verifier);
    if (status !== 200) throw new Error(`token exchange: ${status} ${JSON.stringify(body)}`);
    return body;
  }
}

export const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
