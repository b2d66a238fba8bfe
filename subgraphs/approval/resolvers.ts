import { messageProblem } from '../../domain/case-messages';
import { checkProjectCode, checkRegionCode, checkUscc } from '../../domain/identifiers';
import { allowedDecisions, applicationDeadline, closedBecause, isOverdue, jointStatusOf, type ReviewDecision } from '../../domain/joint-review';
import { inForceOn, LICENCE_TYPE_NAMES, parseLicenceCode } from '../../domain/licences';
import { regionLevel } from '../../domain/regions';
import { badUserInput, forbidden } from '../../lib/errors';
import type { TrustedCaller } from '../shared/caller';
import { connectionOf, pageOf } from '../shared/cursor';
import { requireValid } from '../shared/inputs';
import { searchTermOf } from '../shared/search-term';
import type { LicenceVerifier } from '../shared/licences';
import type { BusEvent } from '../shared/events';
import { Jurisdiction } from '../shared/jurisdiction';
import type { Resolvers } from '../shared/subgraph-service';
import { eventPayload, type EventContext } from '../shared/subscriptions';
import { APPLICATION_UPDATED, MESSAGE_ADDED, TASK_ASSIGNED, type ApplicationUpdated, type ApprovalEvents, type MessageAdded, type TaskAssigned } from './events';
import { evaluate, type ChecklistFacts, type Evaluation } from './checklist';
import type { ProjectStage } from '../../domain/stages';
import {
  applicationIdOf,
  applicationIdOfMessage,
  type Application,
  type ApplicationOrder,
  type ApprovalClient,
  type CaseMessage,
  type Material,
  type NewCaseMessage,
  type RegionRecord,
  type ServiceItem,
  type Task,
} from './client';
import { selectCase, type CaseAnswer } from './guide';

/** A licence issuer the service center trusts: its 统一社会信用代码, name and key. */
export interface LicenceIssuer {
  uscc: string;
  name: string;
  verifier: LicenceVerifier;
}

export interface ApprovalContext extends EventContext {
  caller: TrustedCaller;
  /** Where changes are told, for subscribers. */
  events: ApprovalEvents;
  approval: ApprovalClient;
  issuers: Map<string, LicenceIssuer>;
  /** Today in the county (YYYY-MM-DD), for `overdue`. */
  today: string;
}


interface EntryRef {
  id: string;
  applicant?: ChecklistFacts['applicant'];
  project?: ChecklistFacts['project'];
}

/** A checklist line's id carries what it was asked for, so the entity can be found again. */
const encodeEntry = (parts: [string, string, string, string | null, string | null]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
function decodeEntry(id: string): [string, string, string, string | null, string | null] {
  try {
    const parts = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 5) return parts as [string, string, string, string | null, string | null];
  } catch {
    // fall through
  }
  throw badUserInput(`"${id}" is not a checklist entry id`, 'id');
}

/** A task as the schema serves it: with its application, whose state decides whether the task can be overdue. */
type TaskOf = Task & { application: Application };

/** A department's reviewers hold `approval:review:<部门代码>`. */
const REVIEW_SCOPE = 'approval:review:';
const reviewsFor = (caller: TrustedCaller, departmentCode: string) => caller.scopes.has(`${REVIEW_SCOPE}${departmentCode}`);
const QUEUE_MAX = 100;

/** The departments of a caller's queue: those it reviews for, or the one asked for (FORBIDDEN if not one of them). */
function queueDepartments(caller: TrustedCaller, department: string | null): string[] {
  const reviewing = [...caller.scopes].filter((s) => s.startsWith(REVIEW_SCOPE)).map((s) => s.slice(REVIEW_SCOPE.length)).sort();
  if (department === null) return reviewing;
  if (!reviewing.includes(department)) {
    throw forbidden(
      `you do not review for department ${department} (scope ${REVIEW_SCOPE}${department}); ${reviewing.length ? `you review for ${reviewing.join(', ')}` : 'you review for no department'}`,
    );
  }
  return [department];
}

