import { join } from 'node:path';
import type { DepartmentRef } from '../../lib/errors';
import { BoundedCache } from '../shared/cache';
import type { DepartmentClientSettings } from '../shared/config';
import { DepartmentHttp } from '../shared/department-http';
import { LicenceVerifier } from '../shared/licences';
import { loadSchema } from '../shared/schema-file';
import { EventBus } from '../shared/events';
import { createSubgraphService, type SubgraphRuntime, type SubgraphService } from '../shared/subgraph-service';
import { chinaDate } from '../../domain/time';
import { ApprovalEvents } from './events';
import { ApprovalClient, type RegionRecord, type ServiceItem } from './client';
import { resolvers, type ApprovalContext, type LicenceIssuer } from './resolvers';

export const APPROVAL_DEPARTMENT: DepartmentRef = { id: 'approval', name: '政务服务中心 approval system' };

export interface ApprovalSubgraphConfig extends DepartmentClientSettings {
  url: string;
  /** The departments whose e-licences `verifyLicense` accepts. */
  licenceIssuers: { uscc: string; name: string; publicKeyPem: string }[];
}

export function createApprovalSubgraph(
  config: ApprovalSubgraphConfig,
  { logger, identity, redis }: SubgraphRuntime,
  clock: () => Date = () => new Date(),
): SubgraphService {
  const http = new DepartmentHttp({ department: APPROVAL_DEPARTMENT, baseUrl: config.url, timeoutMs: config.timeoutMs, logger, resilience: config });
  // The guides and the region tree: a handful of keys, read on every checklist; each replica keeps its own (no Redis).
  const reference = new BoundedCache<ServiceItem[] | RegionRecord[]>({ ttlSeconds: config.cacheTtlSeconds, maxKeys: 16 });
  const issuers = new Map<string, LicenceIssuer>(
    config.licenceIssuers.map((i) => [i.uscc, { uscc: i.uscc, name: i.name, verifier: new LicenceVerifier(i.publicKeyPem) }]),
  );
  // Shared through Redis when the replicas have it: a change on one reaches subscribers on every other.
  const bus = new EventBus('approval', logger, redis);
  const events = new ApprovalEvents(bus);
  return createSubgraphService<ApprovalContext>({
    name: 'approval',
    typeDefs: loadSchema(join(__dirname, 'schema.graphql')),
    resolvers,
    context: (_req, caller) => ({ caller, approval: new ApprovalClient({ http, reference }, caller), issuers, events, today: chinaDate(clock()) }),
    identity,
    logger,
    department: http,
    caches: [reference],
    redis,
    events: bus,
  });
}
