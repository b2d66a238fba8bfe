/**
 * The applications the approval system already holds when it starts: the history of every
 * project up to its stage, as the other departments' records tell it. A stage a project has
 * passed was approved by every department before that stage's certificate (the land and
 * engineering planning permits, the construction permit or, for a project that needs none, the
 * drawing review, the completion filing); a refused application's stage has no certificate;
 * the stage a project is at is approved once its certificate is issued, and otherwise still
 * under review, waiting for corrections, refused, or not applied for yet.
 *
 * A pure function of the county, so the tests can ask which project has which application
 * without starting the system. Nothing is dated after the data set's day.
 */
import { PROJECT_STAGES, type ProjectStage } from '../../domain/stages';
import type { MessageRole } from '../../domain/case-messages';
import { closedBecause, type ReviewStatus } from '../../domain/joint-review';
import { reviewerId } from '../../domain/staff';
import { DATASET_DATE, type County, type ProjectRecord } from '../county';
import { SeededRandom } from '../shared/random';
import { CATALOG, STAGE_LANES } from './catalog';

export interface SeededTask {
  status: ReviewStatus;
  opinion: string | null;
  corrections: string[];
  /** Who accepted and decided it: none while it waits for acceptance. */
  reviewer: string | null;
  acceptedAt: string | null;
  decidedAt: string | null;
}

export interface SeededApplication {
  projectCode: string;
  stage: ProjectStage;
  submittedAt: string;
  /** One per department of the stage, in STAGE_LANES order. */
  tasks: SeededTask[];
}

const DAY = 86_400_000;
const dayBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY).toISOString().slice(0, 10);
/** Mornings for what the window receives, afternoons for what reviewers decide (China time 09:30, 16:00). */
const received = (day: string) => `${day}T01:30:00.000Z`;
const accepted = (day: string) => `${day}T03:00:00.000Z`;
const decided = (day: string) => `${day}T08:00:00.000Z`;

const APPROVED = '符合要求，同意。';
const REJECTED = '不符合规划条件，不予许可。';
const CORRECTIONS: Record<ProjectStage, string> = {
  PROJECT_LAND_PLANNING: '建设用地范围红线图',
  ENGINEERING_PERMIT: '建设工程设计方案（含总平面图）',
  CONSTRUCTION_PERMIT: '施工图设计文件审查合格书',
  COMPLETION_ACCEPTANCE: '竣工测量成果报告',
};

/** The day a stage was closed by its certificate, or null while it is not. */
export function stageCertifiedOn(project: ProjectRecord, county: County, stage: ProjectStage): string | null {
  const parcel = county.parcels.find((l) => l.unitNumber === project.parcelUnitNumber);
  switch (stage) {
    case 'PROJECT_LAND_PLANNING':
      return parcel?.landPlanningPermit?.issuedOn ?? null;
    case 'ENGINEERING_PERMIT':
      return parcel?.engineeringPlanningPermit?.issuedOn ?? null;
    case 'CONSTRUCTION_PERMIT':
      if (project.constructionPermit) return project.constructionPermit.issuedOn;
      // A project too small for a permit leaves the stage with its drawings passed.
      return !project.constructionPermitRequired && PROJECT_STAGES.indexOf(project.stage) > 2 ? (project.drawingReview?.reviewedOn ?? null) : null;
    case 'COMPLETION_ACCEPTANCE':
      return project.completionFiling?.filedOn ?? null;
  }
}

/** The project's start: the month its 投资项目代码 was given. */
const startedOn = (project: ProjectRecord) => `20${project.code.slice(0, 2)}-${project.code.slice(2, 4)}-01`;

