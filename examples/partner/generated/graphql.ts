/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export const JointStatus = {
  /** 审查中 */
  InReview: 'IN_REVIEW',
  /** 待补正 */
  AwaitingCorrections: 'AWAITING_CORRECTIONS',
  /** 通过 */
  Approved: 'APPROVED',
  /** 不予许可 */
  Rejected: 'REJECTED'
} as const;

export type JointStatus = typeof JointStatus[keyof typeof JointStatus];
/** 审批阶段 The four stages of construction-project approval. */
export const ProjectStage = {
  /** 立项用地规划许可 Project approval and land-use planning permission. */
  ProjectLandPlanning: 'PROJECT_LAND_PLANNING',
  /** 工程建设许可 Engineering construction permission. */
  EngineeringPermit: 'ENGINEERING_PERMIT',
  /** 施工许可 Construction permit. */
  ConstructionPermit: 'CONSTRUCTION_PERMIT',
  /** 竣工验收 Completion acceptance. */
  CompletionAcceptance: 'COMPLETION_ACCEPTANCE'
} as const;

export type ProjectStage = typeof ProjectStage[keyof typeof ProjectStage];
/** 登记状态 Registration status of an enterprise. */
export const RegistrationStatus = {
  /** 存续 Subsisting. */
  Subsisting: 'SUBSISTING',
  /** 在业 In business. */
  InBusiness: 'IN_BUSINESS',
  /** 吊销 Licence revoked. */
  Revoked: 'REVOKED',
  /** 注销 Deregistered. */
  Deregistered: 'DEREGISTERED',
  /** 迁出 Moved out of the county. */
  MovedOut: 'MOVED_OUT'
} as const;

export type RegistrationStatus = typeof RegistrationStatus[keyof typeof RegistrationStatus];
export const ReviewStatus = {
  /** 待受理 */
  PendingAcceptance: 'PENDING_ACCEPTANCE',
  /** 审查中 */
  InReview: 'IN_REVIEW',
  /** 通过 */
  Approved: 'APPROVED',
  /** 退回补正 */
  CorrectionsRequested: 'CORRECTIONS_REQUESTED',
  /** 不予许可 */
  Rejected: 'REJECTED'
} as const;

export type ReviewStatus = typeof ReviewStatus[keyof typeof ReviewStatus];
export type SubmitApplicationInput = {
  /** 投资项目代码 */
  project: string | number;
  stage: ProjectStage;
  /** The same key twice returns the same application, never two. */
  idempotencyKey: string;
};

export type BankEnterpriseCheckQueryVariables = Exact<{
  uscc: string | number;
}>;


export type BankEnterpriseCheckQuery = { enterprise: { uscc: string, name: string, status: RegistrationStatus, onAbnormalList: boolean, dataAsOf: string | null, abnormalRecords: Array<{ reason: string, listedOn: string, removedOn: string | null }>, businessLicence: { number: string, verified: boolean }, legalRepresentative: { name: string, idNumber: string } } | null };

export type ProvinceJointReviewQueryVariables = Exact<{
  code: string | number;
}>;


export type ProvinceJointReviewQuery = { constructionProject: { code: string, name: string, stage: ProjectStage, jointStatus: JointStatus | null, dataAsOf: string | null, applicant: { uscc: string, name: string, status: RegistrationStatus } | null, parcel: { unitNumber: string, landUse: string } | null, applications: Array<{ id: string, stage: ProjectStage, jointStatus: JointStatus, deadline: string, overdue: boolean, tasks: Array<{ department: string, status: ReviewStatus, deadline: string }> }> | null } | null };

export type ProvinceSubmitApplicationMutationVariables = Exact<{
  input: SubmitApplicationInput;
}>;


export type ProvinceSubmitApplicationMutation = { submitApplication: { id: string, stage: ProjectStage, jointStatus: JointStatus, submittedAt: string, tasks: Array<{ department: string, lead: boolean, status: ReviewStatus, deadline: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const BankEnterpriseCheckDocument = {"__meta__":{"hash":"sha256:986ac601b36b2c2c427b31f340a12861638f388763008a437c2d06bc2b749e4c"}} as unknown as TypedDocumentString<BankEnterpriseCheckQuery, BankEnterpriseCheckQueryVariables>;
export const ProvinceJointReviewDocument = {"__meta__":{"hash":"sha256:65a198fd5c57748d8d7fc10ced17a599b485fb2c76a27fd5b472a7a68fbc9697"}} as unknown as TypedDocumentString<ProvinceJointReviewQuery, ProvinceJointReviewQueryVariables>;
export const ProvinceSubmitApplicationDocument = {"__meta__":{"hash":"sha256:692746444ec592d2c58a77de097358c7201b8b78d8eb287bf4a8845802fa0bbc"}} as unknown as TypedDocumentString<ProvinceSubmitApplicationMutation, ProvinceSubmitApplicationMutationVariables>;
