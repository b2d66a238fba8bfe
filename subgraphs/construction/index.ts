import { join } from 'node:path';
import type { DepartmentRef } from '../../lib/errors';
import { departmentCache } from '../shared/cache';
import type { DepartmentClientConfig } from '../shared/config';
import { DepartmentHttp } from '../shared/department-http';
import { LicenceVerifier } from '../shared/licences';
import { loadSchema } from '../shared/schema-file';
import { StaleReport } from '../../contracts/stale-report';
import { createSubgraphService, type SubgraphRuntime, type SubgraphService } from '../shared/subgraph-service';
import { ConstructionClient, type Involvement, type Project } from './client';
import { resolvers, type ConstructionContext } from './resolvers';

export const CONSTRUCTION_DEPARTMENT: DepartmentRef = { id: 'construction', name: '住建局 construction system' };

export function createConstructionSubgraph(department: DepartmentClientConfig, { logger, identity, redis }: SubgraphRuntime): SubgraphService {
  const http = new DepartmentHttp({ department: CONSTRUCTION_DEPARTMENT, baseUrl: department.url, timeoutMs: department.timeoutMs, logger, resilience: department });
  const projects = departmentCache<Project>(department, redis, 'construction:by-project-code');
  const involvements = departmentCache<Involvement[]>(department, redis, 'construction:involvements-by-uscc');
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
    redis,
    department: http,
    caches: [projects, involvements],
  });
}