export function seededApplications(county: County): SeededApplication[] {
  const rnd = new SeededRandom(county.seed + 1);
  const applications: SeededApplication[] = [];
  const reviewer = (departmentCode: string) => reviewerId(departmentCode, rnd.int(1, 3));

  /** Every department approved, between the application and the stage's certificate. */
  const approved = (project: ProjectRecord, stage: ProjectStage, after: string, certifiedOn: string): SeededApplication => {
    const submittedOn = rnd.date(after, certifiedOn);
    return {
      projectCode: project.code,
      stage,
      submittedAt: received(submittedOn),
      tasks: STAGE_LANES[stage].map((lane) => {
        const acceptedOn = rnd.date(submittedOn, certifiedOn);
        return {
          status: 'APPROVED',
          opinion: APPROVED,
          corrections: [],
          reviewer: reviewer(lane.departmentCode),
          acceptedAt: accepted(acceptedOn),
          decidedAt: decided(rnd.date(acceptedOn, certifiedOn)),
        };
      }),
    };
  };

  /** The stage the project is at, not yet certified: refused, waiting for corrections, or under review. */
  const current = (project: ProjectRecord, stage: ProjectStage, after: string): SeededApplication | null => {
    const roll = rnd.next();
    if (roll < 0.12) return null; // 未申报: not applied for yet.
    // Recent enough that some tasks are still within their time limit and some past it.
    const recent = dayBefore(DATASET_DATE, 30);
    const submittedOn = rnd.date(after > recent ? after : recent, DATASET_DATE);
    const lanes = STAGE_LANES[stage];
    const refusing = roll < 0.22 ? rnd.int(0, lanes.length - 1) : -1;
    const correcting = roll >= 0.22 && roll < 0.37 ? rnd.int(0, lanes.length - 1) : -1;
    const tasks = lanes.map((lane, i): SeededTask => {
      const acceptedOn = rnd.date(submittedOn, DATASET_DATE);
      const decidedOn = rnd.date(acceptedOn, DATASET_DATE);
      const settled = (status: ReviewStatus, opinion: string, corrections: string[] = []): SeededTask => ({
        status,
        opinion,
        corrections,
        reviewer: reviewer(lane.departmentCode),
        acceptedAt: accepted(acceptedOn),
        decidedAt: decided(decidedOn),
      });
      if (i === refusing) return settled('REJECTED', REJECTED);
      if (i === correcting) return settled('CORRECTIONS_REQUESTED', '材料不全，请补正。', [CORRECTIONS[stage]]);
      const progress = rnd.next();
      if (progress < 0.35) return { status: 'PENDING_ACCEPTANCE', opinion: null, corrections: [], reviewer: null, acceptedAt: null, decidedAt: null };
      if (progress < 0.75 || refusing >= 0) {
        return { status: 'IN_REVIEW', opinion: null, corrections: [], reviewer: reviewer(lane.departmentCode), acceptedAt: accepted(acceptedOn), decidedAt: null };
      }
      return settled('APPROVED', APPROVED);
    });
    // Without its certificate the stage is not passed: a department is still at it.
    if (tasks.every((t) => t.status === 'APPROVED')) Object.assign(tasks.at(-1)!, { status: 'IN_REVIEW', opinion: null, decidedAt: null });
    return { projectCode: project.code, stage, submittedAt: received(submittedOn), tasks };
  };

  for (const project of county.projects) {
    let after = startedOn(project);
    for (const stage of PROJECT_STAGES.slice(0, PROJECT_STAGES.indexOf(project.stage) + 1)) {
      const certifiedOn = stageCertifiedOn(project, county, stage);
      if (certifiedOn) {
        applications.push(approved(project, stage, after, certifiedOn));
        after = certifiedOn;
        continue;
      }
      if (stage !== project.stage) {
        throw new Error(`county data: project ${project.code} is at ${project.stage} without the certificate of ${stage} (seed ${county.seed})`);
      }
      const open = current(project, stage, after);
      if (open) applications.push(open);
    }
  }
  // The order the system received them in.
  return applications.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}

/** Projects with no application at their own stage yet (未申报), in county order: a new one can be submitted for each. */
export function notYetApplied(county: County): ProjectRecord[] {
  const applied = new Set(seededApplications(county).map((a) => `${a.projectCode} ${a.stage}`));
  return county.projects.filter((p) => !applied.has(`${p.code} ${p.stage}`));
}

