/**
 * 工程建设项目审批管理系统 / 一体化政务服务平台: the service center's own system. It
 * keeps the catalogue and guides, the region table, the holiday calendar, its own
 * project library (synced from 发改's coding platform), and the applications with one
 * review task per department. Its state lives here; the subgraph in front is stateless.
 */
import { http, HttpResponse } from 'msw';
import { applicationDeadline, closedBecause, decide, isFinal, isOverdue, jointStatusOf, type ReviewDecision, type ReviewStatus } from '../../domain/joint-review';
import { isWithin } from '../../domain/regions';
import { staffMember } from '../../domain/staff';
import { chinaDate } from '../../domain/time';
import { addWorkingDays } from '../../domain/working-days';
import { isProjectStage, type ProjectStage } from '../../domain/stages';
import { COUNTY_CODE, COUNTY_NAME, type County } from '../county';
import { faultAndRecordHandler, noFaults, pageOf, readJson, type DepartmentFaults, type MockDepartment, type RecordedRequest } from '../shared/department';
import { matchesSearch, type Searchable } from '../shared/search';
import { HOLIDAYS, MAKE_UP_WORKDAYS } from './calendar';
import { CATALOG, STAGE_LANES } from './catalog';
import { seededApplications, seededMessages } from './history';
import { CaseMessages } from './messages';

export const APPROVAL_URL = 'http://approval.department.test';
const MAX_BATCH = 500;

export interface TaskRecord {
  id: string;
  departmentCode: string;
  department: string;
  lead: boolean;
  /** 事项 The catalogue items this department reviews in the application (基本编码). */
  itemCodes: string[];
  status: ReviewStatus;
  /** Account id of who last decided (or accepted) the task. */
  reviewer: string | null;
  /** Their name as the identity service gave it when they decided: names change, the record keeps the one signed with. */
  reviewerName: string | null;
  opinion: string | null;
  corrections: string[];
  promisedDays: number;
  receivedAt: string;
  decidedAt: string | null;
  deadline: string;
  history: { at: string; event: string; by: string | null }[];
}

export interface ApplicationRecord {
  id: string;
  projectCode: string;
  stage: ProjectStage;
  applicantUscc: string;
  regionCode: string;
  submittedAt: string;
  idempotencyKey: string;
  tasks: TaskRecord[];
}

/** The decision that leaves a task in each decided status, as the task's history records it. */
const DECISION_OF: Partial<Record<ReviewStatus, ReviewDecision>> = { APPROVED: 'APPROVE', REJECTED: 'REJECT', CORRECTIONS_REQUESTED: 'REQUEST_CORRECTIONS' };

const calendar = { holidays: new Set(HOLIDAYS), makeUpWorkdays: new Set(MAKE_UP_WORKDAYS) };

const byDeadline = (a: ApplicationRecord, b: ApplicationRecord) => applicationDeadline(a.tasks).localeCompare(applicationDeadline(b.tasks)) || a.id.localeCompare(b.id);
const overdue = (a: ApplicationRecord, today: string) => a.tasks.some((t) => isOverdue(t, a.tasks, today));

/** The list orders the system offers: as submitted, by 办结期限 (earliest first), and overdue (逾期) first, then by 办结期限. */
const ORDERS = {
  submitted: (list: ApplicationRecord[]) => list,
  deadline: (list: ApplicationRecord[]) => list.slice().sort(byDeadline),
  overdue: (list: ApplicationRecord[], today: string) => list.slice().sort((a, b) => Number(overdue(b, today)) - Number(overdue(a, today)) || byDeadline(a, b)),
};

export interface ApprovalSystemOptions {
  faults?: DepartmentFaults;
  /** The system's clock: tests fix it to count working days across a holiday. */
  now?: () => Date;
}

