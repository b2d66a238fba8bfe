import { join } from 'node:path';
import type { DepartmentRef } from '../../lib/errors';
import { departmentCache } from '../shared/cache';
import type { DepartmentClientConfig } from '../shared/config';
import { DepartmentHttp } from '../shared/department-http';
import { LicenceVerifier } from '../shared/licences';
import { loadSchema } from '../shared/schema-file';
import { StaleReport } from '../../contracts/stale-report';
import { createSubgraphService, type SubgraphRuntime, type SubgraphService } from '../shared/subgraph-service';
import { EnterpriseClient, type Enterprise } from './client';
import { resolvers, type EnterpriseContext } from './resolvers';

export const ENTERPRISE_DEPARTMENT: DepartmentRef = { id: 'enterprise', name: '市场监管局 enterprise registry' };

export function createEnterpriseSubgraph(department: DepartmentClientConfig, { logger, identity, redis }: SubgraphRuntime): SubgraphService {
  const http = new DepartmentHttp({ department: ENTERPRISE_DEPARTMENT, baseUrl: department.url, timeoutMs: department.timeoutMs, logger, resilience: department });
  const cache = departmentCache<Enterprise>(department, redis, 'enterprise:by-uscc');
  const licences = new LicenceVerifier(department.publicKeyPem);
  return createSubgraphService<EnterpriseContext>({
    name: 'enterprise',
    typeDefs: loadSchema(join(__dirname, 'schema.graphql')),
    resolvers,
    context: (_req, caller) => {
      const stale = new StaleReport();
      return { caller, stale, enterprises: new EnterpriseClient({ http, cache }, caller, (age) => stale.record(ENTERPRISE_DEPARTMENT.id, age)), licences };
    },
    identity,
    logger,
    redis,
    department: http,
    caches: [cache],
  });
}
