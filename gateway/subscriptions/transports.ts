/**
 * The two ways clients subscribe, on the gateway's GraphQL path:
 * - GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`): the token in
 *   `connection_init`'s payload as `{ "authorization": "Bearer …", "x-purpose": "…" }`
 *   (or an `x-api-key`), the convention graphql-ws clients use;
 * - GraphQL over Server-Sent Events (graphql-sse's distinct connections mode): a POST with
 *   `Accept: text/event-stream` and the usual headers.
 * Both sign in exactly as an HTTP request does (the same context hooks: sign-in, rate
 * limit, purpose), and both carry `extensions.lastEventId` to resume.
 *
 * What a connection may hold is bounded here: subscriptions per connection and per caller,
 * an idle connection (no subscription) and any connection's total lifetime, the caller's
 * token (the connection ends when it expires), and a consumer that does not read fast
 * enough, whose connection is dropped rather than its events buffered without bound.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GraphQLError, parse } from 'graphql';
import { createHandler as createEventStreamHandler } from 'graphql-sse';
import { CloseCode, type FormattedExecutionResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { HttpError } from '../../lib/errors';
import { readBody, sendJson } from '../../lib/graphql-http';
import type { GatewayContext } from '../capabilities/capability';
import { callerId } from '../capabilities/sign-in';
import type { FederatedSubscriptions, GraphQLRequestBody } from './subscriptions';

export interface SubscriptionLimits {
  /** Subscriptions one connection may hold at once. */
  perConnection: number;
  /** Subscriptions one caller may hold at once on this replica, over all its connections. */
  perCaller: number;
  /** A WebSocket with no subscription is closed after this long. */
  idleSeconds: number;
  /** Any connection is closed after this long (the client reconnects and resumes). */
  lifetimeSeconds: number;
  /** Events completed for one subscription and not yet taken by its client before it counts as too slow and is dropped. */
  maxWaitingEvents: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  perConnection: 20,
  perCaller: 100,
  idleSeconds: 60,
  lifetimeSeconds: 8 * 3600,
  maxWaitingEvents: 100,
};

export interface TransportOptions {
  server: Server;
  path: string;
  subscriptions: FederatedSubscriptions;
  /** The gateway's own context builder (the same hooks as an HTTP request's). */
  context(req: IncomingMessage, requestId: string): Promise<GatewayContext>;
  limits: SubscriptionLimits;
  maxBodyBytes: number;
  /** Told of each subscription opened and closed, and each connection dropped (metrics). */
  observe?: { opened(): void; closed(): void; dropped(reason: 'slow' | 'expired' | 'lifetime' | 'idle'): void };
}

/** What graphql-ws is given to read the operation's type from: the stream itself travels as the root value. */
const HANDED_OVER = parse('subscription HandedOver { handedOver }');

/** Close codes a client can act on: graphql-ws's own where one fits, 4xxx of ours otherwise. */
const CLOSE = { tokenExpired: 4401, slowConsumer: 4008, lifetime: 4000, idle: 4001, unavailable: 1013 } as const;

export interface SubscriptionTransports {
  /** Serves an event-stream request (Accept: text/event-stream) on the GraphQL path. */
  eventStream(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  /** Subscriptions open now, per transport (for /status and tests). */
  active(): { webSocket: number; eventStream: number };
  close(): Promise<void>;
}

export function serveSubscriptionTransports(options: TransportOptions): SubscriptionTransports {
  const { limits } = options;
  const perCaller = new Map<string, number>();
  let webSocketCount = 0;
  let eventStreamCount = 0;

  /** A slot for one more subscription of this caller, or the refusal. */
  const take = (context: GatewayContext): (() => void) | GraphQLError => {
    const who = callerId(context.caller);
    const held = perCaller.get(who) ?? 0;
    if (held >= limits.perCaller) {
      return new GraphQLError(`you hold ${held} subscriptions on this gateway, the most one caller may: end one before opening another`, { extensions: { code: 'TOO_MANY_REQUESTS' } });
    }
    perCaller.set(who, held + 1);
    options.observe?.opened();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      options.observe?.closed();
      const left = (perCaller.get(who) ?? 1) - 1;
      if (left > 0) perCaller.set(who, left);
      else perCaller.delete(who);
    };
  };

