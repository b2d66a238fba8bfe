/**
 * The county's subgraphs by department: how each is built and what its department
 * client starts from. The embedded stack and the standalone command (subgraphs/index.ts)
 * both build from here, so a replica started alone is the same subgraph `npm start` runs.
 */
import { createApprovalSubgraph } from './approval';
import { createConstructionSubgraph } from './construction';
import { createEnterpriseSubgraph } from './enterprise';
import { createLandSubgraph } from './land';
import type { DepartmentClientDefaults, DepartmentClientSettings, DepartmentConnection, LicenceIssuerConfig } from './shared/config';
import type { SubgraphRuntime, SubgraphService } from './shared/subgraph-service';

export const SUBGRAPH_NAMES = ['enterprise', 'land', 'construction', 'approval'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface SubgraphBuild {
  settings: DepartmentClientSettings;
  connection: DepartmentConnection;
  /** Whose e-licences the approval subgraph's `verifyLicense` accepts. */
  licenceIssuers: LicenceIssuerConfig[];
  /** The approval subgraph's clock (tests fix it). */
  clock?: () => Date;
}

export interface SubgraphEntry {
  /** Where it listens unless told (`npm start`'s <DEPT>_SUBGRAPH_PORT, the command's PORT or --port). */
  port: number;
  clientDefaults: DepartmentClientDefaults;
  issuesLicences: boolean;
  create(build: SubgraphBuild, runtime: SubgraphRuntime): SubgraphService;
}

export const SUBGRAPHS: Record<SubgraphName, SubgraphEntry> = {
  enterprise: { port: 4001, clientDefaults: { timeoutMs: 3000, maxConcurrency: 8 }, issuesLicences: true, create: (b, r) => createEnterpriseSubgraph({ ...b.settings, ...b.connection }, r) },
  // The legacy land system is slow and answers one parcel at a time.
  land: { port: 4002, clientDefaults: { timeoutMs: 5000, maxConcurrency: 4 }, issuesLicences: true, create: (b, r) => createLandSubgraph({ ...b.settings, ...b.connection }, r) },
  construction: { port: 4003, clientDefaults: { timeoutMs: 3000, maxConcurrency: 8 }, issuesLicences: true, create: (b, r) => createConstructionSubgraph({ ...b.settings, ...b.connection }, r) },
  approval: {
    port: 4004,
    clientDefaults: { timeoutMs: 3000, maxConcurrency: 8 },
    issuesLicences: false,
    create: (b, r) => createApprovalSubgraph({ ...b.settings, url: b.connection.url, licenceIssuers: b.licenceIssuers }, r, b.clock),
  },
};
