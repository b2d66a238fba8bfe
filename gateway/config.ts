import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { internalIdentityKey, type InternalIdentityKey } from '../contracts/internal-identity';
import { DEV_INTERNAL_IDENTITY_KEY, developmentKey } from '../lib/dev-keys';
import { DEV_KEYS_DIR } from '../lib/paths';
import proxyaddr from 'proxy-addr';
import { logLevel, port, readRedisSettings, seconds } from '../lib/config-schemas';
import { z } from 'zod';
import { readTracingConfigNoting, type TracingConfig } from '../lib/tracing-config';
import { sha256 } from '../lib/hash';
import { calendarDay, INSTANCE_ID, type AuditLogOptions } from './audit/log';
import { PURPOSE_KIND } from './capabilities/purpose';
import type { SignInOptions, PartnerClient } from './capabilities/sign-in';
import type { OperationLimits } from './capabilities/limits';
import type { PartnerRegistryFile } from './partner-registry';
import { DEFAULT_PLANNER, PLANNERS, type PlannerName } from './execution/planner';
import type { SubscriptionLimits } from './subscriptions/transports';

export interface GatewayConfig {
  port: number;
  host: string;
  /** The supergraph file (--supergraph, SUPERGRAPH_PATH); undefined when it comes from `supergraphUrl`. Exactly one is set. */
  supergraphPath: string | undefined;
  /** Where the supergraph is published (SUPERGRAPH_URL), asked for every `supergraphPollMs`. */
  supergraphUrl: string | undefined;
  /** How often the supergraph file is re-read besides watching it, or the URL asked again (ms); 0: watch the file only. */
  supergraphPollMs: number;
  /** Subgraph name → URL, replacing the URL written in the supergraph. */
  subgraphUrls: Record<string, string>;
  logLevel: string;
  maxBodyBytes: number;
  /** A built web app to serve under /dashboard/ (GATEWAY_DASHBOARD_DIR); unset: none. */
  dashboardDir: string | undefined;
  /** Unset: tracing off (no OTEL_TRACES_EXPORTER or OTLP endpoint, or OTEL_SDK_DISABLED=true). */
  tracing: TracingConfig | undefined;
  /** Processes serving the port (node:cluster); 1 serves from this process alone. */
  workers: number;
  /** Who executes query plans (GATEWAY_EXECUTOR): `compiled` (ours) or `apollo` (@apollo/gateway's). */
  executor: 'compiled' | 'apollo';
  /** Who plans for the compiled executor (GATEWAY_PLANNER): `hive` (Hive Router's; default) or `apollo` (@apollo/gateway's; always with GATEWAY_EXECUTOR=apollo). */
  planner: PlannerName;
  /** Operation documents (GATEWAY_WARM_OPERATIONS_DIR, *.graphql) planned before the first request. */
  warmOperations: string[];
  /** On SIGTERM: how long /readyz says draining before the port closes (GATEWAY_DRAIN_SECONDS), so load balancers notice. */
  drainSeconds: number;
  /** Then how long requests in flight may take to finish before their connections are cut (GATEWAY_SHUTDOWN_TIMEOUT_SECONDS). */
  shutdownTimeoutSeconds: number;
  /** How far the heap may grow past what is live between major collections, in % (GATEWAY_HEAP_GROWTH_PERCENT; 0: V8's own factor). lib/heap-growth.ts */
  heapGrowthPercent: number;
}

type Env = Record<string, string | undefined>;

const plannerSetting = z.enum(PLANNERS, { error: 'GATEWAY_PLANNER must be hive (the default) or apollo' }).optional();

