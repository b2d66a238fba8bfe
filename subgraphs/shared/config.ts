import { z } from 'zod';

export interface DepartmentClientConfig {
  url: string;
  timeoutMs: number;
  cacheTtlSeconds: number;
  cacheMaxKeys: number;
  /** Most requests in flight to the department at once (for systems without batch endpoints). */
  maxConcurrency: number;
}

export interface DepartmentClientDefaults {
  timeoutMs: number;
  maxConcurrency?: number;
}

type Env = Record<string, string | undefined>;

const positiveInt = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be greater than 0`);

/**
 * Reads one department client's settings from `<PREFIX>_DEPARTMENT_*` variables, with
 * the cache settings shared by all: called once at start-up by an entry point.
 */
export function readDepartmentClientConfig(env: Env, prefix: string, url: string | undefined, defaults: DepartmentClientDefaults): DepartmentClientConfig {
  const urlVar = `${prefix}_DEPARTMENT_URL`;
  const schema = z.object({
    url: z.url({ error: `${urlVar} must be an http(s) URL` }),
    timeoutMs: positiveInt(`${prefix}_DEPARTMENT_TIMEOUT_MS`).default(defaults.timeoutMs),
    cacheTtlSeconds: positiveInt('DEPARTMENT_CACHE_TTL_SECONDS').default(60),
    cacheMaxKeys: positiveInt('DEPARTMENT_CACHE_MAX_KEYS').default(20_000),
    maxConcurrency: positiveInt(`${prefix}_DEPARTMENT_MAX_CONCURRENCY`).default(defaults.maxConcurrency ?? 8),
  });
  const parsed = schema.safeParse({
    url: env[urlVar] ?? url,
    timeoutMs: env[`${prefix}_DEPARTMENT_TIMEOUT_MS`],
    cacheTtlSeconds: env.DEPARTMENT_CACHE_TTL_SECONDS,
    cacheMaxKeys: env.DEPARTMENT_CACHE_MAX_KEYS,
    maxConcurrency: env[`${prefix}_DEPARTMENT_MAX_CONCURRENCY`],
  });
  if (!parsed.success) {
    throw new Error(`configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}
