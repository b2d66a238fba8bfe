import { z } from 'zod';
import { readSecurityConfig, type SecurityConfig } from '../gateway/config';
import { readTracingConfigNoting, type TracingConfig } from '../lib/tracing-config';
import type { DepartmentId } from '../mocks';
import type { DepartmentFaults } from '../mocks';
import { readDepartmentClientSettings, readDepartmentConnection, readLicenceIssuers, type LicenceIssuerConfig } from '../subgraphs/shared/config';
import { SUBGRAPHS } from '../subgraphs/catalog';
import type { EmbeddedStackOptions } from './embedded-stack';

type Env = Record<string, string | undefined>;

export interface StartConfig extends SecurityConfig {
  host: string;
  gatewayPort: number;
  /** The embedded identity provider's port (IDENTITY_PROVIDER_PORT); it is its issuer's too. */
  identityProviderPort: number;
  subgraphPorts: Record<DepartmentId, number>;
  departmentPorts: Record<DepartmentId, number>;
  departmentClients: EmbeddedStackOptions['departmentClients'];
  faults: Record<DepartmentId, DepartmentFaults>;
  licenceIssuers: LicenceIssuerConfig[] | undefined;
  seed: number;
  logLevel: string;
  /** Unset: tracing off. */
  tracing: TracingConfig | undefined;
}

/** The mock departments: their ports and how slow they are. */
const DEFAULTS: Record<DepartmentId, { departmentPort: number; latencyMs: number }> = {
  enterprise: { departmentPort: 4101, latencyMs: 3 },
  // The legacy land system is slow.
  land: { departmentPort: 4102, latencyMs: 15 },
  construction: { departmentPort: 4103, latencyMs: 3 },
  approval: { departmentPort: 4104, latencyMs: 3 },
};

/** Every setting of `npm start`, read and checked once; see the README's configuration table. */
export function readStartConfig(env: Env): StartConfig {
  const problems: string[] = [];
  const num = (name: string, fallback: number, schema: z.ZodNumber) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = schema.safeParse(Number(raw));
    if (!parsed.success) problems.push(`${name}="${raw}": ${parsed.error.issues[0]!.message}`);
    return parsed.success ? parsed.data : fallback;
  };
  const portSchema = z.number().int('must be a whole number').min(0, 'must be 0–65535').max(65535, 'must be 0–65535');

  const subgraphPorts = {} as StartConfig['subgraphPorts'];
  const departmentPorts = {} as StartConfig['departmentPorts'];
  const departmentClients = {} as StartConfig['departmentClients'];
  const faults = {} as StartConfig['faults'];
  for (const id of Object.keys(DEFAULTS) as DepartmentId[]) {
    const d = DEFAULTS[id];
    const P = id.toUpperCase();
    subgraphPorts[id] = num(`${P}_SUBGRAPH_PORT`, SUBGRAPHS[id].port, portSchema);
    departmentPorts[id] = num(`${P}_DEPARTMENT_PORT`, d.departmentPort, portSchema);
    faults[id] = {
      latencyMs: num(`MOCK_${P}_LATENCY_MS`, d.latencyMs, z.number().min(0, 'must be 0 or more')),
      failureRate: num(`MOCK_${P}_FAILURE_RATE`, 0, z.number().min(0, 'must be 0–1').max(1, 'must be 0–1')),
      down: env[`MOCK_${P}_DOWN`] === 'true',
    };
    try {
      // With no connection configured the mock is started and fills it in.
      departmentClients[id] = {
        ...readDepartmentClientSettings(env, P, SUBGRAPHS[id].clientDefaults),
        connection: readDepartmentConnection(env, P, { issuesLicences: SUBGRAPHS[id].issuesLicences }),
      };
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  let licenceIssuers: LicenceIssuerConfig[] | undefined;
  try {
    licenceIssuers = readLicenceIssuers(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const tracing = readTracingConfigNoting(env, problems);
  let security: SecurityConfig | undefined;
  try {
    security = readSecurityConfig(env);
  } catch (error) {
    problems.push((error as Error).message.replace(/^configuration:\n\s*- /, '').replace(/\n\s*- /g, '\n  - '));
  }
  const config: StartConfig = {
    ...security!,
    licenceIssuers,
    host: env.HOST || '127.0.0.1',
    gatewayPort: num('PORT', 4000, portSchema),
    identityProviderPort: num('IDENTITY_PROVIDER_PORT', 4010, portSchema),
    subgraphPorts,
    departmentPorts,
    departmentClients,
    faults,
    seed: num('DATA_SEED', 522633, z.number().int('must be a whole number')),
    logLevel: env.LOG_LEVEL || 'warn',
    tracing,
  };
  if (problems.length) throw new Error(`configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