export function createApprovalSystem(county: County, options: ApprovalSystemOptions = {}): MockDepartment {
  const faults = options.faults ?? noFaults();
  const now = options.now ?? (() => new Date());
  const projects = new Map(county.projects.map((p) => [p.code, p]));
  // The project library keeps the 建设单位's name beside its USCC (from the project's filing), so applications and projects can be searched by it.
  const enterpriseNames = new Map(county.enterprises.map((e) => [e.uscc, e.name]));
  const searchable = (code: string): Searchable => {
    const p = projects.get(code)!;
    return { code: p.code, name: p.name, applicantUscc: p.applicantUscc, applicantName: enterpriseNames.get(p.applicantUscc) ?? '' };
  };
  const applications = new Map<string, ApplicationRecord>();
  const tasks = new Map<string, { application: ApplicationRecord; task: TaskRecord }>();
  const byKey = new Map<string, string>();
  // 办件留言: each application's thread, kept with it.
  const messages = new CaseMessages((id) => applications.get(id), now);
  let serial = 0;

  const regions = [
    { code: '52', name: '贵州省', parentCode: null },
    { code: '5226', name: '黔东南苗族侗族自治州', parentCode: '52' },
    { code: '522631', name: '黎平县', parentCode: '5226' },
    { code: '522632', name: '榕江县', parentCode: '5226' },
    { code: COUNTY_CODE, name: COUNTY_NAME, parentCode: '5226' },
    ...county.towns.flatMap((t) => [
      { code: t.code, name: t.name, parentCode: COUNTY_CODE },
      ...t.villages.map((v) => ({ code: v.code, name: v.name, parentCode: t.code })),
    ]),
  ];

  function open(projectCode: string, stage: ProjectStage, key: string, at: Date): ApplicationRecord {
    const project = projects.get(projectCode)!;
    const submittedAt = at.toISOString();
    const id = `SQ${chinaDate(submittedAt).replace(/-/g, '')}${String(++serial).padStart(5, '0')}`;
    const application: ApplicationRecord = {
      id,
      projectCode,
      stage,
      applicantUscc: project.applicantUscc,
      regionCode: project.townCode,
      submittedAt,
      idempotencyKey: key,
      // Every department of the stage at once: 并联审批.
      tasks: STAGE_LANES[stage].map((lane, i) => ({
        id: `${id}-${i + 1}`,
        departmentCode: lane.departmentCode,
        department: lane.department,
        lead: lane.lead,
        itemCodes: [...lane.items],
        status: 'PENDING_ACCEPTANCE',
        reviewer: null,
        reviewerName: null,
        opinion: null,
        corrections: [],
        promisedDays: lane.promisedDays,
        receivedAt: submittedAt,
        decidedAt: null,
        deadline: addWorkingDays(chinaDate(submittedAt), lane.promisedDays, calendar),
        history: [{ at: submittedAt, event: 'RECEIVED', by: null }],
      })),
    };
    applications.set(id, application);
    byKey.set(key, id);
    for (const task of application.tasks) tasks.set(task.id, { application, task });
    return application;
  }

  seedApplications();
  seedMessages();

  const requests: RecordedRequest[] = [];
  const base = APPROVAL_URL;
  const conflict = (error: string, message: string) => HttpResponse.json({ error, message }, { status: 409 });
  const badRequest = (message: string) => HttpResponse.json({ error: 'BAD_REQUEST', message }, { status: 400 });

  return {
    id: 'approval',
    name: '政务服务中心 工程建设项目审批管理系统 (approval)',
    baseUrl: base,
    faults,
    requests,
    publicKeyPem: '',
    handlers: [
      faultAndRecordHandler(base, faults, requests),
      http.get(`${base}/api/catalog/items`, () => HttpResponse.json({ data: CATALOG })),
      http.get(`${base}/api/catalog/items/:code`, ({ params }) => {
        const item = CATALOG.find((i) => i.code === params.code);
        return item ? HttpResponse.json({ data: item }) : HttpResponse.json({ error: 'no such item' }, { status: 404 });
      }),
      http.get(`${base}/api/regions`, () => HttpResponse.json({ data: regions })),
      http.get(`${base}/api/calendar`, () => HttpResponse.json({ data: { holidays: HOLIDAYS, makeUpWorkdays: MAKE_UP_WORKDAYS } })),

      http.post(`${base}/api/applications`, async ({ request }) => {
        const body = (await readJson(request)) as { projectCode?: unknown; stage?: unknown; idempotencyKey?: unknown } | undefined;
        const { projectCode, stage, idempotencyKey } = body ?? {};
        if (typeof projectCode !== 'string' || typeof idempotencyKey !== 'string' || !isProjectStage(stage)) {
          return badRequest('body must be {"projectCode": string, "stage": one of the four stages, "idempotencyKey": string}');
        }
        const existingId = byKey.get(idempotencyKey);
        if (existingId) {
          const existing = applications.get(existingId)!;
          if (existing.projectCode !== projectCode || existing.stage !== stage) {
            return conflict('IDEMPOTENCY_KEY_REUSED', `idempotency key "${idempotencyKey}" was used for ${existing.projectCode} at ${existing.stage}; use a new key for a new application`);
          }
          return HttpResponse.json({ data: existing, created: false });
        }
        if (!projects.has(projectCode)) {
          return HttpResponse.json({ error: 'PROJECT_NOT_REGISTERED', message: `project ${projectCode} is not in the approval system's project library` }, { status: 404 });
        }
        const openOne = [...applications.values()].find(
          (a) => a.projectCode === projectCode && a.stage === stage && !a.tasks.every((t) => isFinal(t.status)),
        );
        if (openOne) return conflict('APPLICATION_OPEN', `project ${projectCode} already has application ${openOne.id} under review at this stage`);
        return HttpResponse.json({ data: open(projectCode, stage as ProjectStage, idempotencyKey, now()), created: true }, { status: 201 });
      }),

      // The project library: what the system knows of each project it accepts applications for.
      http.post(`${base}/api/projects/batch`, async ({ request }) => {
        const codes = ((await readJson(request)) as { codes?: unknown } | undefined)?.codes;
        if (!Array.isArray(codes) || codes.length > MAX_BATCH) return badRequest(`body must be {"codes": [string]} with at most ${MAX_BATCH}`);
        return HttpResponse.json({
          data: codes.flatMap((c) => {
            const project = projects.get(String(c));
            return project ? [{ code: project.code, name: project.name, townCode: project.townCode, applicantUscc: project.applicantUscc }] : [];
          }),
        });
      }),

      http.post(`${base}/api/applications/batch`, async ({ request }) => {
        const ids = ((await readJson(request)) as { ids?: unknown } | undefined)?.ids;
        if (!Array.isArray(ids) || ids.length > MAX_BATCH) return badRequest(`body must be {"ids": [string]} with at most ${MAX_BATCH}`);
        return HttpResponse.json({ data: ids.flatMap((id) => applications.get(String(id)) ?? []) });
      }),

      http.post(`${base}/api/applications/by-project`, async ({ request }) => {
        const codes = ((await readJson(request)) as { codes?: unknown } | undefined)?.codes;
        if (!Array.isArray(codes) || codes.length > MAX_BATCH) return badRequest(`body must be {"codes": [string]} with at most ${MAX_BATCH}`);
        // Newest first, as the system lists a project's applications.
        const all = [...applications.values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
        return HttpResponse.json({ data: Object.fromEntries(codes.map((c) => [c, all.filter((a) => a.projectCode === c)])) });
      }),

      http.get(`${base}/api/applications`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const page = pageOf(q);
        if ('problem' in page) return badRequest(page.problem);
        const { offset, limit } = page;
        const region = q.get('regionCode');
        const status = q.get('jointStatus');
        const stage = q.get('stage');
        const text = q.get('q');
        const sort = q.get('sort') ?? 'submitted';
        if (!(sort in ORDERS)) return badRequest(`sort must be one of ${Object.keys(ORDERS).join(', ')}`);
        const matching = [...applications.values()].filter(
          (a) =>
            (!region || isWithin(a.regionCode, region)) &&
            (!stage || a.stage === stage) &&
            (!status || jointStatusOf(a.tasks.map((t) => t.status)) === status) &&
            matchesSearch(searchable(a.projectCode), text),
        );
        const sorted = ORDERS[sort as keyof typeof ORDERS](matching, chinaDate(now()));
        return HttpResponse.json({ total: sorted.length, data: sorted.slice(offset, offset + limit) });
      }),

      // The project library's projects, optionally only those with no application yet (未申报), at the stage the library last synced.
      http.get(`${base}/api/projects`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const page = pageOf(q);
        if ('problem' in page) return badRequest(page.problem);
        const { offset, limit } = page;
        const region = q.get('regionCode');
        const stage = q.get('stage');
        const text = q.get('q');
        const withoutApplications = q.get('applied') === 'false';
        // 未申报 is about the stage a project is at: its earlier stages were applied for (and approved) long ago.
        const applied = new Set([...applications.values()].map((a) => `${a.projectCode}:${a.stage}`));
        const matching = [...projects.values()].filter(
          (p) =>
            (!region || isWithin(p.townCode, region)) &&
            (!stage || p.stage === stage) &&
            (!withoutApplications || !applied.has(`${p.code}:${p.stage}`)) &&
            matchesSearch(searchable(p.code), text),
        );
        return HttpResponse.json({
          total: matching.length,
          data: matching.slice(offset, offset + limit).map((p) => ({ code: p.code, name: p.name, townCode: p.townCode, applicantUscc: p.applicantUscc })),
        });
      }),

      // 待办 Departments' open tasks, oldest deadline first: what their reviewers work through.
      http.get(`${base}/api/tasks`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const departments = q.getAll('departmentCode');
        const statuses = q.getAll('status');
        const region = q.get('regionCode');
        const overdueBefore = q.get('overdueBefore');
        const limit = Number(q.get('limit') ?? 50);
        if (departments.length === 0) return badRequest('at least one departmentCode is required');
        if (!Number.isInteger(limit) || limit < 0 || limit > 500) return badRequest('limit must be 0–500');
        if (overdueBefore !== null && !/^\d{4}-\d{2}-\d{2}$/.test(overdueBefore)) return badRequest('overdueBefore must be a date (YYYY-MM-DD)');
        const matching = [...tasks.values()]
          .filter(
            ({ application, task }) =>
              departments.includes(task.departmentCode) &&
              (statuses.length === 0 || statuses.includes(task.status)) &&
              (!region || isWithin(application.regionCode, region)) &&
              // An application another department refused takes no more decisions: nothing to do on it.
              !closedBecause(application.tasks),
          )
          .sort((a, b) => a.task.deadline.localeCompare(b.task.deadline) || a.task.receivedAt.localeCompare(b.task.receivedAt) || a.task.id.localeCompare(b.task.id));
        return HttpResponse.json({
          total: matching.length,
          // Counted by the caller's today: the system's own clock need not be the reader's.
          overdue: overdueBefore === null ? null : matching.filter(({ task }) => task.deadline < overdueBefore).length,
          data: matching.slice(0, limit).map(({ application, task }) => ({ taskId: task.id, application })),
        });
      }),

      http.post(`${base}/api/tasks/:id/decision`, async ({ params, request }) => {
        const found = tasks.get(String(params.id));
        if (!found) return HttpResponse.json({ error: 'TASK_NOT_FOUND', message: `no review task ${params.id}` }, { status: 404 });
        const body = (await readJson(request)) as { decision?: unknown; opinion?: unknown; corrections?: unknown; reviewer?: unknown; reviewerName?: unknown } | undefined;
        const corrections = body?.corrections ?? [];
        if (typeof body?.decision !== 'string' || typeof body.opinion !== 'string' || !Array.isArray(corrections) || !corrections.every((c) => typeof c === 'string')) {
          return badRequest('body must be {"decision": string, "opinion": string, "corrections": [string], "reviewer": string, "reviewerName": string}');
        }
        const closed = closedBecause(found.application.tasks);
        if (closed) return conflict('APPLICATION_CLOSED', closed);
        const outcome = decide(found.task.status, { decision: body.decision as ReviewDecision, opinion: body.opinion, corrections });
        // The task's status as it stands, so the refused reviewer is told what someone else already did.
        if (!outcome.ok) return HttpResponse.json({ error: 'TRANSITION_REFUSED', message: outcome.reason, status: found.task.status }, { status: 409 });
        // Validated in full above; only now is anything changed, all at once.
        const at = now().toISOString();
        const reviewer = typeof body.reviewer === 'string' ? body.reviewer : null;
        const reviewerName = typeof body.reviewerName === 'string' && body.reviewerName.trim() ? body.reviewerName.trim() : null;
        Object.assign(found.task, {
          status: outcome.status,
          opinion: body.opinion,
          corrections,
          reviewer,
          reviewerName,
          decidedAt: outcome.status === 'IN_REVIEW' ? null : at,
        });
        found.task.history.push({ at, event: body.decision, by: reviewer });
        return HttpResponse.json({ data: found.application });
      }),

      ...messages.handlers(base),

      http.post(`${base}/api/applications/:id/resubmission`, async ({ params, request }) => {
        const application = applications.get(String(params.id));
        if (!application) return HttpResponse.json({ error: 'APPLICATION_NOT_FOUND', message: `no application ${params.id}` }, { status: 404 });
        const materials = ((await readJson(request)) as { materials?: unknown } | undefined)?.materials;
        if (!Array.isArray(materials) || !materials.every((m) => typeof m === 'string')) return badRequest('body must be {"materials": [string]}');
        const closed = closedBecause(application.tasks);
        if (closed) return conflict('APPLICATION_CLOSED', closed);
        const waiting = application.tasks.filter((t) => t.status === 'CORRECTIONS_REQUESTED');
        if (waiting.length === 0) return conflict('NOTHING_TO_RESUBMIT', `no department asked application ${application.id} for corrections`);
        const missing = [...new Set(waiting.flatMap((t) => t.corrections))].filter((c) => !materials.includes(c));
        if (missing.length) return conflict('CORRECTIONS_MISSING', `still missing the corrections asked for: ${missing.join('、')}`);
        // 补正期间不计入审批时限: the clock restarts from the day the corrections arrive.
        const at = now().toISOString();
        for (const task of waiting) {
          Object.assign(task, {
            status: 'IN_REVIEW',
            receivedAt: at,
            decidedAt: null,
            corrections: [],
            deadline: addWorkingDays(chinaDate(at), task.promisedDays, calendar),
          });
          task.history.push({ at, event: `RESUBMITTED: ${materials.join('、')}`, by: null });
        }
        return HttpResponse.json({ data: application });
      }),
    ],
  };

  /** Applications already in the system (history.ts): the dashboard has a joint status to show from the start. */
  function seedApplications() {
    for (const seeded of seededApplications(county)) {
      const application = open(seeded.projectCode, seeded.stage, `seed-${seeded.projectCode}-${seeded.stage}`, new Date(seeded.submittedAt));
      for (const [task, outcome] of application.tasks.map((t, i) => [t, seeded.tasks[i]!] as const)) {
        const { acceptedAt, decidedAt, ...state } = outcome;
        // Someone on the county's roster (domain/staff.ts), so a seeded decision names a person who can sign in.
        Object.assign(task, state, { decidedAt, reviewerName: outcome.reviewer ? (staffMember(outcome.reviewer)?.name ?? null) : null });
        if (acceptedAt) task.history.push({ at: acceptedAt, event: 'ACCEPT', by: outcome.reviewer });
        const decision = DECISION_OF[outcome.status];
        if (decidedAt && decision) task.history.push({ at: decidedAt, event: decision, by: outcome.reviewer });
      }
    }
  }

  /** The threads already on some open applications (history.ts), each written by someone on the county's roster. */
  function seedMessages() {
    const byStage = new Map([...applications.values()].map((a) => [`${a.projectCode} ${a.stage}`, a]));
    for (const seeded of seededMessages(county)) {
      const application = byStage.get(`${seeded.projectCode} ${seeded.stage}`)!;
      const { authorId, role, departmentCode, body, materialId, sentAt } = seeded;
      messages.add(application, { authorId, authorName: staffMember(authorId)?.name ?? null, role, departmentCode, body, attachments: [], materialId }, sentAt);
    }
  }
}
