/**
 * Subscribing as clients do: graphql-ws over a real WebSocket, graphql-sse over a real
 * event stream. Each subscription collects what it receives, for tests to count.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws/client';
import { createClient as createEventStreamClient } from 'graphql-sse';
import WebSocket from 'ws';
import { until } from './until';

export interface Received {
  results: FormattedExecutionResult<any, any>[];
  /** The error the subscription ended with, if any (errors sent by the server, or the socket's close event). */
  error?: unknown;
  completed: boolean;
  /** The WebSocket's close, when the server closed it. */
  closed?: { code: number; reason: string };
  stop(): void;
}

export function webSocketClient(gatewayUrl: string, connectionParams: Record<string, string>, closed?: (event: { code: number; reason: string }) => void): Client {
  const url = gatewayUrl.replace(/^http/, 'ws');
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => closed?.(event as { code: number; reason: string }) },
  });
}

/** Subscribes over `client`; what arrives is collected in the returned record. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Received {
  const received: Received = { results: [], completed: false, stop: () => {} };
  received.stop = client.subscribe(
    { query, variables, extensions },
    {
      next: (result) => void received.results.push(result),
      error: (error) => {
        received.error = error;
        const close = error as { code?: number; reason?: string };
        if (typeof close?.code === 'number') received.closed = { code: close.code, reason: close.reason ?? '' };
      },
      complete: () => void (received.completed = true),
    },
  );
  return received;
}

/** The same over Server-Sent Events (graphql-sse, distinct connections). */
export function subscribeOverEventStream(gatewayUrl: string, headers: Record<string, string>, query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Received {
  const client = createEventStreamClient({ url: gatewayUrl, headers, retryAttempts: 0, singleConnection: false });
  const received: Received = { results: [], completed: false, stop: () => {} };
  const unsubscribe = client.subscribe(
    { query, variables: variables ?? {}, extensions },
    {
      next: (result) => void received.results.push(result as FormattedExecutionResult),
      error: (error) => void (received.error = error),
      complete: () => void (received.completed = true),
    },
  );
  received.stop = () => {
    unsubscribe();
    client.dispose();
  };
  return received;
}

/** Waits until the approval subgraph has `count` subscriptions reading its events (its /status says). */
export async function subscribersAt(subgraphUrl: string, count: number): Promise<void> {
  await until(async () => {
    const status = (await (await fetch(new URL('/status', subgraphUrl))).json()) as { subscriptions?: number };
    return status.subscriptions === count;
  }, `${count} subscriptions at ${subgraphUrl}`);
}
