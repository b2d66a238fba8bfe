import DataLoader from 'dataloader';
import type { MessageAttachment, MessageRole } from '../../domain/case-messages';
import type { ReviewDecision, ReviewStatus } from '../../domain/joint-review';
import type { ProjectStage } from '../../domain/stages';
import { badUserInput, conflict, departmentError } from '../../lib/errors';
import type { BoundedCache } from '../shared/cache';
import type { DepartmentHttp } from '../shared/department-http';
import type { TrustedCaller } from '../shared/caller';
import { Jurisdiction } from '../shared/jurisdiction';

/** The catalogue as the approval system sends it. */
export interface Material {
  id: string;
  name: string;
  necessity: 'REQUIRED' | 'OPTIONAL' | 'DEFERRABLE';
  form: string;
  counterHandling: string;
  originals: number;
  copies: number;
  formats: string[];
  source: 'APPLICANT' | 'DEPARTMENT' | 'OTHER';
  sharedFrom: { department: string; documentType: string; field: string } | null;
  prerequisite: boolean;
}

export interface ServiceCase {
  code: string;
  name: string;
  when: Record<string, string>;
  conditions: string[];
  steps: string[];
  promisedDays?: number;
  notice?: string;
  materials: Material[];
}

export interface ServiceItem {
  code: string;
  implementationCode: string;
  name: string;
  stage: ProjectStage | null;
  promisedDays: number;
  questions: { id: string; text: string; options: { value: string; label: string }[] }[];
  cases: ServiceCase[];
  [field: string]: unknown;
}

export interface RegionRecord {
  code: string;
  name: string;
  parentCode: string | null;
}

export interface Task {
  id: string;
  departmentCode: string;
  department: string;
  lead: boolean;
  /** 事项 The catalogue items the department reviews in this application; absent from systems that do not say. */
  itemCodes?: string[];
  status: ReviewStatus;
  reviewer: string | null;
  reviewerName?: string | null;
  opinion: string | null;
  corrections: string[];
  promisedDays: number;
  receivedAt: string;
  decidedAt: string | null;
  deadline: string;
}

export interface Application {
  id: string;
  projectCode: string;
  stage: ProjectStage;
  applicantUscc: string;
  regionCode: string;
  submittedAt: string;
  tasks: Task[];
}

/** 办件留言 A message of an application's thread, as the approval system keeps it. */
export interface CaseMessage {
  id: string;
  applicationId: string;
  authorId: string;
  authorName: string | null;
  role: MessageRole;
  departmentCode: string | null;
  department: string | null;
  body: string;
  attachments: MessageAttachment[];
  materialId: string | null;
  sentAt: string;
}

/** What the subgraph asks the system to store: the author as the signed caller gives it. */
export interface NewCaseMessage {
  authorId: string;
  authorName: string | null;
  role: MessageRole;
  departmentCode: string | null;
  body: string;
  attachments: MessageAttachment[];
  materialId: string | null;
}

/** A message id is its application's id and a serial (`SQ…-M2`). */
export const applicationIdOfMessage = (messageId: string): string => messageId.replace(/-M\d+$/, '');

/** A project as the approval system's project library knows it. */
export interface LibraryProject {
  code: string;
  name: string;
  townCode: string;
  applicantUscc: string;
}

/** 排序 The list orders the dashboards offer, and how the approval system names them. */
export type ApplicationOrder = 'SUBMITTED' | 'DEADLINE' | 'OVERDUE_FIRST';
const ORDER_PARAMS: Record<ApplicationOrder, string> = { SUBMITTED: 'submitted', DEADLINE: 'deadline', OVERDUE_FIRST: 'overdue' };

export interface ApprovalDepartment {
  http: DepartmentHttp;
  /** The catalogue and the region table change rarely: one cached copy per process. */
  reference: BoundedCache<ServiceItem[] | RegionRecord[]>;
}

const MAX_BATCH = 500;

/** A task id is its application's id and a serial (`SQ…-2`). */
export const applicationIdOf = (taskId: string): string => taskId.replace(/-\d+$/, '');

export interface ReviewQueuePage {
  total: number;
  overdue: number;
  tasks: Task[];
}

/**
 * 政务服务中心 approval system, for one GraphQL request of one caller. Applications are
 * never cached across requests: their state changes with every decision. Every
 * application it hands out, and every one a write is about, is inside the caller's
 * jurisdiction (shared/jurisdiction.ts): a write about another region's record is
 * refused as if the record did not exist, before anything is sent.
 */
