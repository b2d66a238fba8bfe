/**
 * What a partner system needs to call the county gateway: typed operations from GraphQL
 * Code Generator, sent as the exact text that was registered (the persisted-documents
 * manifest), with the API key and a stated purpose. Refusals of the whole request (401,
 * 403, 429 …) become a `GatewayRefusal`; a refused or failed field comes back as `null`
 * with an error at its path, and the rest of the answer is still there.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { createClient as createEventStreamClient } from 'graphql-sse';
import { createClient as createWebSocketClient } from 'graphql-ws/client';
import WebSocket from 'ws';

/** X-Purpose: why the data is needed, of a kind the partner is registered for. */
export type Purpose = `case:${string}` | `item:${string}` | `project:${string}`;

/** A generated document: result and variable types, and the hash of its text in the manifest. */
export type RegisteredOperation<TResult, TVariables> = DocumentTypeDecoration<TResult, TVariables> & {
  __meta__?: Record<string, unknown>;
};

export interface FieldError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; department?: string; reason?: string; [key: string]: unknown };
}

/** A department whose last known records were served because it did not answer. */
export interface StaleNotice {
  department: string;
  ageSeconds: number;
  records: number;
}

export interface OperationResult<TResult> {
  data: TResult | null;
  /** Fields that came back null and why: FORBIDDEN, BAD_USER_INPUT, DEPARTMENT_UNAVAILABLE … */
  errors: FieldError[];
  stale: StaleNotice[];
}

/** The gateway refused the whole request. */
export class GatewayRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After on 429: wait this long before the next request. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'GatewayRefusal';
  }
}

export interface CountyGatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  apiKey: string;
  /** generated/persisted-documents.json: hash → the text that was registered. */
  manifest: Readonly<Record<string, string>>;
}

export class CountyGatewayClient {
  constructor(private readonly options: CountyGatewayClientOptions) {}

  async execute<TResult, TVariables>(operation: RegisteredOperation<TResult, TVariables>, variables: TVariables, purpose: Purpose): Promise<OperationResult<TResult>> {
    const hash = operation.__meta__?.hash;
    const query = typeof hash === 'string' ? this.options.manifest[hash] : undefined;
    // Any other text, even reformatted, is an unregistered operation to the gateway.
    if (!query) throw new Error(`operation ${String(hash)} is not in the persisted-documents manifest: run npm run example:partner:codegen`);
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.options.apiKey, 'x-purpose': purpose },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => null)) as { data?: TResult | null; errors?: FieldError[]; extensions?: { stale?: StaleNotice[] } } | null;
    if (!response.ok || !body) {
      const first = body?.errors?.[0];
      const retryAfter = response.headers.get('retry-after');
      throw new GatewayRefusal(response.status, first?.extensions?.code ?? 'UNKNOWN', first?.message ?? `HTTP ${response.status}`, retryAfter === null ? null : Number(retryAfter));
    }
    return { data: body.data ?? null, errors: body.errors ?? [], stale: body.extensions?.stale ?? [] };
  }
}

/** One event of a subscription: the data, the fields refused in it, and the id to resume after. */
export interface SubscriptionEvent<TResult> {
  data: TResult | null;
  errors: FieldError[];
  /** `extensions.eventId`: subscribe again with `extensions: { lastEventId }` to get what was missed. */
  eventId: string | undefined;
}

export interface SubscriptionHandlers<TResult> {
  next(event: SubscriptionEvent<TResult>): void;
  /** The subscription ended with an error: refused, or the connection closed (`code`: 4401 token expired, 4008 too slow, 4000 lifetime, 4001 idle). */
  error?(error: { code?: number; reason?: string; message?: string }): void;
}

export interface SubscribeOptions {
  /** Resume after this event (the last `eventId` received), within the gateway's replay window. */
  lastEventId?: string;
}

/**
 * Subscriptions over one transport, signed in once with the API key and the purpose
 * (a WebSocket's `connection_init`, or each event stream's headers). `close()` ends them all.
 */