/** GATEWAY_PLANNER alone, checked as the gateway command checks it (the tests run the gateway with either planner); unset: the default. */
export function readPlanner(env: Env): PlannerName | undefined {
  const parsed = plannerSetting.safeParse(env.GATEWAY_PLANNER || undefined);
  if (!parsed.success) throw new Error(`gateway configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export const DEFAULT_SUPERGRAPH = resolve(__dirname, '..', 'schema', 'supergraph.graphql');

/** The variable that overrides a subgraph's URL: `SUBGRAPH_<NAME>_URL`, NAME upper-cased. */
export const subgraphUrlVariable = (name: string) => `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;

/**
 * Reads the gateway's settings once, from flags (`--supergraph`, `--port`, `--host`,
 * `--workers`) over environment variables over defaults. Throws one error listing every problem.
 */
export function readGatewayConfig(argv: readonly string[], env: Env): GatewayConfig {
  const flags = parseFlags(argv);
  const subgraphUrls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^SUBGRAPH_(.+)_URL$/.exec(key);
    if (m && value) subgraphUrls[m[1]!.toLowerCase()] = value;
  }
  const schema = z.object({
    port: port('PORT (or --port)').default(4000),
    host: z.string().min(1).default('127.0.0.1'),
    supergraphPath: z.string().optional(),
    supergraphUrl: z.url({ protocol: /^https?$/, error: 'SUPERGRAPH_URL must be an http(s) URL (where the supergraph is published)' }).optional(),
    supergraphPollMs: z.coerce
      .number({ error: 'SUPERGRAPH_POLL_MS must be a number of milliseconds' })
      .int('SUPERGRAPH_POLL_MS must be a whole number of milliseconds')
      .refine((ms) => ms === 0 || ms >= 100, 'SUPERGRAPH_POLL_MS must be 0 (watch only) or at least 100')
      .optional(),
    subgraphUrls: z.record(z.string(), z.url({ error: 'SUBGRAPH_<NAME>_URL must be an http(s) URL' })),
    logLevel: logLevel.default('info'),
    maxBodyBytes: z.coerce.number().int().positive('MAX_BODY_BYTES must be greater than 0').default(1_000_000),
    workers: z.coerce
      .number({ error: 'GATEWAY_WORKERS (or --workers) must be a number' })
      .int('GATEWAY_WORKERS (or --workers) must be a whole number')
      .min(1, 'GATEWAY_WORKERS (or --workers) must be 1–64 (one per core is usual)')
      .max(64, 'GATEWAY_WORKERS (or --workers) must be 1–64 (one per core is usual)')
      .default(1),
    executor: z.enum(['compiled', 'apollo'], { error: 'GATEWAY_EXECUTOR must be compiled (the default) or apollo' }).default('compiled'),
    planner: plannerSetting,
    drainSeconds: seconds('GATEWAY_DRAIN_SECONDS', 0).default(5),
    shutdownTimeoutSeconds: seconds('GATEWAY_SHUTDOWN_TIMEOUT_SECONDS', 1).default(30),
    heapGrowthPercent: z.coerce
      .number({ error: 'GATEWAY_HEAP_GROWTH_PERCENT must be a number (percent)' })
      .int('GATEWAY_HEAP_GROWTH_PERCENT must be a whole number (percent)')
      .refine((p) => p === 0 || (p >= 10 && p <= 300), 'GATEWAY_HEAP_GROWTH_PERCENT must be 0 (V8 decides) or 10–300: below 10 the process does little but collect')
      .default(30),
  });
  const parsed = schema.safeParse({
    port: flags.port ?? env.PORT,
    host: flags.host ?? env.HOST,
    supergraphPath: flags.supergraph ?? (env.SUPERGRAPH_PATH || undefined),
    supergraphUrl: env.SUPERGRAPH_URL || undefined,
    supergraphPollMs: env.SUPERGRAPH_POLL_MS || undefined,
    subgraphUrls,
    logLevel: env.LOG_LEVEL,
    maxBodyBytes: env.MAX_BODY_BYTES,
    workers: flags.workers ?? (env.GATEWAY_WORKERS || undefined),
    executor: env.GATEWAY_EXECUTOR || undefined,
    planner: env.GATEWAY_PLANNER || undefined,
    drainSeconds: env.GATEWAY_DRAIN_SECONDS || undefined,
    shutdownTimeoutSeconds: env.GATEWAY_SHUTDOWN_TIMEOUT_SECONDS || undefined,
    heapGrowthPercent: env.GATEWAY_HEAP_GROWTH_PERCENT || undefined,
  });
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  const tracing = readTracingConfigNoting(env, problems);
  if (!parsed.success || problems.length) throw new Error(`gateway configuration: ${problems.join('; ')}`);
  const dashboardDir = env.GATEWAY_DASHBOARD_DIR ? resolve(env.GATEWAY_DASHBOARD_DIR) : undefined;
  const { supergraphUrl } = parsed.data;
  // @apollo/gateway's executor plans every operation with its own planner: the choice would be silently ignored.
  if (parsed.data.planner === 'hive' && parsed.data.executor === 'apollo') {
    throw new Error(`gateway configuration: GATEWAY_PLANNER=${parsed.data.planner} needs the compiled executor (GATEWAY_EXECUTOR=compiled, the default); @apollo/gateway's executor plans with its own planner`);
  }
  // Two sources would leave replicas disagreeing on which one wins: refuse rather than pick.
  if (supergraphUrl && parsed.data.supergraphPath) {
    throw new Error('gateway configuration: SUPERGRAPH_URL and a supergraph file (--supergraph or SUPERGRAPH_PATH) are both set: keep one (the URL, for replicas that must serve the same version)');
  }
  // Each poll of a URL is a request to another server (a 304 when nothing changed); a file costs a read.
  const supergraphPollMs = parsed.data.supergraphPollMs ?? (supergraphUrl ? 10_000 : 2000);
  if (supergraphUrl && supergraphPollMs === 0) throw new Error('gateway configuration: SUPERGRAPH_POLL_MS=0 means watching a file; with SUPERGRAPH_URL it must be at least 100 (default 10000)');
  const supergraphPath = supergraphUrl ? undefined : resolve(parsed.data.supergraphPath ?? DEFAULT_SUPERGRAPH);
  const planner = parsed.data.planner ?? (parsed.data.executor === 'apollo' ? 'apollo' : DEFAULT_PLANNER);
  const config = { ...parsed.data, planner, supergraphPath, supergraphUrl, supergraphPollMs, dashboardDir, tracing, warmOperations: readOperations(env.GATEWAY_WARM_OPERATIONS_DIR) };
  if (supergraphPath && !existsSync(supergraphPath)) {
    throw new Error(`gateway configuration: no supergraph at ${supergraphPath} (set --supergraph or SUPERGRAPH_PATH, or SUPERGRAPH_URL; \`npm run compose\` writes ours)`);
  }
  if (dashboardDir && !(existsSync(dashboardDir) && statSync(dashboardDir).isDirectory())) {
    throw new Error(`gateway configuration: GATEWAY_DASHBOARD_DIR=${dashboardDir} is not a folder (point it at a built web app, e.g. dist/web/dashboard after \`npm run build:web\`)`);
  }
  return config;
}

/** The texts of the `.graphql` files in a folder (GATEWAY_WARM_OPERATIONS_DIR); none when unset. */
function readOperations(dir: string | undefined): string[] {
  if (!dir) return [];
  const folder = resolve(dir);
  if (!(existsSync(folder) && statSync(folder).isDirectory())) {
    throw new Error(`gateway configuration: GATEWAY_WARM_OPERATIONS_DIR=${folder} is not a folder (point it at the operations clients send, one .graphql file each)`);
  }
  return readdirSync(folder)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(join(folder, name), 'utf8'));
}

