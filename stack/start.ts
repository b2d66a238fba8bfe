/**
 * `npm start`: the whole stack on the embedded default (mock departments over real
 * HTTP), until Ctrl-C or SIGTERM.
 */
import { createPublicKey } from 'node:crypto';
import { AuditLog } from '../gateway/audit/log';
import { auditLogOptions } from '../gateway/config';
import { DEV_INTERNAL_IDENTITY_KEY, developmentKey } from '../lib/dev-keys';
import { createLogger } from '../lib/logger';
import { dashboardBuilt } from './dashboard';
import { startTracing } from '../lib/tracing';
import { describeTracing } from '../lib/tracing-config';
import { ALL_SCOPES, devIssuer } from './dev-issuer';
import { DEMO_PASSWORD, developmentIdentityProviderKey } from './identity-provider/provider';
import { startEmbeddedStack } from './embedded-stack';
import { readStartConfig } from './start-config';

async function main(): Promise<void> {
  const config = readStartConfig(process.env);
  const logger = createLogger(config.logLevel, 'county-gateway');
  console.log('starting the embedded stack (mock departments → subgraphs → gateway)…');
  const tracing = config.tracing && (await startTracing(config.tracing, { logger }));
  if (config.tracing) console.log(`  ✓ tracing: ${describeTracing(config.tracing)}`);
  // Staff sign in at the embedded identity provider (统一身份认证); curl users keep the development token, from this machine only.
  // With AUTH_ISSUER set, that identity provider is used instead and neither is run.
  const issuer = config.identityProvider ? undefined : await devIssuer();
  const issuers = config.identityProvider?.issuers ?? [issuer!.trusted()];
  const auditOptions = auditLogOptions(config.audit);
  const audit = new AuditLog(auditOptions);
  // The development key, not one per run: a `npm run gateway` started beside this stack signs with it too, and is one more replica.
  const gatewayKey = developmentKey(DEV_INTERNAL_IDENTITY_KEY);
  const developmentToken = issuer && (() => issuer.token({ sub: 'dev-user', name: '开发者', org: '522633-zwzx', region: '522633', scope: ALL_SCOPES.join(' ') }));
  const stack = await startEmbeddedStack({
    signIn: { issuers, ...config.tokens, partners: config.partners, partnersFile: config.partnersFile },
    identityProvider: issuer && { port: config.identityProviderPort, signingKey: developmentIdentityProviderKey() },
    purposeKinds: config.purposeKinds,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.redisKeyPrefix,
    trustProxy: config.trustProxy,
    ratePerMinute: config.ratePerMinute,
    audit,
    corsOrigins: config.corsOrigins,
    limits: config.limits,
    maxTokens: config.maxTokens,
    subscriptionLimits: config.subscriptionLimits,
    failedSignInsPerMinute: config.failedSignInsPerMinute,
    dashboard: {},
    explorer: config.explorer && {},
    host: config.host,
    gatewayPort: config.gatewayPort,
    subgraphPorts: config.subgraphPorts,
    departmentPorts: config.departmentPorts,
    departmentClients: config.departmentClients,
    faults: config.faults,
    seed: config.seed,
    gatewayKeys: { privateKey: gatewayKey, publicKey: createPublicKey(gatewayKey) },
    logger,
    onProgress: (message) => console.log(`  ✓ ${message}`),
  });
  const example = stack.departments.county.projects[0]!.code;
  // Listening on every address (HOST=0.0.0.0) is not an address a browser can open; this machine's is.
  const origin = stack.gatewayUrl.replace(/\/graphql$/, '').replace('//0.0.0.0:', '//127.0.0.1:');
  console.log(`\nready. GraphQL: ${stack.gatewayUrl}`);
  if (config.explorer) console.log(`  explorer (browser):  ${origin}/graphql`);
  console.log(`  dashboard (browser): ${origin}/dashboard/  (联审工作台)`);
  if (stack.identityProviderUrl) {
    console.log(`  sign-in (统一身份认证): ${stack.identityProviderUrl}/.well-known/openid-configuration`);
    console.log(`    staff accounts: window-clerk, zjj-reviewer-1, zrzy-reviewer-1, … (listed on the sign-in page); password ${DEMO_PASSWORD}`);
  }
  if (!dashboardBuilt()) console.log('    (not built yet: run `npm run build:web` — npm install does it — and reload; until then the pages answer 503 NOT_BUILT)');
  console.log(`  status, metrics:     ${origin}/status  ${origin}/metrics`);
  console.log(`  audit trail:         ${auditOptions.dir}  (this instance's chain; AUDIT_INSTANCE_ID names it)`);
  console.log(`  partner systems:     ${config.partners.length} registered (npm run partner:register; docs/partners.md)`);
  if (developmentToken) {
    const token = await developmentToken();
    console.log(`development token (every scope, county-wide, 8 h; \`npm run token\` makes others):\n${token}`);
    console.log(`try:  TOKEN=<the token above>`);
    console.log(`      curl -s ${stack.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`);
    console.log(`        -d '{"query":"{ constructionProject(code: \\"${example}\\") { name stage applicant { name } parcel { area } } }"}'`);
  }
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await stack.stop();
    // The last spans (this shutdown's included) go out before the process ends.
    await tracing?.shutdown();
    console.log('stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
