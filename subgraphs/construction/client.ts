import type DataLoader from 'dataloader';
import { stageNamed, STAGE_NAMES, type ProjectStage } from '../../domain/stages';
import { DRAWING_REVIEW_RESULT_NAMES, PERMIT_STATUS_NAMES, readerOf } from '../../domain/statuses';
import { departmentError } from '../../lib/errors';
import type { BoundedCache } from '../shared/cache';
import { createCachedLoader } from '../shared/cached-loader';
import type { DepartmentHttp } from '../shared/department-http';
import type { TrustedCaller } from '../shared/caller';
import { Jurisdiction } from '../shared/jurisdiction';

export type InvolvementRole = 'APPLICANT' | 'SURVEY' | 'DESIGN' | 'CONSTRUCTION' | 'SUPERVISION';

/** How the department writes each value; the schema speaks the enum names (stages and statuses: domain/). */
const drawingReviewResultNamed = readerOf(DRAWING_REVIEW_RESULT_NAMES);
const permitStatusNamed = readerOf(PERMIT_STATUS_NAMES);
const INVESTOR_TYPES: Record<string, string> = { 政府投资: 'GOVERNMENT', 企业投资: 'ENTERPRISE' };
const APPROVAL_MODES: Record<string, string> = { 审批: 'APPROVAL', 核准: 'RATIFICATION', 备案: 'FILING' };
const NATURES: Record<string, string> = { 新建: 'NEW_BUILD', 扩建: 'EXPANSION', 改建: 'RECONSTRUCTION' };

/** A project as the department sends it. */
interface WireProject {
  code: string;
  name: string;
  applicantUscc: string;
  parcelUnitNumber: string;
  location: string;
  townCode: string;
  totalInvestment: number;
  investorType: string;
  approvalMode: string;
  approvalDocumentNumber: string;
  nature: string;
  buildingArea: number;
  floors: number;
  structure: string;
  stage: string;
  constructionPermitRequired: boolean;
  drawingReview: { result: string; certificateNumber: string | null; reviewedOn: string | null; agency: string } | null;
  constructionPermit: {
    number: string;
    issuedOn: string;
    validUntil: string;
    status: string;
    licenceId: string;
    caseNumber: string;
    issuingDepartment: string;
    licence: { content: { issuer: string }; signature: string };
  } | null;
  participants: { role: string; uscc: string; qualification: string }[];
  projectManager: { name: string; registrationNumber: string } | null;
  completionFiling: { number: string; filedOn: string } | null;
}

export type Project = Omit<WireProject, 'stage' | 'investorType' | 'approvalMode' | 'nature' | 'drawingReview' | 'constructionPermit'> & {
  stage: ProjectStage;
  investorType: string;
  approvalMode: string;
  nature: string;
  drawingReview: (Omit<NonNullable<WireProject['drawingReview']>, 'result'> & { result: string }) | null;
  constructionPermit: (Omit<NonNullable<WireProject['constructionPermit']>, 'status'> & { status: string }) | null;
};

export interface Involvement {
  code: string;
  role: InvolvementRole;
}

export interface ProjectPage {
  total: number;
  projects: Project[];
}

export interface ConstructionDepartment {
  http: DepartmentHttp;
  projects: BoundedCache<Project>;
  involvements: BoundedCache<Involvement[]>;
}

const MAX_BATCH = 500;

/**
 * 住建局 construction system, for one GraphQL request of one caller. Every project it
 * hands out is inside the caller's jurisdiction (shared/jurisdiction.ts).
 */
export class ConstructionClient {
  private readonly byCode: DataLoader<string, Project | null>;
  private readonly byEnterprise: DataLoader<string, Involvement[] | null>;
  private readonly jurisdiction: Jurisdiction;

  constructor(private readonly system: ConstructionDepartment, caller: TrustedCaller, onStale?: (ageSeconds: number) => void) {
    this.jurisdiction = Jurisdiction.of(caller);
    this.byCode = createCachedLoader(system.projects, (codes) => this.fetchProjects(codes), { maxBatchSize: MAX_BATCH, onStale });
    this.byEnterprise = createCachedLoader(system.involvements, (uscc) => this.fetchInvolvements(uscc), { maxBatchSize: MAX_BATCH, onStale });
  }

  /** The project, or null when the system has none or it is outside the caller's region. */
  async project(code: string): Promise<Project | null> {
    return this.jurisdiction.admit(await this.byCode.load(code), (p) => p.townCode);
  }

