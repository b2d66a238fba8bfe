import { useState } from 'react';
import { reviewerLabel, type Application, type ReviewTask } from './applications';
import { CaseMessages } from './CaseMessages';
import { DecisionDialog } from './DecisionDialog';
import { DECISION_NAMES, DECISIONS, type ReviewDecision } from './decisions';
import type { ErrorText } from './error-messages';
import { ErrorNotice } from './ErrorNotice';
import { formatDate, formatDateTime } from './format';
import { JOINT_STATUS_NAMES, REVIEW_STATUS_NAMES, STAGE_NAMES, label } from './labels';
import { ResubmitDialog } from './ResubmitDialog';
import { useWrite } from './write';
import APPLICATION from './operations/DashboardApplication.graphql?raw';

type Open = { kind: 'decision'; task: ReviewTask; decision: ReviewDecision } | { kind: 'resubmit' } | null;
type Notice = { kind: 'done'; message: string } | { kind: 'refused'; text: ErrorText } | null;

/**
 * One 一件事 on the project page: each department's task, and the actions the signed-in
 * person may take on it — a reviewer's decisions on their department's tasks (only those
 * the task's state allows), a window clerk's 补正提交. What a write returns replaces the
 * application at once (`onWritten`); a refusal reads it again, since someone else acted.
 */
export function ApplicationTasks({
  application,
  onWritten,
  threadRevision,
}: {
  application: Application;
  onWritten(application: Application): void;
  /** Moves when a message arrived live: the thread is read again. */
  threadRevision: number;
}) {
  const write = useWrite();
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const acting = application.tasks.some((t) => t.availableDecisions.length > 0);

  const written = (next: Application, message: string) => {
    setOpen(null);
    setNotice({ kind: 'done', message });
    onWritten(next);
  };
  const refused = async (text: ErrorText) => {
    setOpen(null);
    setNotice({ kind: 'refused', text });
    const fresh = await write<{ application: Application | null }>(APPLICATION, { id: application.id });
    if (fresh.ok && fresh.data.application) onWritten(fresh.data.application);
  };

  return (
    <div className="application" data-application={application.id}>
      <h3>
        {STAGE_NAMES[application.stage]}阶段联审申请 {application.id}
        <span className={`status status-${application.jointStatus}`} data-joint-status={application.jointStatus}>
          {' '}
          {JOINT_STATUS_NAMES[application.jointStatus]}
        </span>
        {application.overdue && <span className="badge badge-bad"> 逾期</span>}
      </h3>
      <p className="application-facts">
        提交时间 {formatDateTime(application.submittedAt)} · 办结期限 {formatDate(application.deadline)}
        {application.canResubmitCorrections && (
          <button type="button" className="action" onClick={() => setOpen({ kind: 'resubmit' })}>
            补正提交
          </button>
        )}
      </p>
      {notice?.kind === 'done' && (
        <p className="done" role="status">
          {notice.message}
        </p>
      )}
      {notice?.kind === 'refused' && <ErrorNotice text={notice.text} />}
      <table className="compact tasks">
        <thead>
          <tr>
            <th scope="col">审查部门</th>
            <th scope="col">状态</th>
            <th scope="col">审查人</th>
            <th scope="col">审查意见</th>
            <th scope="col">补正材料</th>
            <th scope="col">办结期限</th>
            {acting && <th scope="col">办理</th>}
          </tr>
        </thead>
        <tbody>
          {application.tasks.map((task) => (
            <tr key={task.id} data-task={task.id} data-status={task.status}>
              <th scope="row">
                {task.department}
                {task.lead && <span className="badge badge-lead"> 牵头</span>}
              </th>
              <td>
                <span className={`review review-${task.status}`}>{label(REVIEW_STATUS_NAMES, task.status)}</span>
              </td>
              <td>{reviewerLabel(task)}</td>
              <td>{task.opinion ?? '—'}</td>
              <td>{task.corrections.length ? task.corrections.join('、') : '—'}</td>
              <td className="date">
                {formatDate(task.deadline)}
                {task.overdue && <span className="badge badge-bad"> 逾期</span>}
              </td>
              {acting && (
                <td className="actions">
                  {DECISIONS.filter((d) => task.availableDecisions.includes(d)).map((decision) => (
                    <button
                      key={decision}
                      type="button"
                      className={`action action-${decision}`}
                      data-decision={decision}
                      onClick={() => {
                        setNotice(null);
                        setOpen({ kind: 'decision', task, decision });
                      }}
                    >
                      {DECISION_NAMES[decision]}
                    </button>
                  ))}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <CaseMessages application={application} revision={threadRevision} />
      {open?.kind === 'decision' && (
        <DecisionDialog
          application={application}
          task={open.task}
          decision={open.decision}
          onWritten={written}
          onRefused={(text) => void refused(text)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'resubmit' && (
        <ResubmitDialog application={application} onWritten={written} onRefused={(text) => void refused(text)} onCancel={() => setOpen(null)} />
      )}
    </div>
  );
}
