import { join } from 'node:path';
import type { DepartmentRef } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { BoundedCache } from '../shared/cache';
import type { DepartmentClientConfig } from '../shared/config';
import { DepartmentHttp } from '../shared/department-http';
import type { InternalIdentityVerifier } from '../shared/caller';
import { LicenceVerifier } from '../shared/licences';
import { loadSchema } from '../shared/schema-file';
import { StaleReport } from '../../contracts/stale-report';
import { createSubgraphService, type SubgraphService } from '../shared/subgraph-service';
import { LandClient, type Parcel } from './client';
import { resolvers, type LandContext } from './resolvers';

export const LAND_DEPARTMENT: DepartmentRef = { id: 'land', name: '自然资源局 land and planning system' };

export function createLandSubgraph(department: DepartmentClientConfig, logger: Logger, identity: InternalIdentityVerifier): SubgraphService {
  const http = new DepartmentHttp({
    department: LAND_DEPARTMENT,
    baseUrl: department.url,
    timeoutMs: department.timeoutMs,
    logger,
    resilience: department,
  });
  const cache = new BoundedCache<Parcel>({ ttlSeconds: department.cacheTtlSeconds, maxStaleSeconds: department.cacheMaxStaleSeconds, maxKeys: department.cacheMaxKeys });
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
    department: http,
    caches: [cache],
  });
}
