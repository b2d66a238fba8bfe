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
/** 留言人身份 Who wrote a message. */
export const MessageRole = {
  /** 审查人员 A reviewer of a department with a task in the application. */
  Reviewer: 'REVIEWER',
  /** 申请人一方 The applicant's side: a partner system or the window clerk acting for the applicant. */
  Applicant: 'APPLICANT'
} as const;

export type MessageRole = typeof MessageRole[keyof typeof MessageRole];
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

export type ProvinceApplicationUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ProvinceApplicationUpdatedSubscription = { applicationUpdated: { id: string, jointStatus: JointStatus, canResubmitCorrections: boolean, tasks: Array<{ id: string, department: string, status: ReviewStatus, opinion: string | null, corrections: Array<string> }> } };

export type ProvinceJointReviewQueryVariables = Exact<{
  code: string | number;
}>;


export type ProvinceJointReviewQuery = { constructionProject: { code: string, name: string, stage: ProjectStage, jointStatus: JointStatus | null, dataAsOf: string | null, applicant: { uscc: string, name: string, status: RegistrationStatus } | null, parcel: { unitNumber: string, landUse: string } | null, applications: Array<{ id: string, stage: ProjectStage, jointStatus: JointStatus, deadline: string, overdue: boolean, tasks: Array<{ department: string, status: ReviewStatus, deadline: string }> }> | null } | null };

export type ProvinceMessageAddedSubscriptionVariables = Exact<{
  applicationId: string | number;
}>;


export type ProvinceMessageAddedSubscription = { messageAdded: { id: string, role: MessageRole, department: string | null, body: string, sentAt: string } };

export type ProvinceSendMessageMutationVariables = Exact<{
  applicationId: string | number;
  body: string;
}>;


export type ProvinceSendMessageMutation = { sendMessage: { id: string, role: MessageRole, sentAt: string } };

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
export const ProvinceApplicationUpdatedDocument = {"__meta__":{"hash":"sha256:07c62f7548c329a75adcaca82980c4e6426d70b6e229f64da037d0424783fea8"}} as unknown as TypedDocumentString<ProvinceApplicationUpdatedSubscription, ProvinceApplicationUpdatedSubscriptionVariables>;
export const ProvinceJointReviewDocument = {"__meta__":{"hash":"sha256:65a198fd5c57748d8d7fc10ced17a599b485fb2c76a27fd5b472a7a68fbc9697"}} as unknown as TypedDocumentString<ProvinceJointReviewQuery, ProvinceJointReviewQueryVariables>;
export const ProvinceMessageAddedDocument = {"__meta__":{"hash":"sha256:40578eb22292819a307d361d852b2adbfc96240680008bfde3ece321ea567e88"}} as unknown as TypedDocumentString<ProvinceMessageAddedSubscription, ProvinceMessageAddedSubscriptionVariables>;
export const ProvinceSendMessageDocument = {"__meta__":{"hash":"sha256:d6832eee07da010a21b01af143d7c279dc982f166c5d37f3190dbe6b54eb5801"}} as unknown as TypedDocumentString<ProvinceSendMessageMutation, ProvinceSendMessageMutationVariables>;
export const ProvinceSubmitApplicationDocument = {"__meta__":{"hash":"sha256:692746444ec592d2c58a77de097358c7201b8b78d8eb287bf4a8845802fa0bbc"}} as unknown as TypedDocumentString<ProvinceSubmitApplicationMutation, ProvinceSubmitApplicationMutationVariables>;
