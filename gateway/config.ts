import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { AuditLogOptions } from './audit-log';
import type { IdentityOptions, PartnerClient } from './plugins/identity';

export interface GatewayConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Subgraph name → URL, replacing the URL written in the supergraph. */
  subgraphUrls: Record<string, string>;
  logLevel: string;
  maxBodyBytes: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_SUPERGRAPH = resolve(__dirname, '..', 'schema', 'supergraph.graphql');

/** The variable that overrides a subgraph's URL: `SUBGRAPH_<NAME>_URL`, NAME upper-cased. */
export const subgraphUrlVariable = (name: string) => `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;

const port = (name: string) =>
  z.coerce.number({ error: `${name} must be a port number` }).int(`${name} must be a whole number`).min(0, `${name} must be 0–65535`).max(65535, `${name} must be 0–65535`);

/**
 * Reads the gateway's settings once, from flags (`--supergraph`, `--port`, `--host`)
 * over environment variables over defaults. Throws one error listing every problem.
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
    supergraphPath: z.string().default(DEFAULT_SUPERGRAPH),
    subgraphUrls: z.record(z.string(), z.url({ error: 'SUBGRAPH_<NAME>_URL must be an http(s) URL' })),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
    maxBodyBytes: z.coerce.number().int().positive('MAX_BODY_BYTES must be greater than 0').default(1_000_000),
  });
  const parsed = schema.safeParse({
    port: flags.port ?? env.PORT,
    host: flags.host ?? env.HOST,
    supergraphPath: flags.supergraph ?? env.SUPERGRAPH_PATH,
    subgraphUrls,
    logLevel: env.LOG_LEVEL,
    maxBodyBytes: env.MAX_BODY_BYTES,
  });
  if (!parsed.success) throw new Error(`gateway configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const config = { ...parsed.data, supergraphPath: resolve(parsed.data.supergraphPath) };
  if (!existsSync(config.supergraphPath)) {
    throw new Error(`gateway configuration: no supergraph at ${config.supergraphPath} (set --supergraph or SUPERGRAPH_PATH; \`npm run compose\` writes ours)`);
  }
  return config;
}

function parseFlags(argv: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(supergraph|port|host)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`gateway: unknown argument "${arg}"; usage: gateway [--supergraph <file>] [--port <n>] [--host <address>]`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`gateway: ${arg} needs a value`);
    flags[m[1]!] = value;
  }
  return flags;
}

export interface SecurityConfig {
  production: boolean;
  /** Unset outside production: the embedded default's development issuer is used. */
  identity: IdentityOptions | undefined;
  partners: PartnerClient[];
  audit: AuditLogOptions;
  corsOrigins: string[];
  ratePerMinute: number;
  /** The GraphQL explorer at /graphql for browsers (EXPLORER=on|off; off in production unless asked). */
  explorer: boolean;
}

/**
 * Identity, partners, audit and CORS, shared by the gateway command and `npm start`.
 * Production (NODE_ENV=production) refuses to start without a real identity provider.
 */
export function readSecurityConfig(env: Env): SecurityConfig {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  let identity: IdentityOptions | undefined;
  if (env.AUTH_JWKS_URL || env.AUTH_JWKS_FILE) {
    try {
      const jwks = env.AUTH_JWKS_URL ? { url: new URL(env.AUTH_JWKS_URL).toString() } : { set: JSON.parse(readFileSync(env.AUTH_JWKS_FILE!, 'utf8')) as { keys: object[] } };
      identity = { jwks, issuer: env.AUTH_ISSUER || undefined, audience: env.AUTH_AUDIENCE || undefined };
    } catch (error) {
      problems.push(`AUTH_JWKS_URL / AUTH_JWKS_FILE: ${(error as Error).message}`);
    }
    if (production && !env.AUTH_ISSUER) problems.push('AUTH_ISSUER must be set in production (the identity provider\'s issuer)');
    if (env.AUTH_ISSUER === 'urn:congjiang:dev-identity' && production) problems.push('production never accepts development tokens: AUTH_ISSUER is the development issuer');
  } else if (production) {
    problems.push('production needs the identity provider: set AUTH_JWKS_URL (or AUTH_JWKS_FILE) and AUTH_ISSUER');
  }
  let partners: PartnerClient[] = [];
  // Outside production, partners registered with `npm run partner:register` are picked up by default.
  const devPartners = resolve(__dirname, '..', '.dev-keys', 'partners.json');
  const partnersFile = env.PARTNER_CLIENTS_FILE || (!production && existsSync(devPartners) ? devPartners : undefined);
  if (partnersFile) {
    try {
      partners = JSON.parse(readFileSync(partnersFile, 'utf8')) as PartnerClient[];
      if (!Array.isArray(partners)) throw new Error('must be a JSON array of client records');
    } catch (error) {
      problems.push(`PARTNER_CLIENTS_FILE: ${(error as Error).message}`);
    }
  }
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name}="${raw}" must be a number greater than 0`);
    return value;
  };
  const explorer = env.EXPLORER ? env.EXPLORER === 'on' : !production;
  if (env.EXPLORER && !['on', 'off'].includes(env.EXPLORER)) problems.push(`EXPLORER="${env.EXPLORER}" must be on or off`);
  if (production && !env.AUDIT_DIR) problems.push('AUDIT_DIR must be set in production (where the audit trail is kept)');
  const config: SecurityConfig = {
    production,
    identity,
    partners,
    audit: {
      dir: resolve(env.AUDIT_DIR || 'audit'),
      retentionDays: number('AUDIT_RETENTION_DAYS', 180),
      maxBytes: number('AUDIT_MAX_BYTES', 50_000_000),
      fsync: env.AUDIT_FSYNC === 'true',
    },
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    ratePerMinute: number('RATE_LIMIT_PER_MINUTE', 600),
    explorer,
  };
  if (problems.length) throw new Error(`configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
