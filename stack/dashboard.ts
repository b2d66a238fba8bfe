/**
 * 联审工作台 (web/dashboard, built into dist/web/dashboard) as the embedded default serves
 * it: the built files under /dashboard/, and `config.json`, which tells the page where
 * GraphQL is and — for the development issuer only — hands it a token, so a newcomer's
 * browser is signed in without copying one. Production has no development issuer, so no
 * token is ever served there. With an identity provider (`signIn`; `npm start` runs one) the
 * page signs its person in there instead, and no token is handed out at all.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_BUILD_DIR } from '../lib/paths';
import { sendJson, type Route } from '../lib/graphql-http';
import { isLoopbackRequest } from '../lib/loopback';
import type { StaticSiteOptions } from '../lib/static-files';
import type { PageSignIn } from '../contracts/sign-in';

export const DASHBOARD_PREFIX = '/dashboard';
export const DEFAULT_DASHBOARD_ROOT = join(WEB_BUILD_DIR, 'dashboard');

export interface DashboardOptions {
  /** The built dashboard; default dist/web/dashboard. */
  root?: string;
  /** Mints the token `config.json` hands to a browser on this machine; development issuer only. */
  developmentToken?: () => Promise<string>;
  /** Where staff sign in (统一身份认证, single sign-on with the explorer). */
  signIn?: PageSignIn;
}

/** What the dashboard reads from `config.json` (web/dashboard/src/session.ts). */
export interface DashboardConfig {
  endpoint: string;
  developmentToken: string | null;
  signIn: PageSignIn | null;
}

export function dashboardSite(options: DashboardOptions): StaticSiteOptions {
  return {
    root: options.root ?? DEFAULT_DASHBOARD_ROOT,
    prefix: DASHBOARD_PREFIX,
    spaFallback: true,
    connectTo: options.signIn ? [new URL(options.signIn.issuer).origin] : [],
    missingHint: 'run `npm run build:web` (npm install does it), then reload',
  };
}

export function dashboardRoutes(options: DashboardOptions, endpoint = '/graphql'): Record<string, Route> {
  return {
    // A person who types the gateway's address reaches the dashboard; a program keeps the JSON answer that says where GraphQL is.
    '/': (req, res) => {
      if (req.headers.accept?.includes('text/html')) {
        res.writeHead(302, { location: `${DASHBOARD_PREFIX}/` });
        res.end();
      } else {
        sendJson(res, 404, { errors: [{ message: `nothing at /; GraphQL is at ${endpoint}, the dashboard at ${DASHBOARD_PREFIX}/`, extensions: { code: 'BAD_REQUEST' } }] });
      }
    },
    [`${DASHBOARD_PREFIX}/config.json`]: async (req, res) => {
      // HOST=0.0.0.0 exposes the gateway; a token with every scope stays with browsers on this machine.
      // A person signs in at the identity provider when there is one: no token is handed out then.
      const token = !options.signIn && options.developmentToken && isLoopbackRequest(req) ? await options.developmentToken() : null;
      const config: DashboardConfig = { endpoint, developmentToken: token, signIn: options.signIn ?? null };
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, config);
    },
  };
}

export const dashboardBuilt = (root = DEFAULT_DASHBOARD_ROOT): boolean => existsSync(join(root, 'index.html'));
