import { useState } from 'react';
import { reviewerLabel, type Application, type ReviewTask } from './applications';
import { ConfirmDialog } from './ConfirmDialog';
import { consequenceOf, DECISION_NAMES, needsMaterials, needsReason, type ReviewDecision } from './decisions';
import type { ErrorText } from './error-messages';
import { ErrorNotice } from './ErrorNotice';
import { JOINT_STATUS_NAMES, REVIEW_STATUS_NAMES, label } from './labels';
import { reviewQueueChanged } from './review-queue-events';
import { useGraphQL } from './use-graphql';
import { useWrite } from './write';
import CHECKLIST from './operations/DashboardTaskChecklist.graphql?raw';
import RECORD from './operations/DashboardRecordReviewOpinion.graphql?raw';

/** Codes that mean the task is not as the page showed it (decided meanwhile, closed, gone): the page must show it anew. */
const STATE_CHANGED = new Set(['CONFLICT', 'FORBIDDEN']);

/**
 * A reviewer's decision on a task of their department: its consequence stated first, a
 * reason where the decision needs one, the materials to correct for 退回补正, then the
 * mutation. The new application goes to `onWritten`; a refusal because the task is no
 * longer as shown goes to `onRefused` (the page reads the application again).
 */
export function DecisionDialog({
  application,
  task,
  decision,
  onWritten,
  onRefused,
  onCancel,
}: {
  application: Application;
  task: ReviewTask;
  decision: ReviewDecision;
  onWritten(application: Application, message: string): void;
  onRefused(text: ErrorText): void;
  onCancel(): void;
}) {
  const write = useWrite();
  const action = DECISION_NAMES[decision];
  const [opinion, setOpinion] = useState(decision === 'APPROVE' ? '符合要求，同意。' : '');
  const [chosen, setChosen] = useState<string[]>([]);
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorText | null>(null);

  const materials = [...new Set([...chosen, ...other.split(/[、,，;；\n]/).map((m) => m.trim()).filter(Boolean)])];
  const missing =
    needsReason(decision) && !opinion.trim() ? `请填写${action}的理由。` : needsMaterials(decision) && materials.length === 0 ? '请至少选择一项需要补正的材料。' : null;

  const confirm = async () => {
    setBusy(true);
    setError(null);
    const variables = { taskId: task.id, decision, opinion: opinion.trim(), corrections: needsMaterials(decision) ? materials : null };
    const result = await write<{ recordReviewOpinion: Application }>(RECORD, variables, { action });
    setBusy(false);
    if (result.ok) {
      const written = result.data.recordReviewOpinion;
      const now = written.tasks.find((t) => t.id === task.id);
      reviewQueueChanged();
      onWritten(written, `已${action}：${task.department}的任务现为「${label(REVIEW_STATUS_NAMES, now?.status)}」，联审状态为「${JOINT_STATUS_NAMES[written.jointStatus]}」。`);
    } else if (STATE_CHANGED.has(result.code)) {
      onRefused(result.text);
    } else {
      setError(result.text);
    }
  };

  return (
    <ConfirmDialog
      title={`确认${action}：${task.department}`}
      consequence={consequenceOf(decision, { department: task.department, deadline: task.deadline, others: application.tasks.filter((t) => t.id !== task.id) })}
      confirmLabel={`确认${action}`}
      canConfirm={missing}
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
    >
      <p className="note">
        联审申请 {application.id} · 当前状态「{label(REVIEW_STATUS_NAMES, task.status)}」{task.reviewer && <> · 审查人 {reviewerLabel(task)}</>}
      </p>
      {needsMaterials(decision) && (
        <CorrectionPicker applicationId={application.id} taskId={task.id} chosen={chosen} onChange={setChosen} other={other} onOther={setOther} />
      )}
      <label className="field">
        {needsReason(decision) ? `${action}理由（必填）` : '审查意见（可选）'}
        <textarea rows={3} value={opinion} onChange={(e) => setOpinion(e.target.value)} required={needsReason(decision)} />
      </label>
    </ConfirmDialog>
  );
}

interface ChecklistLine {
  id: string;
  status: 'SHARED' | 'REQUIRED' | 'BLOCKED';
  material: { id: string; name: string; necessity: string };
}

const LINE_STATUS: Record<ChecklistLine['status'], string> = { REQUIRED: '申请人提交', SHARED: '部门共享', BLOCKED: '受阻' };

/** 退回补正: the materials of the task's checklist to tick, and any other material by name. */
function CorrectionPicker({
  applicationId,
  taskId,
  chosen,
  onChange,
  other,
  onOther,
}: {
  applicationId: string;
  taskId: string;
  chosen: string[];
  onChange(chosen: string[]): void;
  other: string;
  onOther(other: string): void;
}) {
  const loaded = useGraphQL<{ application: { tasks: { id: string; checklist: ChecklistLine[] }[] } | null }>(CHECKLIST, { applicationId });
  const lines = loaded.state === 'done' ? (loaded.result.data?.application?.tasks.find((t) => t.id === taskId)?.checklist ?? null) : null;
  const toggle = (name: string, on: boolean) => onChange(on ? [...chosen, name] : chosen.filter((c) => c !== name));
  return (
    <fieldset className="materials">
      <legend>需要补正的材料</legend>
      {loaded.state === 'loading' && <p aria-busy="true">正在读取材料清单…</p>}
      {loaded.state === 'failed' && <ErrorNotice text={loaded.text} onRetry={loaded.retry} />}
      {loaded.state === 'done' && lines === null && (
        <p className="note">材料清单暂不可用，请在下方填写材料名称，或点击重试。 <button type="button" className="retry" onClick={loaded.retry}>重试</button></p>
      )}
      {lines?.length === 0 && <p className="note">该审查事项没有登记材料清单，请在下方填写材料名称。</p>}
      {lines?.map((line) => (
        <label key={line.id} className="material">
          <input type="checkbox" checked={chosen.includes(line.material.name)} onChange={(e) => toggle(line.material.name, e.target.checked)} />
          {line.material.name}
          <span className={`badge ${line.status === 'BLOCKED' ? 'badge-bad' : line.status === 'SHARED' ? 'badge-ok' : 'badge-lead'}`}>{LINE_STATUS[line.status] ?? line.status}</span>
        </label>
      ))}
      <label className="field">
        其他材料（可选，多项用「、」分隔）
        <input type="text" value={other} onChange={(e) => onOther(e.target.value)} />
      </label>
    </fieldset>
  );
}
