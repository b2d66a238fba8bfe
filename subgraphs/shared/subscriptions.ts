/**
 * A subgraph's subscriptions, served to the gateway over GraphQL over WebSocket
 * (graphql-ws, the `graphql-transport-ws` subprotocol) on its GraphQL path. The gateway
 * multiplexes every client's subscription over one connection per subgraph, so who is
 * asking travels with each subscription, not with the connection
 * (contracts/subgraph-subscriptions.ts); it is verified as for any request.
 *
 * A subscription's context lives as long as the subscription; what a resolver loads must
 * not: before each event the context is built afresh (new DataLoaders), so an event is
 * answered from the department's data as it is then.
 */
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { SUBGRAPH_SUBSCRIPTION_PROTOCOL, subscriptionRequestOf } from '../../contracts/subgraph-subscriptions';
import { HttpError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { InternalIdentityVerifier, TrustedCaller } from './caller';
import { ReplayWindowExceeded, SubscriberTooSlow, type BusEvent, type EventBus } from './events';

/** What a subscription resolver reads of its context besides the subgraph's own. */
export interface SubscriptionScope {
  /** Events of these kinds that `accept` lets through, from the client's resume point on. */
  eventsOf<T>(kinds: readonly string[], accept: (event: BusEvent<T>) => boolean): AsyncIterable<BusEvent<T>>;
}

/** In the context of a subscription only. */
export interface EventContext {
  subscription?: SubscriptionScope;
  /** The event being answered: its id goes back with the result, for the client to resume from. */
  eventId?: string;
}

export interface SubscriptionServerOptions<TContext> {
  server: Server;
  path: string;
  schema: GraphQLSchema;
  events: EventBus;
  identity: InternalIdentityVerifier;
  context: (req: IncomingMessage, caller: TrustedCaller) => TContext;
  logger: Logger;
}

/** Serves `schema`'s subscriptions on `path`; returns what stops it. */
export function serveSubscriptions<TContext extends object>(options: SubscriptionServerOptions<TContext>): () => Promise<void> {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1_000_000 });
  options.server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://subgraph').pathname;
    if (path !== options.path || req.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).includes(SUBGRAPH_SUBSCRIPTION_PROTOCOL) !== true) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  const server = useServer<Record<string, unknown> | undefined, { request: IncomingMessage }>(
    {
      schema: options.schema,
      // Who is asking is checked before anything else; a refusal answers this subscription only.
      onSubscribe: async (ctx, id, payload) => {
        try {
          callersOf(ctx.extra).set(id, await options.identity.verifyToken(subscriptionRequestOf(payload.extensions).identityToken));
        } catch (error) {
          const refusal = error instanceof HttpError ? error : new HttpError(401, 'UNAUTHENTICATED', (error as Error).message);
          return [new GraphQLError(refusal.message, { extensions: { code: refusal.code } })];
        }
      },
      context: (ctx, id, payload) => {
        const callers = callersOf(ctx.extra);
        const caller = callers.get(id)!;
        callers.delete(id);
        const { lastEventId } = subscriptionRequestOf(payload.extensions);
        const req = ctx.extra.request;
        const context = options.context(req, caller) as TContext & EventContext;
        context.subscription = {
          eventsOf: <T>(kinds: readonly string[], accept: (event: BusEvent<T>) => boolean) =>
            renewing(options.events.stream(kinds, accept, lastEventId), () => Object.assign(context, options.context(req, caller)), context),
        };
        return context;
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        const eventId = (args.contextValue as EventContext).eventId;
        return eventId ? { ...result, extensions: { ...result.extensions, eventId } } : undefined;
      },
    },
    sockets,
  );
  return async () => {
    await server.dispose();
    sockets.close();
  };
}

/** Callers verified in onSubscribe, by subscription id, until its context is made. */
const verified = new WeakMap<object, Map<string, TrustedCaller>>();
function callersOf(connection: object): Map<string, TrustedCaller> {
  let callers = verified.get(connection);
  if (!callers) verified.set(connection, (callers = new Map()));
  return callers;
}

/**
 * The events, each after the context is renewed and told the event's id; an end the
 * subscriber must hear of (too slow, resumed too late) becomes a last result with the
 * error, never a closed connection, which would end every other subscription on it.
 */
function renewing<T>(events: AsyncIterableIterator<BusEvent<T>>, renew: () => void, context: EventContext): AsyncIterableIterator<BusEvent<T>> {
  let over = false;
  const iterator: AsyncIterableIterator<BusEvent<T>> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      if (over) return { done: true, value: undefined };
      try {
        const next = await events.next();
        if (next.done) return next;
        renew();
        context.eventId = next.value.id;
        return next;
      } catch (error) {
        if (!(error instanceof SubscriberTooSlow || error instanceof ReplayWindowExceeded)) throw error;
        over = true;
        context.eventId = undefined;
        return { done: false, value: { id: '', kind: 'error', payload: error } as BusEvent<T> };
      }
    },
    return: async () => {
      over = true;
      await events.return?.();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

/** For a subscription field's resolve: the event's payload, or the error that ended the stream. */
export function eventPayload<T>(event: BusEvent<T>): T {
  if (event.kind === 'error') {
    const error = event.payload as unknown as Error;
    throw new GraphQLError(error.message, { extensions: { code: error instanceof ReplayWindowExceeded ? 'REPLAY_WINDOW_EXCEEDED' : 'SUBSCRIBER_TOO_SLOW' } });
  }
  return event.payload;
}
