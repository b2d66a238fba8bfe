/**
 * How a replica (gateway or subgraph) ends on a signal. SIGTERM (a deploy, a scale-down):
 * readiness goes false first, so load balancers stop sending; after `drainSeconds` the
 * port closes and requests in flight have `shutdownTimeoutSeconds` to finish; then the
 * rest stops. SIGINT (a person at a terminal) skips the wait, but still lets requests in
 * flight finish.
 */
import type { Listening } from './listen';
import type { Logger } from './logger';

export interface Shutdown {
  drainSeconds: number;
  shutdownTimeoutSeconds: number;
  /** Readiness false (/readyz 503): called at once. */
  drain(): void;
  /** Everything else, once the port is closed. */
  stop(): Promise<void>;
}

export function stopOnSignals(listening: Listening, logger: Logger, shutdown: Shutdown): void {
  const end = async (signal: string) => {
    shutdown.drain();
    const drainSeconds = signal === 'SIGTERM' ? shutdown.drainSeconds : 0;
    logger.info({ signal, drainSeconds, shutdownTimeoutSeconds: shutdown.shutdownTimeoutSeconds }, 'draining: /readyz says so, then the port closes');
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    const cut = await listening.closeWithin(shutdown.shutdownTimeoutSeconds * 1000);
    if (cut > 0) logger.warn({ connections: cut }, 'requests still in flight at the shutdown deadline: their connections were cut');
    await shutdown.stop();
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void end('SIGINT'));
  process.once('SIGTERM', () => void end('SIGTERM'));
}
