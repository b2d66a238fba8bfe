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
import { ConstructionClient, type Involvement, type Project } from './client';
import { resolvers, type ConstructionContext } from './resolvers';

export const CONSTRUCTION_DEPARTMENT: DepartmentRef = { id: 'construction', name: '住建局 construction system' };

export function createConstructionSubgraph(department: DepartmentClientConfig, logger: Logger, identity: InternalIdentityVerifier): SubgraphService {
  const http = new DepartmentHttp({ department: CONSTRUCTION_DEPARTMENT, baseUrl: department.url, timeoutMs: department.timeoutMs, logger, resilience: department });
  const cacheOptions = { ttlSeconds: department.cacheTtlSeconds, maxStaleSeconds: department.cacheMaxStaleSeconds, maxKeys: department.cacheMaxKeys };
  const projects = new BoundedCache<Project>(cacheOptions);
  const involvements = new BoundedCache<Involvement[]>(cacheOptions);
  const licences = new LicenceVerifier(department.publicKeyPem);
  return createSubgraphService<ConstructionContext>({
    name: 'construction',
    typeDefs: loadSchema(join(__dirname, 'schema.graphql')),
    resolvers,
    context: (_req, caller) => {
      const stale = new StaleReport();
      return { caller, stale, projects: new ConstructionClient({ http, projects, involvements }, caller, (age) => stale.record(CONSTRUCTION_DEPARTMENT.id, age)), licences };
    },
    identity,
    logger,
    department: http,
    caches: [projects, involvements],
  });
}
