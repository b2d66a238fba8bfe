import { checkUnitNumber } from '../../domain/identifiers';
import { requireValid } from '../shared/inputs';
import { todayInCounty } from '../shared/time';
import type { Resolvers } from '../shared/subgraph-service';
import type { LandRegistryClient, Parcel } from './client';

export interface LandContext {
  parcels: LandRegistryClient;
}

export const resolvers: Resolvers<LandContext> = {
  Query: {
    parcel: (_: unknown, args: { unitNumber: string }, ctx: LandContext) =>
      ctx.parcels.parcel(requireValid('unitNumber', args.unitNumber, checkUnitNumber)),
  },
  Parcel: {
    __resolveReference: (ref: { unitNumber: string }, ctx: LandContext) => ctx.parcels.parcel(ref.unitNumber),
    rightHolder: (p: Parcel) => (p.landUseRight.holderUscc ? { uscc: p.landUseRight.holderUscc } : null),
  },
  LandUseRight: {
    expired: (right: Parcel['landUseRight']) => right.termEnd < todayInCounty(),
  },
};
