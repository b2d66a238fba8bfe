/**
 * The settings of one subgraph run on its own (`npm run subgraph -- <department>`), read
 * and checked once at start-up; one error lists every problem. What the embedded stack
 * fills in (the mock department, the gateway's key in memory) must be given here.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { internalIdentityJwk, type InternalIdentityKeys } from '../contracts/internal-identity';
import { DEV_INTERNAL_IDENTITY_KEY, developmentKey } from '../lib/dev-keys';
import { logLevel, port, readRedisSettings, seconds } from '../lib/config-schemas';
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from './catalog';
import { readDepartmentClientSettings, readDepartmentConnection, readLicenceIssuers, type DepartmentClientSettings, type DepartmentConnection, type LicenceIssuerConfig } from './shared/config';

type Env = Record<string, string | undefined>;

export interface SubgraphCommandConfig {
  name: SubgraphName;
  port: number;
  host: string;
  logLevel: string;
  settings: DepartmentClientSettings;
  connection: DepartmentConnection;
  licenceIssuers: LicenceIssuerConfig[];
  /** The gateway's public keys, and where they came from (for the ready line). */
  identity: { keys: InternalIdentityKeys; source: string };
  redisUrl?: string;
  redisKeyPrefix?: string;
  drainSeconds: number;
  shutdownTimeoutSeconds: number;
}

const USAGE = `usage: subgraph <${SUBGRAPH_NAMES.join('|')}> [--port <n>] [--host <address>]`;

const jwksSchema = z.object({
  keys: z
    .array(
      z
        .object({ kty: z.literal('OKP', 'each key must be an Ed25519 public JWK (kty OKP)'), crv: z.literal('Ed25519', 'each key must be Ed25519 (crv Ed25519)'), x: z.string(), kid: z.string({ error: 'each key needs its kid' }).min(1, 'each key needs its kid') })
        .passthrough()
        // The private half never belongs on a subgraph host.
        .refine((key) => !('d' in key), 'a key holds its private half (d): give the subgraphs public keys only (npm run identity:key -- jwks)'),
    )
    .min(1, 'the JWKS has no keys'),
});

export async function readSubgraphCommandConfig(argv: readonly string[], env: Env): Promise<SubgraphCommandConfig> {
  const [name, ...rest] = argv;
  if (!name || !(SUBGRAPH_NAMES as readonly string[]).includes(name)) throw new Error(`subgraph: which department? ${USAGE}`);
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const m = /^--(port|host)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`subgraph: unexpected "${arg}"; ${USAGE}`);
    const value = m[2] ?? rest[++i];
    if (value === undefined) throw new Error(`subgraph: ${arg} needs a value; ${USAGE}`);
    flags[m[1]!] = value;
  }
  const subgraph = SUBGRAPHS[name as SubgraphName];
  const P = name.toUpperCase();
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message.replace(/^configuration: /, ''));
      return undefined;
    }
  };
  const settings = attempt(() => readDepartmentClientSettings(env, P, subgraph.clientDefaults));
  const connection = attempt(() => readDepartmentConnection(env, P, { issuesLicences: subgraph.issuesLicences }));
  if (!connection && !problems.some((p) => p.includes(`${P}_DEPARTMENT_URL`))) {
    problems.push(`${P}_DEPARTMENT_URL must be set: the ${name} department system this subgraph reads${subgraph.issuesLicences ? ` (with ${P}_DEPARTMENT_PUBLIC_KEY, its e-licence key)` : ''}`);
  }
  const licenceIssuers = name === 'approval' ? attempt(() => readLicenceIssuers(env)) : [];
  if (name === 'approval' && !licenceIssuers && !problems.some((p) => p.includes('LICENCE_ISSUERS'))) {
    problems.push('LICENCE_ISSUERS must be set for the approval subgraph: the departments whose e-licences it verifies ([{"uscc", "name", "publicKey"}])');
  }
  const plain = z
    .object({
      port: port('PORT (or --port)').default(subgraph.port),
      host: z.string().min(1).default('127.0.0.1'),
      logLevel: logLevel.default('info'),
      drainSeconds: seconds('SUBGRAPH_DRAIN_SECONDS', 0).default(5),
      shutdownTimeoutSeconds: seconds('SUBGRAPH_SHUTDOWN_TIMEOUT_SECONDS', 1).default(30),
    })
    .safeParse({
      port: flags.port ?? (env.PORT || undefined),
      host: flags.host ?? (env.HOST || undefined),
      logLevel: env.LOG_LEVEL || undefined,
      drainSeconds: env.SUBGRAPH_DRAIN_SECONDS || undefined,
      shutdownTimeoutSeconds: env.SUBGRAPH_SHUTDOWN_TIMEOUT_SECONDS || undefined,
    });
  if (!plain.success) problems.push(...plain.error.issues.map((i) => i.message));
  const redis = readRedisSettings(env, problems);
  const identity = await readIdentityKeys(env, problems);
  if (problems.length) throw new Error(`${name} subgraph configuration:\n  - ${problems.join('\n  - ')}`);
  return { name: name as SubgraphName, ...plain.data!, ...redis, settings: settings!, connection: connection!, licenceIssuers: licenceIssuers!, identity: identity! };
}

/**
 * Whose signature on `x-county-identity` this subgraph accepts: INTERNAL_IDENTITY_JWKS_FILE
 * (read at start: a rotation adds the new key and restarts the replicas one at a time) or
 * INTERNAL_IDENTITY_JWKS_URL (fetched again when a token names a key it has not seen).
 * Outside production, the development key `npm start` signs with.
 */
async function readIdentityKeys(env: Env, problems: string[]): Promise<{ keys: InternalIdentityKeys; source: string } | undefined> {
  const { INTERNAL_IDENTITY_JWKS_FILE: file, INTERNAL_IDENTITY_JWKS_URL: url } = env;
  if (file && url) {
    problems.push('set INTERNAL_IDENTITY_JWKS_FILE or INTERNAL_IDENTITY_JWKS_URL, not both');
    return undefined;
  }
  if (url) {
    if (!/^https?:\/\//.test(url)) {
      problems.push(`INTERNAL_IDENTITY_JWKS_URL="${url}" must be an http(s) URL`);
      return undefined;
    }
    // Whoever can answer for this URL decides which callers the subgraph believes: over plain HTTP, anyone on the path.
    if (env.NODE_ENV === 'production' && !/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
      problems.push(`INTERNAL_IDENTITY_JWKS_URL="${url}" must be https in production (plain http only on this host)`);
      return undefined;
    }
    return { keys: createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 }), source: url };
  }
  if (file) {
    try {
      const parsed = jwksSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      return { keys: parsed.data as JSONWebKeySet, source: file };
    } catch (error) {
      problems.push(`INTERNAL_IDENTITY_JWKS_FILE (${file}): ${(error as Error).message} (\`npm run identity:key -- jwks <key files>\` writes one)`);
      return undefined;
    }
  }
  if (env.NODE_ENV === 'production') {
    problems.push('INTERNAL_IDENTITY_JWKS_FILE or INTERNAL_IDENTITY_JWKS_URL must be set in production: the public keys of the gateway whose callers this subgraph trusts');
    return undefined;
  }
  return { keys: { keys: [await internalIdentityJwk(createPublicKey(developmentKey(DEV_INTERNAL_IDENTITY_KEY)))] }, source: `${DEV_INTERNAL_IDENTITY_KEY} (development)` };
}
