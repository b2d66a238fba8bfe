/**
 * The settings the gateway command and the subgraph command both read, checked the same
 * way with the same messages: ports, seconds, the log level, and the Redis they share.
 */
import { z } from 'zod';
import { REDIS_KEY_PREFIX } from './redis';

type Env = Record<string, string | undefined>;

export const port = (name: string) =>
  z.coerce.number({ error: `${name} must be a port number` }).int(`${name} must be a whole number`).min(0, `${name} must be 0–65535`).max(65535, `${name} must be 0–65535`);

export const seconds = (name: string, min: number) =>
  z.coerce.number({ error: `${name} must be a number of seconds` }).min(min, `${name} must be at least ${min} s`).max(600, `${name} must be at most 600 s`);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' });

/** REDIS_URL and REDIS_KEY_PREFIX, each problem added to `problems`. */
export function readRedisSettings(env: Env, problems: string[]): { redisUrl: string | undefined; redisKeyPrefix: string | undefined } {
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL (redis://127.0.0.1:6379)');
  const redisKeyPrefix = env.REDIS_KEY_PREFIX || undefined;
  if (redisKeyPrefix && !REDIS_KEY_PREFIX.test(redisKeyPrefix)) problems.push(`REDIS_KEY_PREFIX="${redisKeyPrefix}" must be lower-case letters, digits and dashes (congjiang-prod)`);
  return { redisUrl, redisKeyPrefix };
}
