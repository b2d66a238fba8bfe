/** Chinese labels for the supergraph's enums, as the county's staff say them. */

export const STAGES = {
  PROJECT_LAND_PLANNING: '立项用地规划许可',
  ENGINEERING_PERMIT: '工程建设许可',
  CONSTRUCTION_PERMIT: '施工许可',
  COMPLETION_ACCEPTANCE: '竣工验收',
} as const;
export type ProjectStage = keyof typeof STAGES;

export const JOINT_STATUSES = {
  IN_REVIEW: '审查中',
  AWAITING_CORRECTIONS: '待补正',
  APPROVED: '通过',
  REJECTED: '不予许可',
} as const;
export type JointStatus = keyof typeof JOINT_STATUSES;

export const REVIEW_STATUSES: Record<string, string> = {
  PENDING_ACCEPTANCE: '待受理',
  IN_REVIEW: '审查中',
  APPROVED: '通过',
  CORRECTIONS_REQUESTED: '退回补正',
  REJECTED: '不予许可',
};

export const REGISTRATION_STATUSES: Record<string, string> = {
  SUBSISTING: '存续',
  IN_BUSINESS: '在业',
  REVOKED: '吊销',
  DEREGISTERED: '注销',
  MOVED_OUT: '迁出',
};

export const PARTICIPANT_ROLES: Record<string, string> = {
  SURVEY: '勘察单位',
  DESIGN: '设计单位',
  CONSTRUCTION: '施工单位',
  SUPERVISION: '监理单位',
};

export const PERMIT_STATUSES: Record<string, string> = { VALID: '有效', AMENDED: '变更', REVOKED: '注销' };
export const DRAWING_REVIEW_RESULTS: Record<string, string> = { PASSED: '合格', FAILED: '不合格', IN_REVIEW: '审查中' };
export const INVESTOR_TYPES: Record<string, string> = { GOVERNMENT: '政府投资', ENTERPRISE: '企业投资' };
export const APPROVAL_MODES: Record<string, string> = { APPROVAL: '审批', RATIFICATION: '核准', FILING: '备案' };
export const CONSTRUCTION_NATURES: Record<string, string> = { NEW_BUILD: '新建', EXPANSION: '扩建', RECONSTRUCTION: '改建' };
export const LAND_RIGHT_NATURES: Record<string, string> = { GRANTED: '出让', ALLOCATED: '划拨' };

/** The label, or the value itself when the API grew a value this page does not know yet. */
export const label = (labels: Record<string, string>, value: string | null | undefined): string =>
  value == null ? '—' : (labels[value] ?? value);
