import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs to stdout; tests pass `silentLogger()` instead. */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { service: name } });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
