import { z } from 'zod';

/** How a subgraph reaches its department and checks what the department signs. */
export interface DepartmentConnection {
  url: string;
  /** The department's e-licence public key (SPKI PEM): checks the licences it issues. */
  publicKeyPem: string;
}

/** How a subgraph's department client behaves. */
export interface DepartmentClientSettings {
  timeoutMs: number;
  cacheTtlSeconds: number;
  /** How long past its TTL a record is kept, to serve while the department is down. */
  cacheMaxStaleSeconds: number;
  cacheMaxKeys: number;
  /** Most requests in flight to the department at once, from one subgraph process (bulkhead). */
  maxConcurrency: number;
  /** Extra attempts for a failed read, within the timeout. */
  retries: number;
  /** Consecutive failures that open the circuit breaker, and how long it stays open. */
  breakerFailures: number;
  breakerOpenMs: number;
}

export type DepartmentClientConfig = DepartmentConnection & DepartmentClientSettings;

export interface DepartmentClientDefaults {
  timeoutMs: number;
  maxConcurrency?: number;
}

type Env = Record<string, string | undefined>;

const positiveInt = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be greater than 0`);

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** `<PREFIX>_DEPARTMENT_TIMEOUT_MS` and `_MAX_CONCURRENCY`, with the cache settings all share. */
export function readDepartmentClientSettings(env: Env, prefix: string, defaults: DepartmentClientDefaults): DepartmentClientSettings {
  return parseOrThrow(
    z.object({
      timeoutMs: positiveInt(`${prefix}_DEPARTMENT_TIMEOUT_MS`).default(defaults.timeoutMs),
      cacheTtlSeconds: positiveInt('DEPARTMENT_CACHE_TTL_SECONDS').default(60),
      cacheMaxStaleSeconds: positiveInt('DEPARTMENT_CACHE_MAX_STALE_SECONDS').default(86_400),
      cacheMaxKeys: positiveInt('DEPARTMENT_CACHE_MAX_KEYS').default(20_000),
      maxConcurrency: positiveInt(`${prefix}_DEPARTMENT_MAX_CONCURRENCY`).default(defaults.maxConcurrency ?? 8),
      retries: z.coerce.number({ error: 'DEPARTMENT_RETRIES must be a number' }).int().min(0, 'DEPARTMENT_RETRIES must be 0 or more').default(2),
      breakerFailures: positiveInt('DEPARTMENT_BREAKER_FAILURES').default(5),
      breakerOpenMs: positiveInt('DEPARTMENT_BREAKER_OPEN_MS').default(10_000),
    }),
    {
      timeoutMs: env[`${prefix}_DEPARTMENT_TIMEOUT_MS`],
      cacheTtlSeconds: env.DEPARTMENT_CACHE_TTL_SECONDS,
      cacheMaxStaleSeconds: env.DEPARTMENT_CACHE_MAX_STALE_SECONDS,
      cacheMaxKeys: env.DEPARTMENT_CACHE_MAX_KEYS,
      maxConcurrency: env[`${prefix}_DEPARTMENT_MAX_CONCURRENCY`],
      retries: env.DEPARTMENT_RETRIES,
      breakerFailures: env.DEPARTMENT_BREAKER_FAILURES,
      breakerOpenMs: env.DEPARTMENT_BREAKER_OPEN_MS,
    },
  );
}

/**
 * `<PREFIX>_DEPARTMENT_URL` and `_PUBLIC_KEY`: a real department system. Neither set means
 * "none configured" (the embedded default starts the mock); one without the other is an error.
 */
export function readDepartmentConnection(env: Env, prefix: string, options: { issuesLicences: boolean } = { issuesLicences: true }): DepartmentConnection | undefined {
  const urlVar = `${prefix}_DEPARTMENT_URL`;
  const keyVar = `${prefix}_DEPARTMENT_PUBLIC_KEY`;
  if (!env[urlVar] && !env[keyVar]) return undefined;
  if (!options.issuesLicences) {
    return { ...parseOrThrow(z.object({ url: z.url({ error: `${urlVar} must be an http(s) URL` }) }), { url: env[urlVar] }), publicKeyPem: '' };
  }
  return parseOrThrow(
    z.object({
      url: z.url({ error: `${urlVar} must be an http(s) URL` }),
      publicKeyPem: z
        .string({ error: `${keyVar} must be set with ${urlVar}: the department's e-licence public key (SPKI PEM, \\n for line breaks)` })
        .refine((k) => k.includes('BEGIN PUBLIC KEY'), `${keyVar} must be a PEM public key ("-----BEGIN PUBLIC KEY-----" …)`),
    }),
    { url: env[urlVar], publicKeyPem: env[keyVar]?.replace(/\\n/g, '\n') },
  );
}

export interface LicenceIssuerConfig {
  uscc: string;
  name: string;
  publicKeyPem: string;
}

/**
 * `LICENCE_ISSUERS`: the departments whose e-licences the service center verifies, as a
 * JSON array of {"uscc", "name", "publicKey"}. Unset means: the embedded default's.
 */
export function readLicenceIssuers(env: Env): LicenceIssuerConfig[] | undefined {
  const raw = env.LICENCE_ISSUERS;
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('configuration: LICENCE_ISSUERS must be JSON: [{"uscc": …, "name": …, "publicKey": "-----BEGIN PUBLIC KEY-----…"}]');
  }
  const issuers = parseOrThrow(
    z.array(z.object({ uscc: z.string().length(18, 'LICENCE_ISSUERS: each uscc must be 18 characters'), name: z.string().min(1), publicKey: z.string().includes('BEGIN PUBLIC KEY', { message: 'LICENCE_ISSUERS: each publicKey must be a PEM public key' }) })),
    value,
  );
  return issuers.map((i) => ({ uscc: i.uscc, name: i.name, publicKeyPem: i.publicKey }));
}