  /** The projects an enterprise takes part in (in `role`, or any), those inside the caller's region. */
  async projectsOf(uscc: string, role?: InvolvementRole): Promise<Project[]> {
    const involvements = (await this.byEnterprise.load(uscc)) ?? [];
    const codes = [...new Set(involvements.filter((i) => !role || i.role === role).map((i) => i.code))];
    const projects = await Promise.all(codes.map((code) => this.project(code)));
    return projects.filter((p): p is Project => p !== null);
  }

  /** The region prefix a list may cover for this caller (FORBIDDEN for a region outside it). */
  listScope(requested: string | undefined): string {
    return this.jurisdiction.listScope(requested);
  }

  async page(filter: { offset: number; limit: number; stage?: ProjectStage; townCode?: string; regionPrefix?: string; search?: string }): Promise<ProjectPage> {
    const { http } = this.system;
    const query = new URLSearchParams({ offset: String(filter.offset), limit: String(filter.limit) });
    if (filter.stage) query.set('stage', STAGE_NAMES[filter.stage]);
    if (filter.townCode) query.set('townCode', filter.townCode);
    if (filter.regionPrefix) query.set('regionPrefix', filter.regionPrefix);
    // The department searches its own records, so the total and the pages stay the department's: a search here over one page would miss the rest.
    if (filter.search) query.set('q', filter.search);
    const answer = await http.get<{ total?: number; data?: WireProject[] }>(`/api/projects?${query}`);
    if (answer.status !== 200 || !Array.isArray(answer.body?.data) || typeof answer.body.total !== 'number') {
      throw departmentError(http.department, `project list answered HTTP ${answer.status}`);
    }
    const dataAsOf = new Date().toISOString();
    const projects = answer.body.data.map((wire) => {
      const project = toProject(wire, http);
      if (project instanceof Error) throw project;
      // Dated like a record read on its own, so a page opened from the list still says when it was read.
      Object.assign(project, { dataAsOf });
      // Entity fetches later in this request find the page's projects without asking again.
      this.byCode.prime(project.code, project);
      this.system.projects.set(project.code, project);
      return project;
    });
    return { total: answer.body.total, projects: this.jurisdiction.admitEach(projects, (p) => p.townCode) };
  }

  private async fetchProjects(codes: readonly string[]): Promise<(Project | null | Error)[]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: WireProject[] }>('/api/projects/batch', { codes });
    if (answer.status !== 200 || !Array.isArray(answer.body?.data)) {
      throw departmentError(http.department, `batch query answered HTTP ${answer.status}`);
    }
    const found = new Map(answer.body.data.map((p) => [p.code, p]));
    return codes.map((code) => {
      const wire = found.get(code);
      return wire ? toProject(wire, http) : null;
    });
  }

  private async fetchInvolvements(usccList: readonly string[]): Promise<Involvement[][]> {
    const { http } = this.system;
    const answer = await http.query<{ data?: Record<string, Involvement[]> }>('/api/projects/by-enterprise', { usccList });
    const data = answer.body?.data;
    if (answer.status !== 200 || !data || typeof data !== 'object') {
      throw departmentError(http.department, `projects-by-enterprise answered HTTP ${answer.status}`);
    }
    return usccList.map((uscc) => data[uscc] ?? []);
  }
}

function toProject(wire: WireProject, http: DepartmentHttp): Project | Error {
  const stage = stageNamed(wire.stage);
  const investorType = INVESTOR_TYPES[wire.investorType];
  const approvalMode = APPROVAL_MODES[wire.approvalMode];
  const nature = NATURES[wire.nature];
  const review = wire.drawingReview;
  const reviewResult = review && drawingReviewResultNamed(review.result);
  const permit = wire.constructionPermit;
  const permitStatus = permit && permitStatusNamed(permit.status);
  // A value we cannot map is reported, never guessed: a wrong permit status misleads a reviewer.
  if (!stage || !investorType || !approvalMode || !nature || (review && !reviewResult) || (permit && !permitStatus)) {
    return departmentError(http.department, `project ${wire.code} has a value this gateway does not know`);
  }
  return {
    ...wire,
    stage,
    investorType,
    approvalMode,
    nature,
    drawingReview: review ? { ...review, result: reviewResult! } : null,
    constructionPermit: permit ? { ...permit, status: permitStatus! } : null,
  };
}