function subscriptionOf(ctx: ApprovalContext) {
  if (!ctx.subscription) throw new Error('a subscription field resolved outside a subscription');
  return ctx.subscription;
}

/** What a decision needs besides an allowed state; refused before the approval system is asked. */
function checkDecisionInput(decision: ReviewDecision, opinion: string, corrections: readonly string[]): void {
  if (decision === 'REQUEST_CORRECTIONS' && corrections.filter((c) => c.trim()).length === 0) {
    throw badUserInput('argument "corrections": REQUEST_CORRECTIONS (退回补正) needs at least one material to correct', 'corrections');
  }
  if (decision !== 'REQUEST_CORRECTIONS' && corrections.length > 0) {
    throw badUserInput(`argument "corrections": ${decision} takes no corrections; use REQUEST_CORRECTIONS to ask for them`, 'corrections');
  }
  if ((decision === 'REJECT' || decision === 'REQUEST_CORRECTIONS') && !opinion.trim()) {
    throw badUserInput(`argument "opinion": ${decision} needs the reason stated in the opinion`, 'opinion');
  }
}

interface SendMessageArgs {
  applicationId: string;
  body: string;
  attachments?: { name: string; url?: string | null; reference?: string | null }[] | null;
  material?: string | null;
}

/** The applicant's side states the case it acts for: `approval:submit` with `X-Purpose: case:<applicationId>`. */
const actsForApplicant = (caller: TrustedCaller, application: Application) => caller.scopes.has('approval:submit') && caller.purpose === `case:${application.id}`;

/** 办件留言 Who may read an application's thread: readers of applications, its departments' reviewers, the applicant's side. */
function requireThreadReader(caller: TrustedCaller, application: Application): void {
  if (caller.scopes.has('approval:read') || actsForApplicant(caller, application) || application.tasks.some((t) => reviewsFor(caller, t.departmentCode))) return;
  throw forbidden(
    `reading the messages of application ${application.id} needs approval:read, a review scope of one of its departments (${threadDepartments(application)}), or approval:submit with X-Purpose case:${application.id}`,
  );
}

const threadDepartments = (application: Application) => application.tasks.map((t) => `${REVIEW_SCOPE}${t.departmentCode}`).join(', ');

/** The catalogue materials of a task's service items, by id: what its department can ask for. */
async function materialsOf(ctx: ApprovalContext, tasks: readonly Task[]): Promise<Map<string, Material>> {
  const materials = new Map<string, Material>();
  for (const code of new Set(tasks.flatMap((t) => t.itemCodes ?? []))) {
    for (const c of (await ctx.approval.item(code))?.cases ?? []) for (const m of c.materials) materials.set(m.id, m);
  }
  return materials;
}

/**
 * The message `args` make on `application`, written as the caller may write there: a
 * reviewer for a department with a task in it, else the applicant's side, else FORBIDDEN.
 * A caller reviewing for several of its departments (an administrator) writes for the one
 * whose checklist holds `material`, else the first in the application's order. The
 * material must be on the writer's department's checklist (any department's for the
 * applicant's side).
 */
