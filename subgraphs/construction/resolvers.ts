import { checkProjectCode, checkRegionCode, checkTownCode } from '../../domain/identifiers';
import { connectionOf, pageOf } from '../shared/cursor';
import type { TrustedCaller } from '../shared/caller';
import { requireValid } from '../shared/inputs';
import { searchTermOf } from '../shared/search-term';
import { licenceView, type LicenceVerifier } from '../shared/licences';
import type { Resolvers } from '../shared/subgraph-service';
import type { ProjectStage } from '../../domain/stages';
import type { ConstructionClient, InvolvementRole, Project } from './client';

export interface ConstructionContext {
  caller: TrustedCaller;
  projects: ConstructionClient;
  licences: LicenceVerifier;
}

interface ListArgs {
  first?: number | null;
  after?: string | null;
  stage?: ProjectStage | null;
  townCode?: string | null;
  regionCode?: string | null;
  search?: string | null;
}

export const resolvers: Resolvers<ConstructionContext> = {
  Query: {
    constructionProject: (_: unknown, args: { code: string }, ctx: ConstructionContext) => ctx.projects.project(requireValid('code', args.code, checkProjectCode)),
    constructionProjects: async (_: unknown, args: ListArgs, ctx: ConstructionContext) => {
      const { offset, limit } = pageOf(args);
      const search = searchTermOf('search', args.search);
      const townCode = args.townCode ?? undefined;
      if (townCode !== undefined) ctx.projects.listScope(requireValid('townCode', townCode, checkTownCode));
      const region = ctx.projects.listScope(args.regionCode ? requireValid('regionCode', args.regionCode, checkRegionCode) : undefined);
      const page = await ctx.projects.page({ offset, limit, stage: args.stage ?? undefined, townCode, regionPrefix: region, search });
      return connectionOf(page.projects, page.total, offset);
    },
  },
  ConstructionProject: {
    __resolveReference: (ref: { code: string }, ctx: ConstructionContext) => ctx.projects.project(ref.code),
    applicant: (p: Project) => ({ uscc: p.applicantUscc }),
    parcel: (p: Project) => ({ unitNumber: p.parcelUnitNumber }),
    region: (p: Project) => ({ code: p.townCode }),
    participants: (p: Project) => p.participants.map((x) => ({ role: x.role, qualification: x.qualification, enterprise: { uscc: x.uscc } })),
    constructionPermit: (p: Project, _: unknown, ctx: ConstructionContext) => {
      const permit = p.constructionPermit;
      if (!permit) return null;
      const content = {
        type: 'CONSTRUCTION_PERMIT' as const,
        number: permit.number,
        holder: p.applicantUscc,
        subject: p.code,
        issuedOn: permit.issuedOn,
        validUntil: permit.validUntil,
        issuer: permit.licence.content.issuer,
      };
      const view = licenceView(content, permit.licence.signature, permit.issuingDepartment, ctx.licences);
      // A revoked (注销) permit is not in force whatever its dates say.
      return { ...permit, ...view, inForce: view.inForce && permit.status !== 'REVOKED' };
    },
  },
  Enterprise: {
    projects: (e: { uscc: string }, args: { role?: InvolvementRole | null }, ctx: ConstructionContext) => ctx.projects.projectsOf(e.uscc, args.role ?? undefined),
  },
};