function parseFlags(argv: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(supergraph|port|host|workers)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`gateway: unknown argument "${arg}"; usage: gateway [--supergraph <file>] [--port <n>] [--host <address>] [--workers <n>]`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`gateway: ${arg} needs a value`);
    flags[m[1]!] = value;
  }
  return flags;
}

export interface SecurityConfig {
  production: boolean;
  /** Unset outside production: the embedded default's development issuer is used. */
  identityProvider: SignInOptions | undefined;
  /** The kinds of X-Purpose accepted (GATEWAY_PURPOSE_KINDS, comma-separated); unset: any lower-case kind. */
  purposeKinds: string[] | undefined;
  /** Redis the replicas share rate-limit counts through (REDIS_URL); unset: each process counts alone. */
  redisUrl: string | undefined;
  /** Before every Redis key (REDIS_KEY_PREFIX): deployments sharing one Redis stay apart. */
  redisKeyPrefix: string | undefined;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY: addresses or CIDRs, comma-separated). */
  trustProxy: string[] | undefined;
  partners: PartnerClient[];
  /** The file `partners` came from, followed while the gateway runs (PARTNER_CLIENTS_POLL_MS); none: no file. */
  partnersFile: PartnerRegistryFile | undefined;
  audit: AuditTrailConfig;
  corsOrigins: string[];
  ratePerMinute: number;
  /** Failed sign-ins a minute per client address before 429 (AUTH_FAILED_SIGNINS_PER_MINUTE, default 10). */
  failedSignInsPerMinute: number;
  /** The GraphQL explorer at /graphql for browsers (EXPLORER=on|off; off in production unless asked). */
  explorer: boolean;
  /** What one operation may ask and bring back (GATEWAY_MAX_*); unset ones keep their defaults. */
  limits: Partial<OperationLimits>;
  /** Tokens a document may have (GATEWAY_MAX_TOKENS, default 5000). */
  maxTokens: number | undefined;
  /** What subscriptions may hold (GATEWAY_SUBSCRIPTIONS_*); unset ones keep their defaults. */
  subscriptionLimits: Partial<SubscriptionLimits>;
  /** Bearer tokens: the longest lifetime accepted and the clock skew allowed (AUTH_MAX_TOKEN_LIFETIME_SECONDS, AUTH_CLOCK_SKEW_SECONDS). */
  tokens: { maxTokenLifetimeSeconds?: number; clockSkewSeconds?: number };
}

