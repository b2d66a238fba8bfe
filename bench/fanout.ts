/**
 * The `fanout` mode of `npm run bench`: many subscribers over WebSocket (graphql-ws) on
 * one subscription, each event completed through the query plan for every one of them.
 *
 * One application's message thread is followed by every subscriber
 * (`messageAdded(applicationId) { … application { id jointStatus tasks { id status }
 * project { name } } }`: the approval subgraph sends the event, the gateway completes the
 * application from the approval subgraph and the project's name from construction). The
 * load is one message at a time (`sendMessage` through the same gateway), the next once
 * every subscriber has the last (or after EVENT_TIMEOUT_MS): closed loop, so the figures
 * say what one event costs to fan out, not how a queue grows.
 *
 * Measured: deliveries per second (events × subscribers that received them), the delivery
 * latency from sending the mutation to each subscriber's receipt (p50, p99), the gateway's
 * CPU per delivery, and its resident memory per subscriber (with the subscribers
 * connected, minus before they connected).
 */
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws/client';
import WebSocket from 'ws';
import { cpuMs, residentKb } from './processes';

export interface FanoutRow {
  target: 'a' | 'c';
  targetName: string;
  subscribers: number;
  latencyMs: number;
  /** Mutations sent in the measured time. */
  events?: number;
  /** Events received, counted over all subscribers. */
  deliveries?: number;
  deliveriesPerSecond?: number;
  /** From sending the mutation to a subscriber's receipt, over all deliveries, ms. */
  p50?: number;
  p99?: number;
  gatewayCpuMsPerDelivery?: number;
  /** The departments' mocks and the subgraphs, per delivery (the subgraph resolves each subscriber's event too). */
  backendCpuMsPerDelivery?: number;
  rssKbPerSubscriber?: number;
  /** Deliveries that did not arrive within EVENT_TIMEOUT_MS, plus mutations and subscriptions that failed. */
  missedAndErrors?: number;
  notRun?: string;
}

export interface FanoutTarget {
  target: 'a' | 'c';
  targetName: string;
  url: string;
  /** The headers the mutation carries (credentials). */
  headers: Record<string, string>;
  /** `connection_init`'s payload for subscriber `i` (each caller may hold only so many). */
  connectionParams(i: number): Record<string, string>;
  gatewayPids: () => number[];
  backendPids: () => number[];
}

export interface FanoutOptions {
  subscribers: number;
  seconds: number;
  warmupSeconds: number;
  applicationId: string;
  latencyMs: number;
}

/** A subscriber that has not received an event after this long has missed it. */
const EVENT_TIMEOUT_MS = 10_000;
/** Subscribers connecting at once: a thousand handshakes in one burst would measure the burst. */
const CONNECT_BATCH = 50;

export const FANOUT_SUBSCRIPTION = `subscription FanoutMessages($applicationId: ID!) {
  messageAdded(applicationId: $applicationId) {
    id body
    application { id jointStatus tasks { id status } project { name } }
  }
}`;

const SEND = `mutation FanoutSend($applicationId: ID!, $body: String!) { sendMessage(applicationId: $applicationId, body: $body) { id } }`;

export async function measureFanout(target: FanoutTarget, options: FanoutOptions): Promise<FanoutRow> {
  const base = { target: target.target, targetName: target.targetName, subscribers: options.subscribers, latencyMs: options.latencyMs };
  const rssBefore = residentKb(target.gatewayPids());
  // Event serial → when its mutation was sent, and who has it.
  const sent = new Map<number, { at: number; received: number; done?: () => void }>();
  const latencies: number[] = [];
  let measuring = false;
  let failures = 0;
  let malformed = 0;
  const clients: Client[] = [];
  const onEvent = (body: unknown) => {
    const serial = typeof body === 'string' ? Number(/^fanout #(\d+)$/.exec(body)?.[1]) : NaN;
    const event = sent.get(serial);
    if (!event) return void malformed++;
    if (measuring) latencies.push(performance.now() - event.at);
    if (++event.received === options.subscribers) event.done?.();
  };
  try {
    for (let i = 0; i < options.subscribers; i += CONNECT_BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(CONNECT_BATCH, options.subscribers - i) }, (_, j) => {
          const client = createClient({ url: target.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: target.connectionParams(i + j), retryAttempts: 0, lazy: false });
          clients.push(client);
          return new Promise<void>((resolve) => {
            const off = client.on('connected', () => (off(), resolve()));
            client.on('closed', () => resolve());
            client.subscribe(
              { query: FANOUT_SUBSCRIPTION, variables: { applicationId: options.applicationId } },
              {
                next: (result) => (result.errors?.length ? failures++ : onEvent((result.data as { messageAdded?: { body?: unknown } } | undefined)?.messageAdded?.body)),
                error: () => void failures++,
                complete: () => {},
              },
            );
          });
        }),
      );
    }
    let serial = 0;
    let missed = 0;
    /** Sends one message and waits until every subscriber has it, or the timeout. */
    const oneEvent = async () => {
      const n = ++serial;
      const event: { at: number; received: number; done?: () => void } = { at: performance.now(), received: 0 };
      sent.set(n, event);
      const all = new Promise<void>((resolve) => (event.done = resolve));
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: JSON.stringify({ query: SEND, variables: { applicationId: options.applicationId, body: `fanout #${n}` } }),
      });
      const answer = (await response.json().catch(() => null)) as { errors?: unknown[] } | null;
      if (!response.ok || answer?.errors?.length) throw new Error(`sendMessage failed: HTTP ${response.status} ${JSON.stringify(answer?.errors ?? answer).slice(0, 300)}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, EVENT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      return options.subscribers - event.received;
    };
    // Warm-up: until one event reached everyone (every subscription open upstream), then for the warm-up time.
    const warmUntil = performance.now() + options.warmupSeconds * 1000;
    let reachedAll = false;
    for (let tries = 0; !reachedAll && tries < 10; tries++) reachedAll = (await oneEvent()) === 0;
    if (!reachedAll) return { ...base, notRun: `after 10 events, still not every subscriber received one (${failures} subscriptions failed)` };
    while (performance.now() < warmUntil) await oneEvent();
    const [pids, backendPids] = [target.gatewayPids(), target.backendPids()];
    const [cpuBefore, backendBefore] = [cpuMs(pids), cpuMs(backendPids)];
    const firstMeasured = serial + 1;
    measuring = true;
    const started = performance.now();
    while (performance.now() - started < options.seconds * 1000) missed += await oneEvent();
    const elapsed = (performance.now() - started) / 1000;
    measuring = false;
    const [gatewayCpu, backendCpu] = [cpuMs(pids) - cpuBefore, cpuMs(backendPids) - backendBefore];
    const rssWith = residentKb(target.gatewayPids());
    const events = serial - firstMeasured + 1;
    const deliveries = latencies.length;
    latencies.sort((x, y) => x - y);
    const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1));
    return {
      ...base,
      events,
      deliveries,
      deliveriesPerSecond: Math.round(deliveries / elapsed),
      p50: at(0.5),
      p99: at(0.99),
      gatewayCpuMsPerDelivery: Number((gatewayCpu / Math.max(1, deliveries)).toFixed(3)),
      backendCpuMsPerDelivery: Number((backendCpu / Math.max(1, deliveries)).toFixed(3)),
      rssKbPerSubscriber: Math.round((rssWith - rssBefore) / options.subscribers),
      missedAndErrors: missed + failures + malformed,
    };
  } catch (error) {
    return { ...base, notRun: (error as Error).message.split('\n')[0]! };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}
