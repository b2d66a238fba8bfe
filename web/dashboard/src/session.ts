/**
 * Who the dashboard calls the gateway as. In the embedded default (`npm start`, never in
 * production) the gateway hands this browser a development token at `config.json`. Elsewhere
 * the reviewer pastes a token; the county's SSO login flow (统一身份认证) that would
 * supply it is not built. The token stays in this tab's sessionStorage only.
 */

export interface DashboardConfig {
  /** Where GraphQL is served, same origin. */
  endpoint: string;
  /** Only from the embedded default's development issuer. */
  developmentToken: string | null;
}

const STORAGE_KEY = 'county-dashboard.token';

export async function loadConfig(base: string): Promise<DashboardConfig> {
  const fallback: DashboardConfig = { endpoint: '/graphql', developmentToken: null };
  try {
    const response = await fetch(`${base}config.json`, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) return fallback;
    const body = (await response.json()) as Partial<DashboardConfig>;
    return {
      endpoint: typeof body.endpoint === 'string' ? body.endpoint : fallback.endpoint,
      developmentToken: typeof body.developmentToken === 'string' ? body.developmentToken : null,
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
}

/** What the token says about its holder, for the header only: the gateway verifies it, not this page. */
export function callerOf(token: string): Caller | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as { sub?: string; name?: string; org?: string; region?: string };
    return { name: claims.name ?? claims.sub ?? '未知用户', org: claims.org ?? null, region: claims.region ?? null };
  } catch {
    return null;
  }
}