/** The audit trail's settings; `auditLogOptions` turns them into this process's chain. */
export interface AuditTrailConfig extends Omit<AuditLogOptions, 'dir'> {
  /** AUDIT_DIR: the trail, one folder per chain (per instance) inside it. */
  trailDir: string;
  /** AUDIT_INSTANCE_ID: names this instance's chain; default the host name. */
  instanceId: string;
}

/**
 * This process's chain: `<AUDIT_DIR>/<instance id>`, or `<instance id>-<slot>` for each
 * worker of `--workers`. Always a folder of its own, even for a lone process, so
 * replicas can share AUDIT_DIR with nothing set but a distinct host name.
 */
export function auditLogOptions({ trailDir, instanceId, ...options }: AuditTrailConfig, slot?: number): AuditLogOptions {
  return { ...options, dir: join(trailDir, slot === undefined ? instanceId : `${instanceId}-${slot}`) };
}

/**
 * Identity, partners, audit and CORS, shared by the gateway command and `npm start`.
 * Production (NODE_ENV=production) refuses to start without a real identity provider.
 */
export function readSecurityConfig(env: Env): SecurityConfig {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  let identityProvider: SignInOptions | undefined;
  if (env.AUTH_ISSUER || env.AUTH_JWKS_URL || env.AUTH_JWKS_FILE) {
    try {
      // The issuer alone is enough for a standard OpenID Connect provider: its keys come through discovery.
      const jwks = env.AUTH_JWKS_URL
        ? { url: new URL(env.AUTH_JWKS_URL).toString() }
        : env.AUTH_JWKS_FILE
          ? { set: JSON.parse(readFileSync(env.AUTH_JWKS_FILE, 'utf8')) as { keys: object[] } }
          : undefined;
      if (!env.AUTH_ISSUER) throw new Error('AUTH_ISSUER must be set with AUTH_JWKS_URL / AUTH_JWKS_FILE (the issuer the tokens name)');
      if (!jwks && !/^https?:\/\//.test(env.AUTH_ISSUER)) throw new Error(`AUTH_ISSUER="${env.AUTH_ISSUER}" is not a URL, so it has no discovery document: set AUTH_JWKS_URL or AUTH_JWKS_FILE`);
      if (production && !jwks && !env.AUTH_ISSUER.startsWith('https://')) throw new Error('AUTH_ISSUER must be https:// in production (its keys are fetched from it)');
      // A province-wide identity service issues tokens for many applications: without an audience, theirs would pass here.
      if (production && !env.AUTH_AUDIENCE) throw new Error('AUTH_AUDIENCE must be set in production (the audience this gateway\'s tokens are issued for)');
      identityProvider = { issuers: [{ issuer: env.AUTH_ISSUER, jwks, audience: env.AUTH_AUDIENCE || undefined }] };
    } catch (error) {
      problems.push(`AUTH_ISSUER / AUTH_JWKS_URL / AUTH_JWKS_FILE: ${(error as Error).message}`);
    }
    if (env.AUTH_ISSUER === 'urn:congjiang:dev-identity' && production) problems.push('production never accepts development tokens: AUTH_ISSUER is the development issuer');
  } else if (production) {
    problems.push('production needs the identity provider: set AUTH_ISSUER (its keys come through OpenID Connect discovery), or AUTH_ISSUER with AUTH_JWKS_URL / AUTH_JWKS_FILE');
  }
  const purposeKinds = env.GATEWAY_PURPOSE_KINDS ? env.GATEWAY_PURPOSE_KINDS.split(',').map((kind) => kind.trim()) : undefined;
  if (purposeKinds?.some((kind) => !PURPOSE_KIND.test(kind))) problems.push(`GATEWAY_PURPOSE_KINDS="${env.GATEWAY_PURPOSE_KINDS}" must be lower-case words separated by commas (case,item,project)`);
  // A purpose (with pii:read) unmasks personal data: production says which purposes count.
  if (production && !purposeKinds) problems.push('GATEWAY_PURPOSE_KINDS must be set in production (the kinds of X-Purpose accepted, e.g. case,item,project)');
  const { redisUrl, redisKeyPrefix } = readRedisSettings(env, problems);
  const trustProxy = env.TRUST_PROXY ? env.TRUST_PROXY.split(',').map((p) => p.trim()).filter(Boolean) : undefined;
  if (trustProxy) {
    try {
      proxyaddr.compile(trustProxy);
    } catch (error) {
      problems.push(`TRUST_PROXY="${env.TRUST_PROXY}": ${(error as Error).message} (addresses or CIDRs, comma-separated: 127.0.0.1,10.0.0.0/8)`);
    }
  }
  let partners: PartnerClient[] = [];
  let partnersFile: PartnerRegistryFile | undefined;
  // Outside production, partners registered with `npm run partner:register` are picked up by default.
  const devPartners = join(DEV_KEYS_DIR, 'partners.json');
  const partnersPath = env.PARTNER_CLIENTS_FILE || (!production && existsSync(devPartners) ? devPartners : undefined);
  const partnersPollMs = Number(env.PARTNER_CLIENTS_POLL_MS || 2000);
  if (!Number.isInteger(partnersPollMs) || (partnersPollMs !== 0 && partnersPollMs < 100)) {
    problems.push(`PARTNER_CLIENTS_POLL_MS="${env.PARTNER_CLIENTS_POLL_MS}" must be 0 (watch only) or a whole number of milliseconds, at least 100`);
  }
  if (partnersPath) {
    // The same check at start-up and for every later version of the file.
    const parse = (text: string) => parsePartnerClients(JSON.parse(text), purposeKinds);
    try {
      const text = readFileSync(partnersPath, 'utf8');
      partners = parse(text);
      partnersFile = { path: resolve(partnersPath), pollMs: partnersPollMs, version: sha256(text), parse };
    } catch (error) {
      problems.push(`PARTNER_CLIENTS_FILE (${partnersPath}): ${(error as Error).message}`);
    }
  }
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name}="${raw}" must be a number greater than 0`);
    return value;
  };
  const checkpointKey = readCheckpointKey(env, production, problems);
  const limit = (name: string) => {
    const raw = env[name];
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) problems.push(`${name}="${raw}" must be a whole number greater than 0`);
    return value;
  };
  const limits = Object.fromEntries(
    Object.entries({
      maxDepth: limit('GATEWAY_MAX_DEPTH'),
      maxAliases: limit('GATEWAY_MAX_ALIASES'),
      maxCost: limit('GATEWAY_MAX_COST'),
      maxSelections: limit('GATEWAY_MAX_SELECTIONS'),
      maxResponseBytes: limit('GATEWAY_MAX_RESPONSE_BYTES'),
      maxEntities: limit('GATEWAY_MAX_ENTITIES'),
    }).filter(([, v]) => v !== undefined),
  ) as Partial<OperationLimits>;
  const explorer = env.EXPLORER ? env.EXPLORER === 'on' : !production;
  if (env.EXPLORER && !['on', 'off'].includes(env.EXPLORER)) problems.push(`EXPLORER="${env.EXPLORER}" must be on or off`);
  if (production && !env.AUDIT_DIR) problems.push('AUDIT_DIR must be set in production (where the audit trail is kept)');
  const config: SecurityConfig = {
    production,
    identityProvider,
    purposeKinds,
    redisUrl,
    redisKeyPrefix,
    trustProxy,
    partners,
    partnersFile,
    audit: {
      trailDir: resolve(env.AUDIT_DIR || 'audit'),
      instanceId: auditInstanceId(env.AUDIT_INSTANCE_ID, problems),
      retentionDays: number('AUDIT_RETENTION_DAYS', 180),
      maxBytes: number('AUDIT_MAX_BYTES', 50_000_000),
      fsync: env.AUDIT_FSYNC === 'true',
      timeZone: auditTimeZone(env.AUDIT_TIME_ZONE, problems),
      checkpoints: checkpointKey && { key: checkpointKey, every: number('AUDIT_CHECKPOINT_EVERY', 100), seconds: number('AUDIT_CHECKPOINT_SECONDS', 60) },
    },
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    ratePerMinute: number('RATE_LIMIT_PER_MINUTE', 600),
    failedSignInsPerMinute: number('AUTH_FAILED_SIGNINS_PER_MINUTE', 10),
    explorer,
    limits,
    maxTokens: limit('GATEWAY_MAX_TOKENS'),
    subscriptionLimits: Object.fromEntries(
      Object.entries({
        perConnection: limit('GATEWAY_SUBSCRIPTIONS_PER_CONNECTION'),
        perCaller: limit('GATEWAY_SUBSCRIPTIONS_PER_CALLER'),
        idleSeconds: limit('GATEWAY_SUBSCRIPTIONS_IDLE_SECONDS'),
        lifetimeSeconds: limit('GATEWAY_SUBSCRIPTIONS_LIFETIME_SECONDS'),
        maxWaitingEvents: limit('GATEWAY_SUBSCRIPTIONS_MAX_WAITING_EVENTS'),
      }).filter(([, v]) => v !== undefined),
    ) as Partial<SubscriptionLimits>,
    tokens: { maxTokenLifetimeSeconds: limit('AUTH_MAX_TOKEN_LIFETIME_SECONDS'), clockSkewSeconds: limit('AUTH_CLOCK_SKEW_SECONDS') },
  };
  if (problems.length) throw new Error(`configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/**
 * AUDIT_INSTANCE_ID, or the host name (its characters outside A–Z a–z 0–9 . _ - made -):
 * stable across restarts, which a chain needs to be continued rather than begun again.
 */
function auditInstanceId(id: string | undefined, problems: string[]): string {
  if (id === undefined || id === '') return hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 90) || 'gateway';
  if (!INSTANCE_ID.test(id)) {
    problems.push(`AUDIT_INSTANCE_ID="${id}" must be a plain folder name: 1–100 letters, digits, . _ or -, starting with a letter or digit (e.g. gateway-a, or the host name)`);
  }
  return id;
}

