import { checkUnitNumber } from '../../domain/identifiers';
import type { LicenceType } from '../../domain/licences';
import type { TrustedCaller } from '../shared/caller';
import { requireValid } from '../shared/inputs';
import { licenceView, type LicenceVerifier } from '../shared/licences';
import { chinaDate } from '../../domain/time';
import type { Resolvers } from '../shared/subgraph-service';
import type { LandClient, Parcel, PlanningPermit } from './client';

export interface LandContext {
  caller: TrustedCaller;
  parcels: LandClient;
  licences: LicenceVerifier;
}

/** A planning permit with its licence facts: issued to the right holder, about this parcel. */
function permitView(parcel: Parcel, permit: PlanningPermit | null, type: LicenceType, ctx: LandContext) {
  if (!permit) return null;
  const content = {
    type,
    number: permit.number,
    holder: parcel.landUseRight.holderUscc,
    subject: parcel.unitNumber,
    issuedOn: permit.issuedOn,
    validUntil: null,
    issuer: parcel.issuer.uscc,
  };
  return { licenceId: permit.licenceId, ...licenceView(content, permit.signature, parcel.issuer.name, ctx.licences) };
}

export const resolvers: Resolvers<LandContext> = {
  Query: {
    parcel: (_: unknown, args: { unitNumber: string }, ctx: LandContext) => ctx.parcels.parcel(requireValid('unitNumber', args.unitNumber, checkUnitNumber)),
  },
  Parcel: {
    __resolveReference: (ref: { unitNumber: string }, ctx: LandContext) => ctx.parcels.parcel(ref.unitNumber),
    region: (p: Parcel) => ({ code: p.townCode }),
    rightHolder: (p: Parcel) => (p.landUseRight.holderUscc ? { uscc: p.landUseRight.holderUscc } : null),
    // The parcel travels with its right so the certificate can name the parcel it is about.
    landUseRight: (p: Parcel) => ({ ...p.landUseRight, parcel: p }),
    siteSelectionOpinion: (p: Parcel, _: unknown, ctx: LandContext) => permitView(p, p.siteSelectionOpinion, 'SITE_SELECTION_OPINION', ctx),
    landPlanningPermit: (p: Parcel, _: unknown, ctx: LandContext) => permitView(p, p.landPlanningPermit, 'LAND_PLANNING_PERMIT', ctx),
    engineeringPlanningPermit: (p: Parcel, _: unknown, ctx: LandContext) =>
      permitView(p, p.engineeringPlanningPermit, 'ENGINEERING_PLANNING_PERMIT', ctx),
  },
  LandUseRight: {
    expired: (right: Parcel['landUseRight']) => right.termEnd < chinaDate(),
    certificate: (right: Parcel['landUseRight'] & { parcel: Parcel }, _: unknown, ctx: LandContext) => {
      const content = {
        type: 'LAND_CERTIFICATE' as const,
        number: right.certificateNumber,
        holder: right.holderUscc,
        subject: right.parcel.unitNumber,
        issuedOn: right.termStart,
        validUntil: right.termEnd,
        issuer: right.parcel.issuer.uscc,
      };
      return licenceView(content, right.certificateSignature, right.parcel.issuer.name, ctx.licences);
    },
  },
};