export interface CountyGatewaySubscriptions {
  subscribe<TResult, TVariables>(operation: RegisteredOperation<TResult, TVariables>, variables: TVariables, handlers: SubscriptionHandlers<TResult>, options?: SubscribeOptions): () => void;
  close(): Promise<void>;
}

/** The registered text of `operation`, as the gateway runs only that. */
function registeredText(manifest: Readonly<Record<string, string>>, operation: RegisteredOperation<unknown, never>): string {
  const hash = operation.__meta__?.hash;
  const query = typeof hash === 'string' ? manifest[hash] : undefined;
  if (!query) throw new Error(`operation ${String(hash)} is not in the persisted-documents manifest: run npm run example:partner:codegen`);
  return query;
}

type Raw = { data?: unknown; errors?: readonly unknown[]; extensions?: Record<string, unknown> };

const toEvent = <TResult>(raw: Raw): SubscriptionEvent<TResult> => ({
  data: (raw.data ?? null) as TResult | null,
  errors: (raw.errors ?? []) as FieldError[],
  eventId: typeof raw.extensions?.eventId === 'string' ? raw.extensions.eventId : undefined,
});

/** What graphql-ws's and graphql-sse's clients have alike: subscribe with a payload and a sink, get back an unsubscribe. */
interface TransportClient {
  subscribe(
    payload: { query: string; variables: Record<string, unknown>; extensions?: Record<string, unknown> },
    sink: { next(value: unknown): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

/** A registered operation subscribed through either transport's client, its events read alike. */
function subscribeThrough(client: TransportClient, manifest: Readonly<Record<string, string>>): CountyGatewaySubscriptions['subscribe'] {
  return (operation, variables, handlers, subscribeOptions = {}) =>
    client.subscribe(
      {
        query: registeredText(manifest, operation as RegisteredOperation<unknown, never>),
        variables: variables as Record<string, unknown>,
        extensions: subscribeOptions.lastEventId ? { lastEventId: subscribeOptions.lastEventId } : undefined,
      },
      // A WebSocket ends with a close event (`code`), an event stream with an Error (`message`).
      { next: (raw) => handlers.next(toEvent(raw as Raw)), error: (error) => handlers.error?.(error as { code?: number; message?: string }), complete: () => {} },
    );
}

/**
 * GraphQL over WebSocket (graphql-ws, subprotocol graphql-transport-ws): the credentials
 * travel once, in `connection_init`'s payload, and every subscription shares the socket.
 */
export function webSocketSubscriptions(options: CountyGatewayClientOptions & { purpose: Purpose }): CountyGatewaySubscriptions {
  const client = createWebSocketClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': options.apiKey, 'x-purpose': options.purpose },
    // A real system would reconnect (and resume with lastEventId); the example wants to see a refusal at once.
    retryAttempts: 0,
    lazy: true,
  });
  return { subscribe: subscribeThrough(client, options.manifest), close: () => client.dispose() as Promise<void> };
}

/**
 * GraphQL over Server-Sent Events (graphql-sse, distinct connections): each subscription
 * is its own POST with `Accept: text/event-stream` and the usual headers.
 */
export function eventStreamSubscriptions(options: CountyGatewayClientOptions & { purpose: Purpose }): CountyGatewaySubscriptions {
  const client = createEventStreamClient({
    url: options.url,
    headers: { 'x-api-key': options.apiKey, 'x-purpose': options.purpose },
    singleConnection: false,
    retryAttempts: 0,
  });
  return { subscribe: subscribeThrough(client, options.manifest), close: async () => client.dispose() };
}

/** The error for the field at `path`, if it was nulled. */
export function errorAt(result: OperationResult<unknown>, ...path: (string | number)[]): FieldError | undefined {
  return result.errors.find((e) => e.path?.length === path.length && e.path.every((p, i) => p === path[i]));
}