/** The zone whose days name the audit files (AUDIT_TIME_ZONE, an IANA name; default Asia/Shanghai). */
function auditTimeZone(zone: string | undefined, problems: string[]): string | undefined {
  if (!zone) return undefined;
  try {
    calendarDay(zone);
    return zone;
  } catch {
    problems.push(`AUDIT_TIME_ZONE="${zone}" is not a time zone (an IANA name such as Asia/Shanghai)`);
    return undefined;
  }
}

/** How the gateway command vouches for callers to the subgraphs: a key, or (told so) not at all. */
export type InternalIdentitySetting = { key: InternalIdentityKey; source: string } | { key: undefined; source: 'off' };

/**
 * The key the gateway command signs `x-county-identity` with: INTERNAL_IDENTITY_KEY_FILE
 * (Ed25519, PKCS#8 PEM) or INTERNAL_IDENTITY_PRIVATE_KEY (the PEM itself). Without either,
 * production refuses to start unless INTERNAL_IDENTITY=off says to forward no identity
 * (the subgraphs then refuse the gateway, unless they are another county's that need
 * none); elsewhere it is the development key `npm start` uses too, so a gateway started
 * beside `npm start` is one more replica in front of the same subgraphs.
 */
export async function readInternalIdentity(env: Env): Promise<InternalIdentitySetting> {
  const mode = env.INTERNAL_IDENTITY;
  if (mode && mode !== 'off') throw new Error(`configuration: INTERNAL_IDENTITY="${mode}": the only value is off (forward no identity to the subgraphs); to sign, set INTERNAL_IDENTITY_KEY_FILE`);
  const file = env.INTERNAL_IDENTITY_KEY_FILE;
  const inline = env.INTERNAL_IDENTITY_PRIVATE_KEY;
  if (mode === 'off') {
    if (file || inline) throw new Error('configuration: INTERNAL_IDENTITY=off and a key (INTERNAL_IDENTITY_KEY_FILE / _PRIVATE_KEY) are both set: say one');
    return { key: undefined, source: 'off' };
  }
  if (file && inline) throw new Error('configuration: set INTERNAL_IDENTITY_KEY_FILE or INTERNAL_IDENTITY_PRIVATE_KEY, not both');
  let pem: string;
  let source: string;
  if (file) {
    if (!existsSync(file)) throw new Error(`configuration: INTERNAL_IDENTITY_KEY_FILE=${file} does not exist (make one with \`npm run identity:key -- new ${file}\`)`);
    [pem, source] = [readFileSync(file, 'utf8'), resolve(file)];
  } else if (inline) {
    [pem, source] = [inline.replace(/\\n/g, '\n'), 'INTERNAL_IDENTITY_PRIVATE_KEY'];
  } else if (env.NODE_ENV === 'production') {
    throw new Error(
      'configuration: the gateway signs who is asking for the subgraphs and has no key: set INTERNAL_IDENTITY_KEY_FILE (an Ed25519 private key; `npm run identity:key -- new <file>` makes one, and its JWKS for the subgraphs), or INTERNAL_IDENTITY=off to forward no identity',
    );
  } else {
    return { key: await internalIdentityKey(developmentKey(DEV_INTERNAL_IDENTITY_KEY)), source: `${DEV_INTERNAL_IDENTITY_KEY} (development)` };
  }
  try {
    return { key: await internalIdentityKey(createPrivateKey(pem)), source };
  } catch (error) {
    throw new Error(`configuration: the internal identity key (${source}) is not an Ed25519 private key in PEM: ${(error as Error).message}`);
  }
}

