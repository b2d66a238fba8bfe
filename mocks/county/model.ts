/**
 * The records of a deterministic 从江县 (522633): towns and villages, enterprises,
 * parcels and construction projects, as the county's department systems hold them (their
 * own words: 存续, 有效, 立项用地规划许可 …). generation.ts makes them, edge-cases.ts
 * plants the named cases the README and the tests use.
 *
 * Division codes for towns and villages follow the statistical layout (county 6 +
 * town 3 + village 3) but the numbers are illustrative, not the official table.
 */
import type { ProjectStage } from '../../domain/stages';
import type { LicenceContent } from '../../domain/licences';
import type { SigningKey } from '../shared/signing';

export { COUNTY_CODE } from '../../domain/regions';
export const COUNTY_NAME = '从江县';
/** "Today" for the data set: records are dated relative to it, never to the clock. */
export const DATASET_DATE = '2026-12-01';
export const DEFAULT_SEED = 522633;

export interface Village {
  code: string;
  name: string;
}
export interface Town {
  code: string;
  name: string;
  villages: Village[];
}

export type EnterpriseStatus = '存续' | '在业' | '吊销' | '注销' | '迁出';

export interface EnterpriseRecord {
  uscc: string;
  registrationNumber: string | null;
  name: string;
  type: string;
  status: EnterpriseStatus;
  establishedOn: string;
  businessTermFrom: string;
  businessTermTo: string | null;
  registrationAuthority: string;
  legalRepresentative: { name: string; idType: '居民身份证'; idNumber: string; mobile: string };
  registeredCapital: number;
  currency: string;
  address: string;
  regionCode: string;
  businessScope: string;
  industryCode: string;
  industryName: string;
  contactPhone: string;
  investors: { name: string; kind: '自然人' | '企业法人'; subscribedCapital: number }[];
  changes: { changedOn: string; item: string; before: string; after: string }[];
  abnormalRecords: { reason: string; listedOn: string; removedOn: string | null; authority: string }[];
  licenses: { name: string; number: string; issuedOn: string; validUntil: string | null; authority: string }[];
  businessLicenceId: string;
  /** 营业执照: its number is the 统一社会信用代码. */
  businessLicence: SignedLicence;
}

/** A licence as its issuing department keeps it: the signed facts and the signature. */
export interface SignedLicence {
  content: LicenceContent;
  signature: string;
}

export interface PlanningPermitRecord {
  number: string;
  issuedOn: string;
  licenceId: string;
  licence: SignedLicence;
}

export interface ParcelRecord {
  unitNumber: string;
  townCode: string;
  location: string;
  area: number;
  landUseCode: string;
  landUseName: string;
  rightType: string;
  rightNature: '出让' | '划拨';
  termStart: string;
  termEnd: string;
  holderUscc: string;
  holderName: string;
  certificateNumber: string;
  certificateLicenceId: string;
  certificate: SignedLicence;
  mortgaged: boolean;
  seized: boolean;
  supplyMethod: string;
  transferContractNumber: string | null;
  planningConditions: { plotRatio: number; buildingDensity: number; greenRatio: number; heightLimit: number };
  siteSelectionOpinion: PlanningPermitRecord | null;
  landPlanningPermit: PlanningPermitRecord | null;
  engineeringPlanningPermit: PlanningPermitRecord | null;
}


export type ParticipantRole = 'SURVEY' | 'DESIGN' | 'CONSTRUCTION' | 'SUPERVISION';

export interface ProjectRecord {
  code: string;
  name: string;
  applicantUscc: string;
  parcelUnitNumber: string;
  location: string;
  townCode: string;
  totalInvestment: number;
  investorType: '政府投资' | '企业投资';
  approvalMode: '审批' | '核准' | '备案';
  approvalDocumentNumber: string;
  nature: '新建' | '扩建' | '改建';
  buildingArea: number;
  floors: number;
  structure: string;
  stage: ProjectStage;
  constructionPermitRequired: boolean;
  drawingReview: { result: '合格' | '不合格' | '审查中'; certificateNumber: string | null; reviewedOn: string | null; agency: string } | null;
  constructionPermit: {
    number: string;
    issuedOn: string;
    validUntil: string;
    status: '有效' | '变更' | '注销';
    licenceId: string;
    caseNumber: string;
    licence: SignedLicence;
  } | null;
  participants: { role: ParticipantRole; uscc: string; qualification: string }[];
  projectManager: { name: string; registrationNumber: string } | null;
  completionFiling: { number: string; filedOn: string } | null;
}

export interface GovernmentDepartment {
  uscc: string;
  name: string;
  /** Signs the licences this department issues. */
  signingKey: SigningKey;
}

export interface County {
  seed: number;
  towns: Town[];
  departments: {
    marketRegulation: GovernmentDepartment;
    naturalResources: GovernmentDepartment;
    housingConstruction: GovernmentDepartment;
  };
  enterprises: EnterpriseRecord[];
  parcels: ParcelRecord[];
  projects: ProjectRecord[];
  /** Records made on purpose to exercise the rules (edge-cases.ts): each case's project code. */
  edgeCases: Record<EdgeCaseName, string>;
}

/** The named edge cases (edge-cases.ts says what each is and how it is chosen). */
export type EdgeCaseName =
  | 'revokedApplicantProject'
  | 'abnormalListedApplicantProject'
  | 'expiredLandRightProject'
  | 'permitExemptProject'
  | 'tamperedPermitProject';
