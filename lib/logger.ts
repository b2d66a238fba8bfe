import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs to stdout; tests pass `silentLogger()` instead. Buffered: a write per request
 * line cost the gateway 5–7% of its CPU under load, so lines go out in blocks of 8 KiB or
 * every quarter second, whichever comes first, and whatever is left is flushed when the
 * process exits. (Audit records do not go through here: the audit log writes them
 * synchronously, before the response.)
 */
export function createLogger(level: string, name: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  setInterval(() => destination.flush(), 250).unref();
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // stdout already closed: nothing left to save
    }
  });
  return pino({ level, name, base: { service: name } }, destination);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