/** Where the embedded default keeps the key it signs audit checkpoints with (made on first use, git-ignored). */
export const DEV_CHECKPOINT_KEY = join(DEV_KEYS_DIR, 'audit-checkpoint.pem');

/**
 * The Ed25519 key audit checkpoints are signed with (AUDIT_CHECKPOINT_KEY_FILE, PKCS#8
 * PEM). Production must name one; elsewhere the development key is used, made on first
 * use (`npm run audit:verify` reads its public half from it).
 */
function readCheckpointKey(env: Env, production: boolean, problems: string[]): KeyObject | undefined {
  const file = env.AUDIT_CHECKPOINT_KEY_FILE;
  if (!file) {
    if (production) {
      problems.push('AUDIT_CHECKPOINT_KEY_FILE must be set in production (the Ed25519 key that signs audit checkpoints; keep it apart from the identity keys)');
      return undefined;
    }
    return developmentKey(DEV_CHECKPOINT_KEY);
  }
  try {
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType} key; checkpoints are signed with Ed25519`);
    return key;
  } catch (error) {
    problems.push(`AUDIT_CHECKPOINT_KEY_FILE (${file}): ${(error as Error).message}`);
    return undefined;
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A registered partner system as PARTNER_CLIENTS_FILE holds it (`npm run partner:register` writes it). */
export const partnerClientSchema = z.object({
  id: z.string().regex(/^[\w.-]{1,64}$/, 'id must be 1–64 letters, digits, _ . or -'),
  name: z.string().min(1, 'name must not be empty'),
  keySha256: z.string().regex(SHA256_HEX, 'keySha256 must be the hex SHA-256 of the API key').optional(),
  /** The partner signs in at the identity provider instead (OAuth client credentials): its client id there. */
  oauthClientId: z.string().regex(/^[\w.:-]{1,128}$/, 'oauthClientId must be 1–128 letters, digits, _ . : or -').optional(),
  region: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{12})$/, 'region must be a division code of 2, 4, 6 or 12 digits (52 the province, 522633 the county)'),
  scopes: z.array(z.string().min(1)),
  purposes: z.array(z.string().regex(PURPOSE_KIND, 'purposes must be kinds of X-Purpose: lower-case words (case, item, project)')).min(1, 'purposes must name at least one kind'),
  operations: z.array(z.string().regex(SHA256_HEX, 'operations must be hex SHA-256 hashes of the registered operation texts')),
  ratePerMinute: z.number({ error: 'ratePerMinute must be a number' }).int('ratePerMinute must be a whole number').positive('ratePerMinute must be greater than 0'),
});

/** Checks a partner file's records (their purposes against the kinds accepted, when set); throws naming each bad record and field. */
export function parsePartnerClients(value: unknown, purposeKinds?: readonly string[]): PartnerClient[] {
  const parsed = z.array(partnerClientSchema, { error: 'must be a JSON array of client records' }).safeParse(value);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => (i.path.length ? `record ${i.path.map(String).join(', ')}: ${i.message}` : i.message)).join('; '));
  const unreachable = parsed.data.find((c) => !c.keySha256 && !c.oauthClientId);
  if (unreachable) throw new Error(`client "${unreachable.id}" has neither keySha256 (an API key) nor oauthClientId (a client of the identity provider): it could never sign in`);
  const ids = parsed.data.map((c) => c.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`client id "${repeated}" is registered twice`);
  const unknownKind = purposeKinds && parsed.data.find((c) => c.purposes.some((kind) => !purposeKinds.includes(kind)));
  if (unknownKind) throw new Error(`client "${unknownKind.id}" is registered for purposes (${unknownKind.purposes.join(', ')}) this gateway does not accept (GATEWAY_PURPOSE_KINDS=${purposeKinds!.join(',')})`);
  return parsed.data;
}
