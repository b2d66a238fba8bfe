/**
 * Files built at build time (the explorer, the dashboard) served by the gateway itself:
 * county networks cannot reach a CDN, so every script, style and font comes from here.
 */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from './errors';
import { sendJson, type Route } from './graphql-http';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.graphql': 'text/plain; charset=utf-8',
};

/**
 * Nothing the pages need comes from another host; the browser is told so too. The one
 * exception a page may be given: hosts it calls (`connectTo`), the identity provider's
 * token endpoint for a page that signs its user in.
 */
export const contentSecurityPolicy = (connectTo: readonly string[] = []) =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src ${["'self'", ...connectTo].join(' ')}; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export interface StaticSiteOptions {
  /** Folder of the built site (holds index.html). */
  root: string;
  /** URL prefix it is served under, without the trailing slash: `/dashboard`. */
  prefix: string;
  /** Origins the pages fetch from besides their own (the identity provider's). */
  connectTo?: readonly string[];
  /** Unknown paths that are not files answer index.html (a single-page app's own routes). */
  spaFallback?: boolean;
  /** Said when the folder was never built. */
  missingHint?: string;
}

/**
 * A route for `prefix` and everything under it. Hashed asset names (`assets/*`) are cached
 * for a year; index.html never, so a new build is picked up at once.
 */
export function staticSite(options: StaticSiteOptions): Route {
  const { prefix, spaFallback = false } = options;
  const root = normalize(options.root);
  const csp = contentSecurityPolicy(options.connectTo);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { errors: [{ message: `${req.method} is not allowed on ${prefix}`, extensions: { code: 'BAD_REQUEST' } }] });
    }
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    if (pathname === prefix) {
      // Relative asset URLs resolve against the folder, so the bare prefix redirects to it.
      res.writeHead(308, { location: `${prefix}/` }).end();
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(prefix.length + 1));
    } catch {
      return sendJson(res, 400, { errors: [{ message: 'malformed path', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const file = normalize(join(root, relative || 'index.html'));
    if (file !== root && !file.startsWith(root + sep)) {
      return sendJson(res, 404, { errors: [{ message: `nothing at ${pathname}`, extensions: { code: 'BAD_REQUEST' } }] });
    }
    const found = (await fileAt(file)) ?? (spaFallback && !extname(relative) ? await fileAt(join(root, 'index.html')) : undefined);
    if (!found) {
      const built = await fileAt(join(root, 'index.html'));
      if (!built) {
        return sendJson(res, 503, {
          errors: [{ message: `${prefix} is not built: ${options.missingHint ?? 'run `npm run build:web`'}`, extensions: { code: 'NOT_BUILT' satisfies ErrorCode } }],
        });
      }
      return sendJson(res, 404, { errors: [{ message: `nothing at ${pathname}`, extensions: { code: 'BAD_REQUEST' } }] });
    }
    sendFile(req, res, found.path, found.stats, csp);
  };
}

export function sendFile(req: IncomingMessage, res: ServerResponse, path: string, stats: Stats, csp = contentSecurityPolicy()): void {
  const immutable = /[\\/]assets[\\/]/.test(path);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stats.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(path).pipe(res);
}

async function fileAt(path: string): Promise<{ path: string; stats: Stats } | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? { path, stats } : undefined;
  } catch {
    return undefined;
  }
}
