/**
 * The GraphQL explorer (GraphiQL, built from web/explorer into dist/web/explorer): what a
 * browser gets for `GET /graphql`. Every script, style, worker and font is served from
 * here; county networks (政务外网) reach nothing else. The page carries its settings —
 * endpoint, example tabs, the development token — in a JSON data block, so the CSP can
 * keep forbidding inline scripts.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WEB_BUILD_DIR } from '../lib/paths';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../lib/errors';
import { sendJson, type Route } from '../lib/graphql-http';
import { isLoopbackRequest } from '../lib/loopback';
import { contentSecurityPolicy, staticSite } from '../lib/static-files';
import type { PageSignIn } from '../contracts/sign-in';
import { CONFIG_ELEMENT_ID, type ExplorerPageConfig } from '../contracts/explorer-page';

export const EXPLORER_PREFIX = '/explorer';
export const DEFAULT_EXPLORER_ROOT = join(WEB_BUILD_DIR, 'explorer');

/** An operation opened as a tab, with variables that work against the data behind it. */
export interface ExplorerExample {
  query: string;
  variables?: Record<string, unknown>;
}

export interface ExplorerOptions {
  /** The built explorer; default dist/web/explorer. */
  root?: string;
  title?: string;
  /** Opened as tabs; none: one empty tab. */
  examples?: ExplorerExample[];
  /**
   * Development only (the embedded default's own issuer): mints the token put in the
   * headers editor, once per page load so it never goes stale, for browsers on this
   * machine only. Refused in production.
   */
  developmentToken?: () => Promise<string>;
  /** Sign the person in at the identity provider (single sign-on with the dashboard) instead of a development token. */
  signIn?: PageSignIn;
}

export interface ExplorerPages {
  /** `GET /graphql` from a browser. */
  landingPage: Route;
  /** The page also at /explorer/, and its assets under /explorer/*. */
  routes: Record<string, Route>;
}

export function explorerPages(options: ExplorerOptions, gateway: { production: boolean; endpoint: string }): ExplorerPages {
  if (gateway.production && options.developmentToken) {
    throw new Error('the explorer never carries a development token in production: drop developmentToken (or NODE_ENV=production)');
  }
  const root = options.root ?? DEFAULT_EXPLORER_ROOT;
  const tabs = (options.examples ?? []).map((example) => ({
    query: example.query,
    variables: example.variables && JSON.stringify(example.variables, null, 2),
  }));

  const csp = contentSecurityPolicy(options.signIn ? [new URL(options.signIn.issuer).origin] : []);
  const page: Route = async (req, res) => {
    let html: string;
    try {
      html = await readFile(resolve(root, 'index.html'), 'utf8');
    } catch {
      return notBuilt(res);
    }
    // Only to a browser on this machine that named it by a loopback name (lib/loopback.ts).
    const token = options.developmentToken && isLoopbackRequest(req) ? await options.developmentToken() : null;
    const config: ExplorerPageConfig = {
      endpoint: gateway.endpoint,
      title: options.title ?? 'GraphQL explorer',
      tabs,
      headers: token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : null,
      introspection: !gateway.production,
      signIn: options.signIn ?? null,
    };
    sendPage(req, res, html.replace('</head>', `${dataBlock(config)}\n  </head>`), csp);
  };

  return {
    landingPage: page,
    routes: {
      [`${EXPLORER_PREFIX}/`]: page,
      [`${EXPLORER_PREFIX}/index.html`]: page,
      [`${EXPLORER_PREFIX}/*`]: staticSite({ root, prefix: EXPLORER_PREFIX }),
    },
  };
}

/** A `<script type="application/json">` block: data, never run; `<` escaped so no text can close it. */
function dataBlock(config: ExplorerPageConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${json}</script>`;
}

function sendPage(req: IncomingMessage, res: ServerResponse, html: string, csp: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // The page may carry a token: never kept by a cache or the browser's back-forward store.
    'cache-control': 'no-store',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

function notBuilt(res: ServerResponse): void {
  sendJson(res, 503, {
    errors: [{ message: 'the GraphQL explorer is not built: run `npm run build:web` (npm install does it)', extensions: { code: 'NOT_BUILT' satisfies ErrorCode } }],
  });
}
