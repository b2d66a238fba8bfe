/**
 * The project list's filters and which API list answers them. Pure (no DOM, no Vite), so
 * the page, the export and the tests read the same rules.
 *
 * Three lists, each where its data lives: 住建局's projects (no joint status, no order
 * asked), the approval system's applications (a 联审状态, or an order by 办结期限 / 逾期:
 * deadlines are approval data, so a sorted list is a list of applications), and the
 * approval system's projects without an application (未申报).
 */
import { JOINT_STATUS_NAMES, STAGE_NAMES, type JointStatus, type ProjectStage } from './labels';

export const UNAPPLIED = 'NONE';
export type StatusFilter = JointStatus | typeof UNAPPLIED | '';
export type ListOrder = 'DEADLINE' | 'OVERDUE_FIRST' | '';

export const ORDER_NAMES: Record<Exclude<ListOrder, ''>, string> = { DEADLINE: '按办结期限（最早在前）', OVERDUE_FIRST: '逾期优先' };

/** The bounds the API holds the search text to (subgraphs/shared/search-term.ts), checked here first so the clerk reads why at once. */
export const SEARCH_MIN_CHARS = 2;
export const SEARCH_MAX_CHARS = 50;

export interface ListFilters {
  stage: ProjectStage | '';
  town: string;
  status: StatusFilter;
  order: ListOrder;
  search: string;
  after: string | null;
}

export function filtersOf(search: URLSearchParams): ListFilters {
  const stage = search.get('stage') ?? '';
  const status = search.get('status') ?? '';
  const order = search.get('sort') ?? '';
  return {
    stage: stage in STAGE_NAMES ? (stage as ProjectStage) : '',
    town: /^\d{12}$/.test(search.get('town') ?? '') ? search.get('town')! : '',
    status: status in JOINT_STATUS_NAMES || status === UNAPPLIED ? (status as StatusFilter) : '',
    order: order in ORDER_NAMES ? (order as ListOrder) : '',
    search: searchProblem(search.get('q') ?? '') ? '' : normalizeSearch(search.get('q') ?? ''),
    after: search.get('after'),
  };
}

/** The query string of these filters, in a fixed order (bookmarks and Back stay stable). */
export function searchOf(filters: ListFilters): string {
  const search = new URLSearchParams();
  if (filters.search) search.set('q', filters.search);
  if (filters.stage) search.set('stage', filters.stage);
  if (filters.town) search.set('town', filters.town);
  if (filters.status) search.set('status', filters.status);
  if (filters.order) search.set('sort', filters.order);
  if (filters.after) search.set('after', filters.after);
  return search.toString();
}

export const normalizeSearch = (text: string): string => text.trim().replace(/\s+/g, ' ');

/** Why a search text would be refused, in Chinese; null when it is fine (empty means no search). */
export function searchProblem(text: string): string | null {
  const normalized = normalizeSearch(text);
  if (normalized === '') return null;
  const length = [...normalized].length;
  if (length < SEARCH_MIN_CHARS) return `搜索内容至少 ${SEARCH_MIN_CHARS} 个字符（项目代码、项目名称、建设单位名称或统一社会信用代码的一部分）。`;
  if (length > SEARCH_MAX_CHARS) return `搜索内容最多 ${SEARCH_MAX_CHARS} 个字符，请缩短后再搜索。`;
  if (/\p{Cc}/u.test(normalized)) return '搜索内容含有不可见的控制字符，请重新输入。';
  return null;
}

export type ListKind = 'projects' | 'applications' | 'unapplied';

/** Which list answers the filters, and its variables for one page. */
export function listRequestOf(filters: ListFilters, first: number, after: string | null = filters.after): { kind: ListKind; variables: Record<string, unknown> } {
  const base = { first, after, stage: filters.stage || null, townCode: filters.town || null, search: filters.search || null };
  if (filters.status === UNAPPLIED) return { kind: 'unapplied', variables: base };
  if (filters.status || filters.order) {
    return { kind: 'applications', variables: { ...base, jointStatus: filters.status || null, order: filters.order || null } };
  }
  return { kind: 'projects', variables: base };
}

/** The field of each list's operation. */
export const LIST_FIELDS: Record<ListKind, string> = { projects: 'constructionProjects', applications: 'applications', unapplied: 'projectsWithoutApplications' };

export interface Applicant {
  uscc: string;
  name: string;
  status: string;
  onAbnormalList: boolean;
}
export interface ApplicationSummary {
  id: string;
  stage: ProjectStage;
  jointStatus: JointStatus;
  deadline: string;
  overdue: boolean;
}
export interface ProjectSummary {
  code: string;
  name: string;
  stage: ProjectStage;
  townCode: string;
  totalInvestment: number;
  applicant: Applicant | null;
}
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** One line of the list, whichever query it came from. */
export interface Row {
  /** Null when 住建局 could not give the project of a listed application. */
  project: ProjectSummary | null;
  /** The application the row is about: the one with the filtered status, or the project's newest; null for 未申报. */
  application: ApplicationSummary | null;
  /** False when the approval system's part of the row is missing. */
  approvalKnown: boolean;
}

export interface ListPage {
  total: number;
  pageInfo: PageInfo;
  rows: Row[];
}

type ProjectNode = ProjectSummary & { applications?: ApplicationSummary[] | null; jointStatus?: JointStatus | null };
type Connection<N> = { totalCount: number; pageInfo: PageInfo; nodes: N[] } | null | undefined;

/** The rows of one page of `kind`'s answer; null when the list itself is missing (its department is down). */
export function pageOf(kind: ListKind, data: Record<string, unknown> | null): ListPage | null {
  if (!data) return null;
  if (kind === 'applications') {
    const connection = data.applications as Connection<ApplicationSummary & { project: ProjectSummary | null }>;
    if (!connection) return null;
    return {
      total: connection.totalCount,
      pageInfo: connection.pageInfo,
      rows: connection.nodes.map(({ project, ...application }) => ({ project, application, approvalKnown: true })),
    };
  }
  const connection = data[LIST_FIELDS[kind]] as Connection<ProjectNode>;
  if (!connection) return null;
  return {
    total: connection.totalCount,
    pageInfo: connection.pageInfo,
    rows: connection.nodes.map(({ applications, jointStatus: _newest, ...project }) => {
      // 未申报 rows have no application by definition; a project row's is its newest, unless the approval system was down.
      if (kind === 'unapplied') return { project, application: null, approvalKnown: true };
      return { project, application: applications?.[0] ?? null, approvalKnown: applications !== null && applications !== undefined };
    }),
  };
}
