/**
 * The `fanout` mode of `npm run bench`: many subscribers over WebSocket (graphql-ws) on
 * one subscription, each event completed through the query plan for every one of them.
 *
 * One application is followed by every subscriber (`applicationUpdated(id) { id jointStatus
 * tasks { id status opinion } project { name } }`: the approval subgraph sends the
 * application as the event has it, the gateway completes the project's name from
 * construction for each subscriber). The load is one change at a time through the same
 * gateway, a reviewer asking for corrections and the applicant handing them in, in turn
 * (`trigger`), the next once every subscriber has the last (or after EVENT_TIMEOUT_MS):
 * closed loop, so the figures say what one event costs to fan out, not how a queue grows.
 *
 * Not `messageAdded { application { … } }`: there each subscriber's event makes the
 * approval subgraph read the application from its department again (a fresh context per
 * event), and at 1,000 subscribers the department client's queue refused part of them
 * (DEPARTMENT_UNAVAILABLE): that measured the mock department, not a gateway.
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
  /** Makes change `n` through `target`; answers the key its event will have (keyOf of the mutation's answer). */
  trigger(target: FanoutTarget, n: number): Promise<string>;
  /** What tells one change's event from another's, read from the event's (or the mutation's) application. */
  keyOf(application: unknown): string;
  /** Subscriptions the approval subgraph holds now (its /status). */
  upstreamSubscriptions(): Promise<number>;
}

/** A subscriber that has not received an event after this long has missed it. */
const EVENT_TIMEOUT_MS = 10_000;
/**
 * Subscribers connecting at once; the next batch starts once the approval subgraph holds the
 * last one's subscriptions. Opening a subscription reads the application from the department
 * (is it within the caller's jurisdiction?): a thousand at once overran the department
 * client's queue (DEPARTMENT_UNAVAILABLE after its 10 s deadline), which would measure the
 * burst, not the fan-out of events this mode is about.
 */
const CONNECT_BATCH = 50;
const UPSTREAM_WAIT_MS = 30_000;

export const FANOUT_SUBSCRIPTION = `subscription FanoutApplication($id: ID!) {
  applicationUpdated(id: $id) { id jointStatus tasks { id status opinion } project { name } }
}`;

export async function measureFanout(target: FanoutTarget, options: FanoutOptions): Promise<FanoutRow> {
  const base = { target: target.target, targetName: target.targetName, subscribers: options.subscribers, latencyMs: options.latencyMs };
  const rssBefore = residentKb(target.gatewayPids());
  // Event key → when each subscriber received it (an event may arrive before its mutation's answer names the key).
  const receipts = new Map<string, number[]>();
  let waiting: { key: string; done: () => void } | undefined;
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const clients: Client[] = [];
  const onEvent = (application: unknown) => {
    const key = options.keyOf(application);
    const times = receipts.get(key) ?? [];
    receipts.set(key, times);
    times.push(performance.now());
    if (waiting?.key === key && times.length === options.subscribers) waiting.done();
  };
  const failed = (what: unknown) => {
    failures++;
    firstFailure ||= JSON.stringify(what).slice(0, 200);
  };
  try {
    const upstreamBefore = await options.upstreamSubscriptions();
    for (let i = 0; i < options.subscribers; i += CONNECT_BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(CONNECT_BATCH, options.subscribers - i) }, (_, j) => {
          const client = createClient({ url: target.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: target.connectionParams(i + j), retryAttempts: 0, lazy: false });
          clients.push(client);
          return new Promise<void>((resolve) => {
            const off = client.on('connected', () => (off(), resolve()));
            client.on('closed', () => resolve());
            client.subscribe(
              { query: FANOUT_SUBSCRIPTION, variables: { id: options.applicationId } },
              {
                next: (result) => (result.errors?.length ? failed(result.errors) : onEvent((result.data as { applicationUpdated?: unknown } | undefined)?.applicationUpdated)),
                error: failed,
                complete: () => {},
              },
            );
          });
        }),
      );
      const expected = upstreamBefore + Math.min(options.subscribers, i + CONNECT_BATCH);
      for (const until = performance.now() + UPSTREAM_WAIT_MS; (await options.upstreamSubscriptions()) < expected && performance.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    }
    let serial = 0;
    let missed = 0;
    let measuring = false;
    /** Makes one change and waits until every subscriber has its event, or the timeout; answers how many missed it. */
    const oneEvent = async () => {
      const at = performance.now();
      const key = await options.trigger(target, ++serial);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        waiting = { key, done: resolve };
        if ((receipts.get(key)?.length ?? 0) >= options.subscribers) resolve();
        timer = setTimeout(resolve, EVENT_TIMEOUT_MS);
      });
      clearTimeout(timer);
      waiting = undefined;
      const times = receipts.get(key) ?? [];
      if (measuring) latencies.push(...times.map((t) => t - at));
      return options.subscribers - times.length;
    };
    // Warm-up: until one event reached everyone (every subscription open upstream), then for the warm-up time.
    const warmUntil = performance.now() + options.warmupSeconds * 1000;
    let reachedAll = false;
    for (let tries = 0; !reachedAll && tries < 10; tries++) reachedAll = (await oneEvent()) === 0;
    if (!reachedAll) return { ...base, notRun: `after 10 events, still not every subscriber received one (${failures} failures, the first: ${firstFailure})` };
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
    if (deliveries === 0) return { ...base, notRun: `no event reached a subscriber in the ${options.seconds} s measured (${events} events sent, ${missed} deliveries missed, ${failures} failures)` };
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
      missedAndErrors: missed + failures,
    };
  } catch (error) {
    return { ...base, notRun: (error as Error).message.split('\n')[0]! };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}