export interface SeededMessage {
  /** The application, by its project and stage (the system numbers applications as it takes them in). */
  projectCode: string;
  stage: ProjectStage;
  authorId: string;
  role: MessageRole;
  /** The reviewing department, for a reviewer's message. */
  departmentCode: string | null;
  body: string;
  materialId: string | null;
  sentAt: string;
}

const HOUR = 3_600_000;
const later = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * HOUR).toISOString();
/** Who answers for the applicant in the seeded threads: the window clerk (domain/staff.ts). */
const WINDOW_CLERK = 'window-clerk';
/** How many open applications of each kind get a thread: a few, enough to show one on the dashboard. */
const THREADS = 3;

/**
 * 办件留言 The messages already on some open applications: on the first few (in the order
 * received) waiting for corrections, the reviewer who asked says what to bring, linked to
 * the checklist's material where the catalogue has one of that name, and the window clerk
 * answers for the applicant; on the first few others with a task under review, its
 * reviewer asks for a material of the department's checklist (or, with none, leaves a note). Derived from the seeded applications without drawing on their random sequence, so
 * adding messages changed no application.
 */
export function seededMessages(county: County): SeededMessage[] {
  const messages: SeededMessage[] = [];
  let correcting = 0;
  let reviewing = 0;
  for (const application of seededApplications(county)) {
    const lanes = STAGE_LANES[application.stage];
    if (closedBecause(application.tasks.map((t, i) => ({ status: t.status, department: lanes[i]!.department })))) continue;
    const at = { projectCode: application.projectCode, stage: application.stage };
    const asked = application.tasks.findIndex((t) => t.status === 'CORRECTIONS_REQUESTED');
    if (asked >= 0 && correcting < THREADS) {
      correcting += 1;
      const task = application.tasks[asked]!;
      const lane = lanes[asked]!;
      const material = CATALOG.filter((item) => lane.items.includes(item.code))
        .flatMap((item) => item.cases.flatMap((c) => c.materials))
        .find((m) => m.name === task.corrections[0]);
      messages.push(
        {
          ...at,
          authorId: task.reviewer!,
          role: 'REVIEWER',
          departmentCode: lane.departmentCode,
          body: `请按退回补正意见补充「${task.corrections.join('、')}」，补正后我们继续审查。`,
          materialId: material?.id ?? null,
          sentAt: later(task.decidedAt!, 1),
        },
        { ...at, authorId: WINDOW_CLERK, role: 'APPLICANT', departmentCode: null, body: '已转告建设单位，补正材料三个工作日内送到综合窗口。', materialId: null, sentAt: later(task.decidedAt!, 2) },
      );
      continue;
    }
    const inReview = application.tasks.findIndex((t) => t.status === 'IN_REVIEW' && t.acceptedAt);
    if (asked < 0 && inReview >= 0 && reviewing < THREADS) {
      reviewing += 1;
      const task = application.tasks[inReview]!;
      const lane = lanes[inReview]!;
      // The first material the applicant brings for the department's items, where it has any (人防办 and 档案馆 at completion have none).
      const material = CATALOG.filter((item) => lane.items.includes(item.code))
        .flatMap((item) => item.cases.flatMap((c) => c.materials))
        .find((m) => m.source === 'APPLICANT');
      messages.push({
        ...at,
        authorId: task.reviewer!,
        role: 'REVIEWER',
        departmentCode: lane.departmentCode,
        body: material ? `已受理。请补充「${material.name}」的电子版（PDF），便于并联审查。` : '已受理，正在审查。如需补充材料，将在此留言告知。',
        materialId: material?.id ?? null,
        sentAt: later(task.acceptedAt!, 3),
      });
    }
    if (correcting >= THREADS && reviewing >= THREADS) break;
  }
  return messages;
}
