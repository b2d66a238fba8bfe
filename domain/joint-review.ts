/**
 * 并联审批 parallel joint review: one application, one review task per department,
 * all at once. The rules a task's status follows and how the application's joint
 * status is derived from its tasks live here, once, for the approval system that
 * enforces them and the subgraph that shows them.
 */
import { REVIEW_STATUS_NAMES } from './statuses';

export type ReviewStatus = 'PENDING_ACCEPTANCE' | 'IN_REVIEW' | 'APPROVED' | 'CORRECTIONS_REQUESTED' | 'REJECTED';
export type ReviewDecision = 'ACCEPT' | 'APPROVE' | 'REQUEST_CORRECTIONS' | 'REJECT';
export type JointStatus = 'IN_REVIEW' | 'AWAITING_CORRECTIONS' | 'APPROVED' | 'REJECTED';

export const isFinal = (status: ReviewStatus) => status === 'APPROVED' || status === 'REJECTED';

export interface DecisionInput {
  decision: ReviewDecision;
  opinion: string;
  corrections: readonly string[];
}

export type DecisionOutcome = { ok: true; status: ReviewStatus } | { ok: false; reason: string };

const NEXT: Record<ReviewStatus, Partial<Record<ReviewDecision, ReviewStatus>>> = {
  PENDING_ACCEPTANCE: { ACCEPT: 'IN_REVIEW', REQUEST_CORRECTIONS: 'CORRECTIONS_REQUESTED', REJECT: 'REJECTED' },
  IN_REVIEW: { APPROVE: 'APPROVED', REQUEST_CORRECTIONS: 'CORRECTIONS_REQUESTED', REJECT: 'REJECTED' },
  CORRECTIONS_REQUESTED: {},
  APPROVED: {},
  REJECTED: {},
};

/** The decisions a task in `status` takes (the state alone; an application closed by a refusal takes none: closedBecause). */
export const allowedDecisions = (status: ReviewStatus): ReviewDecision[] => Object.keys(NEXT[status]) as ReviewDecision[];

/** What a reviewer's decision does to a task in `status`, or why it is refused. */
export function decide(status: ReviewStatus, input: DecisionInput): DecisionOutcome {
  const next = NEXT[status][input.decision];
  if (!next) {
    const why =
      status === 'CORRECTIONS_REQUESTED'
        ? 'the task is waiting for the applicant’s corrections (退回补正)'
        : isFinal(status)
          ? `the task is already decided (${REVIEW_STATUS_NAMES[status]})`
          : status === 'PENDING_ACCEPTANCE'
            ? 'the task has not been accepted yet (待受理): ACCEPT it first'
            : 'the task was already accepted (审查中)';
    return { ok: false, reason: `${input.decision} refused: ${why}` };
  }
  if (input.decision === 'REQUEST_CORRECTIONS' && input.corrections.length === 0) {
    return { ok: false, reason: 'REQUEST_CORRECTIONS needs the materials to correct (补正材料) in `corrections`' };
  }
  if (input.decision !== 'REQUEST_CORRECTIONS' && input.corrections.length > 0) {
    return { ok: false, reason: `${input.decision} takes no corrections; use REQUEST_CORRECTIONS to ask for them` };
  }
  if ((input.decision === 'REJECT' || input.decision === 'REQUEST_CORRECTIONS') && !input.opinion.trim()) {
    return { ok: false, reason: `${input.decision} needs an opinion stating the reason` };
  }
  return { ok: true, status: next };
}

/**
 * Why an application takes no more decisions or corrections, or null while it does: one
 * department's 不予许可 decides the combined application (its other tasks cannot make it
 * pass), and an application whose every task is decided is finished.
 */
export function closedBecause(tasks: readonly { status: ReviewStatus; department: string }[]): string | null {
  const refusedBy = tasks.find((t) => t.status === 'REJECTED');
  if (refusedBy) return `the application was refused (不予许可) by ${refusedBy.department}: it takes no further decisions; a new application is needed`;
  if (tasks.length > 0 && tasks.every((t) => isFinal(t.status))) return 'every task of the application is decided: it takes no further decisions';
  return null;
}

/**
 * 逾期: a task still open (not decided, not waiting for the applicant's corrections) after its
 * deadline, in an application still open. Once one department refused (不予许可) the
 * application is decided, so the tasks nobody will decide any more are late for nothing.
 */
export function isOverdue(
  task: { status: ReviewStatus; deadline: string },
  application: readonly { status: ReviewStatus; department: string }[],
  today: string,
): boolean {
  return !isFinal(task.status) && task.status !== 'CORRECTIONS_REQUESTED' && today > task.deadline && closedBecause(application) === null;
}

/**
 * The application's joint status, in this order: every task passed → 通过; any task
 * returned for corrections → 待补正; any task refused → 不予许可; otherwise 审查中.
 */
export function jointStatusOf(statuses: readonly ReviewStatus[]): JointStatus {
  if (statuses.length > 0 && statuses.every((s) => s === 'APPROVED')) return 'APPROVED';
  if (statuses.includes('CORRECTIONS_REQUESTED')) return 'AWAITING_CORRECTIONS';
  if (statuses.includes('REJECTED')) return 'REJECTED';
  return 'IN_REVIEW';
}

/** An application's 办结期限: its latest task deadline. */
export const applicationDeadline = (tasks: readonly { deadline: string }[]): string => tasks.map((t) => t.deadline).sort().at(-1) ?? '';
