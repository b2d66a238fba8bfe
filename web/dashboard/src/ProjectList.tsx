import { useEffect, useState, type FormEvent } from 'react';
import { responseHealth, type ResponseHealth } from './departments';
import { ExportButton } from './ExportButton';
import { formatAmount, formatDate } from './format';
import { graphqlRequest } from './graphql';
import { JOINT_STATUS_NAMES, STAGE_NAMES, label, REGISTRATION_STATUS_NAMES } from './labels';
import {
  filtersOf,
  listRequestOf,
  normalizeSearch,
  ORDER_NAMES,
  pageOf,
  searchOf,
  searchProblem,
  SEARCH_MAX_CHARS,
  UNAPPLIED,
  type ListFilters,
  type PageInfo,
  type Row,
} from './list-filters';
import { LIST_OPERATIONS } from './list-operations';
import { ErrorNotice } from './ErrorNotice';
import { Missing, OtherErrors, SourceMarkers } from './markers';
import { BASE, followLink, navigate, projectHref } from './router';
import { useGraphQL, useSession } from './use-graphql';
import TOWNS from './operations/DashboardTowns.graphql?raw';

export const PAGE_SIZE = 20;
const COUNTY_CODE = '522633';

function hrefOf(filters: ListFilters): string {
  const query = searchOf(filters);
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
  // Each list where its data lives (list-filters.ts): 住建局's projects, the approval system's applications, or its 未申报 projects.
  const request = listRequestOf(filters, PAGE_SIZE);
  const byProject = useGraphQL<Record<string, unknown>>(LIST_OPERATIONS.projects, request.kind === 'projects' ? request.variables : null);
  const byApplication = useGraphQL<Record<string, unknown>>(LIST_OPERATIONS.applications, request.kind === 'applications' ? request.variables : null);
  const unapplied = useGraphQL<Record<string, unknown>>(LIST_OPERATIONS.unapplied, request.kind === 'unapplied' ? request.variables : null);
  const loaded = { projects: byProject, applications: byApplication, unapplied }[request.kind];

  const change = (next: Partial<ListFilters>) => navigate(hrefOf({ ...filters, ...next, after: null }));

  let rows: Row[] = [];
  let total: number | null = null;
  let pageInfo: PageInfo | null = null;
  let health: ResponseHealth | null = null;
  if (loaded.state === 'done') {
    health = responseHealth(loaded.result.errors, loaded.result.stale);
    const page = pageOf(request.kind, loaded.result.data);
    if (page) ({ total, pageInfo, rows } = page);
  }
  const offset = previousCursors.length * PAGE_SIZE;
  const filtered = filters.stage || filters.town || filters.status || filters.order || filters.search;
  const counted =
    filters.status === UNAPPLIED
      ? '未申报的项目'
      : filters.status
        ? `联审状态为“${JOINT_STATUS_NAMES[filters.status]}”的申请`
        : filters.order
          ? '申请（未申报的项目没有办结期限，不在此列）'
          : '项目';

  return (
    <>
      <h1 tabIndex={-1} id="page-title">
        项目列表
      </h1>
      <SearchBox key={filters.search} value={filters.search} onSearch={(text) => change({ search: text })} />
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
            <option value={UNAPPLIED}>未申报</option>
          </select>
        </label>
        <label>
          排序
          <select
            id="filter-sort"
            value={filters.status === UNAPPLIED ? '' : filters.order}
            disabled={filters.status === UNAPPLIED}
            title={filters.status === UNAPPLIED ? '未申报的项目没有办结期限，无法排序' : undefined}
            onChange={(e) => change({ order: e.target.value as ListFilters['order'] })}
          >
            <option value="">默认顺序</option>
            {Object.entries(ORDER_NAMES).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="link-button" onClick={() => navigate(BASE)}>
            清除筛选
          </button>
        )}
        <ExportButton key={searchOf({ ...filters, after: null })} filters={{ ...filters, after: null }} townName={townName} />
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
                共 {total} 个{counted}
                {filters.search && `，搜索“${filters.search}”`}
                {filters.order && filters.status !== UNAPPLIED && `，${ORDER_NAMES[filters.order]}`}
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
              <ListRow key={`${row.project?.code ?? ''}-${row.application?.id ?? i}`} row={row} byApplication={request.kind === 'applications'} townName={townName} health={health!} />
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

/** 搜索: one box for 项目代码, 项目名称, 建设单位 and 统一社会信用代码; the text is checked here before the API is asked. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const why = searchProblem(text);
    setProblem(why);
    if (!why) onSearch(normalizeSearch(text));
  };
  return (
    <form className="search" role="search" aria-label="搜索项目" onSubmit={submit}>
      <label htmlFor="filter-search">搜索</label>
      <input
        id="filter-search"
        type="search"
        value={text}
        maxLength={SEARCH_MAX_CHARS * 2}
        placeholder="项目代码、项目名称、建设单位或统一社会信用代码"
        aria-describedby={problem ? 'search-problem' : undefined}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">搜索</button>
      {value && (
        <button type="button" className="link-button" onClick={() => onSearch('')}>
          清除搜索
        </button>
      )}
      {problem && (
        <p className="alert" role="alert" id="search-problem">
          {problem}
        </p>
      )}
    </form>
  );
}

function ListRow({ row, byApplication, townName, health }: { row: Row; byApplication: boolean; townName: (code: string) => string; health: ResponseHealth }) {
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
      <td className="nowrap">{STAGE_NAMES[application && byApplication ? application.stage : project.stage]}</td>
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