export class ApprovalClient {
  private readonly byId: DataLoader<string, Application | null>;
  private readonly byProject: DataLoader<string, Application[]>;
  private readonly projects: DataLoader<string, LibraryProject | null>;
  private readonly threads: DataLoader<string, CaseMessage[]>;
  private readonly pendingReference = new Map<string, Promise<unknown[]>>();
  private readonly jurisdiction: Jurisdiction;

  constructor(
    private readonly system: ApprovalDepartment,
    private readonly caller: TrustedCaller,
  ) {
    this.jurisdiction = Jurisdiction.of(caller);
    this.byId = new DataLoader((ids) => this.fetchApplications(ids), { maxBatchSize: MAX_BATCH });
    this.byProject = new DataLoader((codes) => this.fetchByProject(codes), { maxBatchSize: MAX_BATCH });
    this.projects = new DataLoader((codes) => this.fetchProjects(codes), { maxBatchSize: MAX_BATCH });
    this.threads = new DataLoader((ids) => this.fetchThreads(ids), { maxBatchSize: MAX_BATCH });
  }

  async catalog(): Promise<ServiceItem[]> {
    return (await this.reference('catalog', '/api/catalog/items')) as ServiceItem[];
  }

  async item(code: string): Promise<ServiceItem | null> {
    return (await this.catalog()).find((i) => i.code === code) ?? null;
  }

  async regions(): Promise<RegionRecord[]> {
    return (await this.reference('regions', '/api/regions')) as RegionRecord[];
  }

  /** The application, or null when there is none or it is outside the caller's region. */
  async application(id: string): Promise<Application | null> {
    return this.jurisdiction.admit(await this.byId.load(id), (a) => a.regionCode);
  }

  /** A review task with its application, found the same way. A task id is its application's id and a serial. */
  async task(taskId: string): Promise<{ application: Application; task: Task } | null> {
    const application = await this.application(applicationIdOf(taskId));
    const task = application?.tasks.find((t) => t.id === taskId);
    return application && task ? { application, task } : null;
  }

  async applicationsOf(projectCode: string): Promise<Application[]> {
    return this.jurisdiction.admitEach(await this.byProject.load(projectCode), (a) => a.regionCode);
  }

  /** The region prefix a list may cover for this caller (FORBIDDEN for a region outside it). */
  listScope(requested: string | undefined): string {
    return this.jurisdiction.listScope(requested);
  }

