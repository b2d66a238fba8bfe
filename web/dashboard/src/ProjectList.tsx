import { useEffect, useState } from 'react';
import { responseHealth, type ResponseHealth } from './departments';
import { formatAmount, formatDate } from './format';
import { graphqlRequest } from './graphql';
import { JOINT_STATUS_NAMES, STAGE_NAMES, label, REGISTRATION_STATUS_NAMES, type JointStatus, type ProjectStage } from './labels';
import { ErrorNotice } from './ErrorNotice';
import { Missing, OtherErrors, SourceMarkers } from './markers';
import { BASE, followLink, navigate, projectHref } from './router';
import { useGraphQL, useSession } from './use-graphql';
import APPLICATION_LIST from './operations/DashboardApplicationList.graphql?raw';
import PROJECT_LIST from './operations/DashboardProjectList.graphql?raw';
import TOWNS from './operations/DashboardTowns.graphql?raw';

export const PAGE_SIZE = 20;
const COUNTY_CODE = '522633';

interface Applicant {
  uscc: string;
  name: string;
  status: string;
  onAbnormalList: boolean;
}
interface ApplicationSummary {
  id: string;
  stage: ProjectStage;
  jointStatus: JointStatus;
  deadline: string;
  overdue: boolean;
}
interface ProjectSummary {
  code: string;
  name: string;
  stage: ProjectStage;
  townCode: string;
  totalInvestment: number;
  applicant: Applicant | null;
}
interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface ProjectListData {
  constructionProjects: {
    totalCount: number;
    pageInfo: PageInfo;
    nodes: (ProjectSummary & { jointStatus: JointStatus | null; applications: ApplicationSummary[] | null })[];
  } | null;
}
interface ApplicationListData {
  applications: { totalCount: number; pageInfo: PageInfo; nodes: (ApplicationSummary & { project: ProjectSummary | null })[] } | null;
}

/** One line of the list, whichever query it came from. */
interface Row {
  /** Null when 住建局 could not give the project of a listed application. */
  project: ProjectSummary | null;
  /** The application the row is about: the one with the filtered status, or the project's newest. */
  application: ApplicationSummary | null;
  /** False when the approval system's part of the row is missing. */
  approvalKnown: boolean;
}

export interface ListFilters {
  stage: ProjectStage | '';
  town: string;
  status: JointStatus | '';
  after: string | null;
}

export function filtersOf(search: URLSearchParams): ListFilters {
  const stage = search.get('stage') ?? '';
  const status = search.get('status') ?? '';
  return {
    stage: stage in STAGE_NAMES ? (stage as ProjectStage) : '',
    town: /^\d{12}$/.test(search.get('town') ?? '') ? search.get('town')! : '',
    status: status in JOINT_STATUS_NAMES ? (status as JointStatus) : '',
    after: search.get('after'),
  };
}

function hrefOf(filters: ListFilters): string {
  const search = new URLSearchParams();
  if (filters.stage) search.set('stage', filters.stage);
  if (filters.town) search.set('town', filters.town);
  if (filters.status) search.set('status', filters.status);
  if (filters.after) search.set('after', filters.after);
  const query = search.toString();
  return query ? `${BASE}?${query}` : BASE;
}

/** The towns of the county for the filter, read once per visit. */
let townsOnce: Promise<{ code: string; name: string }[]> | null = null;
function useTowns(): { code: string; name: string }[] {
  const session = useSession();
  const [towns, setTowns] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    townsOnce ??= graphqlRequest<{ region: { children: { code: string; name: string }[] } | null }>(session.endpoint, session.token, TOWNS, { county: COUNTY_CODE })
      .then((result) => result.data?.region?.children ?? [])
      .catch(() => {
        townsOnce = null;
        return [];
      });
    let live = true;
    void townsOnce.then((list) => live && setTowns(list));
    return () => {
      live = false;
    };
  }, [session]);
  return towns;
}

