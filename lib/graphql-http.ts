/**
 * Apollo Server on a plain `node:http` server: the one place HTTP becomes a GraphQL
 * request, shared by the gateway and the subgraphs. Extra routes (/healthz …) come
 * first; everything under `path` goes to Apollo Server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { HttpError } from './errors';
import { requestIdFrom, withRequestId } from './request-scope';
import type { Logger } from './logger';
import { traceServerRequest, tracerFor, type Component } from './tracing';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the request's context before GraphQL runs; throwing HttpError answers at once (401, 429 …). */
  context: (req: IncomingMessage, requestId: string) => Promise<TContext>;
  /**
   * Makes the request id reachable from anywhere the request's work goes
   * (`currentRequestId()`: resolvers, DataLoader batches, department calls). It costs
   * every promise of the process a hook (AsyncLocalStorage on Node 20), so only servers
   * whose deep code needs it turn it on; the gateway passes the id in its context.
   */
  requestScope?: boolean;
  /** Origins allowed to call from a browser (CORS); none: no cross-origin access. */
  corsOrigins?: readonly string[];
  logger: Logger;
  path?: string;
  /** Requests with a larger body are refused with 413 before they are parsed. */
  maxBodyBytes?: number;
  /** Exact paths (`/healthz`), or a folder and everything under it (`/dashboard/*`). */
  routes?: Record<string, Route>;
  /** Answers a browser's plain GET of `path` (Accept: text/html, no query): the explorer. */
  landingPage?: Route;
  /** Whose server spans GraphQL requests are, while tracing runs. */
  tracedAs?: Component;
  /** Answers a request on `path` that asks for an event stream (Accept: text/event-stream): subscriptions over SSE. */
  eventStream?: (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;
}

export function createGraphQLHttpServer<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>): Server {
  const { apollo, context, logger, path = '/graphql', maxBodyBytes = 1_000_000, routes = {}, landingPage, requestScope = false, tracedAs } = options;
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const folders = Object.entries(routes)
    .filter(([key]) => key.endsWith('/*'))
    .map(([key, route]) => [key.slice(0, -2), route] as const);
  const routeFor = (pathname: string): Route | undefined =>
    routes[pathname] ?? folders.find(([folder]) => pathname === folder || pathname.startsWith(`${folder}/`))?.[1];
  const wantsLandingPage = (req: IncomingMessage, pathname: string) =>
    landingPage !== undefined &&
    pathname === path &&
    req.method === 'GET' &&
    (req.headers.accept ?? '').includes('text/html') &&
    !/[?&](query|extensions)=/.test(req.url ?? '');

  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    const origin = req.headers.origin;
    if (origin && corsOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS' && pathname === path) {
      if (!origin || !corsOrigins.has(origin)) return sendJson(res, 403, badRequest(`origin ${origin ?? '(none)'} is not allowed (CORS_ORIGINS)`));
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization, x-api-key, x-purpose, x-request-id, apollo-require-preflight',
        'access-control-max-age': '600',
      });
      return res.end();
    }
    const route = wantsLandingPage(req, pathname) ? landingPage : routeFor(pathname);
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const tracer = tracedAs && tracerFor(tracedAs);
    const scoped = <T>(id: string, run: () => T): T => (requestScope ? withRequestId(id, run) : run());
    const handled = route
      ? route(req, res)
      : pathname === path && options.eventStream && (req.headers.accept ?? '').includes('text/event-stream')
        ? options.eventStream(req, res, requestId)
        : pathname === path
        ? scoped(requestId, () => (tracer ? traceServerRequest(tracer, req, res, path, requestId, () => handleGraphQL(req, res, requestId)) : handleGraphQL(req, res, requestId)))
        : sendJson(res, 404, { errors: [{ message: `nothing at ${pathname}; GraphQL is at ${path}`, extensions: { code: 'BAD_REQUEST' } }] });
    void Promise.resolve(handled).catch((error: unknown) => {
      // A client that hangs up mid-request is not our failure: one line, no stack trace.
      if (clientWentAway(req, error)) {
        logger.info({ requestId, reason: (error as Error).message }, 'the client closed the connection before the answer');
        res.destroy();
        return;
      }
      logger.error({ err: error }, 'unhandled error answering a request');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });
  // Clients (the gateway, load balancers) reuse connections; outlive their idle timers.
  server.keepAliveTimeout = 65_000;
  return server;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, maxBodyBytes);
      if (raw === 'too-large') {
        return sendJson(res, 413, badRequest(`request body is larger than ${maxBodyBytes} bytes`));
      }
      const type = headers.get('content-type') ?? '';
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return sendJson(res, 400, badRequest('request body is not valid JSON'));
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const search = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    let contextValue: TContext;
    try {
      contextValue = await context(req, requestId);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search, body },
      context: async () => contextValue,
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Encoded once, outside V8's heap. Handed the string, Node prefixes the header text to it
      // and flattens the pair on V8's heap before encoding: a second copy of every answer there.
      res.end(Buffer.from(response.body.string, 'utf8'));
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

function clientWentAway(req: IncomingMessage, error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  // Not req.destroyed: it is true as soon as the body has been read, hang-up or not.
  return req.socket.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as Error | null)?.message === 'aborted';
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

const badRequest = (message: string) => ({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });

/** The request's body, or 'too-large' past `limit` bytes (read to the end, so the answer can still be sent). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
