/**
 * The embedded default: the four mock department systems over HTTP, the four
 * subgraphs in front of them, and the gateway over the composed supergraph, each on
 * its own port. `npm start` runs it on fixed ports; tests run it on ephemeral ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUPERGRAPH } from '../gateway/config';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { PURPOSE_KINDS } from '../domain/purposes';
import type { SupergraphFile } from '../gateway/live-supergraph';
import { createGateway, type GatewayOptions, type GatewayService } from '../gateway/server';
import { DASHBOARD_CLIENT_ID, EXPLORER_CLIENT_ID, GATEWAY_AUDIENCE, GATEWAY_SCOPES, startIdentityProvider, type IdentityProviderOptions } from './identity-provider/provider';
import { PAGE_OIDC_SCOPES } from '../contracts/sign-in';
import { DASHBOARD_PREFIX, dashboardRoutes, dashboardSite, type DashboardOptions } from './dashboard';
import { explorerExamples } from './explorer-examples';
import { readOperationFiles } from '../scripts/schema-operations';
import { InternalIdentityVerifier } from '../subgraphs/shared/caller';
import { internalIdentityKey } from '../contracts/internal-identity';
import { listen, type Listening } from '../lib/listen';
import type { Logger } from '../lib/logger';
import { createDepartments, generateCounty, serveDepartment, type DepartmentFaults, type MockDepartments } from '../mocks';
import type { DepartmentId } from '../mocks';
import { SUBGRAPHS } from '../subgraphs/catalog';
import type { DepartmentClientSettings, DepartmentConnection, LicenceIssuerConfig } from '../subgraphs/shared/config';
import { SUBGRAPH_REDIS_USES, type SubgraphService } from '../subgraphs/shared/subgraph-service';
import { connectRedis } from '../lib/redis';

// @apollo/gateway sends usage metrics to Apollo's servers unless this is set: county networks
// (政务外网) must not send anything out, and every stop would wait on the unreachable host.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export const DEPARTMENT_IDS: readonly DepartmentId[] = ['enterprise', 'land', 'construction', 'approval'];

/** The gateway's own settings the stack passes through as given (gateway/server.ts says what each does). */
const GATEWAY_SETTINGS = ['signIn', 'purposeKinds', 'redisUrl', 'redisKeyPrefix', 'trustProxy', 'ratePerMinute', 'audit', 'corsOrigins', 'limits', 'maxTokens', 'failedSignInsPerMinute', 'subscriptionLimits', 'planner'] as const;

export interface EmbeddedStackOptions extends Pick<GatewayOptions, (typeof GATEWAY_SETTINGS)[number]> {
  host?: string;
  gatewayPort?: number;
  subgraphPorts?: Partial<Record<DepartmentId, number>>;
  departmentPorts?: Partial<Record<DepartmentId, number>>;
  /** Client settings per department; no `connection` means "start the mock and use it". */
  departmentClients: Record<DepartmentId, DepartmentClientSettings & { connection?: DepartmentConnection }>;
  faults?: Partial<Record<DepartmentId, DepartmentFaults>>;
  /** Whose e-licences `verifyLicense` accepts; unset: the mock departments'. */
  licenceIssuers?: LicenceIssuerConfig[];
  /** The approval system's and subgraph's clock (tests fix it). */
  approvalClock?: () => Date;
  seed?: number;
  /** The key pair the gateway signs callers' identity with (npm start: the development key in .dev-keys; default: one made for this run, as tests want). */
  gatewayKeys?: { privateKey: KeyObject; publicKey: KeyObject };
  /** 联审工作台 at /dashboard/ (built files; `developmentToken` signs its browser in). false: off. */
  dashboard?: false | DashboardOptions;
  /**
   * The explorer at /graphql, opened on the README's operations with this county's data;
   * `developmentToken` fills in its headers (the embedded default's own issuer). false: off.
   */
  explorer?: false | { developmentToken?: () => Promise<string> };
  /**
   * 统一身份认证: run the embedded OpenID Connect provider (stack/identity-provider/) and sign the dashboard's
   * and explorer's people in there (single sign-on); the gateway trusts it through discovery, beside `signIn`'s issuers.
   */
  identityProvider?: Pick<IdentityProviderOptions, 'port' | 'signingKey' | 'partnerClients'>;
  /** false: departments and subgraphs only (the benchmark puts other gateways in front). */
  withGateway?: boolean;
  /** Serve this supergraph file, and each new version of it, instead of schema/supergraph.graphql. */
  supergraphFile?: SupergraphFile;
  logger: Logger;
  /** Called as each part comes up, for a person watching `npm start`. */
  onProgress?: (message: string) => void;
}

