/** Chinese labels for the supergraph's enums, as the county's staff say them (stages and statuses: domain/). */

export { STAGE_NAMES, type ProjectStage } from '../../../domain/stages';
export type { JointStatus } from '../../../domain/joint-review';
export { DRAWING_REVIEW_RESULT_NAMES, JOINT_STATUS_NAMES, PERMIT_STATUS_NAMES, REGISTRATION_STATUS_NAMES, REVIEW_STATUS_NAMES } from '../../../domain/statuses';

export const PARTICIPANT_ROLES: Record<string, string> = {
  SURVEY: '勘察单位',
  DESIGN: '设计单位',
  CONSTRUCTION: '施工单位',
  SUPERVISION: '监理单位',
};

export const INVESTOR_TYPES: Record<string, string> = { GOVERNMENT: '政府投资', ENTERPRISE: '企业投资' };
export const APPROVAL_MODES: Record<string, string> = { APPROVAL: '审批', RATIFICATION: '核准', FILING: '备案' };
export const CONSTRUCTION_NATURES: Record<string, string> = { NEW_BUILD: '新建', EXPANSION: '扩建', RECONSTRUCTION: '改建' };
export const LAND_RIGHT_NATURES: Record<string, string> = { GRANTED: '出让', ALLOCATED: '划拨' };

/** The label, or the value itself when the API grew a value this page does not know yet. */
export const label = (labels: Record<string, string>, value: string | null | undefined): string =>
  value == null ? '—' : (labels[value] ?? value);
