/**
 * One gateway per core (`--workers N`, `GATEWAY_WORKERS`): node:cluster forks N workers
 * that share the port, the primary handing out connections in turn. Each worker is a
 * whole gateway with its own plan cache, rate-limit counters and /metrics, and its own
 * audit chain in `AUDIT_DIR/worker-<slot>`: two processes appending to one hash chain
 * would break it.
 *
 * A worker that dies after it served is replaced in the same slot (so it continues that
 * slot's audit chain); one that dies before it ever listened stops the gateway, since a
 * replacement would only die the same way.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../lib/logger';

const SLOT = 'GATEWAY_WORKER_SLOT';

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
