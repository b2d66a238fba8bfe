/**
 * One gateway per core (`--workers N`, `GATEWAY_WORKERS`): node:cluster forks N workers
 * that share the port, the primary handing out connections in turn. Each worker is a
 * whole gateway with its own plan cache and rate-limit counters (shared with REDIS_URL),
 * and its own audit chain in `AUDIT_DIR/<AUDIT_INSTANCE_ID>-<slot>`: two processes appending
 * to one hash chain would break it. /metrics, whichever worker answers, is every worker's summed
 * by the primary (prom-client's AggregatorRegistry): the request and reply below are the
 * agreement between the two.
 *
 * A worker that dies after it served is replaced in the same slot (so it continues that
 * slot's audit chain); one that dies before it ever listened stops the gateway, since a
 * replacement would only die the same way.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../lib/logger';

const SLOT = 'GATEWAY_WORKER_SLOT';
const METRICS_REQUEST = 'county-gateway:metrics-request';
const METRICS_REPLY = 'county-gateway:metrics-reply';

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: number;
  text?: string;
  error?: string;
}

/**
 * In a worker: a function that gets every worker's metrics (this one's `registry`
 * included), summed by the primary. Undefined outside a cluster.
 */
export function clusterMetrics(registry: Registry): (() => Promise<string>) | undefined {
  if (!cluster.isWorker) return undefined;
  // Constructed for its side effect: this worker now answers the primary's requests for its metrics.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const pending = new Map<number, (reply: MetricsReply) => void>();
  process.on('message', (message: Partial<MetricsReply>) => {
    if (message?.type !== METRICS_REPLY || message.id === undefined) return;
    pending.get(message.id)?.(message as MetricsReply);
    pending.delete(message.id);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, (reply) => (reply.error !== undefined ? reject(new Error(reply.error)) : resolve(reply.text ?? '')));
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}

/** This worker's slot (1…N), or undefined outside a cluster. */
export function workerSlot(): number | undefined {
  return cluster.isWorker ? Number(process.env[SLOT]) : undefined;
}

export const isClusterPrimary = (workers: number) => workers > 1 && cluster.isPrimary;

/** Forks the workers and keeps them running; resolves once all of them listen. */
export function runPrimary(workers: number, host: string, logger: Logger): Promise<void> {
  const listened = new Set<number>();
  let stopping = false;
  let ready = false;

  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<MetricsRequest>) => {
    if (message?.type !== METRICS_REQUEST || message.id === undefined) return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_REPLY, id, text } satisfies MetricsReply),
      (error: Error) => worker.send({ type: METRICS_REPLY, id, error: error.message } satisfies MetricsReply),
    );
  });

  return new Promise((resolve, reject) => {
    const fork = (slot: number): Worker => {
      const worker = cluster.fork({ [SLOT]: String(slot) });
      worker.once('listening', ({ port }) => {
        listened.add(slot);
        if (ready || listened.size < workers) return;
        ready = true;
        logger.info({ url: `http://${host}:${port}/graphql`, workers }, 'gateway ready');
        resolve();
      });
      worker.once('exit', (code, signal) => {
        if (stopping) return;
        if (!listened.has(slot)) {
          logger.error({ slot, code, signal }, 'gateway worker exited before it listened; stopping');
          void stopAll().then(() => reject(new Error(`gateway worker ${slot} exited with ${code ?? signal} before it listened (its error is above)`)));
          return;
        }
        logger.error({ slot, code, signal }, 'gateway worker exited; starting a new one in its slot');
        listened.delete(slot);
        fork(slot);
      });
      return worker;
    };

    const stopAll = async () => {
      stopping = true;
      const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        running.map(
          (w) =>
            new Promise<void>((done) => {
              w.once('exit', () => done());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    };
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      void stopAll().then(() => process.exit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));

    for (let slot = 1; slot <= workers; slot++) fork(slot);
  });
}
