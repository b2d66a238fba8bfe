import { join } from 'node:path';
import type { DepartmentRef } from '../../lib/errors';
import { departmentCache } from '../shared/cache';
import type { DepartmentClientConfig } from '../shared/config';
import { DepartmentHttp } from '../shared/department-http';
import { LicenceVerifier } from '../shared/licences';
import { loadSchema } from '../shared/schema-file';
import { StaleReport } from '../../contracts/stale-report';
import { createSubgraphService, type SubgraphRuntime, type SubgraphService } from '../shared/subgraph-service';
import { LandClient, type Parcel } from './client';
import { resolvers, type LandContext } from './resolvers';

export const LAND_DEPARTMENT: DepartmentRef = { id: 'land', name: '自然资源局 land and planning system' };

export function createLandSubgraph(department: DepartmentClientConfig, { logger, identity, redis }: SubgraphRuntime): SubgraphService {
  const http = new DepartmentHttp({
    department: LAND_DEPARTMENT,
    baseUrl: department.url,
    timeoutMs: department.timeoutMs,
    logger,
    resilience: department,
  });
  const cache = departmentCache<Parcel>(department, redis, 'land:by-unit-number');
  const licences = new LicenceVerifier(department.publicKeyPem);
  return createSubgraphService<LandContext>({
    name: 'land',
    typeDefs: loadSchema(join(__dirname, 'schema.graphql')),
    resolvers,
    context: (_req, caller) => {
      const stale = new StaleReport();
      return { caller, stale, parcels: new LandClient({ http, cache }, caller, (age) => stale.record(LAND_DEPARTMENT.id, age)), licences };
    },
    identity,
    logger,
    redis,
    department: http,
    caches: [cache],
  });
}
