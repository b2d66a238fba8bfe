import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPlanner } from '../../gateway/config';
import type { AuditLog } from '../../gateway/audit/log';
import type { PartnerClient } from '../../gateway/capabilities/sign-in';
import type { OperationLimits } from '../../gateway/capabilities/limits';
import type { SubscriptionLimits } from '../../gateway/subscriptions/transports';
import type { SupergraphFile } from '../../gateway/live-supergraph';
import { silentLogger, type Logger } from '../../lib/logger';
import { ALL_SCOPES, STAFF_SCOPES, testIssuer, type TestIssuer } from './issuer';
import type { DepartmentId } from '../../mocks';
import { DEPARTMENT_IDS, startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, unknown>;
}

export interface TestStack extends EmbeddedStack {
  /** As county staff: every read and review scope, county-wide, no pii:read. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** With these headers instead (a token of `issuer`, an API key, none …). */
  queryWith<T = any>(headers: Record<string, string>, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  issuer: TestIssuer;
  staffToken: string;
  /** Requests each department system received since the last `resetCounts()`. */
  requests(id: DepartmentId): EmbeddedStack['departments']['enterprise']['requests'];
  /** Forget request logs and every subgraph cache, so counts start from cold. */
  resetCounts(): Promise<void>;
}

/** The embedded stack on ephemeral ports, no artificial latency, silent logs. */
export interface TestStackOptions {
  /** A department call's deadline, every attempt and the wait for a connection included (default 10 s: see below). */
  timeoutMs?: number;
  landMaxConcurrency?: number;
  approvalClock?: () => Date;
  partners?: PartnerClient[];
  audit?: AuditLog;
  corsOrigins?: string[];
  cacheTtlSeconds?: number;
  /** 0 (default here): a tripped breaker probes on the next request, so tests do not wait for it. */
  breakerOpenMs?: number;
  /** Serve this supergraph file (and each new version of it) instead of schema/supergraph.graphql. */
  supergraphFile?: SupergraphFile;
  /** Default: silent. */
  logger?: Logger;
  /** Failed sign-ins a minute per address before 429; high by default, so tests of bad credentials are not slowed down. */
  failedSignInsPerMinute?: number;
  /** What one operation may ask and bring back. */
  limits?: Partial<OperationLimits>;
  /** Where the dashboard's built files are (default dist/web/dashboard). */
  dashboardRoot?: string;
  /** false: no explorer. By default it is on, with the development token as in `npm start`. */
  explorer?: false;
  /** The key pair the gateway signs callers' identity with, for a test that puts a second gateway in front. */
  gatewayKeys?: { privateKey: KeyObject; publicKey: KeyObject };
  /** Shared state and the client address, as for replicas behind a load balancer. */
  redisUrl?: string;
  trustProxy?: string[];
  /** Run the embedded identity provider (统一身份认证) as `npm start` does: the dashboard and explorer sign in there. */
  identityProvider?: boolean | { partnerClients: { clientId: string; clientSecret: string; name: string }[] };
  ratePerMinute?: number;
  /** What subscriptions may hold (a small backlog, to find a slow consumer quickly). */
  subscriptionLimits?: Partial<SubscriptionLimits>;
}

const STAFF_CLAIMS = { sub: 'staff-1', org: '522633-zwzx', region: '522633', scope: STAFF_SCOPES.join(' ') };

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const issuer = await testIssuer();
  const client = (maxConcurrency: number) => ({
    // Generous: with the whole suite on two cores a department's answer has taken over 2 s
    // (list-order failed in CI on that). Tests of timeouts set their own.
    timeoutMs: options.timeoutMs ?? 10_000,
    cacheTtlSeconds: options.cacheTtlSeconds ?? 60,
    cacheMaxStaleSeconds: 3600,
    cacheMaxKeys: 10_000,
    maxConcurrency,
    retries: 2,
    breakerFailures: 5,
    breakerOpenMs: options.breakerOpenMs ?? 0,
  });
  const stack = await startEmbeddedStack({
    departmentClients: { enterprise: client(8), land: client(options.landMaxConcurrency ?? 4), construction: client(8), approval: client(8) },
    approvalClock: options.approvalClock,
    identityProvider: options.identityProvider === true ? {} : options.identityProvider || undefined,
    signIn: { issuers: [issuer.trusted(true)], partners: options.partners },
    audit: options.audit,
    corsOrigins: options.corsOrigins,
    supergraphFile: options.supergraphFile,
    gatewayKeys: options.gatewayKeys,
    // The dashboard signs its browser in as the staff member `query` uses, as `npm start` does with its development user.
    dashboard: { root: options.dashboardRoot, developmentToken: () => issuer.token(STAFF_CLAIMS) },
    // As `npm start` does: every scope, county-wide, minted per page load.
    explorer: options.explorer ?? { developmentToken: () => issuer.token({ sub: 'dev-user', name: '开发者', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') }) },
    faults: {
      enterprise: { latencyMs: 0, failureRate: 0, down: false },
      land: { latencyMs: 0, failureRate: 0, down: false },
      construction: { latencyMs: 0, failureRate: 0, down: false },
      approval: { latencyMs: 0, failureRate: 0, down: false },
    },
    logger: options.logger ?? silentLogger(),
    failedSignInsPerMinute: options.failedSignInsPerMinute ?? 10_000,
    limits: options.limits,
    redisUrl: options.redisUrl,
    trustProxy: options.trustProxy,
    ratePerMinute: options.ratePerMinute,
    subscriptionLimits: options.subscriptionLimits,
    // GATEWAY_PLANNER, as the gateway command reads it: the integration tests run on either planner.
    planner: readPlanner(process.env),
  });
  const staffToken = await issuer.token(STAFF_CLAIMS);
  return {
    ...stack,
    issuer,
    staffToken,
    query: (query, variables) => postGraphQL(stack.gatewayUrl, query, variables, { authorization: `Bearer ${staffToken}` }),
    queryWith: (headers, query, variables) => postGraphQL(stack.gatewayUrl, query, variables, headers),
    requests: (id) => stack.departments[id].requests,
    resetCounts: async () => {
      for (const id of DEPARTMENT_IDS) {
        stack.departments[id].requests.length = 0;
        await stack.subgraphs[id].clearCaches();
      }
    },
  };
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, ...body };
}

/** An operation from docs/operations, the same text the README shows. */
export function operation(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'docs', 'operations', `${name}.graphql`), 'utf8');
}