export interface EmbeddedStack {
  /** Empty when started without the gateway. */
  gatewayUrl: string;
  /** The gateway itself (to reload its supergraph); undefined when started without it. */
  gateway: GatewayService | undefined;
  /** The embedded identity provider's issuer; empty when it is not run. */
  identityProviderUrl: string;
  /** The dashboard's address; empty when it is off or there is no gateway. */
  dashboardUrl: string;
  subgraphUrls: Record<DepartmentId, string>;
  departmentUrls: Record<DepartmentId, string>;
  /** The mock systems (their data, faults and request logs). */
  departments: MockDepartments;
  subgraphs: Record<DepartmentId, SubgraphService>;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const host = options.host ?? '127.0.0.1';
  const progress = options.onProgress ?? (() => {});
  const opened: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of opened.reverse()) await close().catch(() => {});
  };
  try {
    const departments = createDepartments(generateCounty(options.seed), options.faults, { approvalClock: options.approvalClock });
    const licenceIssuers =
      options.licenceIssuers ??
      Object.values(departments.county.departments).map((d) => ({ uscc: d.uscc, name: d.name, publicKeyPem: d.signingKey.publicKeyPem }));
    const departmentUrls = {} as Record<DepartmentId, string>;
    const connections = {} as Record<DepartmentId, DepartmentConnection>;
    for (const id of DEPARTMENT_IDS) {
      const external = options.departmentClients[id].connection;
      if (external) {
        connections[id] = external;
        departmentUrls[id] = external.url;
        progress(`department ${id}: using ${external.url}`);
        continue;
      }
      const served = await serveDepartment(departments[id], options.departmentPorts?.[id] ?? 0, host);
      opened.push(served.close);
      departmentUrls[id] = served.url;
      connections[id] = { url: served.url, publicKeyPem: departments[id].publicKeyPem };
      progress(`department ${id} (mock): ${served.url}`);
    }

    // The gateway vouches for callers with its key; its subgraphs get only the public half.
    const gatewayKeys = options.gatewayKeys ?? generateKeyPairSync('ed25519');
    const gatewayIdentity = await InternalIdentityVerifier.trusting(gatewayKeys.publicKey, options.logger.child({ component: 'subgraphs' }));
    // With REDIS_URL the subgraphs share department records with replicas started beside this stack.
    const redis = options.redisUrl ? connectRedis(options.redisUrl, options.logger.child({ component: 'subgraphs' }), SUBGRAPH_REDIS_USES, options.redisKeyPrefix) : undefined;
    if (redis) opened.push(redis.close);
    const subgraphs = {} as Record<DepartmentId, SubgraphService>;
    const subgraphUrls = {} as Record<DepartmentId, string>;
    for (const id of DEPARTMENT_IDS) {
      const runtime = { logger: options.logger.child({ subgraph: id }), identity: gatewayIdentity, redis };
      const subgraph = SUBGRAPHS[id].create({ settings: options.departmentClients[id], connection: connections[id], licenceIssuers, clock: options.approvalClock }, runtime);
      await subgraph.start();
      opened.push(subgraph.stop);
      const listening: Listening = await listen(subgraph.server, options.subgraphPorts?.[id] ?? 0, host, `set ${id.toUpperCase()}_SUBGRAPH_PORT`);
      opened.push(listening.close);
      subgraphs[id] = subgraph;
      subgraphUrls[id] = `${listening.url}/graphql`;
      progress(`subgraph ${id}: ${subgraphUrls[id]}`);
    }

    if (options.withGateway === false) return { gatewayUrl: '', gateway: undefined, identityProviderUrl: '', dashboardUrl: '', subgraphUrls, departmentUrls, departments, subgraphs, stop };
    let gatewayOrigin = '';
    // This machine only, whatever HOST says: every demo account shares one published password, and the
    // administrator's holds every scope (HOST=0.0.0.0 must not hand that to the network).
    const identityProvider =
      options.identityProvider &&
      (await startIdentityProvider({ host: '127.0.0.1', ...options.identityProvider, clientOrigins: () => [gatewayOrigin], logger: options.logger.child({ component: 'identity-provider' }) }));
    if (identityProvider) {
      opened.push(identityProvider.close);
      progress(`identity provider (统一身份认证): ${identityProvider.discoveryUrl}`);
    }
    const pageSignIn = (clientId: string) => identityProvider && { issuer: identityProvider.issuer, clientId, scope: [...PAGE_OIDC_SCOPES, ...GATEWAY_SCOPES].join(' ') };
    const signIn = identityProvider
      ? { ...options.signIn, issuers: [{ issuer: identityProvider.issuer, audience: GATEWAY_AUDIENCE }, ...(options.signIn?.issuers ?? [])] }
      : options.signIn;
    const dashboard = options.dashboard === false ? false : { ...options.dashboard, signIn: pageSignIn(DASHBOARD_CLIENT_ID) };
    const gateway = createGateway({
      supergraphSdl: readFileSync(options.supergraphFile?.path ?? DEFAULT_SUPERGRAPH, 'utf8'),
      supergraphFile: options.supergraphFile,
      subgraphUrls,
      logger: options.logger.child({ component: 'gateway' }),
      ...(Object.fromEntries(GATEWAY_SETTINGS.map((name) => [name, options[name]])) as Pick<GatewayOptions, (typeof GATEWAY_SETTINGS)[number]>),
      signIn,
      // This county's purposes unless told otherwise.
      purposeKinds: options.purposeKinds ?? PURPOSE_KINDS,
      internalIdentityKey: await internalIdentityKey(gatewayKeys.privateKey),
      sites: dashboard === false ? [] : [dashboardSite(dashboard)],
      routes: dashboard === false ? {} : dashboardRoutes(dashboard),
      explorer:
        options.explorer === false
          ? undefined
          : {
              title: '从江县政务数据网关',
              examples: explorerExamples(departments.county),
              // Signed in at the identity provider when there is one (the same session as the dashboard's), else the development token.
              ...(identityProvider ? { signIn: pageSignIn(EXPLORER_CLIENT_ID) } : { developmentToken: options.explorer?.developmentToken }),
            },
      // Our clients' operations are planned before the first of them arrives.
      warmOperations: readOperationFiles(join(__dirname, '..')).flatMap((file) => file.documents),
    });
    await gateway.start();
    opened.push(gateway.stop);
    const listening = await listen(gateway.server, options.gatewayPort ?? 0, host, 'set PORT');
    opened.push(listening.close);
    const gatewayUrl = `${listening.url}/graphql`;
    // The pages' redirect addresses are the gateway's, known only now that it listens.
    gatewayOrigin = listening.url.replace('//0.0.0.0:', '//127.0.0.1:');
    identityProvider?.open();
    progress(`gateway: ${gatewayUrl}`);
    const dashboardUrl = options.dashboard === false ? '' : `${listening.url}${DASHBOARD_PREFIX}/`;

    return { gatewayUrl, gateway, identityProviderUrl: identityProvider?.issuer ?? '', dashboardUrl, subgraphUrls, departmentUrls, departments, subgraphs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
