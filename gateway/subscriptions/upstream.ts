/**
 * The gateway's side of contracts/subgraph-subscriptions.ts: one GraphQL-over-WebSocket
 * connection per subgraph (graphql-ws's client, opened on the first subscription and
 * closed after the last), every client's subscription multiplexed over it.
 *
 * A connection that drops ends every subscription on it with an error; each one resumes
 * by itself from the last event it saw (subscriptions.ts), so the client hears of nothing
 * unless the subgraph stays away.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws/client';
import WebSocket from 'ws';
import { SUBGRAPH_SUBSCRIPTION_PROTOCOL, type SubscriptionExtensions } from '../../contracts/subgraph-subscriptions';

export interface UpstreamRequest {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  extensions: SubscriptionExtensions;
}

/** A subgraph's WebSocket address: its GraphQL URL with ws(s) for http(s). */
export function webSocketUrl(url: string): string {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return parsed.toString();
}

class ProtocolSocket extends WebSocket {
  constructor(address: string | URL) {
    super(address, SUBGRAPH_SUBSCRIPTION_PROTOCOL, { maxPayload: 10_000_000 });
  }
}

export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();

  subscribe(url: string, request: UpstreamRequest): AsyncIterableIterator<FormattedExecutionResult> {
    return this.clientFor(webSocketUrl(url)).iterate({
      query: request.query,
      operationName: request.operationName,
      variables: request.variables,
      extensions: request.extensions as Record<string, unknown>,
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }

  private clientFor(url: string): Client {
    let client = this.clients.get(url);
    if (!client) {
      client = createClient({
        url,
        webSocketImpl: ProtocolSocket,
        lazy: true,
        // Closed as soon as its last subscription ends: a lingering close timer would hold a stopping gateway open for
        // its length (graphql-ws's timer cannot be unref'd), and reconnecting to a subgraph costs a millisecond.
        lazyCloseTimeout: 0,
        keepAlive: 10_000,
        // Resuming is each subscription's own (from its last event), not the client's blind retry.
        retryAttempts: 0,
        shouldRetry: () => false,
      });
      this.clients.set(url, client);
    }
    return client;
  }
}
