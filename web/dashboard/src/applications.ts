/** 一件事 and its review tasks as the dashboard's operations select them (DashboardProject, the decisions' answers). */
import type { CaseMessage } from './CaseMessages';
import type { ReviewDecision } from './decisions';
import type { JointStatus, ProjectStage } from './labels';

export interface ReviewTask {
  id: string;
  department: string;
  departmentCode: string;
  lead: boolean;
  status: string;
  reviewer: string | null;
  reviewerName: string | null;
  opinion: string | null;
  corrections: string[];
  receivedAt: string;
  decidedAt: string | null;
  deadline: string;
  overdue: boolean;
  /** What the signed-in reviewer may decide on it now; empty for other departments' tasks. */
  availableDecisions: ReviewDecision[];
}

export interface Application {
  id: string;
  stage: ProjectStage;
  submittedAt: string;
  jointStatus: JointStatus;
  deadline: string;
  overdue: boolean;
  /** 补正提交 is offered to a window clerk while the application awaits corrections. */
  canResubmitCorrections: boolean;
  tasks: ReviewTask[];
  /** 办件留言 as the project page read it (DashboardProject); a decision's answer does not carry it. */
  messages?: CaseMessage[];
}

/** 审查人 as staff read it: 姓名（部门）; the account id only when the identity service gave no name. */
export function reviewerLabel(task: { reviewer: string | null; reviewerName?: string | null; department: string }): string {
  if (task.reviewerName) return `${task.reviewerName}（${task.department}）`;
  return task.reviewer ?? '—';
}

/** 补正材料 every department asked for, once each. */
export const requestedCorrections = (application: Application): string[] => [
  ...new Set(application.tasks.filter((t) => t.status === 'CORRECTIONS_REQUESTED').flatMap((t) => t.corrections)),
];