  async list(filter: { offset: number; limit: number; regionCode?: string; stage?: string; jointStatus?: string; search?: string; order?: ApplicationOrder }) {
    const query = new URLSearchParams({ offset: String(filter.offset), limit: String(filter.limit) });
    for (const key of ['regionCode', 'stage', 'jointStatus'] as const) if (filter[key]) query.set(key, filter[key]!);
    // Searched and sorted by the system over all its applications, so totals and pages agree with the order asked for.
    if (filter.search) query.set('q', filter.search);
    if (filter.order) query.set('sort', ORDER_PARAMS[filter.order]);
    const { http } = this.system;
    const answer = await http.get<{ total?: number; data?: Application[] }>(`/api/applications?${query}`);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data) || typeof answer.body.total !== 'number') {
      throw departmentError(http.department, `application list answered HTTP ${answer.status}`);
    }
    for (const a of answer.body.data) this.byId.prime(a.id, a);
    return { total: answer.body.total, applications: this.jurisdiction.admitEach(answer.body.data, (a) => a.regionCode) };
  }

  /**
   * 待我审查 The open tasks of `departmentCodes` in the caller's jurisdiction, oldest
   * deadline first; `total` and `overdue` count all of them, `tasks` holds the first `limit`.
   */
  async reviewQueue(filter: { departmentCodes: readonly string[]; limit: number; today: string }): Promise<ReviewQueuePage> {
    const query = new URLSearchParams({ regionCode: this.jurisdiction.listScope(undefined), overdueBefore: filter.today, limit: String(filter.limit) });
    for (const code of filter.departmentCodes) query.append('departmentCode', code);
    for (const status of ['PENDING_ACCEPTANCE', 'IN_REVIEW'] satisfies ReviewStatus[]) query.append('status', status);
    const { http } = this.system;
    const answer = await http.get<{ total?: number; overdue?: number; data?: { taskId: string; application: Application }[] }>(`/api/tasks?${query}`);
    const body = answer.body;
    if (answer.status !== 200 || !Array.isArray(body?.data) || typeof body.total !== 'number' || typeof body.overdue !== 'number') {
      throw departmentError(http.department, `task queue answered HTTP ${answer.status}`);
    }
    for (const { application } of body.data) this.byId.prime(application.id, application);
    const tasks = this.jurisdiction
      .admitEach(body.data, (entry) => entry.application.regionCode)
      .flatMap(({ taskId, application }) => application.tasks.filter((t) => t.id === taskId));
    return { total: body.total, overdue: body.overdue, tasks };
  }

  /**
   * 未申报 The project library's projects that have no application yet, those inside the
   * caller's region. The approval system is the one that knows both its library and its
   * applications, so it answers this; 住建局 knows nothing of applications.
   */
  async projectsWithoutApplications(filter: { offset: number; limit: number; regionCode?: string; stage?: string; search?: string }) {
    const query = new URLSearchParams({ offset: String(filter.offset), limit: String(filter.limit), applied: 'false' });
    if (filter.regionCode) query.set('regionCode', filter.regionCode);
    if (filter.stage) query.set('stage', filter.stage);
    if (filter.search) query.set('q', filter.search);
    const { http } = this.system;
    const answer = await http.get<{ total?: number; data?: LibraryProject[] }>(`/api/projects?${query}`);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data) || typeof answer.body.total !== 'number') {
      throw departmentError(http.department, `project library list answered HTTP ${answer.status}`);
    }
    for (const p of answer.body.data) this.projects.prime(p.code, p);
    return { total: answer.body.total, projects: this.jurisdiction.admitEach(answer.body.data, (p) => p.townCode) };
  }

  /** The application, and whether this call made it (a retry with the same key answers the one made before). */
  async submit(input: { projectCode: string; stage: ProjectStage; idempotencyKey: string }): Promise<{ application: Application; created: boolean }> {
    const unknown = () => badUserInput(`project ${input.projectCode} is not registered in the approval system (投资项目代码 unknown)`, 'input.project');
    if (!this.jurisdiction.admit(await this.projects.load(input.projectCode), (p) => p.townCode)) throw unknown();
    // A key is the caller's own: the same key from someone else is another application, never theirs.
    const idempotencyKey = `${this.caller.kind}:${this.caller.subject}/${input.idempotencyKey}`;
    const answer = await this.system.http.post<{ data?: Application; created?: boolean; error?: string; message?: string }>('/api/applications', { ...input, idempotencyKey });
    if (answer.status === 404 && answer.body?.error === 'PROJECT_NOT_REGISTERED') throw unknown();
    if (answer.status === 409 && answer.body?.error === 'IDEMPOTENCY_KEY_REUSED') {
      throw conflict(`idempotency key "${input.idempotencyKey}" was already used for another application: use a new key for a new application`, 'IDEMPOTENCY_KEY_REUSED');
    }
    return { application: await this.written(answer), created: answer.body?.created !== false };
  }

  async decide(
    taskId: string,
    decision: { decision: ReviewDecision; opinion: string; corrections: string[]; reviewer: string | null; reviewerName: string | null },
  ): Promise<Application> {
    if (!(await this.task(taskId))) throw badUserInput(`no review task ${taskId}`, 'taskId');
    const answer = await this.system.http.post<{ data?: Application; error?: string; message?: string; status?: string }>(
      `/api/tasks/${encodeURIComponent(taskId)}/decision`,
      decision,
    );
    if (answer.status === 404) throw badUserInput(`no review task ${taskId}`, 'taskId');
    return this.written(answer);
  }

  async resubmit(applicationId: string, materials: string[]): Promise<Application> {
    if (!(await this.application(applicationId))) throw badUserInput(`no application ${applicationId}`, 'applicationId');
    const answer = await this.system.http.post<{ data?: Application; error?: string; message?: string }>(
      `/api/applications/${encodeURIComponent(applicationId)}/resubmission`,
      { materials },
    );
    if (answer.status === 404) throw badUserInput(`no application ${applicationId}`, 'applicationId');
    return this.written(answer);
  }

  /**
   * 办件留言 The thread of an application the caller may see, oldest message first, with
   * the application; null when there is no such application in the caller's region. Whether
   * this caller may read it is the resolver's question (case-messages.ts).
   */
  async thread(applicationId: string): Promise<{ application: Application; messages: CaseMessage[] } | null> {
    const application = await this.application(applicationId);
    return application && { application, messages: await this.threads.load(application.id) };
  }

  /**
   * Stores a message on an application in the caller's region and returns it as stored.
   * Checked before anything is sent: the application (one outside the caller's region is
   * not found), and `check`, given the application, says who writes or throws; the system
   * then refuses a closed case (CONFLICT, APPLICATION_CLOSED).
   */
  async sendMessage(applicationId: string, check: (application: Application) => Promise<NewCaseMessage>): Promise<CaseMessage> {
    const application = await this.application(applicationId);
    if (!application) throw badUserInput(`argument "applicationId": no application ${applicationId}`, 'applicationId');
    const message = await check(application);
    const { http } = this.system;
    const answer = await http.post<{ data?: CaseMessage; error?: string; field?: string; message?: string }>(`/api/applications/${encodeURIComponent(application.id)}/messages`, message);
    if (answer.status === 404) throw badUserInput(`argument "applicationId": no application ${applicationId}`, 'applicationId');
    if (answer.status === 409) throw conflict(answer.body?.message ?? 'refused by the approval system', answer.body?.error ?? 'CONFLICT');
    // The subgraph checks the same bounds first: a 400 here means the two disagree, which the department is told of.
    if (answer.status !== 201 || !answer.body?.data) {
      throw departmentError(http.department, `message answered HTTP ${answer.status}: ${answer.body?.message ?? answer.body?.error ?? ''}`);
    }
    this.threads.clear(application.id);
    return answer.body.data;
  }

  /** A write's answer: the application as it now stands, or the refusal as CONFLICT. */
  private written(answer: { status: number; body?: { data?: Application; error?: string; message?: string; status?: string } }): Application {
    const { http } = this.system;
    if (answer.status === 409) {
      const details = typeof answer.body?.status === 'string' ? { taskStatus: answer.body.status } : {};
      throw conflict(answer.body?.message ?? 'refused by the approval system', answer.body?.error ?? 'CONFLICT', details);
    }
    if ((answer.status !== 200 && answer.status !== 201) || !answer.body?.data) {
      throw departmentError(http.department, `write answered HTTP ${answer.status}: ${answer.body?.message ?? answer.body?.error ?? ''}`);
    }
    this.byId.clear(answer.body.data.id).prime(answer.body.data.id, answer.body.data);
    this.byProject.clear(answer.body.data.projectCode);
    return answer.body.data;
  }

  private reference(key: string, path: string): Promise<unknown[]> {
    const cached = this.system.reference.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.pendingReference.get(key);
    if (!pending) {
      const { http } = this.system;
      pending = http.get<{ data?: unknown[] }>(path).then((answer) => {
        if (answer.status !== 200 || !Array.isArray(answer.body?.data)) {
          throw departmentError(http.department, `${path} answered HTTP ${answer.status}`);
        }
        this.system.reference.set(key, answer.body.data as ServiceItem[]);
        return answer.body.data;
      });
      this.pendingReference.set(key, pending);
    }
    return pending;
  }

  private async fetchApplications(ids: readonly string[]): Promise<(Application | null)[]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: Application[] }>('/api/applications/batch', { ids });
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) throw departmentError(http.department, `batch answered HTTP ${answer.status}`);
    const found = new Map(answer.body.data.map((a) => [a.id, a]));
    return ids.map((id) => found.get(id) ?? null);
  }

  private async fetchProjects(codes: readonly string[]): Promise<(LibraryProject | null)[]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: LibraryProject[] }>('/api/projects/batch', { codes });
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) throw departmentError(http.department, `project library answered HTTP ${answer.status}`);
    const found = new Map(answer.body.data.map((p) => [p.code, p]));
    return codes.map((code) => found.get(code) ?? null);
  }

  private async fetchByProject(codes: readonly string[]): Promise<Application[][]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: Record<string, Application[]> }>('/api/applications/by-project', { codes });
    const data = answer.body?.data;
    if (answer.status !== 200 || !data) throw departmentError(http.department, `by-project answered HTTP ${answer.status}`);
    // A task asks for its application (ReviewTask.application, availableDecisions): the one loaded here.
    for (const a of Object.values(data).flat()) this.byId.prime(a.id, a);
    return codes.map((c) => (data[c] ?? []).slice().sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)));
  }

  private async fetchThreads(ids: readonly string[]): Promise<CaseMessage[][]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: Record<string, CaseMessage[]> }>('/api/messages/by-application', { ids });
    const data = answer.body?.data;
    if (answer.status !== 200 || !data) throw departmentError(http.department, `messages answered HTTP ${answer.status}`);
    return ids.map((id) => data[id] ?? []);
  }
}
