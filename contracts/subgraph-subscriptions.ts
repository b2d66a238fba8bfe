/**
 * The agreement between the gateway and a subgraph about subscriptions. The gateway opens
 * one GraphQL-over-WebSocket connection (graphql-ws, `graphql-transport-ws`) per subgraph,
 * on the subgraph's GraphQL path, and carries every client's subscription over it. What
 * an HTTP fetch would carry as headers (the signed caller, `x-county-identity`) travels
 * with each subscribe message instead, in `extensions.headers`; where the client resumes
 * from, in `extensions.lastEventId`. Each result a subgraph sends carries the event's id in
 * `extensions.eventId`, which the gateway passes on to its client.
 */
import { INTERNAL_IDENTITY_HEADER } from './internal-identity';

export const SUBGRAPH_SUBSCRIPTION_PROTOCOL = 'graphql-transport-ws';

export interface SubscriptionExtensions {
  /** The headers the gateway would send with an HTTP fetch for this caller (lower-case names). */
  headers?: Record<string, string>;
  /** The last event the client received: events after it are sent first (within the replay window). */
  lastEventId?: string;
}

/** `lastEventId` as the client gave it, when it has the form of an event id (`<ms>-<seq>`). */
export function lastEventIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,15}-\d{1,15}$/.test(value) ? value : undefined;
}

export function subscriptionExtensions(headers: Record<string, string>, lastEventId: string | undefined): SubscriptionExtensions {
  return lastEventId ? { headers, lastEventId } : { headers };
}

/** What a subgraph reads of a subscribe message's extensions. */
export function subscriptionRequestOf(extensions: unknown): { identityToken: unknown; lastEventId: string | undefined } {
  const given = (extensions ?? {}) as SubscriptionExtensions;
  return { identityToken: given.headers?.[INTERNAL_IDENTITY_HEADER], lastEventId: lastEventIdOf(given.lastEventId) };
}

/** The id a result carries (`extensions.eventId`), if any. */
export function eventIdOf(result: { extensions?: Record<string, unknown> | null }): string | undefined {
  return lastEventIdOf(result.extensions?.eventId);
}