export function ProjectList({ search, previousCursors }: { search: URLSearchParams; previousCursors: (string | null)[] }) {
  const filters = filtersOf(search);
  const towns = useTowns();
  const townName = (code: string) => towns.find((t) => t.code === code)?.name ?? code;
  const base = { first: PAGE_SIZE, after: filters.after, stage: filters.stage || null, townCode: filters.town || null };
  // 联审状态 lives in the approval system: with a status chosen, its applications are listed; without, 住建局's projects.
  const byStatus = useGraphQL<ApplicationListData>(APPLICATION_LIST, filters.status ? { ...base, jointStatus: filters.status } : null);
  const byProject = useGraphQL<ProjectListData>(PROJECT_LIST, filters.status ? null : base);
  const loaded = filters.status ? byStatus : byProject;

  const change = (next: Partial<ListFilters>) => navigate(hrefOf({ ...filters, ...next, after: null }));

  let rows: Row[] = [];
  let total: number | null = null;
  let pageInfo: PageInfo | null = null;
  let health: ResponseHealth | null = null;
  if (loaded.state === 'done') {
    health = responseHealth(loaded.result.errors, loaded.result.stale);
    if (filters.status) {
      const connection = (loaded.result.data as ApplicationListData | null)?.applications;
      if (connection) {
        total = connection.totalCount;
        pageInfo = connection.pageInfo;
        rows = connection.nodes.map(({ project, ...application }) => ({ project, application, approvalKnown: true }));
      }
    } else {
      const connection = (loaded.result.data as ProjectListData | null)?.constructionProjects;
      if (connection) {
        total = connection.totalCount;
        pageInfo = connection.pageInfo;
        rows = connection.nodes.map(({ jointStatus: _joint, applications, ...project }) => ({
          project,
          application: applications?.[0] ?? null,
          approvalKnown: applications !== null,
        }));
      }
    }
  }
  const offset = previousCursors.length * PAGE_SIZE;

  return (
    <>
      <h1 tabIndex={-1} id="page-title">
        项目列表
      </h1>
      <form className="filters" role="search" aria-label="筛选项目" onSubmit={(e) => e.preventDefault()}>
        <label>
          阶段
          <select id="filter-stage" value={filters.stage} onChange={(e) => change({ stage: e.target.value as ListFilters['stage'] })}>
            <option value="">全部阶段</option>
            {Object.entries(STAGE_NAMES).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label>
          乡镇
          <select id="filter-town" value={filters.town} onChange={(e) => change({ town: e.target.value })}>
            <option value="">全县</option>
            {towns.map((t) => (
              <option key={t.code} value={t.code}>
                {t.name}
              </option>
            ))}
            {filters.town && !towns.some((t) => t.code === filters.town) && <option value={filters.town}>{filters.town}</option>}
          </select>
        </label>
        <label>
          联审状态
          <select id="filter-status" value={filters.status} onChange={(e) => change({ status: e.target.value as ListFilters['status'] })}>
            <option value="">全部（含未申报）</option>
            {Object.entries(JOINT_STATUS_NAMES).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        {(filters.stage || filters.town || filters.status) && (
          <button type="button" className="link-button" onClick={() => navigate(BASE)}>
            清除筛选
          </button>
        )}
      </form>

      {health && (
        <SourceMarkers
          health={health}
          sources={[{ department: 'construction' }, { department: 'enterprise' }, { department: 'approval' }].filter(
            (s) => health.departments[s.department],
          )}
          onRetry={loaded.retry}
        />
      )}
      {health && <OtherErrors health={health} onRetry={loaded.retry} />}
      {loaded.state === 'failed' && <ErrorNotice text={loaded.text} onRetry={loaded.retry} />}

      <div className="table-wrap" aria-busy={loaded.state === 'loading'}>
        <table className="projects">
          <caption>
            {loaded.state === 'loading' && '加载中…'}
            {loaded.state === 'done' && total !== null && (
              <span id="result-count" data-total={total}>
                共 {total} 个{filters.status ? `联审状态为“${JOINT_STATUS_NAMES[filters.status]}”的申请` : '项目'}
                {total > 0 && `，第 ${offset + 1}–${offset + rows.length} 个`}
              </span>
            )}
          </caption>
          <thead>
            <tr>
              <th scope="col">项目代码</th>
              <th scope="col">项目名称</th>
              <th scope="col">阶段</th>
              <th scope="col">乡镇</th>
              <th scope="col">建设单位</th>
              <th scope="col">总投资</th>
              <th scope="col">联审状态</th>
              <th scope="col">办结期限</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <ListRow key={`${row.project?.code ?? ''}-${row.application?.id ?? i}`} row={row} byStatus={!!filters.status} townName={townName} health={health!} />
            ))}
            {loaded.state === 'done' && rows.length === 0 && total !== null && (
              <tr>
                <td colSpan={8} className="empty">
                  没有符合条件的项目。
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      {pageInfo && (
        <nav className="pager" aria-label="分页">
          <button
            type="button"
            disabled={previousCursors.length === 0}
            onClick={() => {
              const before = previousCursors.slice(0, -1);
              navigate(hrefOf({ ...filters, after: previousCursors.at(-1) ?? null }), { state: { previousCursors: before } });
            }}
          >
            上一页
          </button>
          <span>第 {previousCursors.length + 1} 页</span>
          <button
            type="button"
            disabled={!pageInfo.hasNextPage}
            onClick={() =>
              navigate(hrefOf({ ...filters, after: pageInfo!.endCursor }), { state: { previousCursors: [...previousCursors, filters.after] } })
            }
          >
            下一页
          </button>
        </nav>
      )}
    </>
  );
}

function ListRow({ row, byStatus, townName, health }: { row: Row; byStatus: boolean; townName: (code: string) => string; health: ResponseHealth }) {
  const { project, application, approvalKnown } = row;
  const jointStatus = !approvalKnown ? (
    <Missing department="approval" missing short />
  ) : application ? (
    <span className={`status status-${application.jointStatus}`} data-joint-status={application.jointStatus}>
      {JOINT_STATUS_NAMES[application.jointStatus]}
    </span>
  ) : (
    <span className="none" data-joint-status="NONE">
      未申报
    </span>
  );
  const deadline = (
    <td className="nowrap">
      {application ? formatDate(application.deadline) : '—'}
      {application?.overdue && <span className="badge badge-bad"> 逾期</span>}
    </td>
  );
  if (!project) {
    return (
      <tr data-application={application?.id}>
        <td>{application?.id}</td>
        <td colSpan={5}>
          <Missing department="construction" missing />
        </td>
        <td>{jointStatus}</td>
        {deadline}
      </tr>
    );
  }
  const applicant = project.applicant;
  return (
    <tr data-code={project.code}>
      <td>
        <a className="project-link" href={projectHref(project.code)} onClick={followLink}>
          {project.code}
        </a>
      </td>
      <td>{project.name}</td>
      <td className="nowrap">{STAGE_NAMES[application && byStatus ? application.stage : project.stage]}</td>
      <td className="nowrap">{townName(project.townCode)}</td>
      <td>
        {applicant ? (
          <>
            {applicant.name}
            {applicant.status !== 'SUBSISTING' && applicant.status !== 'IN_BUSINESS' && (
              <span className="badge badge-bad">{label(REGISTRATION_STATUS_NAMES, applicant.status)}</span>
            )}
            {applicant.onAbnormalList && <span className="badge badge-warn">经营异常</span>}
          </>
        ) : (
          <Missing department="enterprise" missing={!!health.departments.enterprise?.unavailable} short />
        )}
      </td>
      <td className="number">{formatAmount(project.totalInvestment, '万元')}</td>
      <td>{jointStatus}</td>
      {deadline}
    </tr>
  );
}
