import { REVIEWING_DEPARTMENTS } from '../../../domain/staff';
import { reviewerLabel } from './applications';
import { healthOf, responseHealth } from './departments';
import { ErrorNotice } from './ErrorNotice';
import { formatDate, formatDateTime } from './format';
import { LiveIndicator, useCoalesced, useLiveEvents } from './live';
import { REVIEW_STATUS_NAMES, STAGE_NAMES, label, type ProjectStage } from './labels';
import { OtherErrors, SourceMarkers } from './markers';
import { reviewQueueChanged } from './review-queue-events';
import { BASE, followLink, navigate, projectHref, reviewHref } from './router';
import { useGraphQL } from './use-graphql';
import APPLICATION_UPDATED from './operations/DashboardApplicationUpdated.graphql?raw';
import QUEUE from './operations/DashboardReviewQueue.graphql?raw';
import TASK_ASSIGNED from './operations/DashboardTaskAssigned.graphql?raw';

/** As many as one screen of work; the counts above it cover them all. */
const QUEUE_SIZE = 100;

export interface QueueTask {
  id: string;
  department: string;
  departmentCode: string;
  lead: boolean;
  status: string;
  receivedAt: string;
  deadline: string;
  overdue: boolean;
  reviewer: string | null;
  reviewerName: string | null;
  application: { id: string; stage: ProjectStage; submittedAt: string; jointStatus: string; project: { code: string; name: string } | null } | null;
}

export interface ReviewQueue {
  departmentCodes: string[];
  totalCount: number;
  overdueCount: number;
  tasks: QueueTask[];
}

const departmentNames = new Map<string, string>(REVIEWING_DEPARTMENTS.map((d) => [d.code, d.name]));
const departmentNameOf = (code: string) => departmentNames.get(code) ?? code;

/**
 * 待我审查: the open tasks of the departments the signed-in reviewer reviews for, oldest
 * deadline first, 逾期 ones marked; each row leads to the project, where the decision is taken.
 * Live: a task arriving or any application of the jurisdiction changing (another reviewer
 * decided) reads the queue and the header's counts again.
 */
export function ReviewQueuePage({ department }: { department: string | null }) {
  const loaded = useGraphQL<{ reviewQueue: ReviewQueue }>(QUEUE, { department, first: QUEUE_SIZE });
  const health = loaded.state === 'done' ? responseHealth(loaded.result.errors, loaded.result.stale) : null;
  const queue = loaded.state === 'done' ? (loaded.result.data?.reviewQueue ?? null) : null;
  const reviewing = queue?.departmentCodes ?? [];
  const changed = useCoalesced(() => {
    loaded.refresh();
    reviewQueueChanged();
  });
  const live = useLiveEvents(
    [
      { query: TASK_ASSIGNED, variables: { department } },
      { query: APPLICATION_UPDATED, variables: {} },
    ],
    changed,
  );

  return (
    <>
      <p className="breadcrumb">
        <a href={BASE} onClick={followLink}>
          ← 返回项目列表
        </a>
      </p>
      <h1 tabIndex={-1} id="page-title">
        待我审查
      </h1>
      <LiveIndicator live={live} />
      {queue && (
        <p className="queue-summary" id="queue-summary" data-total={queue.totalCount} data-overdue={queue.overdueCount}>
          {department ? `${departmentNameOf(department)}：` : ''}待办 <strong>{queue.totalCount}</strong> 件，其中逾期{' '}
          <strong className={queue.overdueCount > 0 ? 'overdue-count' : ''}>{queue.overdueCount}</strong> 件
          {queue.tasks.length < queue.totalCount && <span className="note">（按办结期限显示最早的 {queue.tasks.length} 件）</span>}
        </p>
      )}
      {(reviewing.length > 1 || department) && (
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            审查部门
            <select id="queue-department" value={department ?? ''} onChange={(e) => navigate(reviewHref(e.target.value || null))}>
              <option value="">我审查的全部部门</option>
              {(department && !reviewing.includes(department) ? [...reviewing, department] : reviewing).map((code) => (
                <option key={code} value={code}>
                  {departmentNameOf(code)}
                </option>
              ))}
            </select>
          </label>
        </form>
      )}
      {loaded.state === 'failed' && <ErrorNotice text={loaded.text} onRetry={loaded.retry} />}
      {health && healthOf(health, 'approval').unavailable && <SourceMarkers health={health} sources={[{ department: 'approval' }]} onRetry={loaded.retry} />}
      {health && <OtherErrors health={health} onRetry={loaded.retry} />}
      {queue && queue.departmentCodes.length === 0 && <p className="none">您的账号没有审查部门（审查权限），没有待审查的任务。</p>}
      <div className="table-wrap" aria-busy={loaded.state === 'loading'}>
        <table className="projects queue">
          <caption>待受理、审查中的部门审查任务，按办结期限从早到晚排列</caption>
          <thead>
            <tr>
              <th scope="col">办结期限</th>
              <th scope="col">项目</th>
              <th scope="col">阶段</th>
              <th scope="col">审查部门</th>
              <th scope="col">状态</th>
              <th scope="col">审查人</th>
              <th scope="col">收件时间</th>
            </tr>
          </thead>
          <tbody>
            {loaded.state === 'loading' && (
              <tr>
                <td colSpan={7} className="empty" aria-busy="true">
                  加载中…
                </td>
              </tr>
            )}
            {queue && queue.departmentCodes.length > 0 && queue.tasks.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  没有待审查的任务。
                </td>
              </tr>
            )}
            {queue?.tasks.map((task) => (
              <tr key={task.id} data-task={task.id} data-overdue={task.overdue} className={task.overdue ? 'overdue' : undefined}>
                <td className="date">
                  {formatDate(task.deadline)}
                  {task.overdue && <span className="badge badge-bad"> 逾期</span>}
                </td>
                <td>
                  {task.application?.project ? (
                    <a className="project-link" href={projectHref(task.application.project.code)} onClick={followLink}>
                      {task.application.project.name}
                    </a>
                  ) : (
                    <span className="none">项目信息暂不可用</span>
                  )}
                  <span className="note"> {task.application?.project?.code ?? ''} · 申请 {task.application?.id ?? task.id.replace(/-\d+$/, '')}</span>
                </td>
                <td>{task.application ? STAGE_NAMES[task.application.stage] : '—'}</td>
                <td>
                  {task.department}
                  {task.lead && <span className="badge badge-lead"> 牵头</span>}
                </td>
                <td>
                  <span className={`review review-${task.status}`}>{label(REVIEW_STATUS_NAMES, task.status)}</span>
                </td>
                <td>{reviewerLabel(task)}</td>
                <td className="date">{formatDateTime(task.receivedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
