/**
 * Who the dashboard calls the gateway as. With an identity provider in `config.json`
 * (`npm start` runs one) staff sign in there (web/shared/page-session.ts). Without one, a
 * test stack's development token, or a pasted token kept in this tab's sessionStorage only.
 */
import type { PageSignIn } from '../../../contracts/sign-in';


export interface DashboardConfig {
  /** Where GraphQL is served, same origin. */
  endpoint: string;
  /** Only from a development issuer, and never beside an identity provider. */
  developmentToken: string | null;
  /** Where staff sign in (统一身份认证). */
  signIn: PageSignIn | null;
}

const STORAGE_KEY = 'county-dashboard.token';

export async function loadConfig(base: string): Promise<DashboardConfig> {
  const fallback: DashboardConfig = { endpoint: '/graphql', developmentToken: null, signIn: null };
  try {
    const response = await fetch(`${base}config.json`, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) return fallback;
    const body = (await response.json()) as Partial<DashboardConfig>;
    return {
      endpoint: typeof body.endpoint === 'string' ? body.endpoint : fallback.endpoint,
      developmentToken: typeof body.developmentToken === 'string' ? body.developmentToken : null,
      signIn: isPageSignIn(body.signIn) ? body.signIn : null,
    };
  } catch {
    return fallback;
  }
}

export const storedToken = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeToken = (token: string): void => sessionStorage.setItem(STORAGE_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(STORAGE_KEY);

export interface Caller {
  name: string;
  org: string | null;
  region: string | null;
  /** What the page offers by (审查 for a department: `approval:review:<部门代码>`); the gateway and the subgraph decide. */
  scopes: string[];
}

/** What the token says about its holder, for the header only: the gateway verifies it, not this page. */
export function callerOf(token: string): Caller | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as { sub?: string; name?: string; org?: string; region?: string; scope?: string };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    return { name: claims.name ?? claims.sub ?? '未知用户', org: claims.org ?? null, region: claims.region ?? null, scopes };
  } catch {
    return null;
  }
}

const isPageSignIn = (value: unknown): value is PageSignIn =>
  typeof value === 'object' && value !== null && ['issuer', 'clientId', 'scope'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');
