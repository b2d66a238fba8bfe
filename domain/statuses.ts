/**
 * The statuses county records carry, by the enum value the supergraph speaks, with the
 * name the departments write and staff read. One definition for the subgraphs (reading
 * the departments' records), the mock departments, the dashboard and the partner example.
 * Review and joint statuses follow rules: domain/joint-review.ts.
 */
import type { JointStatus, ReviewStatus } from './joint-review';

/** 登记状态, as the enterprise registry (市场监管局) writes it. */
export type RegistrationStatus = 'SUBSISTING' | 'IN_BUSINESS' | 'REVOKED' | 'DEREGISTERED' | 'MOVED_OUT';
export const REGISTRATION_STATUS_NAMES: Record<RegistrationStatus, string> = {
  SUBSISTING: '存续',
  IN_BUSINESS: '在业',
  REVOKED: '吊销',
  DEREGISTERED: '注销',
  MOVED_OUT: '迁出',
};

/** 施工许可证状态, as 住建局 writes it. */
export type PermitStatus = 'VALID' | 'AMENDED' | 'REVOKED';
export const PERMIT_STATUS_NAMES: Record<PermitStatus, string> = { VALID: '有效', AMENDED: '变更', REVOKED: '注销' };

/** 施工图审查结论. */
export type DrawingReviewResult = 'PASSED' | 'FAILED' | 'IN_REVIEW';
export const DRAWING_REVIEW_RESULT_NAMES: Record<DrawingReviewResult, string> = { PASSED: '合格', FAILED: '不合格', IN_REVIEW: '审查中' };

/** 部门审查任务状态. */
export const REVIEW_STATUS_NAMES: Record<ReviewStatus, string> = {
  PENDING_ACCEPTANCE: '待受理',
  IN_REVIEW: '审查中',
  APPROVED: '通过',
  CORRECTIONS_REQUESTED: '退回补正',
  REJECTED: '不予许可',
};

/** 联审状态 of a whole application. */
export const JOINT_STATUS_NAMES: Record<JointStatus, string> = {
  IN_REVIEW: '审查中',
  AWAITING_CORRECTIONS: '待补正',
  APPROVED: '通过',
  REJECTED: '不予许可',
};

/** Reads what a department wrote back to the enum value: undefined for a name none has. */
export function readerOf<V extends string>(names: Record<V, string>): (name: string) => V | undefined {
  const values = new Map(Object.entries(names).map(([value, name]) => [name as string, value as V]));
  return (name) => values.get(name);
}