  // ---- GraphQL over WebSocket -------------------------------------------------------
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes });
  options.server.on('upgrade', (req: IncomingMessage, socket, head) => {
    if (new URL(req.url ?? '/', 'http://gateway').pathname !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  interface Connection {
    context?: GatewayContext;
    /** Releases per subscription id. */
    held: Map<string, () => void>;
    timers: NodeJS.Timeout[];
    idle?: NodeJS.Timeout;
  }
  const connections = new WeakMap<object, Connection>();
  const connectionOf = (extra: object): Connection => {
    let connection = connections.get(extra);
    if (!connection) connections.set(extra, (connection = { held: new Map(), timers: [] }));
    return connection;
  };
  const end = (socket: WebSocket, code: number, reason: string, dropped?: 'slow' | 'expired' | 'lifetime' | 'idle') => {
    if (dropped) options.observe?.dropped(dropped);
    if (socket.readyState === socket.OPEN) socket.close(code, reason.slice(0, 120));
  };
  const watchIdle = (connection: Connection, socket: WebSocket) => {
    clearTimeout(connection.idle);
    if (connection.held.size === 0) connection.idle = setTimeout(() => end(socket, CLOSE.idle, 'no subscription for a while: connect again when you need one', 'idle'), limits.idleSeconds * 1000);
  };

  const webSocketServer = useServer<Record<string, unknown> | undefined, { request: IncomingMessage; socket: WebSocket }>(
    {
      // graphql-ws needs a schema to hand to its own executor; ours runs every operation (onSubscribe's result).
      schema: undefined as never,
      onConnect: async (ctx) => {
        const connection = connectionOf(ctx.extra);
        const { request, socket } = ctx.extra;
        try {
          connection.context = await options.context(withHeaders(request, ctx.connectionParams), `ws-${Date.now().toString(36)}`);
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          const code = error.status === 401 ? CloseCode.Unauthorized : error.status === 429 ? CloseCode.TooManyInitialisationRequests : error.status === 503 ? CLOSE.unavailable : CloseCode.Forbidden;
          end(socket, code, `${error.code}: ${error.message}`);
          return false;
        }
        const expiresAt = connection.context.credentialExpiresAt;
        if (expiresAt !== undefined) {
          connection.timers.push(setTimeout(() => end(socket, CLOSE.tokenExpired, 'UNAUTHENTICATED: the token has expired: sign in again and reconnect with the last event id', 'expired'), Math.max(0, expiresAt - Date.now())));
        }
        connection.timers.push(setTimeout(() => end(socket, CLOSE.lifetime, 'the connection reached its longest life: reconnect and resume from the last event id', 'lifetime'), limits.lifetimeSeconds * 1000));
        watchIdle(connection, socket);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connectionOf(ctx.extra);
        // Each subscribe is signed in and counted like an HTTP request (the rate limit, a partner's registration as it
        // is now): subscribing and completing in a loop costs the caller its rate, not the process its CPU.
        let context: GatewayContext;
        try {
          context = await options.context(withHeaders(ctx.extra.request, ctx.connectionParams), `${connection.context!.requestId}:${id}`);
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: error.code } })];
        }
        if (connection.held.size >= limits.perConnection) {
          return [new GraphQLError(`this connection holds ${connection.held.size} subscriptions, the most one may: end one, or open another connection`, { extensions: { code: 'TOO_MANY_REQUESTS' } })];
        }
        const slot = take(context);
        if (slot instanceof GraphQLError) return [slot];
        connection.held.set(id, slot);
        clearTimeout(connection.idle);
        let started;
        try {
          started = await options.subscriptions.start(payload as GraphQLRequestBody, context, {
            maxWaiting: limits.maxWaitingEvents,
            onSlow: () => end(ctx.extra.socket, CLOSE.slowConsumer, 'too slow: events were waiting to be read; reconnect and resume from the last event id', 'slow'),
          });
        } catch (error) {
          release(connection, ctx.extra.socket, id);
          throw error;
        }
        webSocketCount++;
        const stream = started.kind === 'single' ? single(started.result) : started.events;
        const guarded = guard(stream, () => {
          webSocketCount--;
          release(connection, ctx.extra.socket, id);
        });
        // graphql-ws executes the args; ours are the finished stream, handed over through `subscribe` below.
        return { schema: undefined as never, document: HANDED_OVER, rootValue: guarded, contextValue: context };
      },
      subscribe: (args) => args.rootValue as AsyncIterable<never>,
      execute: (args) => args.rootValue as AsyncIterable<never>,
      // Our results are formatted already (Apollo Server's): sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      onComplete: (ctx, id) => release(connectionOf(ctx.extra), ctx.extra.socket, id),
      onClose: (ctx) => {
        const connection = connectionOf(ctx.extra);
        for (const timer of connection.timers) clearTimeout(timer);
        clearTimeout(connection.idle);
        for (const id of [...connection.held.keys()]) release(connection, undefined, id);
      },
    },
    sockets,
  );
  function release(connection: Connection, socket: WebSocket | undefined, id: string): void {
    connection.held.get(id)?.();
    connection.held.delete(id);
    if (socket) watchIdle(connection, socket);
  }

  // ---- GraphQL over Server-Sent Events ------------------------------------------------
  const contexts = new WeakMap<IncomingMessage, GatewayContext>();
  const eventStreamHandler = createEventStreamHandler<IncomingMessage, { res: ServerResponse }, Record<PropertyKey, unknown>>({
    // Distinct connections only: each POST is one subscription, signed in by its own headers.
    authenticate: () => null,
    onSubscribe: async (req, params) => {
      const context = contexts.get(req.raw as IncomingMessage)!;
      const slot = take(context);
      if (slot instanceof GraphQLError) return [JSON.stringify({ errors: [slot.toJSON()] }), { status: 429, statusText: 'Too Many Requests', headers: { 'content-type': 'application/json' } }];
      const res = req.context.res;
      let started;
      try {
        started = await options.subscriptions.start(params as GraphQLRequestBody, context, {
          lastEventIdHeader: headerOf(req.raw as IncomingMessage, 'last-event-id'),
          maxWaiting: limits.maxWaitingEvents,
          onSlow: () => (options.observe?.dropped('slow'), res.destroy()),
        });
      } catch (error) {
        slot();
        throw error;
      }
      eventStreamCount++;
      const timers = [setTimeout(() => res.destroy(), limits.lifetimeSeconds * 1000)];
      if (context.credentialExpiresAt !== undefined) timers.push(setTimeout(() => (options.observe?.dropped('expired'), res.destroy()), Math.max(0, context.credentialExpiresAt - Date.now())));
      // A single result too goes as one event (graphql-sse takes only results with `data` as single ones).
      const stream = guard(started.kind === 'single' ? single(started.result) : started.events, () => {
        eventStreamCount--;
        for (const timer of timers) clearTimeout(timer);
        slot();
      });
      // graphql-sse's own stream hears of a client gone only at its next write (a ping, every 12 s): end ours at once.
      res.once('close', () => void stream.return?.());
      return stream as AsyncIterable<never>;
    },
  });

  return {
    async eventStream(req, res, requestId) {
      // Read here, within the body limit: graphql-sse's own adapter would read any length.
      const raw = req.method === 'POST' ? await readBody(req, options.maxBodyBytes) : undefined;
      if (raw === 'too-large') return sendJson(res, 413, { errors: [{ message: `request body is larger than ${options.maxBodyBytes} bytes`, extensions: { code: 'BAD_REQUEST' } }] });
      try {
        contexts.set(req, await options.context(req, requestId));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
        return sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      const [body, init] = await eventStreamHandler({
        method: req.method!,
        url: req.url!,
        headers: { get: (name) => headerOf(req, name) ?? null },
        body: raw ? raw.toString('utf8') : null,
        raw: req,
        context: { res },
      });
      res.writeHead(init.status, init.statusText, init.headers);
      if (!body || typeof body === 'string') return void res.end(body);
      const stop = () => void body.return?.(undefined);
      res.once('close', stop);
      // Each event is written once the last one left: a client that does not read holds up its own stream only.
      for await (const chunk of body) {
        if (!res.writable) break;
        await new Promise<void>((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
      }
      res.off('close', stop);
      res.end();
    },
    active: () => ({ webSocket: webSocketCount, eventStream: eventStreamCount }),
    close: async () => {
      await webSocketServer.dispose();
      sockets.close();
    },
  };
}

/** The stream, with `done` run once however it ends (completed, the client gone, an error). */
function guard<T>(stream: AsyncIterableIterator<T>, done: () => void): AsyncIterableIterator<T> {
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    done();
    await stream.return?.();
  };
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      if (finished) return { done: true, value: undefined };
      try {
        const next = await stream.next();
        if (next.done) await finish();
        return next;
      } catch (error) {
        await finish();
        throw error;
      }
    },
    return: async () => {
      await finish();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

async function* single<T>(result: T): AsyncIterableIterator<T> {
  yield result;
}

/** The upgrade request, with the headers a graphql-ws client sends in `connection_init` in place of its own. */
function withHeaders(request: IncomingMessage, params: Record<string, unknown> | undefined): IncomingMessage {
  const headers = { ...request.headers };
  // The browser's own upgrade request carries no credentials: only connection_init's count.
  delete headers.authorization;
  delete headers['x-api-key'];
  delete headers['x-purpose'];
  for (const name of ['authorization', 'x-api-key', 'x-purpose']) {
    const value = Object.entries(params ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
    if (typeof value === 'string') headers[name] = value;
  }
  return Object.create(request, { headers: { value: headers, enumerable: true } }) as IncomingMessage;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
