import { checkRegionCode, checkUscc } from '../../domain/identifiers';
import { connectionOf, pageOf } from '../shared/cursor';
import type { TrustedCaller } from '../shared/caller';
import { requireValid } from '../shared/inputs';
import { licenceView, type LicenceVerifier } from '../shared/licences';
import type { Resolvers } from '../shared/subgraph-service';
import type { Enterprise, EnterpriseClient } from './client';

export interface EnterpriseContext {
  caller: TrustedCaller;
  enterprises: EnterpriseClient;
  licences: LicenceVerifier;
}

export const resolvers: Resolvers<EnterpriseContext> = {
  Query: {
    enterprise: (_: unknown, args: { uscc: string }, ctx: EnterpriseContext) => ctx.enterprises.enterprise(requireValid('uscc', args.uscc, checkUscc)),
    enterprises: async (_: unknown, args: { regionCode: string; first?: number | null; after?: string | null }, ctx: EnterpriseContext) => {
      const { offset, limit } = pageOf(args);
      const region = requireValid('regionCode', args.regionCode, checkRegionCode);
      const page = await ctx.enterprises.page({ regionPrefix: ctx.enterprises.listScope(region), offset, limit });
      return connectionOf(page.enterprises, page.total, offset);
    },
  },
  Enterprise: {
    // References come from other subgraphs' records, not from a user: a registry
    // record whose code fails the check is still found and reported, never dropped.
    __resolveReference: (ref: { uscc: string }, ctx: EnterpriseContext) => ctx.enterprises.enterprise(ref.uscc),
    region: (e: Enterprise) => ({ code: e.regionCode }),
    onAbnormalList: (e: Enterprise) => e.abnormalRecords.some((r) => r.removedOn === null),
    // The facts shown are what gets verified: a record edited after signing fails.
    businessLicence: (e: Enterprise, _: unknown, ctx: EnterpriseContext) => ({
      licenceId: e.businessLicenceId,
      ...licenceView(
        {
          type: 'BUSINESS_LICENCE',
          number: e.uscc,
          holder: e.uscc,
          subject: e.uscc,
          issuedOn: e.establishedOn,
          validUntil: e.businessTerm.to,
          issuer: e.businessLicence.content.issuer,
        },
        e.businessLicence.signature,
        e.registrationAuthority,
        ctx.licences,
      ),
    }),
  },
};