async function messageOn(ctx: ApprovalContext, application: Application, args: SendMessageArgs): Promise<NewCaseMessage> {
  const { caller } = ctx;
  const reviewing = application.tasks.filter((t) => reviewsFor(caller, t.departmentCode));
  const material = args.material ?? null;
  let task: Task | undefined;
  if (reviewing.length > 0) {
    task = reviewing[0];
    if (material !== null) {
      for (const t of reviewing) {
        if ((await materialsOf(ctx, [t])).has(material)) {
          task = t;
          break;
        }
      }
    }
  } else if (!actsForApplicant(caller, application)) {
    throw forbidden(
      `only the reviewers of application ${application.id}'s departments (${threadDepartments(application)}) or the applicant's side (approval:submit with X-Purpose case:${application.id}) may write on its thread`,
    );
  }
  if (material !== null && !(await materialsOf(ctx, task ? [task] : application.tasks)).has(material)) {
    throw badUserInput(
      `argument "material": ${material} is not a material of the service items ${task ? `${task.department} reviews` : 'reviewed'} in application ${application.id} (see ReviewTask.checklist)`,
      'material',
    );
  }
  return {
    authorId: caller.subject,
    // The name the identity service gave at the time: the record keeps it even if the roster changes later.
    authorName: caller.name,
    role: task ? 'REVIEWER' : 'APPLICANT',
    departmentCode: task?.departmentCode ?? null,
    body: args.body,
    attachments: (args.attachments ?? []).map((a) => ({ name: a.name.trim(), url: a.url ?? null, reference: a.reference ?? null })),
    materialId: material,
  };
}

async function requireItem(ctx: ApprovalContext, code: string): Promise<ServiceItem> {
  const item = await ctx.approval.item(code);
  if (!item) throw badUserInput(`argument "itemCode": no service item ${code} in the catalogue`, 'itemCode');
  return item;
}

function caseView(item: ServiceItem, c: ServiceItem['cases'][number]) {
  return { ...c, promisedDays: c.promisedDays ?? item.promisedDays, notice: c.notice ?? null };
}

function regionIndex(regions: RegionRecord[]) {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const children = new Map<string, RegionRecord[]>();
  for (const r of regions) if (r.parentCode) children.set(r.parentCode, [...(children.get(r.parentCode) ?? []), r]);
  return { byCode, children };
}

async function regionNode(ctx: ApprovalContext, code: string) {
  const index = regionIndex(await ctx.approval.regions());
  const record = index.byCode.get(code);
  if (!record) return null;
  return { ...record, level: regionLevel(code), index };
}
type RegionNode = NonNullable<Awaited<ReturnType<typeof regionNode>>>;


