/**
 * A reviewer's four decisions as the service center says them, and what each one does,
 * stated before it is taken (the confirm step): the joint status it leads to and what
 * happens to the deadline clock. The rules themselves are domain/joint-review.ts's; this
 * file only says them.
 */
import type { ReviewDecision } from '../../../domain/joint-review';
import { formatDate } from './format';

export type { ReviewDecision };

export const DECISION_NAMES: Record<ReviewDecision, string> = {
  ACCEPT: '受理',
  APPROVE: '通过',
  REQUEST_CORRECTIONS: '退回补正',
  REJECT: '不予许可',
};

/** In the order a reviewer meets them. */
export const DECISIONS: readonly ReviewDecision[] = ['ACCEPT', 'APPROVE', 'REQUEST_CORRECTIONS', 'REJECT'];

/** Which decisions need a reason written down, and which a choice of materials. */
export const needsReason = (decision: ReviewDecision) => decision === 'REJECT' || decision === 'REQUEST_CORRECTIONS';
export const needsMaterials = (decision: ReviewDecision) => decision === 'REQUEST_CORRECTIONS';

export interface DecisionSubject {
  department: string;
  deadline: string;
  /** The application's other tasks: whether this approval completes the joint review. */
  others: { department: string; status: string }[];
}

/** What taking `decision` will do, in the words of the confirm step. */
export function consequenceOf(decision: ReviewDecision, task: DecisionSubject): string {
  switch (decision) {
    case 'ACCEPT':
      return `受理后，本任务转为「审查中」，由您负责审查；办结期限仍为 ${formatDate(task.deadline)}，请在期限内作出通过、退回补正或不予许可的决定。`;
    case 'APPROVE': {
      const pending = task.others.filter((t) => t.status !== 'APPROVED');
      return pending.length === 0
        ? '通过后，本部门审查结论为「通过」，不能再更改。其他部门均已通过：联审状态将变为「通过」，联审办结。'
        : `通过后，本部门审查结论为「通过」，不能再更改。联审状态仍为「审查中」，还需 ${pending.map((t) => t.department).join('、')} 作出决定。`;
    }
    case 'REQUEST_CORRECTIONS':
      return '退回补正后，联审状态变为「待补正」，本任务的办结期限停止计算；申请人到综合窗口提交所列补正材料后，本任务回到「审查中」，期限从补正之日重新起算。';
    case 'REJECT':
      return '不予许可后，整个联审申请结论为「不予许可」，其他部门不能再作决定，申请人须重新申报。此决定不能撤销。';
  }
}

/** What 补正提交 will do. */
export const RESUBMIT_CONSEQUENCE =
  '提交后，退回补正的部门任务回到「审查中」，办结期限从今日重新起算；联审状态在没有其他部门要求补正时回到「审查中」。请确认申请人已交齐所列材料。';