export const resolvers: Resolvers<ApprovalContext> = {
  Query: {
    serviceItems: async (_: unknown, args: { stage?: ProjectStage | null }, ctx: ApprovalContext) =>
      (await ctx.approval.catalog()).filter((i) => !args.stage || i.stage === args.stage),
    serviceItem: (_: unknown, args: { code: string }, ctx: ApprovalContext) => ctx.approval.item(args.code),
    serviceGuide: async (_: unknown, args: { itemCode: string; answers: CaseAnswer[] }, ctx: ApprovalContext) => {
      const item = await ctx.approval.item(args.itemCode);
      if (!item) return null;
      const chosen = selectCase(item, args.answers);
      return {
        item,
        case: caseView(item, chosen),
        answers: args.answers.map((a) => {
          const q = item.questions.find((x) => x.id === a.question)!;
          return { question: q.id, text: q.text, value: a.value, label: q.options.find((o) => o.value === a.value)!.label };
        }),
      };
    },
    materialChecklist: async (
      _: unknown,
      args: { itemCode: string; answers: CaseAnswer[]; applicant?: string | null; project?: string | null },
      ctx: ApprovalContext,
    ) => {
      const applicant = args.applicant ? requireValid('applicant', args.applicant, checkUscc) : null;
      const project = args.project ? requireValid('project', args.project, checkProjectCode) : null;
      const item = await requireItem(ctx, args.itemCode);
      const chosen = selectCase(item, args.answers);
      return chosen.materials.map((material) => ({
        id: encodeEntry([item.code, chosen.code, material.id, applicant, project]),
        material,
        applicant: applicant ? { uscc: applicant } : null,
        project: project ? { code: project } : null,
      }));
    },
    application: (_: unknown, args: { id: string }, ctx: ApprovalContext) => ctx.approval.application(args.id),
    applications: async (
      _: unknown,
      args: {
        first?: number | null;
        after?: string | null;
        regionCode?: string | null;
        stage?: string | null;
        jointStatus?: string | null;
        search?: string | null;
        order?: ApplicationOrder | null;
      },
      ctx: ApprovalContext,
    ) => {
      const { offset, limit } = pageOf(args);
      const search = searchTermOf('search', args.search);
      const region = ctx.approval.listScope(args.regionCode ? requireValid('regionCode', args.regionCode, checkRegionCode) : undefined);
      const page = await ctx.approval.list({
        offset,
        limit,
        regionCode: region,
        stage: args.stage ?? undefined,
        jointStatus: args.jointStatus ?? undefined,
        search,
        order: args.order ?? undefined,
      });
      return connectionOf(page.applications, page.total, offset);
    },
    reviewQueue: async (_: unknown, args: { department?: string | null; first?: number | null }, ctx: ApprovalContext) => {
      const first = args.first ?? 50;
      if (!Number.isInteger(first) || first < 0 || first > QUEUE_MAX) throw badUserInput(`argument "first" must be 0–${QUEUE_MAX}, got ${first}`, 'first');
      const departmentCodes = queueDepartments(ctx.caller, args.department ?? null);
      // Window clerks and town staff review nothing: an empty queue, not an error, so a page can always ask.
      if (departmentCodes.length === 0) return { departmentCodes, totalCount: 0, overdueCount: 0, tasks: [] };
      const page = await ctx.approval.reviewQueue({ departmentCodes, limit: first, today: ctx.today });
      return { departmentCodes, totalCount: page.total, overdueCount: page.overdue, tasks: page.tasks };
    },
    projectsWithoutApplications: async (
      _: unknown,
      args: { first?: number | null; after?: string | null; regionCode?: string | null; stage?: string | null; search?: string | null },
      ctx: ApprovalContext,
    ) => {
      const { offset, limit } = pageOf(args);
      const search = searchTermOf('search', args.search);
      const region = ctx.approval.listScope(args.regionCode ? requireValid('regionCode', args.regionCode, checkRegionCode) : undefined);
      const page = await ctx.approval.projectsWithoutApplications({ offset, limit, regionCode: region, stage: args.stage ?? undefined, search });
      // Entity references: 住建局's subgraph answers every field of the project but its code.
      return connectionOf(page.projects.map((p) => ({ code: p.code })), page.total, offset);
    },
    messages: async (_: unknown, args: { applicationId: string }, ctx: ApprovalContext) => {
      const thread = await ctx.approval.thread(args.applicationId);
      if (!thread) throw badUserInput(`argument "applicationId": no application ${args.applicationId}`, 'applicationId');
      requireThreadReader(ctx.caller, thread.application);
      return thread.messages;
    },
    region: (_: unknown, args: { code: string }, ctx: ApprovalContext) => regionNode(ctx, requireValid('code', args.code, checkRegionCode)),
    verifyLicense: (_: unknown, args: { number: string; content: string }, ctx: ApprovalContext) => {
      const code = parseLicenceCode(args.content);
      if ('error' in code) throw badUserInput(`argument "content": ${code.error}`, 'content');
      const { content, signature } = code;
      const issuer = ctx.issuers.get(content.issuer);
      const details = { ...content, typeName: LICENCE_TYPE_NAMES[content.type], issuerName: issuer?.name ?? null, checkedOn: ctx.today };
      // The signature first: dates that are not the issuer's say nothing about being in force.
      const forged = (reason: string) => ({ ...details, valid: false, signatureValid: false, inForce: null, reason });
      if (content.number !== args.number) return forged(`the number on the licence (${args.number}) is not the one in its code (${content.number})`);
      if (!issuer) return forged(`${content.issuer} is not a licence issuer this service center knows`);
      if (!issuer.verifier.verify(content, signature)) return forged(`the signature does not match: the content was changed or not issued by ${issuer.name}`);
      const { inForce, reason } = inForceOn(content, ctx.today);
      return { ...details, valid: inForce, signatureValid: true, inForce, reason: reason && `genuine, but ${reason}` };
    },
  },

  Mutation: {
    submitApplication: async (_: unknown, args: { input: { project: string; stage: ProjectStage; idempotencyKey: string } }, ctx: ApprovalContext) => {
      const { project, stage, idempotencyKey } = args.input;
      requireValid('input.project', project, checkProjectCode);
      if (!/^[\w.:-]{8,128}$/.test(idempotencyKey)) {
        throw badUserInput('argument "input.idempotencyKey" must be 8–128 characters of letters, digits, _ . : - (a UUID is a good choice)', 'input.idempotencyKey');
      }
      const { application, created } = await ctx.approval.submit({ projectCode: project, stage, idempotencyKey });
      // A retry answers the application made before: nothing changed, nothing to tell subscribers.
      return created ? ctx.events.changed(application, null) : application;
    },
    recordReviewOpinion: async (
      _: unknown,
      args: { taskId: string; decision: ReviewDecision; opinion: string; corrections?: string[] | null },
      ctx: ApprovalContext,
    ) => {
      // The task's department decides who may decide it; one outside the caller's region is not found.
      const task = (await ctx.approval.task(args.taskId))?.task;
      if (!task) throw badUserInput(`no review task ${args.taskId}`, 'taskId');
      if (!reviewsFor(ctx.caller, task.departmentCode)) {
        throw forbidden(`only ${task.department} reviewers (scope ${REVIEW_SCOPE}${task.departmentCode}) may decide task ${task.id}`);
      }
      const corrections = args.corrections ?? [];
      checkDecisionInput(args.decision, args.opinion, corrections);
      const before = await ctx.approval.application(applicationIdOf(task.id));
      const after = await ctx.approval.decide(args.taskId, {
        decision: args.decision,
        opinion: args.opinion,
        corrections,
        reviewer: ctx.caller.subject,
        // The name the identity service gave at the time: the record keeps it even if the roster changes later.
        reviewerName: ctx.caller.name,
      });
      return ctx.events.changed(after, before);
    },
    resubmitCorrections: async (_: unknown, args: { applicationId: string; materials: string[] }, ctx: ApprovalContext) => {
      const before = await ctx.approval.application(args.applicationId);
      return ctx.events.changed(await ctx.approval.resubmit(args.applicationId, args.materials), before);
    },
    sendMessage: async (_: unknown, args: SendMessageArgs, ctx: ApprovalContext) => {
      const problem = messageProblem(args.body, args.attachments ?? []);
      if (problem) throw badUserInput(problem.message, problem.argument);
      let regionCode = '';
      const message = await ctx.approval.sendMessage(args.applicationId, (application) => {
        regionCode = application.regionCode;
        return messageOn(ctx, application, args);
      });
      return ctx.events.messageAdded(message, regionCode);
    },
  },

  Subscription: {
    applicationUpdated: {
      subscribe: async (_: unknown, args: { id?: string | null }, ctx: ApprovalContext) => {
        const id = args.id ?? null;
        // One outside the caller's region is not found, as for `application(id)`.
        if (id !== null && !(await ctx.approval.application(id))) throw badUserInput(`no application ${id}`, 'id');
        const jurisdiction = Jurisdiction.of(ctx.caller);
        return subscriptionOf(ctx).eventsOf<ApplicationUpdated>([APPLICATION_UPDATED], ({ payload: { application } }) => (id === null || application.id === id) && jurisdiction.covers(application.regionCode));
      },
      resolve: (event: BusEvent<ApplicationUpdated>) => eventPayload(event).application,
    },
    taskAssigned: {
      subscribe: (_: unknown, args: { department?: string | null }, ctx: ApprovalContext) => {
        const departmentCodes = queueDepartments(ctx.caller, args.department ?? null);
        if (departmentCodes.length === 0) throw forbidden(`you review for no department (scope ${REVIEW_SCOPE}<部门代码>): no task is ever assigned to you`);
        const jurisdiction = Jurisdiction.of(ctx.caller);
        return subscriptionOf(ctx).eventsOf<TaskAssigned>([TASK_ASSIGNED], ({ payload: { application, taskId } }) => {
          const task = application.tasks.find((t) => t.id === taskId);
          return !!task && departmentCodes.includes(task.departmentCode) && jurisdiction.covers(application.regionCode);
        });
      },
      resolve: (event: BusEvent<TaskAssigned>): TaskOf => {
        const { application, taskId } = eventPayload(event);
        return { ...application.tasks.find((t) => t.id === taskId)!, application };
      },
    },
    messageAdded: {
      subscribe: async (_: unknown, args: { applicationId: string }, ctx: ApprovalContext) => {
        // Who may read the thread may follow it: the same check as `messages`.
        const application = await ctx.approval.application(args.applicationId);
        if (!application) throw badUserInput(`no application ${args.applicationId}`, 'applicationId');
        requireThreadReader(ctx.caller, application);
        const jurisdiction = Jurisdiction.of(ctx.caller);
        return subscriptionOf(ctx).eventsOf<MessageAdded>([MESSAGE_ADDED], ({ payload }) => payload.message.applicationId === application.id && jurisdiction.covers(payload.regionCode));
      },
      resolve: (event: BusEvent<MessageAdded>) => eventPayload(event).message,
    },
  },

  CaseMessage: {
    __resolveReference: async (ref: { id: string }, ctx: ApprovalContext) => {
      const thread = await ctx.approval.thread(applicationIdOfMessage(ref.id));
      if (!thread) return null;
      requireThreadReader(ctx.caller, thread.application);
      return thread.messages.find((m) => m.id === ref.id) ?? null;
    },
    application: (m: CaseMessage, _: unknown, ctx: ApprovalContext) => ctx.approval.application(m.applicationId),
    material: async (m: CaseMessage, _: unknown, ctx: ApprovalContext) => {
      if (m.materialId === null) return null;
      for (const item of await ctx.approval.catalog()) for (const c of item.cases) for (const material of c.materials) if (material.id === m.materialId) return material;
      return null;
    },
  },

  ChecklistEntry: {
    __resolveReference: async (ref: EntryRef, ctx: ApprovalContext) => {
      const [itemCode, caseCode, materialId, applicant, project] = decodeEntry(ref.id);
      const item = await ctx.approval.item(itemCode);
      const material = item?.cases.find((c) => c.code === caseCode)?.materials.find((m) => m.id === materialId);
      if (!material) return null;
      const facts: ChecklistFacts = { applicantUscc: applicant, projectCode: project, applicant: ref.applicant, project: ref.project };
      return { id: ref.id, material, applicant: applicant ? { uscc: applicant } : null, project: project ? { code: project } : null, evaluation: evaluate(material, facts) };
    },
    status: (entry: { evaluation: Evaluation }) => entry.evaluation.status,
    sharedFrom: (entry: { evaluation: Evaluation }) => entry.evaluation.sharedFrom,
    reason: (entry: { evaluation: Evaluation }) => entry.evaluation.reason,
  },

  Material: {
    required: (m: Material) => m.necessity === 'REQUIRED',
  },

  Application: {
    __resolveReference: (ref: { id: string }, ctx: ApprovalContext) => ctx.approval.application(ref.id),
    project: (a: Application) => ({ code: a.projectCode }),
    applicant: (a: Application) => ({ uscc: a.applicantUscc }),
    region: (a: Application) => ({ code: a.regionCode }),
    jointStatus: (a: Application) => jointStatusOf(a.tasks.map((t) => t.status)),
    deadline: (a: Application) => applicationDeadline(a.tasks),
    overdue: (a: Application, _: unknown, ctx: ApprovalContext) => a.tasks.some((t) => isOverdue(t, a.tasks, ctx.today)),
    tasks: (a: Application): TaskOf[] => a.tasks.map((t) => ({ ...t, application: a })),
    canResubmitCorrections: (a: Application, _: unknown, ctx: ApprovalContext) =>
      ctx.caller.scopes.has('approval:submit') && !closedBecause(a.tasks) && a.tasks.some((t) => t.status === 'CORRECTIONS_REQUESTED'),
    messages: async (a: Application, _: unknown, ctx: ApprovalContext) => {
      requireThreadReader(ctx.caller, a);
      return (await ctx.approval.thread(a.id))?.messages ?? [];
    },
  },

  ReviewTask: {
    // Overdue ends with the application (a refusal closes it): judged against the task's application.
    overdue: async (t: Task | TaskOf, _: unknown, ctx: ApprovalContext) => {
      const application = 'application' in t ? t.application : await ctx.approval.application(applicationIdOf(t.id));
      return isOverdue(t, application?.tasks ?? [t], ctx.today);
    },
    reviewerName: (t: Task) => t.reviewerName ?? null,
    application: (t: Task | TaskOf, _: unknown, ctx: ApprovalContext) => ('application' in t ? t.application : ctx.approval.application(applicationIdOf(t.id))),
    availableDecisions: async (t: Task, _: unknown, ctx: ApprovalContext): Promise<ReviewDecision[]> => {
      if (!reviewsFor(ctx.caller, t.departmentCode)) return [];
      const application = await ctx.approval.application(applicationIdOf(t.id));
      return application && !closedBecause(application.tasks) ? allowedDecisions(t.status) : [];
    },
    checklist: async (t: Task, _: unknown, ctx: ApprovalContext) => {
      const application = await ctx.approval.application(applicationIdOf(t.id));
      if (!application) return [];
      // The application does not record which case (情形) was chosen: every case's materials, each name once.
      const seen = new Set<string>();
      const entries = [];
      for (const code of t.itemCodes ?? []) {
        const item = await ctx.approval.item(code);
        for (const c of item?.cases ?? []) {
          for (const material of c.materials) {
            if (seen.has(material.name)) continue;
            seen.add(material.name);
            entries.push({
              id: encodeEntry([item!.code, c.code, material.id, application.applicantUscc, application.projectCode]),
              material,
              applicant: { uscc: application.applicantUscc },
              project: { code: application.projectCode },
            });
          }
        }
      }
      return entries;
    },
  },

  ConstructionProject: {
    applications: (p: { code: string }, _: unknown, ctx: ApprovalContext) => ctx.approval.applicationsOf(p.code),
    jointStatus: async (p: { code: string }, _: unknown, ctx: ApprovalContext) => {
      const [newest] = await ctx.approval.applicationsOf(p.code);
      return newest ? jointStatusOf(newest.tasks.map((t) => t.status)) : null;
    },
  },

  Region: {
    __resolveReference: (ref: { code: string }, ctx: ApprovalContext) => regionNode(ctx, ref.code),
    parent: (r: RegionNode) => {
      const parent = r.parentCode ? r.index.byCode.get(r.parentCode) : undefined;
      return parent ? { ...parent, level: regionLevel(parent.code), index: r.index } : null;
    },
    children: (r: RegionNode) => (r.index.children.get(r.code) ?? []).map((c) => ({ ...c, level: regionLevel(c.code), index: r.index })),
    path: (r: RegionNode) => {
      const path: RegionNode[] = [];
      for (let node: RegionRecord | undefined = r; node; node = node.parentCode ? r.index.byCode.get(node.parentCode) : undefined) {
        path.unshift({ ...node, level: regionLevel(node.code), index: r.index });
      }
      return path;
    },
  },
};
